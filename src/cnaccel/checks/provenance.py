"""Provenance check: every quote stands verbatim in its source's archived text, and every
archived text still has the SHA-256 recorded for it.

Archives live in ``sources/<source_id>.txt`` in the repository only; an installed wheel has no
archives, so this check reports their absence once rather than once per quote.
"""

from __future__ import annotations

import hashlib
import unicodedata

from ..problems import Problem
from ..raw import RawPackage
from ._claims import claims

ARCHIVE_DIR = "sources"


def _loose(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def check(package: RawPackage) -> list[Problem]:
    problems: list[Problem] = []
    sources_file = package.path_of("sources")
    folder = package.root / ARCHIVE_DIR
    if not folder.is_dir():
        return [
            Problem(
                ARCHIVE_DIR,
                None,
                None,
                "no archived source texts here, so quotes and hashes cannot be verified",
                "run validate in a clone of the repository, which keeps the archives",
                "provenance",
            )
        ]
    texts: dict[str, str] = {}
    languages: dict[str, str] = {}
    for row in package.rows("sources"):
        sid = row.get("source_id")
        languages[sid] = row.get("language")
        path = folder / f"{sid}.txt"
        rel = f"{ARCHIVE_DIR}/{sid}.txt"
        if not path.is_file():
            problems.append(
                Problem(
                    sources_file,
                    row.line,
                    "source_id",
                    f"no archived text at {rel}",
                    "archive the retrieved text there and record its SHA-256",
                    "provenance",
                )
            )
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        recorded = row.get("archive_sha256")
        if digest != recorded:
            problems.append(
                Problem(
                    sources_file,
                    row.line,
                    "archive_sha256",
                    f"{rel} has SHA-256 {digest[:12]}…, not the recorded {recorded[:12] or 'nothing'}…",
                    "the archive changed after it was hashed: restore the archived text, or re-archive "
                    "the source and record the new hash",
                    "provenance",
                )
            )
        try:
            texts[sid] = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(
                Problem(rel, None, None, "archived text is not UTF-8", "re-archive it as UTF-8", "provenance")
            )
    known = set(languages)
    for path in sorted(folder.glob("*")):
        if path.is_file() and not path.name.startswith(".") and path.stem not in known:
            problems.append(
                Problem(
                    f"{ARCHIVE_DIR}/{path.name}",
                    None,
                    None,
                    "archived text has no row in the sources table",
                    "add its source row or remove the file",
                    "provenance",
                )
            )
    for table, _key, row in claims(package):
        file = package.path_of(table)
        sid = row.get("source_id")
        quote = row.get("quote")
        if sid in texts and quote and quote not in texts[sid]:
            near = _loose(quote) in _loose(texts[sid])
            problems.append(
                Problem(
                    file,
                    row.line,
                    "quote",
                    f"not found verbatim in {ARCHIVE_DIR}/{sid}.txt",
                    "it differs only in spaces or character width: copy it from the archive exactly"
                    if near
                    else "copy the quote from the archived text, character for character",
                    "provenance",
                )
            )
        lang = languages.get(sid, "")
        if lang and not lang.lower().startswith("en") and not row.get("quote_en"):
            problems.append(
                Problem(
                    file,
                    row.line,
                    "quote_en",
                    f"missing, and the source's language is {lang}",
                    "add an English translation of the quote",
                    "provenance",
                )
            )
    return problems
