"""Schema check: frictionless validates every table against datapackage.json.

Types, required, unique, enum, pattern, minimum/maximum, primary and foreign keys are the
Table Schema's job; this module only turns frictionless's report into Problems.
"""

from __future__ import annotations

from ..paths import DESCRIPTOR
from ..problems import Problem, UnusableInput
from ..raw import RawPackage

TITLES = {
    "type-error": "wrong type",
    "constraint-error": "breaks a constraint",
    "foreign-key": "dangling foreign key",
    "unique-error": "duplicate value",
    "primary-key": "duplicate primary key",
    "missing-cell": "missing cell",
    "extra-cell": "extra cell",
}


def _message(error) -> str:
    """'wrong type: "lots" (type is "number/default")': what is wrong, the cell, frictionless's note."""
    title = TITLES.get(error.type, error.title.lower())
    cell = getattr(error, "cell", None)
    if cell is None and getattr(error, "field_cells", None):
        cell = ",".join(str(value) for value in error.field_cells)
    return f'{title}: "{cell}" ({error.note})' if cell not in (None, "") else f"{title} ({error.note})"


def check(package: RawPackage) -> list[Problem]:
    try:
        from frictionless import validate
    except ImportError:  # pragma: no cover - depends on the environment
        raise UnusableInput("the schema check needs frictionless: pip install 'cnaccel[validate]'") from None
    try:
        report = validate(str(package.root / DESCRIPTOR))
    except Exception as exc:  # frictionless raises its own exceptions on a malformed descriptor
        raise UnusableInput(f"{DESCRIPTOR}: frictionless cannot read it ({exc}); fix the descriptor") from None
    problems: list[Problem] = []
    paths = {res.get("name"): res.get("path", DESCRIPTOR) for res in package.descriptor["resources"]}
    for task in report.tasks:
        file = paths.get(task.name, DESCRIPTOR)
        for error in task.errors:
            row = getattr(error, "row_number", None)
            column = getattr(error, "field_name", None)
            if column is None and getattr(error, "field_names", None):
                column = ",".join(error.field_names)
            problems.append(
                Problem(
                    file,
                    row,
                    column,
                    _message(error),
                    "fix the cell so it meets the Table Schema in datapackage.json",
                    "schema",
                    f"schema-{error.type}",
                )
            )
    for error in report.errors:
        problems.append(
            Problem(
                DESCRIPTOR, None, None, f"{error.title.lower()}: {error.note}", "fix datapackage.json", "schema",
                "schema-descriptor",
            )
        )
    return problems
