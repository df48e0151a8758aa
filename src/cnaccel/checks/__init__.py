"""Every check of the data model, run in one pass over the package.

Each family lives in its own module and exposes ``check(package) -> list[Problem]``:
schema (frictionless: types, required, unique, enums, patterns, ranges, keys), provenance
(figures as printed, independent corroboration, and where a source's text is in archive/ its
hash, each passage's fingerprint and the figure inside it), figures (numbers, signs,
qualifiers and units against the printed figure), consistency (ranges, periods, dates, sums,
references between claims, unused rows) and hygiene (text that is NFC, trimmed, free of control
characters and formula triggers); history (against the last release, claims are only added).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import Problem, sort_problems
from ..reader import Package, open_package

if TYPE_CHECKING:
    from .provenance import ArchiveCoverage

FAMILIES = ("schema", "provenance", "figures", "consistency", "hygiene", "history")


def run_checks(root: str | Path | Package, *, families: list[str] | None = None) -> list[Problem]:
    """All problems of the package at ``root``, sorted. Raises UnusableInput when it cannot be read."""
    return validate(root, families=families)[0]


def validate(
    root: str | Path | Package, *, families: list[str] | None = None, against: str | None = None
) -> tuple[list[Problem], ArchiveCoverage]:
    """All problems of the package at ``root`` (a folder, a release zip, or a Package already
    opened, such as files held in memory), sorted, and how many passages could be checked
    against texts in archive/. The history family compares with ``against`` (a git ref, release
    zip or folder), by default the last release found in git. Raises UnusableInput when the
    package cannot be read."""
    from . import consistency, figures, history, hygiene, provenance, schema

    package = root if isinstance(root, Package) else open_package(Path(root))
    package.read_all()
    problems: list[Problem] = []
    coverage = provenance.ArchiveCoverage()
    wanted = [name for name in FAMILIES if families is None or name in families]
    schema_problems = schema.check(package) if "schema" in wanted else schema.descriptor_problems(package)
    problems.extend(schema_problems)
    if any(p.code == "schema-descriptor" for p in schema_problems):
        return sort_problems(problems), coverage  # the other rules read the schema: fix it first
    for name in wanted:
        if name == "provenance":
            found, coverage = provenance.check_with_coverage(package)
            problems.extend(found)
        elif name == "history":
            problems.extend(history.check(package, against))
        elif name != "schema":
            problems.extend({"figures": figures, "consistency": consistency, "hygiene": hygiene}[name].check(package))
    return sort_problems(problems), coverage
