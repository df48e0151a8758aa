"""Provenance check: what lets anyone trace a claim to its source.

Always: a fact's ``figure`` is a figure (it holds a number, no sentence), an event's is a date
that agrees with ``date``, a relation has none; evidence names other claims; a ``corroborated``
claim rests on evidence from a source of another lineage (a reprint of the same report never
corroborates it).

Where the text a source was read from is in ``archive/<source_id>.txt`` (kept by curators, never
in git or any release): the normalised text has the recorded ``text_sha256``; each claim's
passage has its ``passage_sha256`` at its offset; the figure stands in that passage; and our own
words (context, description, assessment note) share no run of the source's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..archive import ARCHIVE_DIR
from ..copying import shared_run
from ..fingerprint import Passage, find_by_fingerprint, normalise, sha256, simhash
from ..numbers import read_figure
from ..periods import read_printed_date
from ..problems import Problem
from ..raw import RawPackage, Row
from ._claims import claims, split_ids

# A figure holds no sentence: no clause or sentence punctuation, no comma but one before a
# digit (1,234 or December 5, 2025), no quotation marks.
SENTENCE_PUNCT = re.compile(r"[。，；！？;!?\n\r「」“”\"]|,(?!\s?\d)")
OWN_WORDS = {"facts": ("context",), "events": ("description",), "relations": ("context",)}


@dataclass
class ArchiveCoverage:
    """How many sources and claims the validator could check against a text in archive/."""

    sources: int = 0
    sources_with_text: int = 0
    claims: int = 0
    claims_checked: int = 0

    def line(self) -> str:
        return (
            f"passages: {self.claims_checked} of {self.claims} claims checked against the texts of "
            f"{self.sources_with_text} of {self.sources} sources found in {ARCHIVE_DIR}/"
        )


def check(package: RawPackage) -> list[Problem]:
    problems, _ = check_with_coverage(package)
    return problems


def check_with_coverage(package: RawPackage) -> tuple[list[Problem], ArchiveCoverage]:
    problems: list[Problem] = []
    coverage = ArchiveCoverage()
    problems += _figures_are_figures(package)
    problems += _independent_corroboration(package)
    texts = _archived_texts(package, problems, coverage)
    broken_sources: set[str] = set()
    for table, _key, row in claims(package):
        coverage.claims += 1
        sid = row.get("source_id")
        if sid not in texts:
            continue
        text, unchanged = texts[sid]
        coverage.claims_checked += 1
        found = _passage(package, table, row, text)
        if found and not unchanged:
            broken_sources.add(sid)
        problems += found
        problems += _own_words(package, table, row, text)
    for sid, (text, unchanged) in sorted(texts.items()):
        if not unchanged and sid not in broken_sources:
            problems.append(_text_changed(package, sid, text))
    return problems, coverage


def _problem(file: str, row: Row | None, column: str | None, code: str, message: str, hint: str) -> Problem:
    return Problem(file, row.line if row else None, column, message, hint, "provenance", code)


def _figures_are_figures(package: RawPackage) -> list[Problem]:
    problems: list[Problem] = []
    for table, _key, row in claims(package):
        figure = row.get("figure")
        file = package.path_of(table)
        if table == "relations":
            if figure:
                problems.append(
                    _problem(file, row, "figure", "figure-on-relation", "a relation has no figure", "empty the cell")
                )
            continue
        if not figure:
            if table == "facts" and row.get("derivation") != "derived":
                problems.append(
                    _problem(
                        file,
                        row,
                        "figure",
                        "figure-missing",
                        "empty, but the fact is stated by its source",
                        "write the figure exactly as printed (number, unit, qualifier and sign words), "
                        "or set derivation to derived",
                    )
                )
            continue
        if SENTENCE_PUNCT.search(figure) or len(figure) > 48:
            problems.append(
                _problem(
                    file,
                    row,
                    "figure",
                    "figure-not-figure",
                    f"{figure!r} is not a figure: it holds sentence punctuation or runs past 48 characters",
                    "keep only the number with its unit, qualifier and sign words, as printed",
                )
            )
            continue
        if table == "facts":
            if read_figure(figure) is None:
                problems.append(
                    _problem(
                        file,
                        row,
                        "figure",
                        "figure-no-number",
                        f"{figure!r} holds no number",
                        "write the figure as printed, with its number",
                    )
                )
        else:
            printed = read_printed_date(figure)
            if printed is None:
                problems.append(
                    _problem(
                        file,
                        row,
                        "figure",
                        "figure-not-date",
                        f"{figure!r} is not a date as printed",
                        "an event's figure is the date as the source prints it (12月5日, December 5, 2025), or empty",
                    )
                )
            elif not printed.agrees_with(row.get("date")):
                problems.append(
                    _problem(
                        file,
                        row,
                        "figure",
                        "figure-date-mismatch",
                        f"{figure!r} does not agree with date {row.get('date') or '(empty)'}",
                        "set date to the date the figure prints, or correct the figure",
                    )
                )
    return problems


def _independent_corroboration(package: RawPackage) -> list[Problem]:
    """A corroborated claim needs evidence from a source of another lineage."""
    lineage = {row.get("source_id"): row.get("lineage") or row.get("source_id") for row in package.rows("sources")}
    source_of = {row.get(key): row.get("source_id") for _, key, row in claims(package)}
    problems: list[Problem] = []
    for table, key, row in claims(package):
        if row.get("assessment") != "corroborated":
            continue
        own = lineage.get(row.get("source_id"), row.get("source_id"))
        evidence = [ref for ref in split_ids(row.get("evidence_ids")) if ref in source_of and ref != row.get(key)]
        others = [ref for ref in evidence if lineage.get(source_of[ref], source_of[ref]) != own]
        if evidence and not others:
            problems.append(
                _problem(
                    package.path_of(table),
                    row,
                    "evidence_ids",
                    "corroboration-same-lineage",
                    f"corroborated, but every claim of its evidence ({', '.join(evidence)}) comes from lineage {own}",
                    "a reprint, relay or summary of the same report is not independent: name evidence from "
                    "another lineage, or set the assessment to unverified",
                )
            )
    return problems


def _archived_texts(
    package: RawPackage, problems: list[Problem], coverage: ArchiveCoverage
) -> dict[str, tuple[str, bool]]:
    """Normalised texts of the sources whose text is in archive/, each with whether it has the
    recorded hash (a text that differs is still searched, so that the claims it breaks are named)."""
    folder = package.root / ARCHIVE_DIR
    texts: dict[str, tuple[str, bool]] = {}
    for row in package.rows("sources"):
        coverage.sources += 1
        sid = row.get("source_id")
        path = folder / f"{sid}.txt"
        if not sid or not path.is_file() or path.is_symlink():
            continue
        coverage.sources_with_text += 1
        try:
            text = normalise(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            problems.append(
                _problem(
                    f"{ARCHIVE_DIR}/{sid}.txt",
                    None,
                    None,
                    "archive-unreadable",
                    "not readable UTF-8 text",
                    "save it as UTF-8",
                )
            )
            continue
        texts[sid] = (text, sha256(text) == row.get("text_sha256") and str(len(text)) == row.get("text_chars"))
    return texts


def _text_changed(package: RawPackage, sid: str, text: str) -> Problem:
    """The archived text differs from the recorded one, yet every passage read from it still stands."""
    row = next(r for r in package.rows("sources") if r.get("source_id") == sid)
    return _problem(
        package.path_of("sources"),
        row,
        "text_sha256",
        "text-hash-mismatch",
        f"{ARCHIVE_DIR}/{sid}.txt normalises to {len(text)} characters with SHA-256 {sha256(text)[:12]}…, "
        f"not the recorded {row.get('text_chars') or '?'} characters, {(row.get('text_sha256') or 'nothing')[:12]}…",
        "the text differs from the one the claims were read from (outside their passages): restore it, or "
        "re-read the source and record text_sha256 and text_chars with `cnaccel fingerprint`",
    )


def _passage(package: RawPackage, table: str, row: Row, text: str) -> list[Problem]:
    file = package.path_of(table)
    try:
        passage = Passage(row.get("passage_sha256"), int(row.get("passage_start")), int(row.get("passage_chars")))
    except ValueError:
        return []  # the schema check reports a passage offset that is not a whole number
    if not passage.matches(text):
        found = find_by_fingerprint(text, passage)
        hint = (
            f"the passage stands at {found}: set passage_start to {found}"
            if found is not None
            else "the text at that offset is not the passage: re-record it with `cnaccel fingerprint`"
        )
        return [
            _problem(
                file,
                row,
                "passage_sha256",
                "passage-mismatch",
                f"the {passage.chars} characters at {passage.start} of {ARCHIVE_DIR}/{row.get('source_id')}.txt "
                "do not have this SHA-256",
                hint,
            )
        ]
    if simhash(passage.cut(text)) != row.get("passage_simhash"):
        return [
            _problem(
                file,
                row,
                "passage_simhash",
                "passage-simhash-mismatch",
                f"is not the similarity hash of the passage ({simhash(passage.cut(text))})",
                "re-record the passage with `cnaccel fingerprint`",
            )
        ]
    figure = row.get("figure")
    if figure and table != "relations" and normalise(figure) not in passage.cut(text):
        return [
            _problem(
                file,
                row,
                "figure",
                "figure-not-in-passage",
                f"{figure!r} does not stand in the passage",
                "copy the figure from the passage exactly as printed",
            )
        ]
    return []


def _own_words(package: RawPackage, table: str, row: Row, text: str) -> list[Problem]:
    problems = []
    for column in (*OWN_WORDS[table], "assessment_note"):
        run = shared_run(row.get(column), text)
        if run:
            problems.append(
                _problem(
                    package.path_of(table),
                    row,
                    column,
                    "copied-text",
                    f"repeats the source's words {run!r}",
                    "say it in our own words: the package keeps figures, never a source's sentences",
                )
            )
    return problems
