"""cnaccel trace and cnaccel fingerprint: checking a claim against a page, recording a new one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cnaccel.cli import main
from cnaccel.trace import MARK_CLOSE, MARK_OPEN, page_text, trace_text

SEED = "36kr-2025-12-domestic-gpu-race"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _passage(page: str, row: dict) -> str:
    """The claim's passage cut from the page's normalised text (the tests never write it out)."""
    from cnaccel.fingerprint import normalise

    start, chars = int(row["passage_start"]), int(row["passage_chars"])
    return normalise(page)[start : start + chars]


@pytest.fixture()
def page(pkg) -> str:
    return (pkg.root / "archive" / f"{SEED}.txt").read_text(encoding="utf-8")


def test_exact_copy_found_at_its_offset(capsys, pkg, page, tmp_path):
    saved = tmp_path / "page.txt"
    saved.write_text(page, encoding="utf-8")
    code, out, _ = run(capsys, "trace", "F0001", str(saved), "--root", str(pkg.root))
    assert code == 0
    passage = _passage(page, pkg.row("facts", "F0001"))
    assert out.splitlines()[:2] == [
        "F0001: passage found at its recorded offset",
        passage.replace("171億美元", f"{MARK_OPEN}171億美元{MARK_CLOSE}"),
    ]


def test_saved_html_with_other_spacing_and_more_text_before(capsys, pkg, page, tmp_path):
    body = page.replace("\n", "</p>\n<p>").replace(",", "，")
    saved = tmp_path / "page.html"
    saved.write_text(f"<html><head><script>var x = 1;</script></head><body><p>Menu Home</p><p>{body}</p>", "utf-8")
    code, out, _ = run(capsys, "trace", "F0001", str(saved), "--root", str(pkg.root))
    assert code == 0 and out.startswith("F0001: passage found at offset 15 (recorded 7)")


def test_edited_copy_gives_the_nearest_passage_with_its_similarity(capsys, pkg, page, tmp_path):
    saved = tmp_path / "page.txt"
    saved.write_text(page.replace("全部收入", "全部营收", 1), encoding="utf-8")
    code, out, _ = run(capsys, "trace", "F0001", str(saved), "--root", str(pkg.root))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("F0001: no exact copy of the passage; the nearest passage printing the figure")
    assert "is at offset 7," in first
    similarity = float(first.split("similarity ")[1].split(" ")[0])
    assert 0.7 < similarity < 1
    assert f"{MARK_OPEN}171億美元{MARK_CLOSE}" in out


def test_page_without_the_figure(capsys, pkg, tmp_path):
    saved = tmp_path / "other.txt"
    saved.write_text("A page about something else entirely, 2024年.", encoding="utf-8")
    code, out, _ = run(capsys, "trace", "F0001", str(saved), "--root", str(pkg.root))
    assert (code, out.strip()) == (1, "F0001: the page does not print the figure 171億美元")


def test_relation_without_a_figure_and_no_copy():
    claim = {"passage_sha256": "0" * 64, "passage_start": 0, "passage_chars": 5, "passage_simhash": "0" * 16}
    result = trace_text("nothing here", claim)
    assert result.outcome == "absent" and "prints no figure" in result.message


def test_missing_file_and_unknown_claim_are_one_line_errors(capsys, pkg, tmp_path):
    code, out, err = run(capsys, "trace", "F0001", str(tmp_path / "nope.txt"), "--root", str(pkg.root))
    assert code == 2 and out == "" and err.count("\n") == 1 and "no such file" in err
    saved = tmp_path / "p.txt"
    saved.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "trace", "F9999", str(saved), "--root", str(pkg.root))
    assert code == 2 and "no claim 'F9999'" in err


def test_page_text_keeps_visible_text_only():
    assert page_text("<html><style>p{}</style><p>a &amp; b</p><script>x()</script></html>") == "a & b"
    assert page_text("plain <b>text") == "plain <b>text"


def test_fingerprint_records_a_new_claims_columns(capsys, pkg, page):
    row = pkg.row("facts", "F0001")
    code, out, _ = run(
        capsys,
        "fingerprint",
        SEED,
        "--passage",
        " ".join(_passage(page, row)),  # spaces between every character: normalised away
        "--figure",
        "171億美元",
        "--root",
        str(pkg.root),
    )
    assert code == 0
    fields = dict(line.split("=", 1) for line in out.splitlines())
    source = pkg.row("sources", SEED)
    assert (fields["text_sha256"], fields["text_chars"]) == (source["text_sha256"], source["text_chars"])
    for column in ("passage_sha256", "passage_start", "passage_chars", "passage_simhash"):
        assert fields[column] == row[column], column


def test_fingerprint_refuses_a_passage_not_in_the_text_and_a_figure_not_in_the_passage(capsys, pkg):
    code, _, err = run(capsys, "fingerprint", SEED, "--passage", "不在文中的句子", "--root", str(pkg.root))
    assert code == 2 and "the passage is not in" in err
    passage = ("--passage", "全部收入為171億美元", "--figure", "172億美元")
    code, _, err = run(capsys, "fingerprint", SEED, *passage, "--root", str(pkg.root))
    assert code == 1 and "is not in the passage" in err
    code, _, err = run(capsys, "fingerprint", "no-such-source", "--root", str(pkg.root))
    assert code == 2 and "no text here" in err


def test_archive_restore_from_history(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if not (root / ".git").exists():
        pytest.skip("needs a git clone")
    from cnaccel.archive import restore_from_git

    restored = restore_from_git(root, into=tmp_path)
    assert len(restored) == 191 and (tmp_path / f"{SEED}.txt").is_file()
    assert restore_from_git(root, into=tmp_path) == []  # nothing overwritten without asking


def test_archive_restore_outside_git_is_a_clear_error(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "datapackage.json").write_bytes((root / "datapackage.json").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "cnaccel", "archive-restore", "--root", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.startswith("cnaccel archive-restore: git ")
