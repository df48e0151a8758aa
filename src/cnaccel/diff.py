"""What changed between two versions of the package, to write each changelog entry from.

``cnaccel diff OLD NEW`` reads two versions (a package folder, a bundle folder or zip, or a git
ref), matches every table's rows on their primary key and reports what was added, changed and
removed.  For claims (facts, events, relations) it also reports which were retracted, superseded
or otherwise reassessed; since claims are never deleted, a claim that disappears is flagged
loudly.  Reading is plain text (csv module, no typing) so that any version can be compared, even
one that would no longer validate.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .paths import DESCRIPTOR

CLAIM_TABLES = ("facts", "events", "relations")
"""The claim tables; any other table with an ``assessment`` column is treated as one too."""

KEY_SEPARATOR = "|"
"""Joins the cells of a composite primary key into one row id."""

MAJOR_VERSION_NOTE = "a changed column means a major version"
REMOVED_CLAIMS_NOTE = "claims must never be deleted"

Reader = Callable[[str], bytes | None]
"""Reads a file of a version by its package-relative path; None when it is not there."""


class DiffError(Exception):
    """A version cannot be read: the spec is no package folder, bundle or git ref, or its files are unusable."""


# --------------------------------------------------------------------------------------------
# Reading a version


@dataclass
class Table:
    """One table of a version: its primary key, its header and its rows keyed by primary key."""

    name: str
    key: list[str]
    columns: list[str]
    rows: dict[str, dict[str, str]]


@dataclass
class Version:
    """One version of the package: its version string and every table's rows, as strings."""

    spec: str
    origin: str
    version: str
    tables: dict[str, Table] = field(default_factory=dict)

    def rows(self, table: str) -> dict[str, dict[str, str]]:
        """The rows of ``table`` keyed by primary key (empty when the version lacks the table)."""
        return self.tables[table].rows if table in self.tables else {}


def load_version(spec: str, *, repo: str | Path | None = None) -> Version:
    """Read the version named by ``spec``: a package or bundle folder, a bundle zip, or a git ref.

    A path that exists wins over a git ref of the same name.  Git refs are resolved in ``repo``
    (default: the git repository around the current folder) with ``git show``, without checkout.
    """
    path = Path(spec)
    if spec and path.is_dir():
        return _load_folder(spec, path)
    if spec and path.is_file():
        if zipfile.is_zipfile(path):
            return _load_zip(spec, path)
        raise DiffError(
            f"cannot read {spec!r}: it is a file but not a zip bundle; give a package folder, a bundle zip or a git ref"
        )
    version, reason = _load_git(spec, repo)
    if version is not None:
        return version
    raise DiffError(
        f"cannot read {spec!r}: no folder or zip file at {path.absolute()}, and not a git ref ({reason}); "
        "give a package folder, a bundle folder or zip, or a git ref such as HEAD~1 or v0.1.0"
    )


def _load_folder(spec: str, path: Path) -> Version:
    """A repository-layout or bundle folder, or a folder holding one such folder (an unzipped bundle)."""
    root = path
    if not (root / DESCRIPTOR).is_file():
        inner = sorted(p for p in path.iterdir() if p.is_dir() and (p / DESCRIPTOR).is_file())
        if len(inner) != 1:
            raise DiffError(
                f"cannot read {spec!r}: the folder has no {DESCRIPTOR} (looked in {path} and its subfolders); "
                "give a package folder, a bundle folder or zip, or a git ref"
            )
        root = inner[0]

    def read(rel: str) -> bytes | None:
        target = root / PurePosixPath(rel)
        return target.read_bytes() if target.is_file() else None

    return _read_version(spec, f"folder {root.resolve()}", read)


