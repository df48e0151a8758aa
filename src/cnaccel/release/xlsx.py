"""An Excel workbook of the tables: a README sheet, then one sheet per table.

Every text cell is stored as text, never as a formula, even when it starts with ``=``; numbers
are numbers and dates are dates. The workbook's dates are fixed and its zip is rewritten with
fixed entry times in sorted order, so the same data and openpyxl version give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from .. import schema
from .parquet import SortedTables

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
AUTHOR = "cnaccel contributors"
LICENCE_NOTE = "for the compiled data."
MAX_WIDTH = 60


def _readme_rows(root: Path, package: dict) -> list[tuple[str, str]]:
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
        ("Tables", "One sheet per table; the first row of each sheet names the columns."),
        ("", "facts, events and relations end with a statement column: each claim as an English sentence "
         "rendered by cnaccel from its fields, never a source's words."),
    ]
    rows += [(res["name"], res.get("description", "")) for res in package["resources"]]
    return rows


def _set(ws: Any, row: int, column: int, value: Any) -> None:
    cell = ws.cell(row=row, column=column)
    if value is None:
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes a leading "=" as a formula; this keeps it text


def _write_readme(wb: Any, root: Path, package: dict) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.active
    ws.title = "README"
    for index, (label, text) in enumerate(_readme_rows(root, package), start=1):
        _set(ws, index, 1, label or None)
        _set(ws, index, 2, text or None)
        ws.cell(row=index, column=1).font = Font(bold=True)
        ws.cell(row=index, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 110


def _write_table(wb: Any, tables: SortedTables, res: dict) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(res["name"])
    table = tables[res["name"]]
    names = [f["name"] for f in schema.fields(res)]
    bold = Font(bold=True)
    for column, name in enumerate(names, start=1):
        _set(ws, 1, column, name)
        ws.cell(row=1, column=column).font = bold
    widths = [len(name) for name in names]
    for column, name in enumerate(names, start=1):
        for row, value in enumerate(table.column(name).to_pylist(), start=2):
            _set(ws, row, column, value)
            if value is not None:
                widths[column - 1] = max(widths[column - 1], len(str(value)))
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    if table.num_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{table.num_rows + 1}"


def normalise_zip(data: bytes) -> bytes:
    """The same zip with entries in sorted order, fixed times and permissions, deflated."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            target.writestr(info, source.read(name), compresslevel=9)
    return buffer.getvalue()


def workbook_bytes(root: Path, package: dict, tables: SortedTables | None = None) -> bytes:
    """The workbook of the package at ``root`` as deterministic xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    wb.properties.title = package.get("title")
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    _write_readme(wb, root, package)
    tables = tables or SortedTables(root, package)
    for res in package["resources"]:
        _write_table(wb, tables, res)
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook would stamp the current time as "modified".
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return normalise_zip(buffer.getvalue())


def write_xlsx(root: Path, package: dict, path: Path, tables: SortedTables | None = None) -> None:
    """Write the workbook of the package at ``root`` to ``path``."""
    path.write_bytes(workbook_bytes(root, package, tables))
