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
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from ..archive import ARCHIVE_DIR
from ..copying import shared_run
from ..fingerprint import Passage, find_by_fingerprint, normalise, sha256, simhash
from ..numbers import read_figure
from ..periods import read_printed_date
from ..problems import Problem
from ..reader import Package, Table
from ._columns import Finding, Report, claim_tables, filled, per_distinct, split_ids, where

# A figure holds no sentence: no clause or sentence punctuation, no comma but one before a
# digit (1,234 or December 5, 2025), no quotation marks.
SENTENCE_PUNCT = re.compile(r"[。，；！？;!?\n\r「」“”\"]|,(?!\s?\d)")
OWN_WORDS = {"facts": ("context",), "events": ("description",), "relations": ("context",)}
PASSAGE = ("source_id", "passage_sha256", "passage_start", "passage_chars", "passage_simhash", "figure")


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


def check(package: Package) -> list[Problem]:
    problems, _ = check_with_coverage(package)
    return problems


def check_with_coverage(package: Package) -> tuple[list[Problem], ArchiveCoverage]:
    report = Report("provenance")
    coverage = ArchiveCoverage()
    _figures_are_figures(package, report)
    _independent_corroboration(package, report)
    texts = _archived_texts(package, report, coverage)
    with_text = pa.array(sorted(texts), pa.string())
    broken_sources: set[str] = set()
    for name, _key, table in claim_tables(package):
        coverage.claims += len(table)
        if not len(table) or not len(with_text):
            continue
        checked = pc.is_in(table.column("source_id"), value_set=with_text)
        coverage.claims_checked += len(where(checked))
        found = per_distinct(table, PASSAGE, lambda name=name, **cells: _passage(name, texts, cells), checked)
        for index, _finding in found:
            sid = table.column("source_id")[index].as_py()
            if not texts[sid][1]:
                broken_sources.add(sid)
        report.each(table, found)
        for column in (*OWN_WORDS[name], "assessment_note"):
            rows = pc.and_(checked, filled(table.column(column)))
            report.each(table, per_distinct(table, ("source_id", column), _own_words(texts, column), rows))
    sources = package.table("sources")
    ids = sources.values("source_id")
    for sid, (text, unchanged) in sorted(texts.items()):
        if not unchanged and sid not in broken_sources:
            _text_changed(report, sources, ids.index(sid), text)
    return report.problems, coverage


@lru_cache(maxsize=1 << 16)
def _reads_as_number(figure: str) -> bool:
    return read_figure(figure) is not None


def _figure_finding(table: str, figure: str, derivation: str = "", date: str = "") -> Finding | None:
    """What is wrong with a claim's figure as a figure, or None."""
    if table == "relations":
        return ("figure", "figure-on-relation", "a relation has no figure", "empty the cell") if figure else None
    if not figure:
        if table == "facts" and derivation != "derived":
            return (
                "figure", "figure-missing", "empty, but the fact is stated by its source",
                "write the figure exactly as printed (number, unit, qualifier and sign words), "
                "or set derivation to derived",
            )  # fmt: skip
        return None
    if SENTENCE_PUNCT.search(figure) or len(figure) > 48:
        return (
            "figure", "figure-not-figure",
            f"{figure!r} is not a figure: it holds sentence punctuation or runs past 48 characters",
            "keep only the number with its unit, qualifier and sign words, as printed",
        )  # fmt: skip
    if table == "facts":
        if not _reads_as_number(figure):
            return (
                "figure",
                "figure-no-number",
                f"{figure!r} holds no number",
                "write the figure as printed, with its number",
            )
        return None
    printed = read_printed_date(figure)
    if printed is None:
        return (
            "figure", "figure-not-date", f"{figure!r} is not a date as printed",
            "an event's figure is the date as the source prints it (12月5日, December 5, 2025), or empty",
        )  # fmt: skip
    if not printed.agrees_with(date):
        return (
            "figure", "figure-date-mismatch", f"{figure!r} does not agree with date {date or '(empty)'}",
            "set date to the date the figure prints, or correct the figure",
        )  # fmt: skip
    return None


def _figures_are_figures(package: Package, report: Report) -> None:
    columns = {"facts": ("figure", "derivation"), "events": ("figure", "date"), "relations": ("figure",)}
    for name, _key, table in claim_tables(package):
        report.each(
            table, per_distinct(table, columns[name], lambda name=name, **cells: _figure_finding(name, **cells))
        )


