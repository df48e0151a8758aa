"""The streamed Excel workbook: a table longer than a sheet continues on further sheets with the
header repeated and the README sheet saying which rows each holds; text stays text; the bytes
are the same from one write to the next. The overflow is tested with a small row limit."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from cnaccel.derived import release_descriptor
from cnaccel.release import xlsx, zipfiles
from cnaccel.release.parquet import SortedTables

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400  # rows per sheet in these tests, the header included


def _package(root: Path) -> dict:
    return release_descriptor(json.loads((root / "datapackage.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def small_sheets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, SortedTables]:
    package = _package(ROOT)
    tables = SortedTables(ROOT, package)
    path = tmp_path_factory.mktemp("xlsx") / "book.xlsx"
    xlsx.write_xlsx(ROOT, package, path, tables, max_rows=LIMIT)
    return path, package, tables


def test_excel_row_limit_is_the_default():
    assert xlsx.MAX_ROWS == 1_048_576
    assert xlsx.sheet_parts("facts", 1_048_575) == [("facts", 1, 1_048_575)]
    assert xlsx.sheet_parts("facts", 1_048_576) == [("facts", 1, 1_048_575), ("facts (2)", 1_048_576, 1_048_576)]


def test_sheet_parts_split_at_the_limit_and_keep_names_within_31_characters():
    assert xlsx.sheet_parts("t", 0, 4) == [("t", 1, 0)]
    assert xlsx.sheet_parts("t", 3, 4) == [("t", 1, 3)]
    assert xlsx.sheet_parts("t", 7, 4) == [("t", 1, 3), ("t (2)", 4, 6), ("t (3)", 7, 7)]
    long = "x" * 31
    assert [len(title) for title, _, _ in xlsx.sheet_parts(long, 5, 3)] == [31, 31, 31]
    with pytest.raises(ValueError, match="max_rows"):
        xlsx.sheet_parts("t", 5, 1)


def test_a_long_table_continues_on_further_sheets_with_the_header(small_sheets):
    path, package, tables = small_sheets
    facts = tables["facts"]
    assert facts.num_rows > 2 * (LIMIT - 1), "the test needs a facts table longer than two small sheets"
    book = openpyxl.load_workbook(path)
    parts = xlsx.sheet_parts("facts", facts.num_rows, LIMIT)
    assert len(parts) >= 3
    names = [res["name"] for res in package["resources"]]
    expected = ["README"]
    for name in names:
        expected += [title for title, _, _ in xlsx.sheet_parts(name, tables[name].num_rows, LIMIT)]
    assert book.sheetnames == expected
    header = [f["name"] for f in package["resources"][names.index("facts")]["schema"]["fields"]]
    ids = []
    for title, first, last in parts:
        sheet = book[title]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == header
        assert len(rows) - 1 == last - first + 1 <= LIMIT - 1
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows)}"
        ids += [row[0] for row in rows[1:]]
    assert ids == facts.column("fact_id").to_pylist()


def test_the_readme_sheet_says_which_rows_each_sheet_holds(small_sheets):
    path, _, tables = small_sheets
    text = "\n".join(
        str(v) for row in openpyxl.load_workbook(path)["README"].iter_rows(values_only=True) for v in row if v
    )
    per = LIMIT - 1
    total = tables["facts"].num_rows
    assert f"rows 1 to {per:,} on sheet facts; rows {per + 1:,} to {2 * per:,} on sheet facts (2);" in text
    assert f"to {total:,} on sheet facts ({len(xlsx.sheet_parts('facts', total, LIMIT))})." in text
    assert "Each sheet repeats the header." in text
    assert "on sheet units" not in text  # a table that fits is not split


def test_text_that_looks_like_a_formula_or_an_error_stays_text(pkg, tmp_path):
    pkg.edit("facts", "F0001", "context", "=SUM(A1:A2)")
    pkg.edit("facts", "F0002", "context", "#N/A")
    path = tmp_path / "book.xlsx"
    xlsx.write_xlsx(pkg.root, _package(pkg.root), path, max_rows=LIMIT)
    sheet = openpyxl.load_workbook(path)["facts"]
    header = [c.value for c in sheet[1]]
    column = header.index("context") + 1
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)}
    assert (cells["F0001"].value, cells["F0001"].data_type) == ("=SUM(A1:A2)", "s")
    assert (cells["F0002"].value, cells["F0002"].data_type) == ("#N/A", "s")
    with zipfile.ZipFile(path) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_two_writes_give_the_same_bytes_in_a_normalised_zip(small_sheets, tmp_path):
    path, package, tables = small_sheets
    again = tmp_path / "again.xlsx"
    xlsx.write_xlsx(ROOT, package, again, tables, max_rows=LIMIT)
    assert again.read_bytes() == path.read_bytes()
    with zipfile.ZipFile(again) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in archive.infolist()} == {zipfiles.ZIP_TIME}
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.xlsx"]  # no temporary file left beside it


@pytest.mark.parametrize("level", [1, 9])
def test_zip_entries_are_streamed_at_the_set_level_with_fixed_metadata_and_no_zip64_when_small(
    tmp_path, monkeypatch, level
):
    import io
    import zlib

    monkeypatch.setattr(zipfiles, "LEVEL", level)
    data = ",".join(str(i * i % 9973) for i in range(300_000)).encode()
    path = tmp_path / "t.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        zipfiles.add_stream(archive, "b.txt", io.BytesIO(data), len(data))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("b.txt")
        assert (info.date_time, info.external_attr >> 16, info.file_size) == (zipfiles.ZIP_TIME, 0o100644, len(data))
        assert archive.read("b.txt") == data
        assert info.extra == b""  # no Zip64 field for an entry below the Zip64 limit
    compressor = zlib.compressobj(zipfiles.LEVEL, zlib.DEFLATED, -15)
    assert info.compress_size == len(compressor.compress(data) + compressor.flush())
