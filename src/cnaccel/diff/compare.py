"""Comparing two versions of the package table by table, row by row on the primary key: what was
added, changed and removed, and for claims which were retracted, superseded or reassessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..schema import CLAIM_TABLES
from .versions import Table, Version, load_version

MAJOR_VERSION_NOTE = "a changed column means a major version"
REMOVED_CLAIMS_NOTE = "claims must never be deleted"


def natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key ordering ids by their numbers (F999 before F1000), then by text."""
    parts = re.split(r"(\d+)", text)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text


def _sorted(ids: object) -> list[str]:
    return sorted(ids, key=natural_key)  # type: ignore[arg-type]


@dataclass(frozen=True)
class FieldChange:
    """One cell that differs: its column, the old and the new value."""

    field: str
    old: str
    new: str


@dataclass
class RowChange:
    """A row present in both versions whose cells differ (for claims: other than ``assessment``)."""

    id: str
    changes: list[FieldChange]


@dataclass
class AssessmentChange:
    """A claim whose assessment changed; ``note`` is its new assessment_note, ``by`` the claims
    that name it in ``supersedes`` in the new version."""

    id: str
    old: str
    new: str
    note: str = ""
    by: list[str] = field(default_factory=list)


COUNT_NAMES = (
    "added",
    "changed",
    "reassessed",
    "superseded",
    "retracted",
    "removed",
    "columns_added",
    "columns_removed",
)


@dataclass
class TableDiff:
    """The differences in one table; the assessment lists stay empty for tables that are not claims."""

    table: str
    claims: bool
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    retracted: list[AssessmentChange] = field(default_factory=list)
    superseded: list[AssessmentChange] = field(default_factory=list)
    reassessed: list[AssessmentChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each kind of difference, in a fixed order."""
        return {name: len(getattr(self, name)) for name in COUNT_NAMES}

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())


@dataclass
class Diff:
    """Everything that differs between two versions of the package."""

    old_version: str
    new_version: str
    old_origin: str
    new_origin: str
    tables: list[TableDiff] = field(default_factory=list)
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the data are the same (the version strings may still differ)."""
        return not self.tables_added and not self.tables_removed and all(t.empty for t in self.tables)

    def table(self, name: str) -> TableDiff:
        for t in self.tables:
            if t.table == name:
                return t
        raise KeyError(name)


def _is_claims(name: str, columns: list[str]) -> bool:
    return name in CLAIM_TABLES or "assessment" in columns  # any table with an assessment holds claims


def _superseded_by(rows: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """For each claim id, the claims naming it in their ``supersedes`` cell."""
    by: dict[str, list[str]] = {}
    for row_id, row in rows.items():
        for target in (row.get("supersedes") or "").split("|"):
            if target.strip():
                by.setdefault(target.strip(), []).append(row_id)
    return {k: _sorted(v) for k, v in by.items()}


def _diff_table(name: str, old: Table | None, new: Table | None) -> TableDiff:
    old_cols = old.columns if old else []
    new_cols = new.columns if new else []
    old_rows = old.rows if old else {}
    new_rows = new.rows if new else {}
    claims = _is_claims(name, new_cols or old_cols)
    result = TableDiff(name, claims)
    if old and new:
        result.columns_added = [c for c in new_cols if c not in old_cols]
        result.columns_removed = [c for c in old_cols if c not in new_cols]
    result.added = _sorted(new_rows.keys() - old_rows.keys())
    result.removed = _sorted(old_rows.keys() - new_rows.keys())
    common = [c for c in new_cols if c in old_cols]
    by = _superseded_by(new_rows) if claims else {}
    for row_id in _sorted(old_rows.keys() & new_rows.keys()):
        before, after = old_rows[row_id], new_rows[row_id]
        compared = common
        if claims and "assessment" in common:
            compared = [c for c in common if c != "assessment"]
            if before["assessment"] != after["assessment"]:
                change = AssessmentChange(
                    row_id,
                    before["assessment"],
                    after["assessment"],
                    after.get("assessment_note", ""),
                    by.get(row_id, []),
                )
                if change.new == "retracted":
                    result.retracted.append(change)
                elif change.new == "superseded":
                    result.superseded.append(change)
                else:
                    result.reassessed.append(change)
        changes = [FieldChange(c, before[c], after[c]) for c in compared if before[c] != after[c]]
        if changes:
            result.changed.append(RowChange(row_id, changes))
    return result


def _major(version: str) -> int | None:
    found = re.match(r"v?(\d+)\.", version)
    return int(found.group(1)) if found else None


def diff_versions(old: Version, new: Version) -> Diff:
    """Compare ``old`` with ``new`` table by table, row by row on the primary key."""
    result = Diff(old.version, new.version, old.origin, new.origin)
    names = list(new.tables) + [n for n in old.tables if n not in new.tables]
    result.tables_added = [n for n in new.tables if n not in old.tables]
    result.tables_removed = [n for n in old.tables if n not in new.tables]
    for name in names:
        result.tables.append(_diff_table(name, old.tables.get(name), new.tables.get(name)))
    for t in result.tables:
        if t.claims and t.removed:
            result.warnings.append(
                f"{t.table}: {len(t.removed)} removed ({REMOVED_CLAIMS_NOTE}; mark them retracted or superseded "
                f"instead): {compress_ids(t.removed)}"
            )
        for s in t.superseded:
            if not s.by:
                result.warnings.append(f"{t.table}: {s.id} is marked superseded but no claim names it in supersedes")
    column_changes = [t.table for t in result.tables if t.columns_added or t.columns_removed]
    column_changes += result.tables_removed
    old_major, new_major = _major(old.version), _major(new.version)
    if column_changes and old_major is not None and new_major is not None and new_major <= old_major:
        result.warnings.append(
            f"columns changed in {', '.join(column_changes)} but the major version did not change "
            f"({old.version} → {new.version}); {MAJOR_VERSION_NOTE}"
        )
    return result


def diff_specs(old: str, new: str, *, repo: str | Path | None = None) -> Diff:
    """Load two versions by spec and compare them (what ``cnaccel diff OLD NEW`` does)."""
    return diff_versions(load_version(old, repo=repo), load_version(new, repo=repo))


def compress_ids(ids: list[str]) -> str:
    """Ids joined by commas, runs of three or more consecutive numbers written as ranges (F0001–F0042)."""
    parts: list[str] = []
    run: list[tuple[str, int, str]] = []  # (prefix, number, id) of the current run

    def flush() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0][2]}–{run[-1][2]}")
        else:
            parts.extend(r[2] for r in run)
        run.clear()

    for row_id in ids:
        found = re.fullmatch(r"(.*?)(\d+)", row_id)
        if not found:
            flush()
            parts.append(row_id)
            continue
        prefix, digits = found.group(1), found.group(2)
        entry = (prefix, int(digits), row_id)
        last = run[-1] if run else None
        if last and (last[0], last[1] + 1, len(last[2])) != (prefix, entry[1], len(row_id)):
            flush()
        run.append(entry)
    flush()
    return ", ".join(parts)
