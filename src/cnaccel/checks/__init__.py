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

from ..problems import Problem, sort_problems
from ..raw import RawPackage, read_package
from . import consistency, figures, history, hygiene, provenance, schema
from .provenance import ArchiveCoverage

FAMILIES = {
    "schema": schema.check,
    "provenance": provenance.check,
    "figures": figures.check,
    "consistency": consistency.check,
    "hygiene": hygiene.check,
    "history": history.check,
}


def run_checks(root: str | Path, *, families: list[str] | None = None) -> list[Problem]:
    """All problems of the package at ``root``, sorted. Raises UnusableInput when it cannot be read."""
    return validate(root, families=families)[0]


def validate(
    root: str | Path, *, families: list[str] | None = None, against: str | None = None
) -> tuple[list[Problem], ArchiveCoverage]:
    """All problems of the package at ``root``, sorted, and how many passages could be checked
    against texts in archive/. The history family compares with ``against`` (a git ref, release
    zip or folder), by default the last release found in git. Raises UnusableInput when the
    package cannot be read."""
    package: RawPackage = read_package(root)
    problems: list[Problem] = []
    coverage = ArchiveCoverage()
    for name, check in FAMILIES.items():
        if families is not None and name not in families:
            continue
        if name == "provenance":
            found, coverage = provenance.check_with_coverage(package)
            problems.extend(found)
        elif name == "history":
            problems.extend(history.check(package, against))
        else:
            problems.extend(check(package))
    return sort_problems(problems), coverage
