"""Speed-ups that must not change a result: the lineage count behind the estimates' ``lineages``
rule equals the plain definition (every claim of a group compared with every other) on any group,
and statements rendered from the few columns they read equal those rendered from whole rows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnaccel.estimates_table import _agrees, _support

values = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, 100.0, 101.0, 99.0, 1e9, 1.01e9, -50.0, -50.5]),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)


@st.composite
def claims(draw):
    value = draw(values)
    value_max = draw(st.one_of(st.none(), values.map(lambda v: value + abs(v))))
    return {"value": value, "value_max": value_max, "lineage": draw(st.sampled_from("abcd"))}


def _plain(rows, span):
    return len({o["lineage"] for o in rows if _agrees(span, (o["value"], o["value_max"]))})


@settings(max_examples=400, deadline=None)
@given(st.lists(claims(), min_size=1, max_size=30))
def test_indexed_support_equals_the_plain_count(rows):
    support = _support(rows)
    for row in rows:
        span = (row["value"], row["value_max"])
        assert support(span) == _plain(rows, span), span


def test_edges_of_the_one_percent_window():
    rows = [
        {"value": 100.0, "value_max": None, "lineage": "a"},
        {"value": 99.0, "value_max": None, "lineage": "b"},  # exactly 1% below: agrees
        {"value": 101.0101, "value_max": None, "lineage": "c"},  # just over 1% above: does not
        {"value": 98.0, "value_max": 99.5, "lineage": "d"},  # a range reaching within 1%
    ]
    support = _support(rows)
    assert support((100.0, None)) == _plain(rows, (100.0, None)) == 3


@pytest.mark.parametrize("table", ["facts", "events", "relations"])
def test_statements_read_every_column_they_use(table, monkeypatch):
    """Statements are rendered from a few columns: every row given whole renders the same sentence."""
    from cnaccel import statements
    from cnaccel.typed import read_arrow

    claims = read_arrow(table)
    few = statements.statements(table, claims)
    whole = statements.plain_rows
    monkeypatch.setattr(statements, "plain_rows", lambda t, columns=None: whole(t))
    assert statements.statements(table, claims) == few
