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
import subprocess
from pathlib import Path

from ..diff import DiffError, Version, load_version
from ..paths import DESCRIPTOR
from ..problems import Problem
from ..raw import RawPackage
from ._claims import CLAIM_TABLES

PROTECTED = {
    "facts": ("value", "value_max", "figure", "period", "source_id"),
    "events": ("date", "figure", "source_id"),
    "relations": ("figure", "source_id"),
}


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


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


def baseline(root: Path, against: str | None = None) -> Version | None:
    """The last released version of the package at ``root`` (or ``against``: a git ref, release
    zip or folder), or None when there is none to compare with."""
    spec = against or last_release(root)
    if spec is None:
        return None
    try:
        return load_version(spec, repo=root)
    except DiffError:
        return None


def check(package: RawPackage, against: str | None = None) -> list[Problem]:
    old = baseline(package.root, against)
    if old is None:
        return []
    problems: list[Problem] = []
    old_major = str(old.version).split(".")[0]
    new_major = str(package.descriptor.get("version", "")).split(".")[0]
    for table, key in CLAIM_TABLES.items():
        file = package.path_of(table)
        rows = {row.get(key): row for row in package.rows(table)}
        before = old.rows(table)
        old_columns = list(next(iter(before.values()), {}).keys()) if before else []
        new_columns = [f["name"] for f in package.fields(table)]
        if old_columns and old_columns != new_columns and old_major == new_major:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    f"columns changed since release {old.version} without a new major version",
                    "a changed column is a major version: raise the first number of the version",
                    "history",
                    "history-columns-changed",
                )
            )
        for claim_id, then in before.items():
            now = rows.get(claim_id)
            if now is None:
                problems.append(
                    Problem(
                        file,
                        None,
                        key,
                        f"{claim_id} of release {old.version} is gone",
                        "a claim is never deleted: restore it, and mark it superseded or retracted",
                        "history",
                        "history-claim-removed",
                    )
                )
                continue
            for column in PROTECTED[table]:
                if column in then and then.get(column, "") != now.get(column):
                    problems.append(
                        Problem(
                            file,
                            now.line,
                            column,
                            f"changed since release {old.version} ({then.get(column)!r} → {now.get(column)!r})",
                            "keep the released claim as it was and add a new row that supersedes it",
                            "history",
                            "history-claim-changed",
                        )
                    )
    return problems