def _independent_corroboration(package: Package, report: Report) -> None:
    """A corroborated claim needs evidence from a source of another lineage."""
    sources = package.table("sources")
    lineage = {
        sid: line or sid for sid, line in zip(sources.values("source_id"), sources.values("lineage"), strict=True)
    }
    tables = list(claim_tables(package))
    corroborated = {name: where(pc.equal(t.column("assessment"), "corroborated")) for name, _k, t in tables}
    wanted = sorted({ref for name, _k, t in tables for i in corroborated[name]
                     for ref in split_ids(t.column("evidence_ids")[i].as_py())})  # fmt: skip
    source_of: dict[str, str] = {}
    for _name, key, t in tables:
        hits = where(pc.is_in(t.column(key), value_set=pa.array(wanted, pa.string())))
        for i in hits:
            source_of[t.column(key)[i].as_py()] = t.column("source_id")[i].as_py()
    for name, key, t in tables:
        for i in corroborated[name]:
            own_id, sid = t.column(key)[i].as_py(), t.column("source_id")[i].as_py()
            own = lineage.get(sid, sid)
            refs = split_ids(t.column("evidence_ids")[i].as_py())
            evidence = [ref for ref in refs if ref in source_of and ref != own_id]
            others = [ref for ref in evidence if lineage.get(source_of[ref], source_of[ref]) != own]
            if evidence and not others:
                report.at(
                    t, i, "evidence_ids", "corroboration-same-lineage",
                    f"corroborated, but every claim of its evidence ({', '.join(evidence)}) comes from lineage {own}",
                    "a reprint, relay or summary of the same report is not independent: name evidence from "
                    "another lineage, or set the assessment to unverified",
                )  # fmt: skip


def _archived_texts(package: Package, report: Report, coverage: ArchiveCoverage) -> dict[str, tuple[str, bool]]:
    """Normalised texts of the sources whose text is in archive/, each with whether it has the
    recorded hash (a text that differs is still searched, so that the claims it breaks are named)."""
    sources = package.table("sources")
    texts: dict[str, tuple[str, bool]] = {}
    rows = zip(sources.values("source_id"), sources.values("text_sha256"), sources.values("text_chars"), strict=True)
    for sid, recorded, chars in rows:
        coverage.sources += 1
        data = package.archive_text(sid)
        if data is None:
            continue
        coverage.sources_with_text += 1
        try:
            text = normalise(data.decode("utf-8"))
        except UnicodeDecodeError:
            report.file(f"{ARCHIVE_DIR}/{sid}.txt", "archive-unreadable", "not readable UTF-8 text", "save it as UTF-8")
            continue
        texts[sid] = (text, sha256(text) == recorded and str(len(text)) == chars)
    return texts


def _text_changed(report: Report, sources: Table, index: int, text: str) -> None:
    """The archived text differs from the recorded one, yet every passage read from it still stands."""
    row = sources.row(index)
    report.at(
        sources, index, "text_sha256", "text-hash-mismatch",
        f"{ARCHIVE_DIR}/{row['source_id']}.txt normalises to {len(text)} characters with SHA-256 {sha256(text)[:12]}…, "
        f"not the recorded {row.get('text_chars') or '?'} characters, {(row.get('text_sha256') or 'nothing')[:12]}…",
        "the text differs from the one the claims were read from (outside their passages): restore it, or "
        "re-read the source and record text_sha256 and text_chars with `cnaccel fingerprint`",
    )  # fmt: skip


def _passage(table: str, texts: dict[str, tuple[str, bool]], cells: dict[str, str]) -> Finding | None:
    text = texts[cells["source_id"]][0]
    try:
        passage = Passage(cells["passage_sha256"], int(cells["passage_start"]), int(cells["passage_chars"]))
    except ValueError:
        return None  # the schema check reports a passage offset that is not a whole number
    if not passage.matches(text):
        found = find_by_fingerprint(text, passage)
        hint = (
            f"the passage stands at {found}: set passage_start to {found}"
            if found is not None
            else "the text at that offset is not the passage: re-record it with `cnaccel fingerprint`"
        )
        return (
            "passage_sha256", "passage-mismatch",
            f"the {passage.chars} characters at {passage.start} of {ARCHIVE_DIR}/{cells['source_id']}.txt "
            "do not have this SHA-256",
            hint,
        )  # fmt: skip
    if simhash(passage.cut(text)) != cells["passage_simhash"]:
        return (
            "passage_simhash", "passage-simhash-mismatch",
            f"is not the similarity hash of the passage ({simhash(passage.cut(text))})",
            "re-record the passage with `cnaccel fingerprint`",
        )  # fmt: skip
    figure = cells["figure"]
    if figure and table != "relations" and normalise(figure) not in passage.cut(text):
        return (
            "figure", "figure-not-in-passage", f"{figure!r} does not stand in the passage",
            "copy the figure from the passage exactly as printed",
        )  # fmt: skip
    return None


def _own_words(texts: dict[str, tuple[str, bool]], column: str):
    def rule(source_id: str, **cells: str) -> Finding | None:
        run = shared_run(cells[column], texts[source_id][0])
        if not run:
            return None
        return (
            column, "copied-text", f"repeats the source's words {run!r}",
            "say it in our own words: the package keeps figures, never a source's sentences",
        )  # fmt: skip

    return rule
