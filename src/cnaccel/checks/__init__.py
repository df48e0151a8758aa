"""Every check of the data model, run in one pass over the package.

Each family lives in its own module and exposes ``check(package) -> list[Problem]``:
schema (frictionless: types, required, unique, enums, patterns, ranges, keys), provenance
(archives, hashes, quotes), figures (numbers against their quotes), consistency (ranges,
periods, dates, sums, references between claims, unused rows) and hygiene (text that is
NFC, trimmed, free of control characters and formula triggers).
"""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem, sort_problems
from ..raw import RawPackage, read_package
from . import consistency, figures, hygiene, provenance, schema

FAMILIES = {
    "schema": schema.check,
    "provenance": provenance.check,
    "figures": figures.check,
    "consistency": consistency.check,
    "hygiene": hygiene.check,
}


def run_checks(root: str | Path, *, families: list[str] | None = None) -> list[Problem]:
    """All problems of the package at ``root``, sorted. Raises UnusableInput when it cannot be read."""
    package: RawPackage = read_package(root)
    problems: list[Problem] = []
    for name, check in FAMILIES.items():
        if families is None or name in families:
            problems.extend(check(package))
    return sort_problems(problems)
