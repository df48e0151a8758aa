"""Writing the list of changes between two versions: text for a changelog entry, or JSON."""

from __future__ import annotations

import json

from .compare import MAJOR_VERSION_NOTE, REMOVED_CLAIMS_NOTE, AssessmentChange, Diff, TableDiff, compress_ids


def _value(text: str, width: int | None, start: int = 0) -> str:
    """``text`` quoted, from ``start`` (marked …) and cut to ``width`` characters (marked …)."""
    part = text[start:]
    if width is not None and len(part) > width:
        part = part[: max(width - 1, 1)] + "…"
    return json.dumps(("…" if start else "") + part, ensure_ascii=False)


def _values(old: str, new: str, width: int | None) -> str:
    """``old → new``; when cut, both start shortly before their first difference so that it shows."""
    start = 0
    if width is not None and max(len(old), len(new)) > width:
        common = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        start = common - 20 if common > 40 else 0
    return f"{_value(old, width, start)} → {_value(new, width, start)}"


def _summary(t: TableDiff) -> str:
    labels = {"columns_added": "columns added", "columns_removed": "columns removed"}
    items = [f"{n} {labels.get(k, k)}" for k, n in t.counts().items() if n]
    return f"- {t.table}: " + ", ".join(items)


def format_text(diff: Diff, *, width: int | None = 100) -> str:
    """The diff as Keep a Changelog sections (Added, Changed, Deprecated, Removed), counts first.

    Long cell values are cut to ``width`` characters (None: never); the JSON form keeps them whole.
    """
    versions = diff.old_version or "(no version)"
    if diff.new_version != diff.old_version:
        versions += f" → {diff.new_version or '(no version)'}"
    if diff.empty:
        what = "no differences" if diff.new_version == diff.old_version else "no differences in the data"
        return f"{what} between {diff.old_origin} and {diff.new_origin} (version {versions})"
    lines = [f"cnaccel {versions}", f"old: {diff.old_origin}", f"new: {diff.new_origin}", ""]
    changed_tables = [t for t in diff.tables if not t.empty]
    lines += [_summary(t) for t in changed_tables]
    lines += [f"- table {n}: added" for n in diff.tables_added]
    lines += [f"- table {n}: removed" for n in diff.tables_removed]
    if diff.warnings:
        lines.append("")
        lines += [f"WARNING: {w}" for w in diff.warnings]

    added: list[str] = [f"- table {n} ({len(diff.table(n).added)} rows)" for n in diff.tables_added]
    changed: list[str] = []
    deprecated: list[str] = []
    removed: list[str] = []
    for t in changed_tables:
        if t.added and t.table not in diff.tables_added:
            added.append(f"- {t.table}: {len(t.added)} added: {compress_ids(t.added)}")
        if t.columns_added:
            added.append(f"- {t.table}: columns added: {', '.join(t.columns_added)} ({MAJOR_VERSION_NOTE})")
        if t.reassessed:
            changed.append(f"- {t.table}: {len(t.reassessed)} reassessed:")
            changed += [f"  - {a.id}: {a.old} → {a.new}" for a in t.reassessed]
        if t.changed:
            changed.append(f"- {t.table}: {len(t.changed)} changed:")
            changed += [f"  - {r.id} {c.field}: {_values(c.old, c.new, width)}" for r in t.changed for c in r.changes]
        if t.superseded:
            deprecated.append(f"- {t.table}: {len(t.superseded)} superseded:")
            deprecated += [
                f"  - {a.id} (was {a.old})" + (f", superseded by {', '.join(a.by)}" if a.by else "")
                for a in t.superseded
            ]
        if t.retracted:
            removed.append(f"- {t.table}: {len(t.retracted)} retracted (the rows stay, marked retracted):")
            removed += [
                f"  - {a.id} (was {a.old})" + (f": {_value(a.note, width)}" if a.note else "") for a in t.retracted
            ]
        if t.removed and t.table not in diff.tables_removed:
            note = f" ({REMOVED_CLAIMS_NOTE})" if t.claims else ""
            removed.append(f"- {t.table}: {len(t.removed)} removed{note}: {compress_ids(t.removed)}")
        if t.columns_removed:
            removed.append(f"- {t.table}: columns removed: {', '.join(t.columns_removed)} ({MAJOR_VERSION_NOTE})")
    for n in diff.tables_removed:
        t = diff.table(n)
        note = f"; {REMOVED_CLAIMS_NOTE}" if t.claims else ""
        removed.append(f"- table {n} ({len(t.removed)} rows{note})")
    for title, body in (("Added", added), ("Changed", changed), ("Deprecated", deprecated), ("Removed", removed)):
        if body:
            lines += ["", f"### {title}", *body]
    return "\n".join(lines)


def _assessment(a: AssessmentChange) -> dict:
    return {"id": a.id, "old": a.old, "new": a.new, "note": a.note, "by": a.by}


def to_dict(diff: Diff) -> dict:
    """The diff as plain data, keys in a fixed order, every table present."""
    tables: dict[str, dict] = {}
    for t in diff.tables:
        entry: dict = {
            "claims": t.claims,
            "counts": t.counts(),
            "columns_added": t.columns_added,
            "columns_removed": t.columns_removed,
            "added": t.added,
            "removed": t.removed,
            "changed": [
                {"id": r.id, "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in r.changes]}
                for r in t.changed
            ],
        }
        if t.claims:
            entry["retracted"] = [_assessment(a) for a in t.retracted]
            entry["superseded"] = [_assessment(a) for a in t.superseded]
            entry["reassessed"] = [_assessment(a) for a in t.reassessed]
        tables[t.table] = entry
    return {
        "old": {"version": diff.old_version, "origin": diff.old_origin},
        "new": {"version": diff.new_version, "origin": diff.new_origin},
        "identical": diff.empty,
        "warnings": diff.warnings,
        "tables_added": diff.tables_added,
        "tables_removed": diff.tables_removed,
        "tables": tables,
    }


def format_json(diff: Diff) -> str:
    """The diff as a JSON document (stable key order, non-ASCII text kept as is)."""
    return json.dumps(to_dict(diff), ensure_ascii=False, indent=2)
