"""The bundle as its consumers read it: DuckDB, sqlite3, openpyxl, pyarrow/pandas, and the wheel
installed into a fresh virtual environment."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import math
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import cnaccel
from cnaccel.release import build_bundle

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {res["name"]: res for res in PACKAGE["resources"]}
TABLES = list(RESOURCES)


def csv_rows(table: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(ROOT / RESOURCES[table]["path"], encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def field_types(table: str) -> dict[str, str]:
    return {f["name"]: f.get("type", "string") for f in RESOURCES[table]["schema"]["fields"]}


CLAIM_TABLES = ("facts", "events", "relations")


def output_columns(table: str) -> list[str]:
    """The columns of a table in every release output: a claim table ends with its statement."""
    return [*field_types(table), *(["statement"] if table in CLAIM_TABLES else [])]


def key_of(table: str) -> str:
    key = RESOURCES[table]["schema"]["primaryKey"]
    return key if isinstance(key, str) else key[0]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(tmp_path_factory.mktemp("consumers") / "out", root=ROOT)


# DuckDB ---------------------------------------------------------------------------------------


def test_duckdb_reads_every_parquet_file(bundle):
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    for table in TABLES:
        path = bundle / "parquet" / f"{table}.parquet"
        count = connection.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]
        assert count == len(cnaccel.load(table, root=ROOT)), table
        described = connection.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        assert [row[0] for row in described] == output_columns(table)


def test_duckdb_joins_match_pandas(bundle):
    duckdb = pytest.importorskip("duckdb")
    parquet = {t: str(bundle / "parquet" / f"{t}.parquet") for t in ("facts", "entities", "sources")}
    rows = (
        duckdb.connect()
        .execute(
            "SELECT f.fact_id, e.name_en, s.title, s.reliability::VARCHAR, f.value "
            "FROM read_parquet(?) AS f "
            "JOIN read_parquet(?) AS e ON e.entity_id = f.entity_id "
            "JOIN read_parquet(?) AS s ON s.source_id = f.source_id "
            "ORDER BY f.fact_id",
            [parquet["facts"], parquet["entities"], parquet["sources"]],
        )
        .fetchall()
    )
    facts = cnaccel.load("facts", root=ROOT)
    entities = cnaccel.load("entities", root=ROOT)[["entity_id", "name_en"]]
    sources = cnaccel.load("sources", root=ROOT)[["source_id", "title", "reliability"]]
    joined = facts.merge(entities, on="entity_id").merge(sources, on="source_id").sort_values("fact_id")
    expected = [
        (f, n, t, str(r), None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v))
        for f, n, t, r, v in zip(
            joined["fact_id"],
            joined["name_en"],
            joined["title"],
            joined["reliability"],
            joined["value"].astype(object).where(joined["value"].notna(), None),
            strict=True,
        )
    ]
    assert len(rows) == len(expected) == len(facts)
    assert rows == expected


# SQLite ---------------------------------------------------------------------------------------


def test_sqlite_foreign_keys_and_facts_cited(bundle):
    import sqlite3

    connection = sqlite3.connect(bundle / "cnaccel.sqlite")
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table in TABLES:
            count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert count == len(csv_rows(table)[1]), table
        facts = len(csv_rows("facts")[1])
        assert connection.execute("SELECT count(*), count(DISTINCT fact_id) FROM facts_cited").fetchone() == (
            facts,
            facts,
        )
        cited = connection.execute(
            "SELECT entity_name, metric_name, unit_name, source_title, source_publisher, source_published, "
            "source_url, source_reliability FROM facts_cited WHERE fact_id = 'F0001'"
        ).fetchone()
        _, fact = csv_rows("facts")
        first = next(r for r in fact if r["fact_id"] == "F0001")
        entity = next(r for r in csv_rows("entities")[1] if r["entity_id"] == first["entity_id"])
        source = next(r for r in csv_rows("sources")[1] if r["source_id"] == first["source_id"])
        assert cited[0] == entity["name_en"]
        assert cited[3:] == (
            source["title"],
            source["publisher"],
            source["published"] or None,
            source["url"] or None,
            source["reliability"],
        )
    finally:
        connection.close()


def test_sqlite_values_equal_the_csv(bundle):
    import sqlite3

    connection = sqlite3.connect(bundle / "cnaccel.sqlite")
    try:
        for table in TABLES:
            header, rows = csv_rows(table)
            types = field_types(table)
            key = key_of(table)
            columns = ", ".join(f'"{c}"' for c in [key, *header])
            got = {r[0]: r for r in connection.execute(f'SELECT {columns} FROM "{table}"').fetchall()}
            for row in rows:
                values = got[row[key]][1:]
                for column, value in zip(header, values, strict=True):
                    text = row[column]
                    if text == "":
                        assert value is None, (table, row[key], column)
                    elif types[column] in ("number", "integer"):
                        assert value == float(text), (table, row[key], column)
                    elif types[column] == "boolean":
                        assert value == (1 if text.lower() in ("true", "1") else 0)
                    else:
                        assert value == text, (table, row[key], column)
    finally:
        connection.close()


# Excel ----------------------------------------------------------------------------------------


def _same(cell: object, text: str, kind: str) -> bool:
    if text == "":
        return cell is None
    if kind in ("number", "integer"):
        return isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell) == float(text)
    if kind == "date":
        return isinstance(cell, dt.datetime | dt.date) and cell.isoformat()[:10] == text
    if kind == "boolean":
        return cell is (text.lower() in ("true", "1"))
    return isinstance(cell, str) and cell == text


def test_xlsx_sheets_equal_the_csv(bundle):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(bundle / "cnaccel.xlsx")
    assert workbook.sheetnames == ["README", *TABLES, "estimates"]
    for table in TABLES:
        sheet = workbook[table]
        assert sheet.freeze_panes == "A2"
        header, rows = csv_rows(table)
        types = field_types(table)
        cells = list(sheet.iter_rows(values_only=True))
        assert list(cells[0]) == output_columns(table)
        by_key = {row[0]: row for row in cells[1:]}
        assert len(by_key) == len(rows) == len(cells) - 1
        for row in rows:
            values = by_key[row[header[0]]]
            for column, value in zip(header, values, strict=False):
                assert _same(value, row[column], types[column]), (table, row[header[0]], column, value, row[column])
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (table, cell.coordinate)


def test_xlsx_readme(bundle):
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(bundle / "cnaccel.xlsx")["README"]
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert PACKAGE["version"] in text
    assert "CC-BY-4.0" in text and "statement" in text
    assert "package_citation" in text
    for table in TABLES:
        assert RESOURCES[table]["description"] in text


def test_xlsx_keeps_formula_like_text_as_text(pkg, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from cnaccel.release.xlsx import write_xlsx

    pkg.edit("facts", "F0001", "context", '=HYPERLINK("http://example.com","x")')
    pkg.edit("facts", "F0002", "context", "+1+2")
    package = json.loads((pkg.root / "datapackage.json").read_text(encoding="utf-8"))
    path = tmp_path / "book.xlsx"
    write_xlsx(pkg.root, package, path)
    sheet = openpyxl.load_workbook(path)["facts"]
    header = [c.value for c in sheet[1]]
    column = header.index("context") + 1
    cells = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)}
    assert cells["F0001"].data_type == "s"
    assert cells["F0001"].value == '=HYPERLINK("http://example.com","x")'
    assert cells["F0002"].value == "+1+2"
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)


# Parquet round trip -----------------------------------------------------------------------------


def test_csv_to_parquet_to_pandas_is_lossless(bundle):
    import pandas as pd
    import pyarrow.parquet as pq

    from cnaccel.typed import to_pandas

    for table in TABLES:
        frame = to_pandas(pq.read_table(bundle / "parquet" / f"{table}.parquet"))
        from cnaccel.typed import read_frame

        expected = read_frame(table, ROOT)  # the stored columns, as load() has them before it adds typed dates
        expected = expected.sort_values(key_of(table)).reset_index(drop=True)
        if table in CLAIM_TABLES:
            said = getattr(cnaccel, table)(root=ROOT, include_superseded=True).set_index(key_of(table))["statement"]
            assert frame["statement"].tolist() == [said[i] for i in frame[key_of(table)]]
            frame = frame.drop(columns="statement")
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)


def test_parquet_cells_equal_the_csv_cells(bundle):
    import pyarrow.parquet as pq

    for table in TABLES:
        header, rows = csv_rows(table)
        types = field_types(table)
        data = pq.read_table(bundle / "parquet" / f"{table}.parquet").to_pydict()
        key = key_of(table)
        index = {k: i for i, k in enumerate(data[key])}
        assert len(index) == len(rows)
        for row in rows:
            i = index[row[key]]
            for column in header:
                text, value = row[column], data[column][i]
                if text == "":
                    assert value is None, (table, row[key], column)
                elif types[column] == "number":
                    assert value == float(text) and repr(value) == repr(float(text)), (table, row[key], column)
                elif types[column] == "integer":
                    assert value == int(text), (table, row[key], column)
                elif types[column] == "date":
                    assert value.isoformat() == text
                elif types[column] == "boolean":
                    assert value is (text.lower() in ("true", "1"))
                else:
                    assert value == text, (table, row[key], column)


def test_parquet_keeps_chinese_text_big_numbers_and_fractions(bundle):
    import pyarrow.parquet as pq

    facts = pq.read_table(bundle / "parquet" / "facts.parquet").to_pydict()
    values = {v for v in facts["value"] if v is not None}
    assert 9489974831.12 in values
    assert 17100000000.0 in values
    assert any(v != int(v) and abs(v) < 1 for v in values)  # a fraction such as 0.3
    at = facts["fact_id"].index("F0001")
    assert facts["figure"][at] == "171億美元"
    assert facts["statement"][at].endswith("as USD 17.1 billion, printed 171億美元.")
    _, rows = csv_rows("facts")
    empty = sum(1 for r in rows if r["product_id"] == "")
    assert facts["product_id"].count(None) == empty > 0


# The wheel ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed; pip install hatchling to test the wheel")
    outdir = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(outdir), str(ROOT)],
        check=True,
        capture_output=True,
        env={**_clean_env(), "SOURCE_DATE_EPOCH": "1767225600"},
        timeout=120,
    )
    (found,) = outdir.glob("*.whl")
    return found


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.mark.slow
def test_wheel_holds_no_archived_source_texts(wheel, history_archive):
    texts = [p.read_bytes().strip() for p in history_archive.glob("*.txt")]
    assert len(texts) > 100
    texts = [t for t in texts if len(t) >= 1000]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert not [n for n in names if "sources" in n.split("/")[:-1]]
        assert not [n for n in names if n.endswith(".txt") and not n.split("/")[0].endswith(".dist-info")]
        for name in names:
            data = archive.read(name)
            assert not any(t in data for t in texts), name


@pytest.mark.slow
def test_wheel_carries_the_release_subpackage(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "cnaccel/release/__init__.py" in names, (
        "cnaccel/release/ is missing from the wheel: hatchling skips files that .gitignore ignores; "
        "anchor build-output patterns such as /build/ so they cannot match a source folder"
    )


@pytest.fixture(scope="module")
def wheel_python(wheel, tmp_path_factory) -> Path:
    """The python of a fresh virtual environment with the wheel installed (its dependencies come from
    this environment's site-packages, as the machine has no other package index)."""
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    command = [sys.executable, "-m", "venv", "--system-site-packages", str(venv)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    python = venv / "bin" / "python"
    # A venv made from inside a venv sees the base interpreter's packages, not this venv's:
    # point it at this venv's site-packages (after its own) so pandas and pyarrow are found.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "_parent_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
        env=_clean_env(),
    )
    return python


@pytest.mark.slow
def test_wheel_installs_and_loads_every_table(wheel_python, tmp_path):
    python = wheel_python
    venv = python.parents[1]
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = (
        "import json, cnaccel\n"
        "from cnaccel.paths import bundled_root\n"
        "frames = {t: cnaccel.load(t) for t in cnaccel.tables()}\n"
        "print(json.dumps({'file': cnaccel.__file__, 'root': str(bundled_root()),"
        " 'rows': {t: len(f) for t, f in frames.items()}}))\n"
    )
    result = subprocess.run(
        [str(python), "-c", script], cwd=work, capture_output=True, text=True, timeout=120, env=_clean_env()
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(venv))
    assert report["root"].startswith(str(venv))
    expected = {t: len(csv_rows(t)[1]) for t in TABLES}
    assert report["rows"] == {**expected, "estimates": len(cnaccel.estimates(root=ROOT))}


def _serve_once(cli: Path, args: list[str], work: Path) -> None:
    """Start a README `cnaccel serve` example on a free port, see it answer, stop it."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    if "--port" in args:
        at = args.index("--port")
        args = args[:at] + args[at + 2 :]
    server = subprocess.Popen([str(cli), *args, "--port", str(port)], cwd=work, env=_clean_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        for _ in range(120):
            try:
                tables = urllib.request.urlopen(f"http://127.0.0.1:{port}/cnaccel.json", timeout=1).read()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()[-2000:]
                time.sleep(0.5)
        else:
            raise AssertionError(f"cnaccel {' '.join(args)} did not answer")
        assert b"estimates" in tables
    finally:
        server.terminate()
        server.wait(timeout=20)


def _readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


@pytest.mark.slow
def test_readme_examples_run_from_the_wheel_outside_the_clone(wheel_python, bundle, pkg, history_archive, tmp_path):
    """Every Python and command-line example of README.md, run with the installed wheel in a folder
    outside the clone, given the files the examples name (a release zip, an older one, a saved page)."""
    work = tmp_path / "reader"
    work.mkdir()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    release = bundle.parent / f"{bundle.name}.zip"
    for name in set(re.findall(r"cnaccel-\d+\.\d+\.\d+\.zip", text)):
        shutil.copy(release, work / name)
    pkg.edit("facts", "F0002", "context", "An older wording of this context")
    old = build_bundle(tmp_path / "old", root=pkg.root)
    shutil.copy(old.parent / f"{old.name}.zip", work / "old.zip")
    page = (history_archive / "36kr-2025-12-domestic-gpu-race.txt").read_text(encoding="utf-8")
    (work / "saved-page.html").write_text(f"<html><body><p>{page}</p></body></html>", encoding="utf-8")
    cli = wheel_python.parent / "cnaccel"
    (python_block,) = _readme_blocks("python")
    result = subprocess.run([str(wheel_python), "-c", python_block], cwd=work, capture_output=True, text=True,
                            timeout=300, env=_clean_env())  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    commands = [
        line.split("  #")[0].strip() for block in _readme_blocks("bash") for line in block.splitlines()
        if line.startswith("cnaccel ")
    ]  # fmt: skip
    assert len(commands) >= 10
    for command in commands:
        args = shlex.split(command)[1:]
        if args[0] == "serve":
            _serve_once(cli, args, work)
            continue
        done = subprocess.run(
            [str(cli), *args], cwd=work, capture_output=True, text=True, timeout=600, env=_clean_env()
        )
        assert done.returncode == 0, (command, done.stdout[-1500:], done.stderr[-1500:])
        assert "Traceback" not in done.stderr
    assert (work / "dist").is_dir()


# The estimates table in every output -------------------------------------------------------------


def test_estimates_in_every_output_equal_the_api(bundle):
    import sqlite3

    import pyarrow.parquet as pq

    api = cnaccel.estimates(root=ROOT).set_index("fact_id")
    parquet = pq.read_table(bundle / "parquet" / "estimates.parquet").to_pandas().set_index("fact_id")
    assert list(parquet.index) == sorted(api.index) and len(api) > 100
    with open(bundle / "csv" / "estimates.csv", encoding="utf-8", newline="") as fh:
        rows = {r["fact_id"]: r for r in csv.DictReader(fh)}
    connection = sqlite3.connect(bundle / "cnaccel.sqlite")
    try:
        sql = dict(connection.execute("SELECT fact_id, value FROM estimates").fetchall())
        assert connection.execute("PRAGMA foreign_key_check(estimates)").fetchall() == []
        ddl = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'estimates'").fetchone()[0]
        assert 'FOREIGN KEY ("fact_id") REFERENCES "facts" ("fact_id")' in ddl
    finally:
        connection.close()
    openpyxl = pytest.importorskip("openpyxl")
    sheet = list(openpyxl.load_workbook(bundle / "cnaccel.xlsx")["estimates"].iter_rows(values_only=True))
    assert len(sheet) - 1 == len(api)
    for fact_id, row in api.iterrows():
        assert parquet.loc[fact_id, "value"] == row["value"] == sql[fact_id] == float(rows[fact_id]["value"])
        assert rows[fact_id]["rule"] == row["rule"] and rows[fact_id]["status"] == row["status"]
