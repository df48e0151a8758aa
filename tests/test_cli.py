"""The command line: exit codes, formats, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cnaccel import __version__
from cnaccel.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0 and out.strip() == "valid: no problems found"


def test_validate_reports_problems_with_exit_1(capsys, pkg):
    pkg.edit("facts", "F0001", "value", "171000000000")
    code, out, _ = run(capsys, "validate", "--root", str(pkg.root))
    assert code == 1
    assert "data/facts.csv:2:value: 1.71e11 does not match the figure '171億美元' (1.71e10)" in out
    code, out, _ = run(capsys, "validate", "--root", str(pkg.root), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["valid"] is False
    assert {"file": "data/facts.csv", "row": 2, "column": "value", "code": "figure-mismatch"}.items() <= report[
        "problems"
    ][0].items()
    assert report["passages"]["claims_checked"] > 800


def test_validate_unusable_input_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "validate", "--root", str(tmp_path))
    assert code == 2
    assert err == (
        f"cnaccel validate: {tmp_path}: not a cnaccel package (no datapackage.json); "
        "give a package folder, a release bundle or its zip\n"
    )


def test_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "cnaccel", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"cnaccel {__version__}"


def test_info(capsys):
    code, out, _ = run(capsys, "info")
    assert code == 0 and f"cnaccel {__version__}" in out and "facts" in out and "sources by reliability" in out


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_show_facts_with_filters(capsys, fmt):
    code, out, _ = run(capsys, "show", "facts", "--entity", "寒武紀", "--metric", "revenue", "--format", fmt)
    assert code == 0 and "cambricon" in out
    if fmt == "json":
        rows = json.loads(out)
        assert rows and {r["entity_id"] for r in rows} == {"cambricon"}


def test_show_events_and_relations_by_type(capsys):
    code, out, _ = run(capsys, "show", "events", "--entity", "摩尔线程", "--type", "ipo_listing", "--format", "csv")
    assert code == 0 and "ipo_listing" in out and "market_record" not in out
    code, out, _ = run(capsys, "show", "relations", "--entity", "昆仑芯", "--type", "customer_of", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and {r["relation_type"] for r in rows} == {"customer_of"}
    code, _, err = run(capsys, "show", "facts", "--type", "ipo_listing")
    assert code == 2 and "--type applies to events" in err


def test_show_as_of_and_columns(capsys):
    code, out, _ = run(
        capsys, "show", "facts", "--as-of", "2025-10-01", "--columns", "fact_id,value", "--format", "csv"
    )
    assert code == 0 and out.splitlines()[0] == "fact_id,value" and "F2046" not in out


def test_show_errors_are_one_line(capsys):
    code, _, err = run(capsys, "show", "facts", "--entity", "寒武")
    assert code == 2 and err.count("\n") == 1 and "nearest" in err
    code, _, err = run(capsys, "show", "nosuch")
    assert code == 2 and "no table 'nosuch'" in err
    code, _, err = run(capsys, "show", "units", "--entity", "x")
    assert code == 2 and "apply to facts" in err


def test_cite(capsys):
    code, out, _ = run(capsys, "cite", "F0001")
    assert code == 0 and "171億美元" in out
    code, out, _ = run(capsys, "cite", "--package", "--style", "bibtex")
    assert code == 0 and f"version = {{{__version__}}}" in out
    code, _, err = run(capsys, "cite")
    assert code == 2 and "give a claim id" in err
    code, _, err = run(capsys, "cite", "F9999")
    assert code == 2 and "no claim 'F9999'" in err


def test_help_on_every_command(capsys):
    for command in ("validate", "info", "show", "cite", "build", "verify", "charts", "diff", "docs"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert "usage: cnaccel " + command in capsys.readouterr().out


def test_diff_between_folders(capsys, pkg, tmp_path):
    from conftest import ROOT

    pkg.edit("facts", "F0002", "assessment", "disputed")
    code, out, _ = run(capsys, "diff", str(ROOT), str(pkg.root))
    assert code == 0 and "F0002" in out
    code, out, _ = run(capsys, "diff", str(ROOT), str(pkg.root), "--format", "json")
    assert code == 0 and json.loads(out)
    code, _, err = run(capsys, "diff", str(tmp_path / "nowhere"), str(pkg.root))
    assert code == 2 and err.startswith("cnaccel diff: ") and err.count("\n") == 1


def test_docs_check_reports_stale_documents(capsys, pkg):
    from conftest import ROOT

    (pkg.root / "docs").mkdir()
    for name in ("data-dictionary.md", "coverage.md"):
        (pkg.root / "docs" / name).write_text((ROOT / "docs" / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert run(capsys, "docs", "--check", "--root", str(pkg.root))[0] == 0
    pkg.edit("facts", "F0002", "assessment", "disputed")
    code, out, _ = run(capsys, "docs", "--check", "--root", str(pkg.root))
    assert code == 1 and "coverage.md: stale" in out
    assert run(capsys, "docs", "--root", str(pkg.root))[0] == 0
    assert run(capsys, "docs", "--check", "--root", str(pkg.root))[0] == 0
