"""Publishing a build: a build killed (SIGKILL) at any step leaves a whole old or new bundle in
OUT, the next build removes what the killed one left, and two builds never write into one OUT
at once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cnaccel.release import BuildError, build_bundle, publish, verify_bundle
from cnaccel.release import bundle as bundle_module
from conftest import snapshot

ROOT = Path(__file__).resolve().parents[1]
VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
NAME = f"cnaccel-{VERSION}"
OLD_FORMATS, NEW_FORMATS = "csv,parquet", "csv"  # two builds that differ, so we can tell which one is there
STEPS = [
    "validated",
    "staging",
    "written csv",
    "zipped",
    f"publish {NAME}",
    f"published {NAME}",
    f"publish {NAME}.zip",
    f"published {NAME}.zip",
    "published",
    "discarding",
]
# The child is the command line with validation stubbed out: these tests are about publishing, and
# validation (seconds) would only slow them down.
CHILD = (
    "import sys; from cnaccel.release import bundle; bundle._validate = lambda root: None; "
    "from cnaccel.cli import main; sys.exit(main(sys.argv[1:]))"
)




@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An OUT holding an old build (csv and parquet) and one holding the new build (csv only)."""
    old = tmp_path_factory.mktemp("old") / "out"
    new = tmp_path_factory.mktemp("new") / "out"
    build_bundle(old, root=ROOT, formats=OLD_FORMATS)
    build_bundle(new, root=ROOT, formats=NEW_FORMATS)
    return old, new


@pytest.fixture
def no_validation(monkeypatch):
    monkeypatch.setattr(bundle_module, "_validate", lambda root: None)


def _run_killed(out: Path, step: str) -> subprocess.CompletedProcess:
    env = {**os.environ, publish.KILL_ENV: step}
    command = [sys.executable, "-c", CHILD, "build", "--out", str(out), "--source", str(ROOT), "--formats", NEW_FORMATS]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("step", STEPS)
def test_a_build_killed_at_any_step_leaves_a_whole_bundle_and_no_leftovers(generations, tmp_path, no_validation, step):
    old, new = generations
    out = tmp_path / "out"
    shutil.copytree(old, out)
    (out / "notes.txt").write_text("kept", encoding="utf-8")
    done = _run_killed(out, step)
    assert done.returncode == -signal.SIGKILL, done.stderr
    for entry in (NAME, f"{NAME}.zip"):
        assert verify_bundle(out / entry) == [], entry
        assert snapshot(out / entry) in (snapshot(old / entry), snapshot(new / entry)), entry
    build_bundle(out, root=ROOT, formats=NEW_FORMATS)
    assert sorted(p.name for p in out.iterdir()) == [NAME, f"{NAME}.zip", "notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    for entry in (NAME, f"{NAME}.zip"):
        assert snapshot(out / entry) == snapshot(new / entry)


def test_a_build_killed_while_writing_into_a_new_out_leaves_no_bundle_and_the_next_one_cleans(
    tmp_path, no_validation
):
    out = tmp_path / "out"
    assert _run_killed(out, "written csv").returncode == -signal.SIGKILL
    assert [p.name.startswith(publish.STAGING_PREFIX) for p in out.iterdir()] == [True]
    build_bundle(out, root=ROOT, formats=NEW_FORMATS)
    assert sorted(p.name for p in out.iterdir()) == [NAME, f"{NAME}.zip"]


def test_an_unknown_step_does_not_kill(tmp_path, no_validation):
    done = _run_killed(tmp_path / "out", "no such step")
    assert done.returncode == 0, done.stderr
    assert verify_bundle(tmp_path / "out" / NAME) == []


def test_the_next_build_removes_the_work_folders_of_older_builds(tmp_path, no_validation):
    out = tmp_path / "out"
    out.mkdir()
    legacy = tmp_path / ".out.building-abc123" / "replaced" / NAME
    legacy.mkdir(parents=True)
    (legacy / "SHA256SUMS").write_text("old", encoding="utf-8")
    build_bundle(out, root=ROOT, formats=NEW_FORMATS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_second_build_into_the_same_out_is_refused_while_one_runs(tmp_path, no_validation):
    out = tmp_path / "out"
    out.mkdir()
    with publish.locked(out), pytest.raises(BuildError, match="another cnaccel build is writing here"):
        build_bundle(out, root=ROOT, formats=NEW_FORMATS)
    assert list(out.iterdir()) == []
    build_bundle(out, root=ROOT, formats=NEW_FORMATS)  # the lock went with the first build


def test_exchange_swaps_a_folder_and_a_file_in_one_step(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "inside").write_text("folder", encoding="utf-8")
    (tmp_path / "b").write_text("file", encoding="utf-8")
    if not publish.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this system has no atomic exchange (renameat2)")
    assert (tmp_path / "a").read_text(encoding="utf-8") == "file"
    assert (tmp_path / "b" / "inside").read_text(encoding="utf-8") == "folder"
