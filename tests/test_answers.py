"""The estimates table and series: the documented choice, step by step, and series on real data."""

from __future__ import annotations

import pytest

import cnaccel
from cnaccel.estimates_table import build_rows


def fact(fact_id: str, value: float, **extra) -> dict:
    row = {"fact_id": fact_id, "entity_id": "x", "product_id": None, "metric_id": "revenue", "market_id": None,
           "basis": None, "period": "2025", "period_start": "2025-01-01", "period_end": "2025-12-31", "unit_id": "CNY",
           "value": value, "value_max": None, "qualifier": "exact", "assessment": "unverified",
           "claim_type": "reported", "source_id": "s1"}  # fmt: skip
    row.update(extra)
    return row


SOURCES = {
    "s1": {"reliability": "C", "lineage": "l1", "published": "2025-06"},
    "s2": {"reliability": "C", "lineage": "l2", "published": "2025-08-01"},
    "s3": {"reliability": "A", "lineage": "l3", "published": "2025-05-01"},
    "s4": {"reliability": "C", "lineage": "l4", "published": "2025-06"},
}


@pytest.mark.parametrize(
    ("facts", "chosen", "rule", "status"),
    [
        ([fact("F1", 10)], "F1", "single", "single"),
        ([fact("F1", 10, assessment="disputed"), fact("F2", 12, source_id="s2")], "F2", "not_disputed", "conflicting"),
        ([fact("F1", 10, claim_type="estimate"), fact("F2", 12, source_id="s2")], "F2", "claim_type", "conflicting"),
        ([fact("F1", 10, source_id="s2"), fact("F2", 12, source_id="s3")], "F2", "reliability", "conflicting"),
        ([fact("F1", 10, source_id="s2"), fact("F2", 12), fact("F3", 12.05, source_id="s4", assessment="disputed")],
         "F2", "lineages", "conflicting"),
        ([fact("F1", 10), fact("F2", 10.05, source_id="s2")], "F2", "published", "agreed"),
        ([fact("F2", 10), fact("F1", 10)], "F1", "claim_id", "agreed"),
        ([fact("F1", 5, value_max=7, qualifier="range"), fact("F2", 6, source_id="s3")], "F2", "reliability",
         "agreed"),
    ],
)
def test_the_documented_choice_step_by_step(facts, chosen, rule, status):
    (row,) = build_rows(facts, SOURCES)
    assert (row["fact_id"], row["rule"], row["status"]) == (chosen, rule, status)
    assert row["claims"] == len(facts)
    assert row["low"] == min(f["value"] for f in facts)


def test_superseded_plans_and_undated_periods_are_left_out():
    rows = build_rows(
        [fact("F1", 10, assessment="superseded"), fact("F2", 11, claim_type="plan"), fact("F3", 12, period=None),
         fact("F4", 13)],
        SOURCES,
    )  # fmt: skip
    assert [(r["fact_id"], r["claims"]) for r in rows] == [("F4", 1)]


def test_every_series_cell_is_the_value_of_the_fact_it_names():
    facts = cnaccel.load("facts").set_index("fact_id")
    for metric, market, basis in (("market_share", "china-accelerator-market", "units"), ("revenue", None, None)):
        tidy = cnaccel.series(metric, market=market, basis=basis)
        assert len(tidy) > 0
        for fact_id, value, unit in zip(tidy["fact_id"], tidy["value"], tidy["unit_id"], strict=True):
            assert facts.loc[fact_id, "value"] == value and facts.loc[fact_id, "unit_id"] == unit


def test_vendor_shares_by_year_as_a_wide_table():
    wide = cnaccel.series("market_share", market="中国加速芯片市场", basis="units", wide=True)
    assert {"2024", "2025"} <= set(wide.index)
    assert wide.loc["2024", "nvidia"] == 70 and wide.loc["2025", "nvidia"] == 55
    assert wide.attrs["unit"] == "percent" and wide.attrs["basis"] == ["units"]
    ids = wide.attrs["fact_ids"]
    facts = cnaccel.load("facts").set_index("fact_id")
    for period in wide.index:
        for entity in wide.columns:
            if ids.loc[period, entity] is not None and isinstance(ids.loc[period, entity], str):
                assert facts.loc[ids.loc[period, entity], "value"] == wide.loc[period, entity]
    assert list(wide.index) == sorted(wide.index, key=lambda p: (p[:4], p))  # period order


def test_a_wide_table_of_mixed_cuts_raises_naming_them():
    with pytest.raises(cnaccel.SeriesError, match="would mix bases technology, units, unstated; pass basis="):
        cnaccel.series("market_share", market="china-accelerator-market", wide=True)


def test_unknown_names_raise_with_the_nearest():
    with pytest.raises(LookupError, match="no metric called 'revnue'; nearest: revenue"):
        cnaccel.estimates(metric="revnue")
    with pytest.raises(LookupError, match="no basis 'unit' in the estimates; nearest: units"):
        cnaccel.series("market_share", market="china-accelerator-market", basis="unit")


def test_estimates_carry_column_descriptions():
    frame = cnaccel.estimates(entity="寒武纪", metric="revenue")
    assert frame.attrs["descriptions"]["rule"].startswith("The step of the documented choice")
    assert set(frame["entity_id"]) == {"cambricon"}


def test_usd_conversion_without_a_rate_leaves_the_cell_empty_and_says_so():
    tidy = cnaccel.series("revenue", entities=["Cambricon"], currency="USD")
    assert set(tidy["unit_id"]) == {"USD"}
    assert any("no published average rate" in note or "converted" in note for note in tidy.attrs["notes"])
    with pytest.raises(cnaccel.SeriesError, match="only USD"):
        cnaccel.series("revenue", currency="EUR")
