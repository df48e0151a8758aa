"""Column tools shared by the checks: masks, numbers, lookups, and per-row logic run once per
distinct combination of cells.

Rules are written on whole Arrow columns. Where a rule needs Python (reading a printed figure,
a period, a date), it runs once for each distinct combination of the cells it reads, and its
answer is mapped back to every row holding that combination: a million rows with a hundred
thousand distinct figures cost a hundred thousand readings, not a million.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..problems import Problem
from ..reader import Package, Table
from ..schema import CLAIM_TABLES

NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
INDEX, FOUND = "\x00row", "\x00finding"  # column names no table has

Finding = tuple[str, str, str, str]  # (column, code, message, hint)


def claim_tables(package: Package) -> Iterator[tuple[str, str, Table]]:
    """(table name, id column, table) for facts, events and relations."""
    for name, key in CLAIM_TABLES.items():
        yield name, key, package.table(name)


def where(mask: pa.Array) -> list[int]:
    """The indices where ``mask`` is true (a missing value counts as false)."""
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def filled(column: pa.Array) -> pa.Array:
    return pc.not_equal(column, "")


def numbers(column: pa.Array) -> pa.Array:
    """The column as float64: missing where the cell is empty or not a number."""
    valid = pc.match_substring_regex(column, NUMBER)
    return pc.if_else(valid, column, pa.scalar(None, pa.string())).cast(pa.float64())


def lookup(keys: pa.Array, mapping: dict[str, Any], type_: pa.DataType) -> pa.Array:
    """For each key, its value in ``mapping`` (missing when the key is not there)."""
    names = list(mapping)
    positions = pc.index_in(keys, value_set=pa.array(names, pa.string()))
    return pc.take(pa.array([mapping[n] for n in names], type_), positions)


def per_distinct(
    table: Table,
    columns: tuple[str, ...],
    rule: Callable[..., Finding | list[Finding] | None],
    rows: pa.Array | None = None,
) -> list[tuple[int, Finding]]:
    """(row index, finding) for every row whose combination of ``columns`` breaks ``rule``.

    ``rule`` is called once per distinct combination with the cells as keyword arguments and
    gives a finding, a list of them, or None; ``rows`` (a boolean mask) limits the rows looked at."""
    if not len(table):
        return []
    indexed = pa.table({c: table.column(c) for c in columns})
    indexed = indexed.append_column(INDEX, pa.array(np.arange(len(table), dtype=np.int64)))
    if rows is not None:
        indexed = indexed.filter(rows)
    distinct = indexed.select(list(columns)).group_by(list(columns), use_threads=False).aggregate([])
    found: list[list[Finding]] = []
    bad: list[dict[str, str]] = []
    for combination in distinct.to_pylist():
        finding = rule(**combination)
        if finding:
            bad.append(combination)
            found.append(finding if isinstance(finding, list) else [finding])
    if not bad:
        return []
    marked = pa.table({c: pa.array([b[c] for b in bad], pa.string()) for c in columns})
    marked = marked.append_column(FOUND, pa.array(range(len(bad)), pa.int64()))
    hits = indexed.join(marked, keys=list(columns), join_type="inner", use_threads=False).sort_by(INDEX)
    return [
        (index, finding)
        for index, which in zip(hits.column(INDEX).to_pylist(), hits.column(FOUND).to_pylist(), strict=True)
        for finding in found[which]
    ]


class Report:
    """The problems one family finds, each at its file, line and column."""

    def __init__(self, family: str) -> None:
        self.family = family
        self.problems: list[Problem] = []

    def at(self, table: Table, index: int | None, column: str | None, code: str, message: str, hint: str = "") -> None:
        line = table.line(index) if index is not None else None
        self.problems.append(Problem(table.path, line, column, message, hint, self.family, code))

    def each(self, table: Table, found: list[tuple[int, Finding]]) -> None:
        for index, (column, code, message, hint) in found:
            self.at(table, index, column, code, message, hint)

    def file(self, path: str, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(path, None, None, message, hint, self.family, code))


def split_ids(cell: str) -> list[str]:
    """The ids of a `|`-separated cell, without blanks."""
    return [part.strip() for part in cell.split("|") if part.strip()]


def to_float(cell: str) -> float | None:
    """The number in a cell, or None when it is empty or not a number (the schema check says so)."""
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return None
