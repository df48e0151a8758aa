"""The analyst's API on the real data: typed tables, joins, entity lookup, point in time, citations."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import cnaccel
from cnaccel import schema


def test_tables_and_package():
    assert cnaccel.tables() == ["sources", "entities", "products", "metrics", "units", "facts", "events", "relations",
                                "estimates"]
    assert cnaccel.package()["version"] == cnaccel.__version__


@pytest.mark.parametrize(
    "name", ["sources", "entities", "products", "metrics", "units", "facts", "events", "relations"]
)
def test_load_dtypes_follow_the_table_schema(name):
    frame = cnaccel.load(name)
    res = schema.resource(cnaccel.package(), name)
    partial = {"sources": ["published"], "events": ["date"], "relations": ["date"]}.get(name, [])
    expected = []
    for field in res["schema"]["fields"]:
        expected += [field["name"], *([f"{field['name']}_date"] if field["name"] in partial else [])]
    assert list(frame.columns) == expected
    for field in res["schema"]["fields"]:
        dtype = frame[field["name"]].dtype
        if field["name"] == "reliability":
            assert dtype.ordered and list(dtype.categories) == ["C", "B", "A"]  # A ranks highest
            continue
        assert dtype == schema.pandas_dtype(field), (field["name"], dtype)
        if schema.enum_of(field):
            assert list(dtype.categories) == schema.enum_of(field)
    for column in partial:
        assert str(frame[f"{column}_date"].dtype) == "datetime64[ms]"
        days = frame[column].astype("object").dropna().astype(str)
        full = days[days.str.len() == 10]
        assert (frame.loc[full.index, f"{column}_date"].dt.strftime("%Y-%m-%d") == full).all()
        assert frame.loc[days[days.str.len() < 10].index, f"{column}_date"].isna().all()
    assert set(frame.attrs["descriptions"]) == set(frame.columns)
    assert all(frame.attrs["descriptions"].values())
    assert len(frame) > 0


def test_values_are_exact_base_units():
    facts = cnaccel.load("facts").set_index("fact_id")
    assert facts.loc["F0001", "value"] == 17_100_000_000
    assert facts.loc["F0003", "qualifier"] == "lower_bound"
    assert facts.loc["F0005", "period_start"] == pd.Timestamp("2025-01-01")
    assert pd.isna(facts.loc["F0001", "value_max"])


@pytest.mark.parametrize("name", ["寒武纪", "寒武紀", "Cambricon", "cambricon", "CAMBRICON", "寒王"])
def test_entity_lookup_in_both_scripts(name):
    assert cnaccel.find_entity(name) == "cambricon"


def test_entity_row():
    row = cnaccel.entity("摩爾線程")
    assert row["entity_id"] == "moore-threads" and row["name_en"] == "Moore Threads"
    assert "SSE:688795" in row["tickers"]


def test_unknown_entity_suggests_the_nearest_names():
    with pytest.raises(cnaccel.UnknownNameError, match=r"no entity called '寒武'.*寒武纪 \(cambricon\)"):
        cnaccel.find_entity("寒武")
    with pytest.raises(LookupError):
        cnaccel.facts(entity="Cambrion")


def test_facts_are_joined_and_filtered():
    frame = cnaccel.facts(entity="寒武纪", metric="revenue")
    assert len(frame) > 0
    assert set(frame["entity_id"]) == {"cambricon"}
    assert set(frame["metric_id"]) == {"revenue"}
    for column in (
        "entity_name",
        "metric_name",
        "unit_name",
        "source_title",
        "source_publisher",
        "source_published",
        "source_url",
        "figure",
        "statement",
    ):
        assert column in frame.columns
    assert (frame["assessment"] != "superseded").all()
    assert len(cnaccel.facts(entity="寒武纪", metric="revenue", include_superseded=True)) > len(frame)
    assert set(cnaccel.facts(period="2025")["period"].dropna().str[:4]) == {"2025"}


def test_events_and_relations_match_either_party():
    events = cnaccel.events(entity="中国移动")
    assert "contract_award" in set(events["event_type"])
    relations = cnaccel.relations(entity="昆侖芯", relation_type="customer_of")
    assert {"china-merchants-bank", "china-southern-power-grid"} <= set(relations["subject_id"])
    assert (relations["object_id"] == "kunlunxin").all()


def test_as_of_shows_a_claim_appearing():
    before = cnaccel.load("facts", as_of="2025-10-01")
    after = cnaccel.load("facts", as_of="2026-02-15")
    assert "F2046" not in set(before["fact_id"])  # Cambricon's January 2026 estimate
    assert "F2046" in set(after["fact_id"])
    sources = cnaccel.load("sources", as_of="2025-10-01")
    assert "36kr-2025-12-domestic-gpu-race" not in set(sources["source_id"])  # dated 2025-12: known from 2025-12-31
    assert "36kr-2025-12-domestic-gpu-race" in set(cnaccel.load("sources", as_of="2025-12-31")["source_id"])


def test_as_of_shows_a_claim_being_superseded():
    def state(day):
        frame = cnaccel.load("facts", as_of=day).set_index("fact_id")
        return frame.loc["F2044", "assessment"]

    assert state("2025-10-01") == "unverified"  # its successor F2046 was not yet published
    assert state("2026-02-15") == "superseded"
    now = cnaccel.load("facts").set_index("fact_id")
    assert now.loc["F2044", "assessment"] == "superseded" and now.loc["F2046", "supersedes"] == "F2044|F2045"
    assert "F2044" not in set(cnaccel.facts(as_of="2026-02-15")["fact_id"])
    assert "F2044" in set(cnaccel.facts(as_of="2025-10-01")["fact_id"])


def test_as_of_rejects_a_bad_date():
    with pytest.raises(ValueError, match="as_of must be a date"):
        cnaccel.load("facts", as_of="yesterday")


def test_unknown_table():
    with pytest.raises(LookupError, match="no table 'fact'; did you mean facts"):
        cnaccel.load("fact")


def test_cite_a_claim_and_the_package():
    text = cnaccel.cite("F0001")
    row = cnaccel.load("facts").set_index("fact_id").loc["F0001"]
    assert "Figure as printed: 171億美元." in text and f"Passage SHA-256 {row['passage_sha256']}." in text
    assert f"cnaccel {cnaccel.__version__}" in text
    assert "英偉達在中國市場" not in text  # the passage itself is never part of the package
    bib = cnaccel.cite("F0001", style="bibtex")
    assert bib.startswith("@misc{F0001,") and "year = {2025}" in bib
    assert "printed 171億美元." in bib
    undated = cnaccel.load("sources")
    undated = set(undated.loc[undated["published"].isna(), "source_id"])
    claim = cnaccel.load("facts").query("source_id in @undated")["fact_id"].iloc[0]
    assert "year =" not in cnaccel.cite(claim, style="bibtex")  # no date printed, none invented
    assert cnaccel.__version__ in cnaccel.cite(style="text")
    assert f"version = {{{cnaccel.__version__}}}" in cnaccel.cite(style="bibtex")
    with pytest.raises(LookupError, match="no claim 'F9999'"):
        cnaccel.cite("F9999")
    with pytest.raises(ValueError, match="style must be one of"):
        cnaccel.cite("F0001", style="apa")


def test_import_is_light():
    heavy = "('pandas', 'pyarrow', 'frictionless')"
    code = f"import sys, cnaccel; assert cnaccel.__version__; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_load_refuses_a_value_outside_an_enum(pkg):
    pkg.edit("facts", "F0003", "qualifier", "roughly")
    with pytest.raises(ValueError, match=r"data/facts.csv: column qualifier holds 'roughly', which is not one of"):
        cnaccel.load("facts", root=pkg.root)


def test_a_table_edited_after_loading_is_read_again(pkg):
    before = cnaccel.load("facts", root=pkg.root).set_index("fact_id")
    assert before.loc["F0003", "value"] == 2_700_000
    pkg.edit("facts", "F0003", "context", "edited after the first read")
    after = cnaccel.load("facts", root=pkg.root).set_index("fact_id")
    assert after.loc["F0003", "context"] == "edited after the first read"


def test_as_of_says_once_how_many_rows_it_left_out_for_want_of_a_date():
    import warnings

    sources = cnaccel.load("sources")
    undated = set(sources.loc[sources["published"].isna(), "source_id"])
    expected = sum(int(cnaccel.load(t)["source_id"].isin(undated).sum()) for t in ("facts", "events", "relations"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cnaccel.load("facts", as_of="2025-10-01")
    assert [str(w.message) for w in caught] == [
        f"as_of=2025-10-01: {expected} claims left out because their source prints no publication date"
    ]
