"""The Problem record that every check yields, and its text and JSON forms.

A check never prints and never raises on bad data: it returns problems, each naming the file,
the row (the line of the CSV file, the header being line 1), the column, what is wrong and what
to do.  The command line decides how to show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the package."""

    file: str
    row: int | None
    column: str | None
    message: str
    hint: str = ""
    check: str = ""
    code: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        text = f"{where}: {self.message}"
        text = f"{text} ({self.hint})" if self.hint else text
        return f"{text} [{self.code}]" if self.code else text


class UnusableInput(Exception):
    """The package cannot be read at all (missing descriptor, unreadable file, wrong header)."""


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in a stable order: by file, then row, then column, without duplicates."""
    unique = set(problems)
    return sorted(unique, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))


def to_text(problems: list[Problem]) -> str:
    """One line per problem, then a count."""
    lines = [str(p) for p in problems]
    lines.append(
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found" if problems else "valid: no problems found"
    )
    return "\n".join(lines)


def to_json(problems: list[Problem], extra: dict | None = None) -> str:
    """A JSON document: {"valid": bool, "problems": [...], ...extra}."""
    document = {"valid": not problems, "problems": [asdict(p) for p in problems], **(extra or {})}
    return json.dumps(document, ensure_ascii=False, indent=2)
