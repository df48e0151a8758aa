"""The curator's archive: the texts sources were read from, kept in ``archive/`` outside git.

The package holds fingerprints, not texts.  A curator keeps each text as read in
``archive/<source_id>.txt`` so that ``cnaccel validate`` can check the fingerprints, and records a
new claim's passage with :func:`fingerprint_passage`.  The texts read for versions up to 0.2.0
stand in the repository's history; :func:`restore_from_git` puts them back in ``archive/``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .fingerprint import locate, normalise, simhash, text_fingerprint

ARCHIVE_DIR = "archive"
# The last commit whose tree kept the texts of the sources read up to version 0.2.0 (in sources/).
LAST_WITH_TEXTS = "be3565cfe2bef3c68631fe15ec4d03b9706edd0b"


class ArchiveError(Exception):
    """The archive cannot do what was asked; the message is one line for the user."""


@dataclass(frozen=True)
class PassageRecord:
    """The provenance columns of a new claim row."""

    passage_sha256: str
    passage_start: int
    passage_chars: int
    passage_simhash: str
    figure_found: bool | None


def archive_path(root: Path, source_id: str) -> Path:
    return Path(root) / ARCHIVE_DIR / f"{source_id}.txt"


def read_archived(root: Path, source_id: str) -> str:
    path = archive_path(root, source_id)
    if not path.is_file():
        raise ArchiveError(f"{path}: no text here; save the text of source {source_id} there first")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ArchiveError(f"{path}: not UTF-8; save the text as UTF-8") from None


def fingerprint_source(root: Path, source_id: str) -> tuple[str, int]:
    """(text_sha256, text_chars) of the archived text of ``source_id``."""
    return text_fingerprint(read_archived(root, source_id))


def fingerprint_passage(root: Path, source_id: str, passage: str, figure: str = "") -> PassageRecord:
    """The passage columns for a claim whose passage is ``passage`` (as printed) in the archived text."""
    text = normalise(read_archived(root, source_id))
    found = locate(text, passage)
    if found is None:
        raise ArchiveError(
            f"the passage is not in {archive_path(root, source_id)}: copy it from that text (spacing and "
            "character width do not matter)"
        )
    cut = found.cut(text)
    return PassageRecord(
        found.sha256, found.start, found.chars, simhash(cut), (normalise(figure) in cut) if figure else None
    )


def restore_from_git(
    root: Path, rev: str = LAST_WITH_TEXTS, *, overwrite: bool = False, into: Path | None = None
) -> list[str]:
    """Write ``<source_id>.txt`` for every text kept under ``sources/`` at commit ``rev`` of the
    repository at ``root`` into ``into`` (default: ``root/archive``); returns the ids restored."""
    root = Path(root)

    def git(*args: str) -> bytes:
        try:
            result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
        except OSError as exc:
            raise ArchiveError(f"git is not available ({exc}); install git or restore the texts by hand") from None
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ArchiveError(
                f"git {' '.join(args[:2])} failed in {root} ({detail[-1] if detail else 'no message'}); "
                "run this in a full clone of the repository (not a shallow one)"
            )
        return result.stdout

    listing = git("ls-tree", "--name-only", f"{rev}:sources").decode("utf-8").splitlines()
    names = [n for n in listing if n.endswith(".txt")]
    folder = Path(into) if into is not None else root / ARCHIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    restored = []
    for name in names:
        target = folder / name
        if target.exists() and not overwrite:
            continue
        target.write_bytes(git("show", f"{rev}:sources/{name}"))
        restored.append(name[: -len(".txt")])
    return restored
