"""The release bundle: every file is there, two builds are byte-identical, a failed build leaves
``out/`` as it was, verify_bundle catches tampering, and no archived source text gets in."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from cnaccel.derived import release_descriptor
from cnaccel.release import BuildError, build_bundle, verify_bundle
from conftest import snapshot

ROOT = Path(__file__).resolve().parents[1]
STORED = [res["name"] for res in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
TABLES = [*STORED, "estimates"]  # the release adds the derived answer table
VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
NAME = f"cnaccel-{VERSION}"
MIN_TEXT_BYTES = 1000  # archived texts at least this long must not appear whole in any file




@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two independent builds of the repository's package (output folders)."""
    first = tmp_path_factory.mktemp("first") / "out"
    second = tmp_path_factory.mktemp("second") / "out"
    build_bundle(first, root=ROOT)
    build_bundle(second, root=ROOT)
    return first, second


@pytest.fixture(scope="module")
def bundle(builds: tuple[Path, Path]) -> Path:
    return builds[0] / NAME


def copy_of(bundle: Path, target: Path) -> Path:
    shutil.copytree(bundle, target)
    return target


def test_returns_the_bundle_folder_and_writes_every_file(builds, bundle):
    out = builds[0]
    assert sorted(p.name for p in out.iterdir()) == [NAME, f"{NAME}.zip"]
    expected = {
        "cnaccel.sqlite",
        "cnaccel.xlsx",
        "datapackage.json",
        "SHA256SUMS",
        "README.md",
        "LICENSE",
        "LICENSE-DATA.md",
        *(f"parquet/{t}.parquet" for t in TABLES),
        *(f"csv/{t}.csv" for t in TABLES),
    }
    assert set(snapshot(bundle)) == expected
    assert len(TABLES) == 9
    with zipfile.ZipFile(out / f"{NAME}.zip") as archive:
        assert archive.namelist() == sorted(f"{NAME}/{name}" for name in expected)


CLAIM_TABLES = ("facts", "events", "relations")


