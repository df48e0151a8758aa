"""The project's promises: one version everywhere, fresh generated documents, real data that validates."""

from __future__ import annotations

import json
import re
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


def test_every_claim_quote_is_in_its_archive():
    sources = cnaccel.load("sources")
    texts = {sid: (ROOT / "sources" / f"{sid}.txt").read_text(encoding="utf-8") for sid in sources["source_id"]}
    for table in ("facts", "events", "relations"):
        frame = cnaccel.load(table)
        for sid, quote in zip(frame["source_id"], frame["quote"], strict=True):
            assert quote in texts[sid]


def test_targets_of_the_research_round():
    sources = cnaccel.load("sources")
    assert len(sources) >= 30 and (sources["reliability"] == "A").sum() >= 6
    claims = sum(len(cnaccel.load(t)) for t in ("facts", "events", "relations"))
    assert claims >= 250
    seed = [cnaccel.load(t) for t in ("facts", "events", "relations")]
    for frame in seed:
        article = frame[frame["source_id"] == "36kr-2025-12-domestic-gpu-race"]
        assert article["assessment_note"].notna().all(), "every article claim is assessed or explained"
