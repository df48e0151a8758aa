"""History check: against the last released version, claims are only ever added.

The last release is the commit the file ``RELEASED`` names (written when a version is released),
else the last commit before the version in datapackage.json last changed (found with git in the
repository around the package), or a release zip or folder given explicitly. Against
it: no claim disappears, the value, figure, period or source of an existing claim never changes
(a correction is a new row that supersedes the old one), and a change of columns comes with a new
major version. Without git history (an sdist, an installed wheel) the family reports nothing and
says so through :func:`baseline`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc

from ..paths import DESCRIPTOR
from ..problems import Problem, UnusableInput
from ..reader import Package, git, open_package
from ..statements import STATEMENT_FIELD
from ._columns import CLAIM_TABLES, Report, where

PROTECTED = {
    "facts": ("value", "value_max", "figure", "period", "source_id"),
    "events": ("date", "figure", "source_id"),
    "relations": ("figure", "source_id"),
}


def _git(root: Path, *args: str) -> str | None:
    done = git(root, *args)
    return done.stdout.decode("utf-8", "replace") if done is not None and done.returncode == 0 else None


def _version_at(root: Path, rev: str, rel: str) -> str | None:
    text = _git(root, "show", f"{rev}:{rel}")
    try:
        return str(json.loads(text).get("version")) if text else None
    except (json.JSONDecodeError, AttributeError):
        return None


RELEASED = "RELEASED"  # "VERSION COMMIT" of the last release, written when a release is made


def last_release(root: Path) -> str | None:
    """The commit of the last release: the one ``RELEASED`` names beside datapackage.json, else the
    parent of the commit where the version in datapackage.json last changed; None without git."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    marker = Path(root) / RELEASED
    if marker.is_file():
        parts = marker.read_text(encoding="utf-8").split()
        if len(parts) == 2 and _git(root, "rev-parse", "--verify", "--quiet", f"{parts[1]}^{{commit}}"):
            return parts[1]
    rel = (Path(root).resolve() / DESCRIPTOR).relative_to(Path(top.strip()).resolve()).as_posix()
    commits = (_git(root, "log", "--format=%H", "--", rel) or "").split()
    if not commits:
        return None
    head = _version_at(root, commits[0], rel)
    changed = commits[0]
    for commit in commits[1:]:
        if _version_at(root, commit, rel) != head:
            break
        changed = commit
    parent = _git(root, "rev-parse", "--verify", "--quiet", f"{changed}^")
    return parent.strip() if parent else None


def baseline(root: Path | None, against: str | None = None) -> Package | None:
    """The last released version of the package at ``root`` (or ``against``: a git ref, release
    zip or folder), or None when there is none to compare with."""
    spec = against or (last_release(root) if root is not None else None)
    if spec is None:
        return None
    try:
        return open_package(spec, repo=root or Path.cwd(), strict=False).read_all()
    except UnusableInput as exc:
        if against is not None:  # asked for by name: say why it cannot be compared with
            raise UnusableInput(f"--against {against}: {exc}") from None
        return None


def check(package: Package, against: str | None = None) -> list[Problem]:
    old = baseline(package.root, against)
    if old is None:
        return []
    report = Report("history")
    old_major, new_major = old.version.split(".")[0], package.version.split(".")[0]
    for table_name, key in CLAIM_TABLES.items():
        table = package.table(table_name)
        before = old.table(table_name)
        new_columns = [f["name"] for f in package.fields(table_name)]
        released_columns = [c for c in before.header if c != STATEMENT_FIELD["name"]]  # a bundle's rendered column
        if released_columns and released_columns != new_columns and old_major == new_major:
            report.problems.append(
                Problem(
                    table.path, 1, None, f"columns changed since release {old.version} without a new major version",
                    "a changed column is a major version: raise the first number of the version", "history",
                    "history-columns-changed",
                )
            )  # fmt: skip
        if not len(before) or not before.has(key):
            continue
        released = before.column(key)
        present = pc.is_in(released, value_set=table.column(key))
        for i in where(pc.invert(present)):
            report.problems.append(
                Problem(
                    table.path, None, key, f"{released[i].as_py()} of release {old.version} is gone",
                    "a claim is never deleted: restore it, and mark it superseded or retracted", "history",
                    "history-claim-removed",
                )
            )  # fmt: skip
        now_at = {table.column(key)[i].as_py(): i for i in where(pc.is_in(table.column(key), value_set=released))}
        columns = [c for c in PROTECTED[table_name] if before.has(c)]
        for i in where(present):
            claim_id = released[i].as_py()
            j = now_at[claim_id]
            for column in columns:
                then, now = before.column(column)[i].as_py(), table.column(column)[j].as_py()
                if then != now:
                    report.at(
                        table, j, column, "history-claim-changed",
                        f"changed since release {old.version} ({then!r} → {now!r})",
                        "keep the released claim as it was and add a new row that supersedes it",
                    )  # fmt: skip
    return report.problems


__all__ = ["PROTECTED", "RELEASED", "baseline", "check", "last_release"]
