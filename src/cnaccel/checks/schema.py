"""Schema check: every table against the Table Schema in datapackage.json, on whole columns.

Types, required, unique, enum, pattern, minimum, maxLength, primary and foreign keys, as the
Table Schema defines them and as frictionless reports them (frictionless stays the reference:
the tests compare the two on crafted bad tables). Run on Arrow columns, it costs a few passes
over each column instead of a Python call per cell.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from ..paths import DESCRIPTOR
from ..problems import Problem
from ..reader import Package, Table
from ._columns import NUMBER, Report, filled, where

TYPES = {
    "string": None,
    "number": NUMBER,
    "integer": r"^[+-]?[0-9]+$",
    "boolean": r"^(true|True|TRUE|1|false|False|FALSE|0)$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}
URI = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"
CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength"}
HINT = "fix the cell so it meets the Table Schema in datapackage.json"


def descriptor_problems(package: Package) -> list[Problem]:
    """What makes the descriptor unusable as a Table Schema (unknown types or constraints,
    keys naming no field, references to no table)."""
    found: list[str] = []
    names = set(package.names())
    for res in package.resources():
        name = res.get("name")
        schema = res.get("schema")
        if not isinstance(name, str) or not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            found.append(f"resource {name!r} needs a name and a schema with a list of fields")
            continue
        columns = set()
        for f in schema["fields"]:
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                found.append(f"resource {name!r}: a field without a name")
                continue
            columns.add(f["name"])
            if f.get("type", "string") not in TYPES:
                found.append(f"field {name}.{f['name']}: type {f.get('type')!r} is not one of {', '.join(TYPES)}")
            constraints = f.get("constraints", {})
            if not isinstance(constraints, dict) or set(constraints) - CONSTRAINTS:
                found.append(
                    f"field {name}.{f['name']}: constraints must be a mapping of {', '.join(sorted(CONSTRAINTS))}"
                )
            elif "pattern" in constraints:
                try:
                    re.compile(str(constraints["pattern"]))
                except re.error:
                    found.append(f"field {name}.{f['name']}: pattern {constraints['pattern']!r} is not a regex")
        key = schema.get("primaryKey", [])
        for column in [key] if isinstance(key, str) else key if isinstance(key, list) else [None]:
            if column not in columns:
                found.append(f"resource {name!r}: primary key {column!r} is no field")
        for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys", []), list) else [None]:
            ok = isinstance(fk, dict) and isinstance(fk.get("reference"), dict)
            target = fk["reference"].get("resource", "") if ok else None
            if not ok or (target and target not in names) or _single(fk.get("fields")) not in columns:
                found.append(f"resource {name!r}: foreign key {json.dumps(fk)[:80]} is not usable")
    return [Problem(DESCRIPTOR, None, None, f"invalid descriptor: {text}", "fix datapackage.json", "schema",
                    "schema-descriptor") for text in found]  # fmt: skip


def _single(value: object) -> object:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def check(package: Package) -> list[Problem]:
    problems = descriptor_problems(package)
    if problems:
        return problems
    report = Report("schema")
    for res in package.resources():
        table = package.table(res["name"])
        typed = {}
        for f in res["schema"]["fields"]:
            typed[f["name"]] = _field(report, table, f)
        key = res["schema"].get("primaryKey", [])
        key = [key] if isinstance(key, str) else key
        if len(key) == 1 and not res["schema"]["fields"][
            [f["name"] for f in res["schema"]["fields"]].index(key[0])
        ].get("constraints", {}).get("unique"):
            _unique(report, table, key[0])
        for fk in res["schema"].get("foreignKeys", []):
            _foreign_key(report, package, table, res, fk)
    return report.problems


def _field(report: Report, table: Table, f: dict) -> pa.Array:
    """Report the field's type and constraint errors; the mask of cells that hold a valid value."""
    name = f["name"]
    column = table.column(name)
    present = filled(column)
    constraints = f.get("constraints", {})
    if constraints.get("required"):
        for i in where(pc.invert(present)):
            report.at(
                table, i, name, "schema-constraint-error", 'breaks a constraint (constraint "required" is "True")', HINT
            )
    kind = f.get("type", "string")
    pattern = URI if kind == "string" and f.get("format") == "uri" else TYPES.get(kind)
    valid = present
    if pattern:
        valid = pc.and_(present, pc.match_substring_regex(column, pattern))
        if kind == "date":
            valid = pc.and_(valid, _real_dates(column))
        for i in where(pc.and_(present, pc.invert(valid))):
            label = f"{kind}/{f.get('format', 'default')}"
            report.at(
                table, i, name, "schema-type-error", f'wrong type: "{column[i].as_py()}" (type is "{label}")', HINT
            )
    broken = pc.invert(present)  # cells left out of the constraint checks below count as broken
    notes = []
    if "enum" in constraints:
        bad = pc.and_(valid, pc.invert(pc.is_in(column, value_set=pa.array([str(v) for v in constraints["enum"]]))))
        broken, notes = pc.or_(broken, bad), [*notes, ("enum", bad)]
    if "pattern" in constraints:
        bad = pc.and_(valid, pc.invert(_fullmatch(column, str(constraints["pattern"]))))
        broken, notes = pc.or_(broken, bad), [*notes, ("pattern", bad)]
    for limit, compare in (("minimum", pc.less), ("maximum", pc.greater)):
        if limit in constraints and kind in ("number", "integer"):
            numbers = pc.if_else(valid, column, pa.scalar(None, pa.string())).cast(pa.float64())
            bad = pc.fill_null(compare(numbers, float(constraints[limit])), False)
            broken, notes = pc.or_(broken, bad), [*notes, (limit, bad)]
    for limit, compare in (("minLength", pc.less), ("maxLength", pc.greater)):
        if limit in constraints:
            bad = pc.and_(valid, compare(pc.utf8_length(column), int(constraints[limit])))
            broken, notes = pc.or_(broken, bad), [*notes, (limit, bad)]
    for constraint, bad in notes:
        for i in where(bad):
            report.at(
                table, i, name, "schema-constraint-error",
                f'breaks a constraint: "{column[i].as_py()}" '
                f'(constraint "{constraint}" is "{constraints[constraint]}")',
                HINT,
            )  # fmt: skip
    if constraints.get("unique"):
        _unique(report, table, name)
    return pc.and_(valid, pc.invert(broken))  # (an empty cell is no valid value either)


