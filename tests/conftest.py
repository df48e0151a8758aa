"""Shared fixtures: a throw-away copy of the package to break, and helpers to edit it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


class PackageCopy:
    """A copy of the repository's package (descriptor, data, archives) in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def rows(self, table: str) -> tuple[list[str], list[dict[str, str]]]:
        with open(self.root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            return list(reader.fieldnames or []), list(reader)

    def write(self, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        with open(self.root / "data" / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def line_of(self, table: str, key: str) -> int:
        """The CSV line (header = 1) of the row whose first column is ``key``."""
        header, rows = self.rows(table)
        for index, row in enumerate(rows):
            if row[header[0]] == key:
                return index + 2
        raise KeyError(key)

    def edit(self, table: str, key: str, column: str, value: str) -> int:
        """Set one cell of the row whose first column is ``key``; returns the row's line."""
        header, rows = self.rows(table)
        for row in rows:
            if row[header[0]] == key:
                row[column] = value
                break
        else:
            raise KeyError(key)
        self.write(table, header, rows)
        return self.line_of(table, key)

    def append(self, table: str, values: dict[str, str]) -> int:
        header, rows = self.rows(table)
        rows.append({column: values.get(column, "") for column in header})
        self.write(table, header, rows)
        return len(rows) + 1

    def row(self, table: str, key: str) -> dict[str, str]:
        header, rows = self.rows(table)
        return next(r for r in rows if r[header[0]] == key)


@pytest.fixture()
def pkg(tmp_path: Path) -> PackageCopy:
    target = tmp_path / "pkg"
    target.mkdir()
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copytree(ROOT / "sources", target / "sources")
    return PackageCopy(target)