def _load_zip(spec: str, path: Path) -> Version:
    """A bundle zip: datapackage.json and csv/<table>.csv at its top or under one top folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            prefix = ""
            if DESCRIPTOR not in names:
                inner = sorted(n for n in names if n.count("/") == 1 and n.endswith("/" + DESCRIPTOR))
                if len(inner) != 1:
                    raise DiffError(
                        f"cannot read {spec!r}: the zip has no {DESCRIPTOR} at its top or under one top folder"
                    )
                prefix = inner[0][: -len(DESCRIPTOR)]

            def read(rel: str) -> bytes | None:
                name = prefix + rel
                return archive.read(name) if name in names else None

            return _read_version(spec, f"zip {path.resolve()}" + (f" ({prefix.rstrip('/')})" if prefix else ""), read)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DiffError(f"cannot read {spec!r}: the zip is unreadable ({exc})") from None


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)


def _load_git(spec: str, repo: str | Path | None) -> tuple[Version | None, str]:
    """The version at git ref ``spec``, or None and why it is not one."""
    if not spec or spec.startswith("-") or spec != spec.strip():
        return None, "not a valid ref name"
    where = Path(repo) if repo is not None else Path.cwd()
    if not where.is_dir():
        return None, f"the repository folder {where} does not exist"
    try:
        found = _git(where, "rev-parse", "--show-toplevel", "--show-prefix")
    except OSError:
        return None, "git is not installed"
    if found.returncode != 0:
        return None, f"{where.absolute()} is not in a git repository"
    lines = found.stdout.decode("utf-8", "replace").splitlines()
    top = lines[0] if lines else str(where)
    prefix = lines[1] if len(lines) > 1 else ""
    resolved = _git(where, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if resolved.returncode != 0:
        return None, f"no commit {spec!r} in the git repository at {top}"
    commit = resolved.stdout.decode().strip()

    def show(path: str) -> bytes | None:
        shown = _git(where, "show", f"{commit}:{path}")
        return shown.stdout if shown.returncode == 0 else None

    # The package sits at the top of the repository, or in the folder ``repo`` names inside it.
    base = prefix if prefix and show(prefix + DESCRIPTOR) is not None else ""
    if show(base + DESCRIPTOR) is None:
        tried = ", ".join(dict.fromkeys(p + DESCRIPTOR for p in (prefix, "")))
        raise DiffError(f"cannot read {spec!r}: commit {commit[:12]} in {top} has no {DESCRIPTOR} (tried {tried})")

    def read(rel: str) -> bytes | None:
        return show(base + rel)

    origin = f"git {spec} ({commit[:12]}) in {top}" + (f" at {base.rstrip('/')}" if base else "")
    return _read_version(spec, origin, read), ""


def _safe(rel: object) -> str | None:
    """A resource path usable inside the package, or None (absent, absolute or climbing out)."""
    if not isinstance(rel, str) or not rel:
        return None
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts:
        return None
    return pure.as_posix()


def _read_version(spec: str, origin: str, read: Reader) -> Version:
    """Build a Version from a descriptor and tables read through ``read``."""
    raw = read(DESCRIPTOR)
    if raw is None:
        raise DiffError(f"cannot read {spec!r}: no {DESCRIPTOR} in {origin}")
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DiffError(f"cannot read {spec!r}: {DESCRIPTOR} in {origin} is not UTF-8 JSON ({exc})") from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise DiffError(f"cannot read {spec!r}: {DESCRIPTOR} in {origin} has no list of resources")
    version = Version(spec, origin, str(descriptor.get("version") or ""))
    for res in resources:
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            continue
        if res.get("format") == "parquet" or str(res.get("path", "")).endswith(".parquet"):
            continue  # a bundle's Parquet files hold the same rows as its CSV files
        name = res["name"]
        # The descriptor's path first, then the repository and bundle layouts.
        candidates = list(
            dict.fromkeys(p for p in (_safe(res.get("path")), f"data/{name}.csv", f"csv/{name}.csv") if p)
        )
        for rel in candidates:
            data = read(rel)
            if data is not None:
                break
        else:
            raise DiffError(
                f"cannot read {spec!r}: table {name!r} not found in {origin} (tried {', '.join(candidates)})"
            )
        schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
        key = schema.get("primaryKey") or []
        version.tables[name] = _parse_table(spec, name, rel, data, [key] if isinstance(key, str) else list(key))
    return version


def _parse_table(spec: str, name: str, rel: str, data: bytes, key: list[str]) -> Table:
    """Rows of one CSV file keyed by primary key (the first column when the schema names none)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiffError(f"cannot read {spec!r}: {rel} is not UTF-8 (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise DiffError(f"cannot read {spec!r}: {rel} is empty; it needs at least a header row")
    key = key or header[:1]
    missing = [c for c in key if c not in header]
    if missing:
        raise DiffError(f"cannot read {spec!r}: {rel} lacks its primary key column {', '.join(missing)}")
    rows: dict[str, dict[str, str]] = {}
    for cells in reader:
        if not cells or cells == [""]:
            continue
        if len(cells) != len(header):
            raise DiffError(
                f"cannot read {spec!r}: {rel}:{reader.line_num}: {len(cells)} cells where the header has {len(header)}"
            )
        row = dict(zip(header, cells, strict=True))
        row_id = KEY_SEPARATOR.join(row[c] for c in key)
        if row_id in rows:
            raise DiffError(f"cannot read {spec!r}: {rel}:{reader.line_num}: duplicate primary key {row_id!r}")
        rows[row_id] = row
    return Table(name, key, header, rows)


# --------------------------------------------------------------------------------------------
# Comparing two versions


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
    return name in CLAIM_TABLES or "assessment" in columns


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


# --------------------------------------------------------------------------------------------
# Output


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
