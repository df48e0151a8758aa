"""The package as text: its descriptor and every CSV row as a dict of strings.

The checks read the package this way so that they can report a bad cell by its file, line and
column before anything is typed, and so that a value that does not parse is a problem to
report, not an exception.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .paths import DESCRIPTOR, resource_path
from .problems import UnusableInput

MAX_CELL = 131_072  # characters in one CSV cell: Python's default limit, documented and enforced here


@dataclass
class Row:
    """One data row: its line in the file (header = line 1) and its cells."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column) or ""


@dataclass
class RawPackage:
    root: Path
    descriptor: dict
    tables: dict[str, list[Row]] = field(default_factory=dict)

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        raise KeyError(name)

    def path_of(self, name: str) -> str:
        """The resource's path as written in the descriptor (used in messages)."""
        return self.resource(name)["path"]

    def fields(self, name: str) -> list[dict]:
        return self.resource(name)["schema"]["fields"]

    def field(self, table: str, column: str) -> dict:
        for f in self.fields(table):
            if f["name"] == column:
                return f
        raise KeyError(column)

    def rows(self, name: str) -> list[Row]:
        return self.tables.get(name, [])


def read_descriptor(root: Path) -> dict:
    """The parsed datapackage.json, or UnusableInput saying what is wrong with it."""
    path = root / DESCRIPTOR
    if not path.is_file():
        raise UnusableInput(f"{path}: no {DESCRIPTOR} here; run the command in a cnaccel package folder or pass --root")
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableInput(f"{DESCRIPTOR}: not valid UTF-8 JSON ({exc}); fix the file") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise UnusableInput(f"{DESCRIPTOR}: has no list of resources; fix the file")
    return descriptor


def read_table(root: Path, res: dict) -> list[Row]:
    """Rows of one CSV resource; its header must list the schema's fields in order."""
    name = res.get("name", "?")
    path = resource_path(root, res.get("path"), name)
    rel = res["path"]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UnusableInput(f"{rel}: not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    previous = csv.field_size_limit(MAX_CELL)  # one documented limit, whatever another library set
    try:
        return _rows(rel, csv.reader(io.StringIO(text, newline="")), res)
    finally:
        csv.field_size_limit(previous)


def _rows(rel: str, reader, res: dict) -> list[Row]:
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableInput(f"{rel}: empty file; it needs at least a header row") from None
    except csv.Error as exc:
        raise UnusableInput(f"{rel}:1: not readable CSV ({exc}); fix the header row") from None
    expected = [f["name"] for f in res.get("schema", {}).get("fields", [])]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
                "columns out of order" if not missing and not extra else "",
            )
            if part
        )
        raise UnusableInput(
            f"{rel}:1: header does not match the schema in {DESCRIPTOR} ({detail}); "
            f"the header must be: {','.join(expected)}"
        )
    rows = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise UnusableInput(
                f"{rel}:{reader.line_num + 1}: not readable CSV ({exc}); a cell may hold an unclosed quote or more "
                f"than {MAX_CELL} characters"
            ) from None
        line = reader.line_num
        if not cells or cells == [""]:
            continue
        if len(cells) != len(header):
            raise UnusableInput(
                f"{rel}:{line}: {len(cells)} cells where the header has {len(header)}; quote cells that contain commas"
            )
        rows.append(Row(line, dict(zip(header, cells, strict=True))))
    return rows


def read_package(root: str | Path) -> RawPackage:
    """Read the descriptor and every table of the package at ``root``."""
    root = Path(root)
    descriptor = read_descriptor(root)
    package = RawPackage(root, descriptor)
    for res in descriptor["resources"]:
        package.tables[res.get("name", "?")] = read_table(root, res)
    return package
