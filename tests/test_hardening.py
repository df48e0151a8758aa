"""Bad input at every entry point: one clear line, never a traceback, never a hang."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import pytest

import cnaccel
from cnaccel.cli import main
from cnaccel.problems import UnusableInput
from cnaccel.release import BuildError, build_bundle, verify_bundle


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: cnaccel.load(None), LookupError, "a table name is text, not None"),
        (lambda: cnaccel.load(5), LookupError, "a table name is text, not 5"),
        (lambda: cnaccel.facts(metric=5), LookupError, "no metric called 5"),
        (lambda: cnaccel.load("facts", as_of="yesterday"), ValueError, "as_of must be a date like 2025-10-01"),
        (lambda: cnaccel.find_entity(None), LookupError, "no entity called None"),
    ],
)
def test_api_arguments_of_the_wrong_kind(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_as_of_accepts_a_datetime():
    by_day = cnaccel.load("sources", as_of="2025-10-01")
    by_datetime = cnaccel.load("sources", as_of=dt.datetime(2025, 10, 1, 12, 30))
    assert list(by_day["source_id"]) == list(by_datetime["source_id"])


def test_a_cell_over_the_csv_limit_is_reported_not_raised(pkg, capsys):
    path = pkg.root / "data" / "units.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\nhuge,x,y,count," + '"' + "z" * 200_000 + '"\n'
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "validate", "--source", str(pkg.root))
    assert code == 2 and "Traceback" not in err
    assert err.startswith("cnaccel validate: data/units.csv:") and "characters" in err


def test_a_data_file_that_is_a_pipe_is_refused_without_reading(pkg, capsys):
    path = pkg.root / "data" / "units.csv"
    path.unlink()
    os.mkfifo(path)
    code, _, err = run(capsys, "info", "--source", str(pkg.root))
    assert code == 2 and "data/units.csv: not a regular file" in err


def test_a_link_out_of_the_package_is_refused(pkg, tmp_path, capsys):
    outside = tmp_path / "elsewhere.csv"
    path = pkg.root / "data" / "units.csv"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    code, _, err = run(capsys, "validate", "--source", str(pkg.root))
    assert code == 2 and "a link to" in err and "outside the package" in err
    with pytest.raises(UnusableInput, match="outside the package"):
        cnaccel.load("units", source=pkg.root)


def _bundle_zip(tmp_path: Path) -> Path:
    folder = build_bundle(tmp_path / "out", root=Path(__file__).resolve().parents[1])
    return folder.parent / f"{folder.name}.zip"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return _bundle_zip(tmp_path_factory.mktemp("release"))


def _rewrite(source: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            edit(new, info, old.read(info))
    return target


def test_verify_refuses_a_symlink_member(release, tmp_path):
    def edit(new, info, data):
        if info.filename.endswith("README.md"):
            info.external_attr = 0o120777 << 16
        new.writestr(info, data)

    with pytest.raises(BuildError, match="is a symbolic link"):
        verify_bundle(_rewrite(release, tmp_path / "link.zip", edit))


def test_verify_refuses_a_member_twice_and_a_climbing_path(release, tmp_path):
    def twice(new, info, data):
        new.writestr(info, data)
        if info.filename.endswith("README.md"):
            new.writestr(info, data)

    with pytest.warns(UserWarning), pytest.raises(BuildError, match="appears twice"):
        verify_bundle(_rewrite(release, tmp_path / "twice.zip", twice))

    def climb(new, info, data):
        new.writestr(info, data)
        if info.filename.endswith("README.md"):
            new.writestr("../evil.txt", b"x")

    with pytest.raises(BuildError, match="unsafe path"):
        verify_bundle(_rewrite(release, tmp_path / "climb.zip", climb))


def test_verify_reports_a_bad_crc_as_one_line(release, tmp_path):
    data = bytearray(release.read_bytes())
    with zipfile.ZipFile(release) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("csv/facts.csv"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    data[start] ^= 0xFF
    broken = tmp_path / "crc.zip"
    broken.write_bytes(bytes(data))
    try:
        problems = verify_bundle(broken)
    except BuildError as exc:
        assert "cannot be read" in str(exc)
    else:
        assert problems and all("\n" not in p for p in problems)


def test_verify_of_a_truncated_zip_is_one_line(release, tmp_path, capsys):
    broken = tmp_path / "cut.zip"
    data = release.read_bytes()
    broken.write_bytes(data[: len(data) // 2] + data[-2000:])
    code, _, err = run(capsys, "verify", str(broken))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
