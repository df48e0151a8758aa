"""Charts: the expected PNGs, byte-identical on a re-run, disputed figures marked, facts with a
validation problem left out, and docs/charts.md in step with the data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cnaccel import charts
from cnaccel.checks import run_checks

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {f"{name}.png" for name in charts.CHART_NAMES}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """The charts rendered twice, into two folders."""
    pytest.importorskip("matplotlib")
    first = charts.render_charts(tmp_path_factory.mktemp("first"))
    second = charts.render_charts(tmp_path_factory.mktemp("second"))
    return first, second


def test_render_gives_the_expected_files(rendered) -> None:
    first, _ = rendered
    assert {p.name for p in first} == EXPECTED
    for path in first:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 20_000, f"{path.name} looks empty"


def test_rendering_twice_gives_identical_bytes(rendered) -> None:
    first, second = rendered
    for a, b in zip(sorted(first), sorted(second), strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two renderings"


def test_pngs_carry_no_software_or_date_metadata(rendered) -> None:
    for path in rendered[0]:
        data = path.read_bytes()
        assert b"matplotlib" not in data.lower()
        assert b"tIME" not in data


def test_disputed_facts_are_drawn_marked() -> None:
    data = charts.chart_data()
    every = [row for frame in data.values() for row in frame.to_dict("records")]
    disputed = [row for row in every if row["assessment"] == "disputed"]
    assert disputed, "the data has disputed figures to draw"
    assert all(row["disputed"] for row in disputed)
    assert not any(row["disputed"] for row in every if row["assessment"] != "disputed")


def test_disputed_bar_is_hatched_and_in_the_legend() -> None:
    pytest.importorskip("matplotlib")
    chart = next(c for c in charts.build_charts() if c.name == "shipments-shares")
    assert chart.data["disputed"].any()
    fig = charts.draw(chart, font=None)
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "disputed" in labels
    drawn_disputed = chart.data[(chart.data["role"] == "drawn") & chart.data["disputed"]]
    if len(drawn_disputed):
        hatches = [p.get_hatch() for ax in fig.axes for p in ax.patches]
        assert "////" in hatches


def test_superseded_claims_are_not_drawn() -> None:
    import cnaccel

    every = cnaccel.facts(include_superseded=True)
    gone = set(every.loc[every["assessment"].isin(["superseded", "retracted"]), "fact_id"])
    drawn = {f for frame in charts.chart_data().values() for f in frame["fact_id"]}
    assert gone and not gone & drawn


def test_a_fact_with_a_validation_problem_is_left_out(pkg) -> None:
    before = charts.chart_data(pkg.root)["shipments-shares"]
    fact_id = str(before.loc[before["role"] == "drawn", "fact_id"].iloc[0])
    line = pkg.edit("facts", fact_id, "figure", "a sentence that is no figure")
    assert any(p.file == "data/facts.csv" and p.row == line for p in run_checks(pkg.root))
    after = charts.chart_data(pkg.root)
    for frame in after.values():
        assert fact_id not in set(frame["fact_id"])
        assert fact_id not in "|".join(frame["same_figure"].fillna(""))
    notes = " ".join(n for c in charts.build_charts(pkg.root) for n in c.notes)
    assert "failed a check" in notes


def test_same_figure_is_drawn_once_by_reliability_then_assessment() -> None:
    def row(fact_id: str, value: float, reliability: str, assessment: str) -> dict:
        return {
            "fact_id": fact_id,
            "slot": "x",
            "value": value,
            "value_max": None,
            "qualifier": "exact",
            "claim_type": "reported",
            "assessment": assessment,
            "source_reliability": reliability,
            "source_id": f"s-{fact_id.lower()}",
        }

    rows = [
        row("F3", 100.2, "A", "disputed"),
        row("F2", 100.0, "C", "corroborated"),
        row("F1", 100.0, "B", "unverified"),
        row("F4", 70.0, "A", "disputed"),
    ]
    picked = charts._pick(rows, ("slot",))
    drawn = [r for r in picked if r["role"] == "drawn"]
    assert [r["fact_id"] for r in drawn] == ["F1"]
    assert drawn[0]["same_figure"] == "F2|F3"
    assert [r["fact_id"] for r in picked if r["role"] == "alternative"] == ["F4"]


def test_docs_charts_md_is_fresh(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("pylopdf_fonts_zh_cn", reason="the committed page was rendered with the CJK font")
    doc = tmp_path / "docs" / "charts.md"
    written = charts.render_charts_doc(doc, tmp_path / "docs" / "img")
    assert written[0] == doc and {p.name for p in written[1:]} == EXPECTED
    committed = (ROOT / "docs" / "charts.md").read_text(encoding="utf-8")
    assert doc.read_text(encoding="utf-8") == committed, (
        f"docs/charts.md is stale: regenerate it with `{charts.DOC_COMMAND}` (cnaccel.charts.render_charts_doc())"
    )
    for name in EXPECTED:
        assert f"](img/{name})" in committed
        assert (ROOT / "docs" / "img" / name).is_file()


def test_chinese_names_use_the_packaged_font() -> None:
    pytest.importorskip("matplotlib")
    pytest.importorskip("pylopdf_fonts_zh_cn")
    assert charts.cjk_font() == "Noto Sans SC"


def test_missing_matplotlib_raises_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(charts.ChartsError, match=r"pip install 'cnaccel\[charts\]'"):
        charts.render_charts(tmp_path)
