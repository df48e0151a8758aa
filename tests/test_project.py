"""The project's promises: one version everywhere, fresh generated documents, real data that validates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import cnaccel
from cnaccel.checks import run_checks
from cnaccel.docs import write_docs

ROOT = Path(__file__).resolve().parents[1]


def test_one_version_everywhere():
    version = cnaccel.__version__
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == version
    assert json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"] == version
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(rf"^version: \"?{re.escape(version)}\"?$", cff, re.M)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    assert first and first.group(1) == version, "the latest CHANGELOG.md entry must be the current version"
    assert f"Version {version}." in (ROOT / "README.md").read_text(encoding="utf-8"), "README's citation line"


def test_real_data_validates():
    assert [str(p) for p in run_checks(ROOT)] == []


def test_frictionless_cli_says_valid():
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_generated_documents_are_fresh():
    assert write_docs(ROOT, check=True) == [], "run `cnaccel docs` and commit the result"


def test_every_migrated_passage_checks_out_against_the_texts_in_history(tmp_path, history_archive):
    """With archive/ restored from history, validate checks the passage of every claim read up to
    0.2.0 (835 of them, plus later claims from the same texts) and finds nothing wrong."""
    from cnaccel.checks import validate

    target = tmp_path / "pkg"
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(history_archive, target / "archive")
    problems, coverage = validate(target)
    assert [str(p) for p in problems] == []
    assert coverage.sources_with_text == 191
    assert coverage.claims_checked >= 835


def test_no_source_text_and_no_quote_column_in_the_repository(history_archive):
    from cnaccel.fingerprint import normalise

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [t for t in tracked if t.startswith(("sources/", "archive/"))]
    heads = {normalise(p.read_text(encoding="utf-8"))[:200] for p in history_archive.glob("*.txt")}
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".png", ".xlsx", ".zip", ".sqlite", ".parquet"} or not path.is_file():
            continue
        text = normalise(path.read_text(encoding="utf-8", errors="replace"))
        assert not any(head in text for head in heads if len(head) == 200), f"{name} holds a source's text"
    for table in ("facts", "events", "relations"):
        header = (ROOT / "data" / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert "quote" not in header and "quote_en" not in header and "figure" in header


def test_targets_of_the_research_round():
    sources = cnaccel.load("sources")
    assert len(sources) >= 30 and (sources["reliability"] == "A").sum() >= 6
    claims = sum(len(cnaccel.load(t)) for t in ("facts", "events", "relations"))
    assert claims >= 250
    seed = [cnaccel.load(t) for t in ("facts", "events", "relations")]
    for frame in seed:
        article = frame[frame["source_id"] == "36kr-2025-12-domestic-gpu-race"]
        assert article["assessment_note"].notna().all(), "every article claim is assessed or explained"


def test_coverage_grid_marks_what_is_published_and_what_is_found():
    from cnaccel.docs import _published, reported_periods
    from cnaccel.reader import open_package

    assert _published("SSE", "2020-07-20", "Q2", "2024")  # a listed Shanghai company reports every quarter
    assert not _published("SSE", "2025-12-05", "Q2", "2024")  # no single quarter before listing
    assert _published("SSE", "2025-12-05", "9M", "2025")  # the prospectus gives the first nine months
    assert not _published("HKEX", "2026-01-02", "Q1", "2025") and _published("HKEX", "2026-01-02", "H1", "2025")
    grid = reported_periods(open_package(ROOT))
    cambricon = grid.split("(`cambricon`")[1].split("###")[0]
    revenue = next(line for line in cambricon.splitlines() if line.startswith("| revenue"))
    assert revenue.split(" | ")[-1].rstrip(" |") == "✓"  # 2025 FY revenue is in the data
