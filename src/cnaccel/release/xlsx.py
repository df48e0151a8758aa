"""An Excel workbook of the tables: a README sheet, then one sheet per table, written as a stream.

The sheets are written with openpyxl's write-only mode, row by row from the Arrow tables in
slices, so memory stays flat however long a table is; the workbook goes to a temporary file and
is copied entry by entry into its final zip. Excel holds at most 1,048,576 rows per sheet, the
header included (:data:`MAX_ROWS`): a longer table continues on further sheets, ``facts (2)``,
``facts (3)``, each repeating the header, and the README sheet says which rows each holds.

Every text cell is stored as text, never as a formula, even when it starts with ``=`` or reads
like an error code; numbers are numbers and dates are dates. The workbook's dates are fixed and
its zip is rewritten with fixed entry times in sorted order, so the same data and openpyxl
version give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from .parquet import SortedTables
from .zipfiles import add_stream

if TYPE_CHECKING:
    import pyarrow as pa

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
AUTHOR = "cnaccel contributors"
LICENCE_NOTE = "for the compiled data."
MAX_WIDTH = 60
MAX_ROWS = 1_048_576  # Excel's limit of rows per sheet, the header row included
SHEET_NAME_CHARS = 31  # Excel's limit on a sheet's name
SLICE_ROWS = 50_000  # rows converted to Python values at a time


def sheet_parts(name: str, rows: int, max_rows: int | None = None) -> list[tuple[str, int, int]]:
    """The sheets of a table of ``rows`` rows: (sheet name, first row, last row), rows counted
    from 1 below the header. One sheet when the table fits; else ``name``, ``name (2)``, ..."""
    per_sheet = (max_rows or MAX_ROWS) - 1
    if per_sheet < 1:
        raise ValueError(f"max_rows must leave room for a header and a row, not {max_rows}")
    if rows <= per_sheet:
        return [(name, 1, rows)]
    parts = []
    for index, start in enumerate(range(0, rows, per_sheet), start=1):
        suffix = "" if index == 1 else f" ({index})"
        parts.append((name[: SHEET_NAME_CHARS - len(suffix)] + suffix, start + 1, min(start + per_sheet, rows)))
    return parts


def _split_note(parts: list[tuple[str, int, int]]) -> str:
    spans = [f"rows {first:,} to {last:,} on sheet {title}" for title, first, last in parts]
    return f"Longer than an Excel sheet: {'; '.join(spans)}. Each sheet repeats the header."


def _readme_rows(root: Path, package: dict, splits: dict[str, list[tuple[str, int, int]]]) -> list[tuple[str, str]]:
    from ..citation import package_citation

    licences = ", ".join(
        f"{lic.get('name', '')} ({lic['path']})" if lic.get("path") else lic.get("name", "")
        for lic in package.get("licenses", [])
    )
    rows = [
        ("Dataset", package.get("title", package.get("name", "cnaccel"))),
        ("About", package.get("description", "")),
        ("Version", package.get("version", "")),
        ("Licence", f"{licences or 'CC-BY-4.0'} {LICENCE_NOTE}"),
        ("How to cite", package_citation("text", root)),
        ("", "In Python: cnaccel.citation.package_citation('text'); for one claim: cnaccel.cite('F0001')."),
        ("", ""),
        ("Tables", "One sheet per table; the first row of each sheet names the columns. A table longer than "
         "an Excel sheet's rows continues on further sheets named like 'facts (2)', as said below."),
        ("", "facts, events and relations end with a statement column: each claim as an English sentence "
         "rendered by cnaccel from its fields, never a source's words."),
    ]  # fmt: skip
    for res in package["resources"]:
        rows.append((res["name"], res.get("description", "")))
        if len(splits.get(res["name"], [])) > 1:
            rows.append(("", _split_note(splits[res["name"]])))
    return rows


def _text_cell(ws: Any, value: str) -> Any:
    """A cell that stays text: openpyxl takes a leading "=" as a formula and "#N/A" as an error."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _write_readme(wb: Any, root: Path, package: dict, splits: dict[str, list[tuple[str, int, int]]]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("README")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 110
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for label, text in _readme_rows(root, package, splits):
        first = _text_cell(ws, label) if label else WriteOnlyCell(ws)
        first.font = bold
        second = _text_cell(ws, text) if text else WriteOnlyCell(ws)
        second.alignment = wrap
        ws.append([first, second])