def _real_dates(column: pa.Array) -> pa.Array:
    """True where a YYYY-MM-DD cell is a day of the calendar (2025-02-30 is not)."""
    distinct = [d for d in pc.unique(column).to_pylist() if d]
    good = []
    for text in distinct:
        try:
            date.fromisoformat(text)
            good.append(text)
        except ValueError:
            pass
    return pc.is_in(column, value_set=pa.array(good, pa.string()))


def _fullmatch(column: pa.Array, pattern: str) -> pa.Array:
    """True where the whole cell matches ``pattern`` (RE2 on the column; Python's re on its
    distinct values when RE2 cannot compile the pattern)."""
    anchored = f"^(?:{pattern.removeprefix('^').removesuffix('$')})$"
    distinct = pc.unique(column)
    try:
        if len(distinct) * 2 > len(column):
            return pc.match_substring_regex(column, anchored)
        return pc.is_in(column, value_set=pc.filter(distinct, pc.match_substring_regex(distinct, anchored)))
    except pa.ArrowInvalid:
        compiled = re.compile(pattern)
        good = [v for v in distinct.to_pylist() if compiled.fullmatch(v)]
        return pc.is_in(column, value_set=pa.array(good, pa.string()))


def _unique(report: Report, table: Table, name: str) -> None:
    """Every repeat of a value after its first row (empty cells are not values)."""
    column = table.column(name)
    counts = pc.value_counts(column)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    repeated = pc.filter(repeated, pc.not_equal(repeated, ""))
    if not len(repeated):
        return
    first: dict[str, int] = {}
    for i in where(pc.is_in(column, value_set=repeated)):
        value = column[i].as_py()
        if value in first:
            report.at(
                table, i, name, "schema-unique-error",
                f'duplicate value: "{value}" (the same as in the row at line {table.line(first[value])})', HINT,
            )  # fmt: skip
        else:
            first[value] = i


def _foreign_key(report: Report, package: Package, table: Table, res: dict, fk: dict) -> None:
    column = _single(fk["fields"])
    target = fk["reference"].get("resource") or res["name"]
    parent = package.table(target).column(str(_single(fk["reference"]["fields"])))
    values = table.column(str(column))
    for i in where(pc.and_(filled(values), pc.invert(pc.is_in(values, value_set=parent)))):
        report.at(
            table, i, str(column), "schema-foreign-key",
            f'dangling foreign key: "{values[i].as_py()}" (no row of {target} has it)',
            "name a row that exists, or add it",
        )  # fmt: skip