def test_csv_files_are_the_repository_files_with_statements(bundle):
    for table in STORED:
        ours = (ROOT / "data" / f"{table}.csv").read_bytes()
        theirs = (bundle / "csv" / f"{table}.csv").read_bytes()
        if table not in CLAIM_TABLES:
            assert theirs == ours
            continue
        with open(bundle / "csv" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            source = list(csv.reader(fh))
        assert [row[:-1] for row in rows] == source
        assert rows[0][-1] == "statement" and all(row[-1].endswith(".") for row in rows[1:])


def test_two_builds_are_byte_identical(builds):
    first, second = builds
    assert snapshot(first) == snapshot(second)


def test_zip_is_normalised(builds):
    with zipfile.ZipFile(builds[0] / f"{NAME}.zip") as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == 0o100644
    with zipfile.ZipFile(builds[0] / NAME / "cnaccel.xlsx") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_sums_list_every_file_sorted(bundle):
    lines = (bundle / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = [line.split("  ", 1)[1] for line in lines]
    assert listed == sorted(set(snapshot(bundle)) - {"SHA256SUMS"})
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest


def test_bundle_descriptor(bundle):
    package = release_descriptor(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8")))
    desc = json.loads((bundle / "datapackage.json").read_text(encoding="utf-8"))
    for key in ("name", "title", "version", "licenses", "description"):
        assert desc[key] == package[key]
    by_name = {res["name"]: res for res in desc["resources"]}
    assert set(by_name) == set(TABLES) | {f"{t}-parquet" for t in TABLES}
    for res in desc["resources"]:
        data = (bundle / res["path"]).read_bytes()
        assert res.get("bytes", len(data)) == len(data)
        assert ("bytes" in res) == (res.get("format") != "parquet")  # frictionless cannot count Parquet bytes
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    original = {res["name"]: res for res in package["resources"]}
    for table in TABLES:
        assert by_name[table]["path"] == f"csv/{table}.csv"
        assert by_name[table]["schema"] == original[table]["schema"]
        pq_res = by_name[f"{table}-parquet"]
        assert pq_res["path"] == f"parquet/{table}.parquet"
        assert pq_res["format"] == "parquet"
        assert pq_res["schema"]["fields"] == original[table]["schema"]["fields"]
        for fk in pq_res["schema"].get("foreignKeys", []):
            ref = fk["reference"].get("resource")
            assert ref is None or ref.endswith("-parquet")


def test_bundle_descriptor_validates_with_frictionless(bundle):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(bundle / "datapackage.json")).validate()
    assert {task.name for task in report.tasks} == set(TABLES) | {f"{t}-parquet" for t in TABLES}
    for task in report.tasks:
        assert task.valid, (task.name, [e.message for e in task.errors][:3])


def test_parquet_metadata(bundle):
    import pyarrow.parquet as pq

    package = release_descriptor(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8")))
    fields = {f["name"]: f for f in next(r for r in package["resources"] if r["name"] == "facts")["schema"]["fields"]}
    assert fields["statement"]["type"] == "string"
    file = pq.ParquetFile(bundle / "parquet" / "facts.parquet")
    arrow_schema = file.schema_arrow
    assert json.loads(arrow_schema.metadata[b"datapackage"]) == package
    for field in arrow_schema:
        assert field.metadata[b"description"].decode("utf-8") == fields[field.name].get("description", "")
    assert str(arrow_schema.field("qualifier").type).startswith("dictionary")
    assert str(arrow_schema.field("period_start").type) == "date32[day]"
    assert file.metadata.row_group(0).column(0).compression == "ZSTD"
    ids = file.read(columns=["fact_id"]).column(0).to_pylist()
    assert ids == sorted(ids)


def test_sqlite_declares_keys_and_enums(bundle):
    import sqlite3

    header = (bundle / "cnaccel.sqlite").read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert header[18:20] == b"\x01\x01"  # rollback journal, not WAL: readable from read-only media
    connection = sqlite3.connect(bundle / "cnaccel.sqlite")
    try:
        sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'facts'").fetchone()[0]
        assert 'PRIMARY KEY ("fact_id")' in sql
        assert 'FOREIGN KEY ("source_id") REFERENCES "sources" ("source_id")' in sql
        assert 'CHECK ("qualifier" IN (' in sql
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE facts SET qualifier = 'roughly' WHERE fact_id = 'F0001'")
        row = connection.execute(
            "SELECT typeof(value), typeof(period_start), period_start FROM facts WHERE fact_id = 'F0001'"
        ).fetchone()
        assert row == ("real", "text", "2024-01-01")
        flags = connection.execute("SELECT DISTINCT percent_may_exceed_100 FROM metrics").fetchall()
        assert {v for (v,) in flags} <= {0, 1}
    finally:
        connection.close()


def test_verify_passes_on_a_fresh_bundle_and_its_zip(builds, bundle):
    assert verify_bundle(bundle) == []
    assert verify_bundle(builds[0] / f"{NAME}.zip") == []
    assert verify_bundle(str(bundle)) == []


def test_verify_reports_a_tampered_file(bundle, tmp_path):
    copy = copy_of(bundle, tmp_path / NAME)
    path = copy / "parquet" / "facts.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    problems = verify_bundle(copy)
    assert "parquet/facts.parquet: SHA-256 differs from SHA256SUMS" in problems
    assert "parquet/facts.parquet: SHA-256 differs from datapackage.json" in problems
    assert len(problems) == 2


def test_verify_reports_an_extra_and_a_missing_file(bundle, tmp_path):
    copy = copy_of(bundle, tmp_path / NAME)
    (copy / "csv" / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (copy / "cnaccel.xlsx").unlink()
    problems = verify_bundle(copy)
    assert any(p.startswith("csv/extra.csv: not listed in SHA256SUMS") for p in problems)
    assert "cnaccel.xlsx: listed in SHA256SUMS but missing" in problems
    assert len(problems) == 2


def test_verify_reports_a_tampered_zip_member(builds, tmp_path):
    source = builds[0] / f"{NAME}.zip"
    target = tmp_path / f"{NAME}.zip"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name.endswith("csv/units.csv"):
                data += b"extra,row,,,\n"
            new.writestr(name, data)
    problems = verify_bundle(target)
    assert "csv/units.csv: SHA-256 differs from SHA256SUMS" in problems
    assert any(p.startswith("csv/units.csv:") and "bytes where datapackage.json says" in p for p in problems)


def test_verify_rejects_what_is_not_a_bundle(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(BuildError):
        verify_bundle(tmp_path / "notes.txt")
    with pytest.raises(BuildError):
        verify_bundle(tmp_path / "nowhere")
    with pytest.raises(BuildError):
        verify_bundle(tmp_path)


def _readable_contents(path: Path) -> list[bytes]:
    """The bytes of a file, plus what a reader sees inside it: zip members and Parquet values."""
    data = path.read_bytes()
    parts = [data]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                inner = archive.read(name)
                parts.append(inner)
                if name.endswith(".parquet"):
                    parts.extend(_parquet_contents(inner))
                if name.endswith(".xlsx"):
                    with zipfile.ZipFile(io.BytesIO(inner)) as workbook:
                        parts.extend(workbook.read(n) for n in workbook.namelist())
    if path.suffix == ".parquet":
        parts.extend(_parquet_contents(data))
    return parts


def _parquet_contents(data: bytes) -> list[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data))
    values = [str(v) for column in table.columns for v in column.to_pylist() if v is not None]
    return ["\n".join(values).encode("utf-8")]


def _archived_texts(folder: Path) -> list[bytes]:
    texts = [p.read_bytes().strip() for p in sorted(folder.glob("*.txt"))]
    return [t for t in texts if len(t) >= MIN_TEXT_BYTES]


def test_no_passage_of_any_source_in_the_bundle(bundle, history_archive):
    """Figures, never sentences: no claim's passage (16 characters or more besides its figure) stands
    in any cell of the bundle but a document's title, which is a bibliographic fact."""
    from cnaccel.fingerprint import normalise

    texts = {p.stem: normalise(p.read_text(encoding="utf-8")) for p in history_archive.glob("*.txt")}
    cells = []
    for table in TABLES:
        with open(bundle / "csv" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                cells += [v for k, v in row.items() if not (table == "sources" and k == "title")]
    tables = "\n".join(normalise(c) for c in cells)
    checked = 0
    for table in CLAIM_TABLES:
        with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = texts.get(row["source_id"])
                start, chars = int(row["passage_start"]), int(row["passage_chars"])
                if text is None or chars - len(normalise(row["figure"])) < 16:
                    continue  # a passage that is little more than its figure: the figure is ours to keep
                checked += 1
                assert text[start : start + chars] not in tables, f"{row}: its passage is in the bundle"
    assert checked > 500


def test_no_archived_source_text_in_the_bundle(builds, history_archive):
    texts = _archived_texts(history_archive)
    assert len(texts) > 50
    files = [p for p in builds[0].rglob("*") if p.is_file()]
    for path in files:
        assert "sources" not in path.relative_to(builds[0]).parts[:-1]
        for content in _readable_contents(path):
            for text in texts:
                assert text not in content, f"{path.name} holds an archived source text"
    with zipfile.ZipFile(builds[0] / f"{NAME}.zip") as archive:
        assert not [n for n in archive.namelist() if "sources" in n.split("/")[:-1]]


def test_invalid_data_raises_and_leaves_out_untouched(pkg, tmp_path):
    out = tmp_path / "out"
    build_bundle(out, root=pkg.root)
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    pkg.edit("facts", "F0001", "value", "100000000000")
    with pytest.raises(BuildError, match=r"^data does not validate: \d+ problems?; run `cnaccel validate`$"):
        build_bundle(out, root=pkg.root)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pkg"]


def test_invalid_data_touches_nothing_when_out_is_new(pkg, tmp_path):
    pkg.edit("facts", "F0001", "figure", "not a figure at all")
    with pytest.raises(BuildError):
        build_bundle(tmp_path / "new" / "out", root=pkg.root)
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("writer", ["xlsx.write_xlsx", "sqlite.write_sqlite", "bundle.write_zip"])
def test_failure_mid_build_leaves_out_intact(bundle, tmp_path, monkeypatch, writer):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(bundle, out / NAME)
    (out / NAME / "cnaccel.xlsx").write_bytes(b"an older workbook")
    (out / "notes.txt").write_text("kept", encoding="utf-8")
    before = snapshot(out)
    module_name, function = writer.split(".")
    module = importlib.import_module(f"cnaccel.release.{module_name}")

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(module, function, boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_bundle(out, root=ROOT)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_while_swapping_in_restores_out(bundle, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(bundle, out / NAME)
    (out / NAME / "SHA256SUMS").write_text("old", encoding="utf-8")
    (out / f"{NAME}.zip").write_bytes(b"old zip")
    before = snapshot(out)
    from cnaccel.release import publish

    real_exchange = publish.exchange
    failed: list[str] = []

    def flaky_exchange(a, b):
        # Fail once, when the new zip is swapped into out/ (after the new folder already was).
        if not failed and Path(b) == out / f"{NAME}.zip":
            failed.append(str(a))
            raise OSError("device busy")
        return real_exchange(a, b)

    monkeypatch.setattr(publish, "exchange", flaky_exchange)
    with pytest.raises(OSError, match="device busy"):
        build_bundle(out, root=ROOT)
    monkeypatch.undo()
    assert failed
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_rebuild_replaces_only_its_own_entries(bundle, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "cnaccel-0.0.1.zip").write_bytes(b"an older release")
    (out / NAME).mkdir()
    (out / NAME / "stale.txt").write_text("from an old build", encoding="utf-8")
    result = build_bundle(out, root=ROOT)
    assert result == out / NAME
    assert (out / "cnaccel-0.0.1.zip").read_bytes() == b"an older release"
    assert not (out / NAME / "stale.txt").exists()
    assert snapshot(out / NAME) == snapshot(bundle)


def test_out_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match="not a folder"):
        build_bundle(tmp_path / "out", root=ROOT)


@pytest.mark.slow
def test_with_dists_adds_a_reproducible_wheel_and_sdist_without_archives(tmp_path):
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed")
    out = tmp_path / "out"
    build_bundle(out, root=ROOT, with_dists=True)
    wheels = list(out.glob("*.whl"))
    sdists = list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    with zipfile.ZipFile(wheels[0]) as archive:
        names = archive.namelist()
    assert "cnaccel/_data/datapackage.json" in names
    assert not [n for n in names if "sources" in n.split("/")[:-1]]
    with tarfile.open(sdists[0]) as archive:
        assert not [n for n in archive.getnames() if "sources" in n.split("/")[:-1]]
    build_bundle(tmp_path / "again", root=ROOT, with_dists=True)
    assert snapshot(out) == snapshot(tmp_path / "again")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "out"]


def test_with_dists_without_hatchling_is_a_build_error(tmp_path, monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "hatchling" else real_find_spec(name, *a)
    )
    with pytest.raises(BuildError, match="hatchling"):
        build_bundle(tmp_path / "out", root=ROOT, with_dists=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def csv_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle built with only the CSV and SQLite forms."""
    return build_bundle(tmp_path_factory.mktemp("formats") / "out", root=ROOT, formats="csv,sqlite")


def test_formats_choose_the_forms_and_the_descriptor_sums_and_readme_follow(csv_sqlite):
    files = set(snapshot(csv_sqlite))
    assert "cnaccel.sqlite" in files and f"csv/{STORED[0]}.csv" in files
    assert not [f for f in files if f.startswith("parquet/") or f.endswith(".xlsx")]
    desc = json.loads((csv_sqlite / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(res["path"] for res in desc["resources"]) == sorted(f"csv/{t}.csv" for t in TABLES)
    listed = {line.split("  ", 1)[1] for line in (csv_sqlite / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    assert listed == files - {"SHA256SUMS"}
    assert verify_bundle(csv_sqlite) == [] and verify_bundle(csv_sqlite.parent / f"{NAME}.zip") == []
    readme = (csv_sqlite / "README.md").read_text(encoding="utf-8")
    assert "holds the forms sqlite, csv; it was built without xlsx, parquet" in readme
    assert "cnaccel.xlsx" not in readme and "cnaccel.sqlite" in readme


def test_default_readme_names_every_form(bundle):
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert "holds the forms xlsx, sqlite, parquet, csv." in readme


def test_formats_as_a_list_build_the_same_bytes(csv_sqlite, tmp_path):
    again = build_bundle(tmp_path / "out", root=ROOT, formats=["sqlite", "csv"])
    assert snapshot(again) == snapshot(csv_sqlite)


@pytest.mark.parametrize(
    ("formats", "message"),
    [
        ("csv,pdf", r"^unknown format 'pdf'; choose one or more of parquet,csv,sqlite,xlsx"),
        ("", r"^no format given; choose one or more of parquet,csv,sqlite,xlsx"),
        ("xlsx,sqlite", r"^a bundle needs csv or parquet"),
    ],
)
def test_bad_formats_are_refused_before_anything_is_written(tmp_path, formats, message):
    with pytest.raises(BuildError, match=message):
        build_bundle(tmp_path / "out", root=ROOT, formats=formats)
    assert list(tmp_path.iterdir()) == []


def test_cli_unknown_format_is_one_line_and_exit_2(tmp_path, capsys):
    from cnaccel.cli import main

    assert main(["build", "--out", str(tmp_path / "out"), "--formats", "parquet,docx"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unknown format 'docx'; choose one or more of parquet,csv,sqlite,xlsx" in err
    assert list(tmp_path.iterdir()) == []