def _widths(table: pa.Table, names: list[str]) -> list[int]:
    """Each column's width in characters: its name's or its longest value's, as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    widths = []
    for name in names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        width = len(name)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            longest = pc.max(pc.utf8_length(column)).as_py()
            width = max(width, longest or 0)
        else:
            for start in range(0, len(column), SLICE_ROWS):
                values = column.slice(start, SLICE_ROWS).to_pylist()
                width = max(width, *(len(str(v)) for v in values if v is not None), 0)
        widths.append(width)
    return widths


def _risky(column: pa.ChunkedArray) -> bool:
    """Whether any text in ``column`` would not stay text when written as a plain value."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from openpyxl.cell.cell import ERROR_CODES

    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return False
    hits = pc.or_(pc.starts_with(column, "="), pc.is_in(column, value_set=pa.array(ERROR_CODES, pa.string())))
    return bool(pc.any(hits).as_py())


def _rows(ws: Any, table: pa.Table, names: list[str], first: int, last: int) -> Iterator[list[Any]]:
    """Rows ``first`` to ``last`` (from 1) of ``table`` as lists of cell values, a slice at a time."""
    for start in range(first - 1, last, SLICE_ROWS):
        part = table.slice(start, min(SLICE_ROWS, last - start))
        columns = []
        for name in names:
            values = part.column(name).to_pylist()
            if _risky(part.column(name)):
                values = [_text_cell(ws, v) if isinstance(v, str) else v for v in values]
            columns.append(values)
        for row in zip(*columns, strict=True):
            yield list(row)


def _write_table(wb: Any, tables: SortedTables, res: dict, max_rows: int | None) -> list[tuple[str, int, int]]:
    """Write the sheet or sheets of one table; returns its parts (see :func:`sheet_parts`)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = tables[res["name"]]
    names = [f["name"] for f in schema.fields(res)]
    widths = _widths(table, names)
    bold = Font(bold=True)
    parts = sheet_parts(res["name"], table.num_rows, max_rows)
    for title, first, last in parts:
        ws = wb.create_sheet(title)
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)
        ws.freeze_panes = "A2"
        if last >= first:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{last - first + 2}"
        header = []
        for name in names:
            cell = _text_cell(ws, name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in _rows(ws, table, names, first, last):
            ws.append(row)
    return parts


def normalise_zip(source: Path, target: Path) -> None:
    """Copy the zip at ``source`` to ``target`` with entries in sorted order, fixed times and
    permissions, deflated; entry by entry, a block at a time."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as new:
        for name in sorted(old.namelist()):
            with old.open(name) as src:
                add_stream(new, name, src, old.getinfo(name).file_size)


def write_xlsx(
    root: Path, package: dict, path: Path, tables: SortedTables | None = None, max_rows: int | None = None
) -> None:
    """Write the workbook of the package at ``root`` to ``path`` as deterministic xlsx bytes;
    ``max_rows`` (default :data:`MAX_ROWS`) is the rows per sheet, the header included."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    tables = tables or SortedTables(root, package)
    max_rows = max_rows or MAX_ROWS
    wb = Workbook(write_only=True)
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    wb.properties.title = package.get("title")
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    splits = {
        res["name"]: sheet_parts(res["name"], tables[res["name"]].num_rows, max_rows) for res in package["resources"]
    }
    _write_readme(wb, root, package, splits)
    for res in package["resources"]:
        _write_table(wb, tables, res, max_rows)
    with tempfile.TemporaryDirectory(prefix="cnaccel-xlsx-", dir=path.parent) as work:
        raw = Path(work) / "raw.xlsx"
        # ExcelWriter directly: openpyxl's save_workbook would stamp the current time as "modified".
        # Stored, not deflated: normalise_zip compresses each entry once.
        ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
        normalise_zip(raw, path)
