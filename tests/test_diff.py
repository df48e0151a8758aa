"""cnaccel diff: versions read from folders, bundles and git refs, and every kind of difference reported."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from cnaccel.diff import (
    DiffError,
    Version,
    compress_ids,
    diff_specs,
    diff_versions,
    format_json,
    format_text,
    load_version,
)

ROOT = Path(__file__).resolve().parents[1]
NEW_SOURCE = "test-2026-01-new-source"


def make_package(target: Path) -> Path:
    """A copy of the repository's descriptor and data (repository layout) at ``target``."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(ROOT / "data", target / "data")
    return target


def read_rows(root: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(root: Path, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(root / "data" / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit(root: Path, table: str, key: str, **cells: str) -> dict[str, str]:
    """Set cells of the row whose first column is ``key``; returns the row as it was."""
    header, rows = read_rows(root, table)
    for row in rows:
        if row[header[0]] == key:
            before = dict(row)
            row.update(cells)
            write_rows(root, table, header, rows)
            return before
    raise KeyError(key)


def append(root: Path, table: str, copy_of: str, **cells: str) -> None:
    """Add a row: a copy of row ``copy_of`` with ``cells`` changed."""
    header, rows = read_rows(root, table)
    row = dict(next(r for r in rows if r[header[0]] == copy_of))
    row.update(cells)
    rows.append(row)
    write_rows(root, table, header, rows)


def remove(root: Path, table: str, key: str) -> None:
    header, rows = read_rows(root, table)
    write_rows(root, table, header, [r for r in rows if r[header[0]] != key])


def apply_changes(root: Path) -> None:
    """The edits the tests look for: a new fact, a changed value, a superseded claim and the claim
    superseding it, a retracted claim, a reassessed event and a new source."""
    append(root, "facts", "F0005", fact_id="F9001", value="1234", assessment="unverified")
    edit(root, "facts", "F0002", value="1596")
    edit(root, "facts", "F0003", assessment="superseded")
    append(root, "facts", "F0003", fact_id="F9002", value="2800000", supersedes="F0003")
    edit(root, "facts", "F0004", assessment="retracted", assessment_note="The outlet withdrew the article.")
    edit(root, "events", "E0001", assessment="corroborated")
    _, rows = read_rows(root, "sources")
    append(root, "sources", rows[0]["source_id"], source_id=NEW_SOURCE, title="A new source")


@pytest.fixture()
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old = make_package(tmp_path / "old")
    new = make_package(tmp_path / "new")
    apply_changes(new)
    return old, new


def check_expected(diff, text: str, document: dict) -> None:
    """The changes of ``apply_changes`` appear in the Diff, the text and the JSON."""
    facts = diff.table("facts")
    assert facts.added == ["F9001", "F9002"]
    assert facts.removed == []
    changed = {r.id: r.changes for r in facts.changed}
    assert [(c.field, c.old, c.new) for c in changed["F0002"]] == [("value", "1595", "1596")]
    assert [(s.id, s.old, s.new, s.by) for s in facts.superseded] == [
        ("F0003", "corroborated", "superseded", ["F9002"])
    ]
    assert [(r.id, r.old, r.new) for r in facts.retracted] == [("F0004", "corroborated", "retracted")]
    assert facts.retracted[0].note == "The outlet withdrew the article."
    assert "F0003" not in changed  # only its assessment changed
    assert [c.field for c in changed["F0004"]] == ["assessment_note"]  # its note changed with its assessment
    events = diff.table("events")
    assert [(r.id, r.old, r.new) for r in events.reassessed] == [("E0001", "disputed", "corroborated")]
    assert diff.table("sources").added == [NEW_SOURCE]
    assert diff.table("entities").empty
    assert not diff.empty
    assert diff.warnings == []

    assert "### Added" in text and "### Changed" in text and "### Deprecated" in text and "### Removed" in text
    assert "- facts: 2 added, 2 changed, 1 superseded, 1 retracted" in text
    assert "- facts: 2 added: F9001, F9002" in text
    assert f"- sources: 1 added: {NEW_SOURCE}" in text
    assert '  - F0002 value: "1595" → "1596"' in text
    assert "  - F0003 (was corroborated), superseded by F9002" in text
    assert '  - F0004 (was corroborated): "The outlet withdrew the article."' in text
    assert "  - E0001: disputed → corroborated" in text
    assert (
        text.index("### Added") < text.index("### Changed") < text.index("### Deprecated") < text.index("### Removed")
    )

    tables = document["tables"]
    assert tables["facts"]["added"] == ["F9001", "F9002"]
    assert tables["facts"]["changed"][0] == {
        "id": "F0002",
        "changes": [{"field": "value", "old": "1595", "new": "1596"}],
    }
    assert tables["facts"]["superseded"][0] == {
        "id": "F0003",
        "old": "corroborated",
        "new": "superseded",
        "note": tables["facts"]["superseded"][0]["note"],
        "by": ["F9002"],
    }
    assert tables["facts"]["retracted"][0]["id"] == "F0004"
    assert tables["events"]["reassessed"][0]["new"] == "corroborated"
    assert tables["sources"]["added"] == [NEW_SOURCE]
    assert "retracted" not in tables["sources"]
    assert tables["facts"]["counts"]["added"] == 2
    assert document["identical"] is False


def test_folders(versions: tuple[Path, Path]) -> None:
    old, new = versions
    diff = diff_versions(load_version(str(old)), load_version(str(new)))
    text, document = format_text(diff), json.loads(format_json(diff))
    check_expected(diff, text, document)
    assert diff.old_version == diff.new_version == document["old"]["version"]


def test_version_holds_rows_by_key(versions: tuple[Path, Path]) -> None:
    old, _ = versions
    version = load_version(str(old))
    assert isinstance(version, Version)
    assert version.version == json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert list(version.tables)[:2] == ["sources", "entities"]
    assert version.rows("facts")["F0002"]["value"] == "1595"
    assert version.tables["facts"].key == ["fact_id"]
    assert version.rows("no-such-table") == {}


def test_identical_versions(versions: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = versions
    same = make_package(tmp_path / "same")
    diff = diff_specs(str(old), str(same))
    assert diff.empty
    assert format_text(diff).startswith("no differences")
    assert json.loads(format_json(diff))["identical"] is True


def test_json_is_stable_and_keeps_non_ascii(versions: tuple[Path, Path]) -> None:
    old, new = versions
    edit(new, "entities", "cambricon", name_zh_hans="寒武纪（测试）")
    first = format_json(diff_specs(str(old), str(new)))
    assert first == format_json(diff_specs(str(old), str(new)))
    assert "寒武纪（测试）" in first
    assert list(json.loads(first)) == [
        "old",
        "new",
        "identical",
        "warnings",
        "tables_added",
        "tables_removed",
        "tables",
    ]


def test_removed_claims_and_rows_are_flagged(versions: tuple[Path, Path]) -> None:
    old, new = versions
    remove(new, "relations", "R0001")
    remove(new, "units", "HKD")
    diff = diff_specs(str(old), str(new))
    assert diff.table("relations").removed == ["R0001"]
    assert diff.table("units").removed == ["HKD"]
    assert any("R0001" in w and "claims must never be deleted" in w for w in diff.warnings)
    text = format_text(diff)
    assert "WARNING: relations: 1 removed (claims must never be deleted" in text
    assert "- relations: 1 removed (claims must never be deleted): R0001" in text
    assert "- units: 1 removed: HKD" in text
    assert json.loads(format_json(diff))["tables"]["relations"]["removed"] == ["R0001"]


def test_columns_added_and_removed(versions: tuple[Path, Path]) -> None:
    old, new = versions
    descriptor = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    units = next(r for r in descriptor["resources"] if r["name"] == "units")
    units["schema"]["fields"] = [f for f in units["schema"]["fields"] if f["name"] != "notes"]
    units["schema"]["fields"].append({"name": "plural", "type": "string"})
    (new / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    header, rows = read_rows(new, "units")
    header = [c for c in header if c != "notes"] + ["plural"]
    write_rows(new, "units", header, [{c: r.get(c, "x") for c in header} for r in rows])
    diff = diff_specs(str(old), str(new))
    units_diff = diff.table("units")
    assert (units_diff.columns_added, units_diff.columns_removed) == (["plural"], ["notes"])
    assert units_diff.changed == []  # cells of added or removed columns are not row changes
    assert any("major version" in w for w in diff.warnings)
    text = format_text(diff)
    assert "- units: columns added: plural (a changed column means a major version)" in text
    assert "- units: columns removed: notes" in text


def test_reassessment_with_other_field_changes(versions: tuple[Path, Path]) -> None:
    old, new = versions
    edit(new, "relations", "R0002", assessment="disputed", assessment_note="A later report says otherwise.")
    diff = diff_specs(str(old), str(new))
    rel = diff.table("relations")
    assert [(r.id, r.new) for r in rel.reassessed] == [("R0002", "disputed")]
    assert [c.field for c in rel.changed[0].changes] == ["assessment_note"]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit is the package and second commit ``apply_changes``."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = make_package(tmp_path / "repo")
    git(root, "init", "--quiet")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "old")
    git(root, "tag", "v-old")
    apply_changes(root)
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "new")
    return root


def test_git_refs(repo: Path) -> None:
    for new in (str(repo), "HEAD"):
        diff = diff_specs("HEAD~1", new, repo=repo)
        check_expected(diff, format_text(diff), json.loads(format_json(diff)))
    assert diff.old_origin.startswith("git HEAD~1 (")
    assert diff_specs("v-old", "HEAD~1", repo=repo).empty
    assert diff_specs("HEAD", str(repo), repo=repo).empty


def test_git_ref_against_uncommitted_work(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo, "units", "USD", notes="edited, not committed")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")  # the default repository is the one around the current folder
    diff = diff_specs("HEAD", str(repo))
    assert [t.table for t in diff.tables if not t.empty] == ["units"]
    assert [(r.id, r.changes[0].field) for r in diff.table("units").changed] == [("USD", "notes")]


def test_git_ref_names_commit_without_package(repo: Path) -> None:
    git(repo, "checkout", "--quiet", "--orphan", "empty")
    git(repo, "rm", "-r", "--quiet", "--cached", ".")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "nothing")
    with pytest.raises(DiffError, match=r"has no datapackage\.json"):
        load_version("empty", repo=repo)


def make_bundle(package: Path, target: Path) -> Path:
    """A bundle folder: datapackage.json whose resources point at csv/<table>.csv."""
    (target / "csv").mkdir(parents=True)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        shutil.copy(package / res["path"], target / "csv" / f"{res['name']}.csv")
        res["path"] = f"csv/{res['name']}.csv"
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return target


def zip_folder(folder: Path, target: Path, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, top + path.relative_to(folder).as_posix())
    return target


@pytest.mark.parametrize("top", ["cnaccel-0.2.0/", ""])
def test_bundle_zip(versions: tuple[Path, Path], tmp_path: Path, top: str) -> None:
    old, new = versions
    bundle = make_bundle(new, tmp_path / "bundle")
    archive = zip_folder(bundle, tmp_path / "cnaccel-0.2.0.zip", top)
    diff = diff_specs(str(old), str(archive))
    check_expected(diff, format_text(diff), json.loads(format_json(diff)))
    assert diff.new_origin.startswith("zip ")
    assert diff_specs(str(bundle), str(archive)).empty
    assert diff_specs(str(new), str(bundle)).empty


def test_unzipped_bundle_with_top_folder(versions: tuple[Path, Path], tmp_path: Path) -> None:
    _, new = versions
    make_bundle(new, tmp_path / "unzipped" / "cnaccel-0.2.0")
    assert diff_specs(str(new), str(tmp_path / "unzipped")).empty


def test_bad_specs(tmp_path: Path) -> None:
    with pytest.raises(DiffError) as caught:
        load_version("no-such-version", repo=tmp_path)
    message = str(caught.value)
    assert "'no-such-version'" in message and "not a git ref" in message and "\n" not in message
    assert "no folder or zip file" in message

    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(DiffError, match="not a zip bundle"):
        load_version(str(tmp_path / "notes.txt"))

    (tmp_path / "empty").mkdir()
    with pytest.raises(DiffError, match=r"has no datapackage\.json"):
        load_version(str(tmp_path / "empty"))

    broken = make_package(tmp_path / "broken")
    (broken / "data" / "units.csv").unlink()
    with pytest.raises(DiffError, match=r"table 'units' not found .*tried data/units\.csv, csv/units\.csv"):
        load_version(str(broken))

    with pytest.raises(DiffError, match="not a valid ref name"):
        load_version("--output=/tmp/x", repo=tmp_path)


def test_bad_ref_in_repo(repo: Path) -> None:
    with pytest.raises(DiffError, match=r"no commit 'v9\.9\.9' in the git repository"):
        load_version("v9.9.9", repo=repo)


def test_duplicate_key_is_an_error(versions: tuple[Path, Path]) -> None:
    _, new = versions
    append(new, "units", "USD")
    with pytest.raises(DiffError, match="duplicate primary key 'USD'"):
        load_version(str(new))


def test_compress_ids() -> None:
    assert compress_ids(["F0001", "F0002", "F0003", "F0005", "F0006", "F0999", "F1000", "F1001"]) == (
        "F0001–F0003, F0005, F0006, F0999–F1001"
    )
    assert compress_ids(["F9", "F10", "F11", "cambricon"]) == "F9, F10, F11, cambricon"
    assert compress_ids([]) == ""


def test_bundles_that_build_really_made(pkg, tmp_path: Path) -> None:
    """Release zips and bundle folders from `cnaccel build`, against each other and against the
    package folder: Parquet files are passed over, every change is listed once."""
    from cnaccel.release import build_bundle

    old = build_bundle(tmp_path / "old", root=pkg.root)
    pkg.edit("facts", "F0002", "context", "An earlier wording of this context")
    new = build_bundle(tmp_path / "new", root=pkg.root)
    old_zip, new_zip = old.parent / f"{old.name}.zip", new.parent / f"{new.name}.zip"
    for a, b in ((old_zip, new_zip), (old, new_zip), (old_zip, new)):
        diff = diff_specs(str(a), str(b))
        changed = {c.id for c in diff.table("facts").changed}
        assert changed == {"F0002"}, (a, b)
        assert not diff.table("sources").changed and not diff.table("estimates").added
    against_folder = diff_specs(str(pkg.root), str(new_zip))
    assert against_folder.table("estimates").added  # the release adds the derived table
    assert not against_folder.table("facts").changed  # the statement column is reported as a column, not per row
