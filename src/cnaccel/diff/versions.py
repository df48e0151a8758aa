"""Versions of the package to compare: any folder, bundle, zip or git ref, read through
:mod:`cnaccel.reader` without the schema's checks, so that any version can be compared, even one
that would no longer validate. Rows are keyed by primary key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..paths import DESCRIPTOR
from ..problems import UnusableInput
from ..reader import Package, open_folder, open_git, open_zip

KEY_SEPARATOR = "|"
"""Joins the cells of a composite primary key into one row id."""


class DiffError(Exception):
    """A version cannot be read: the spec is no package folder, bundle or git ref, or its files are unusable."""


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


def _open(spec: str, repo: str | Path | None) -> Package:
    path = Path(spec)
    if spec and path.is_dir():
        root = path
        if not (root / DESCRIPTOR).is_file():
            inner = sorted(p for p in path.iterdir() if p.is_dir() and (p / DESCRIPTOR).is_file())
            if len(inner) != 1:
                raise DiffError(
                    f"cannot read {spec!r}: the folder has no {DESCRIPTOR} (looked in {path} and its subfolders); "
                    "give a package folder, a bundle folder or zip, or a git ref"
                )
            root = inner[0]
        return open_folder(root.resolve(), strict=False)
    if spec and path.is_file():
        import zipfile

        if not zipfile.is_zipfile(path):
            raise DiffError(
                f"cannot read {spec!r}: it is a file but not a zip bundle; "
                "give a package folder, a bundle zip or a git ref"
            )
        return open_zip(path, strict=False)
    try:
        return open_git(spec, repo, strict=False)
    except UnusableInput as exc:
        reason = str(exc)
        if "has no" in reason:
            raise
        raise DiffError(
            f"cannot read {spec!r}: no folder or zip file at {path.absolute()}, and not a git ref ({reason}); "
            "give a package folder, a bundle folder or zip, or a git ref such as HEAD~1 or v0.1.0"
        ) from None


def load_version(spec: str, *, repo: str | Path | None = None) -> Version:
    """Read the version named by ``spec``: a package or bundle folder, a bundle zip, or a git ref.

    A path that exists wins over a git ref of the same name.  Git refs are resolved in ``repo``
    (default: the git repository around the current folder) with ``git show``, without checkout.
    """
    try:
        package = _open(spec, repo)
        version = Version(spec, package.label, package.version)
        for res in package.resources():
            name = res.get("name")
            if not isinstance(name, str) or package.is_parquet(name):
                continue  # a bundle's Parquet files hold the same rows as its CSV files
            schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
            key = schema.get("primaryKey") or []
            version.tables[name] = _keyed(spec, package, name, [key] if isinstance(key, str) else list(key))
    except UnusableInput as exc:
        raise DiffError(f"cannot read {spec!r}: {exc}") from None
    return version


def _keyed(spec: str, package: Package, name: str, key: list[str]) -> Table:
    """Rows of one table keyed by primary key (the first column when the schema names none)."""
    table = package.table(name)
    key = key or table.header[:1]
    missing = [c for c in key if c not in table.header]
    if missing:
        raise DiffError(f"cannot read {spec!r}: {table.path} lacks its primary key column {', '.join(missing)}")
    rows: dict[str, dict[str, str]] = {}
    for index, row in enumerate(table.rows()):
        row_id = KEY_SEPARATOR.join(row[c] for c in key)
        if row_id in rows:
            raise DiffError(f"cannot read {spec!r}: {table.path}:{table.line(index)}: duplicate primary key {row_id!r}")
        rows[row_id] = row
    return Table(name, key, table.header, rows)
