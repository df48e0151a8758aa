"""The answer table: one best estimate per company, metric, market, cut and period.

``facts`` holds every claim; an analyst wants one number per (entity, product, metric, market,
basis, period, unit) with the spread behind it.  This module derives that table from the current
claims (neither superseded nor retracted) that state a period and are not plans (a target is no
estimate of what happened), by one documented choice, applied in order until one claim is left:

1. ``not_disputed``: a claim not disputed before a disputed one;
2. ``claim_type``: reported or disclosed before estimate, before forecast, plan, opinion, rumour;
3. ``reliability``: a source of grade A before B before C;
4. ``lineages``: the figure that more independent lineages give (claims within 1% of each other);
5. ``published``: the later publication;
6. ``claim_id``: the lower claim id.

``rule`` names the step that decided (``single`` where the group holds one claim).  ``low`` and
``high`` span every current claim of the group, ``claims`` and ``lineages`` count them, and
``status`` is ``single``, ``agreed`` (every claim within 1% of the chosen value, ranges
overlapping) or ``conflicting``.  The table is never edited by hand and never stored in the
repository: it is built in the API and in every release output.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .periods import known_from

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

GROUP = ("entity_id", "product_id", "metric_id", "market_id", "basis", "period", "unit_id")
RULES = ("single", "not_disputed", "claim_type", "reliability", "lineages", "published", "claim_id")
STATUSES = ("single", "agreed", "conflicting")
CLAIM_RANK = {"reported": 0, "disclosed": 0, "estimate": 1, "forecast": 2, "plan": 3, "opinion": 4, "rumor": 5}
GRADE_RANK = {"A": 0, "B": 1, "C": 2}
AGREE = 0.01  # within 1% of each other: one figure, rounded differently
FACT_COLUMNS = [  # the columns of facts that the estimates read
    "fact_id", *GROUP, "period_start", "period_end", "value", "value_max", "qualifier", "assessment",
    "claim_type", "source_id",
]  # fmt: skip

RESOURCE: dict[str, Any] = {
    "name": "estimates",
    "type": "table",
    "title": "Estimates",
    "description": "One best estimate per entity, product, metric, market, basis, period and unit, chosen from the "
    "current facts by the documented rule (docs/methodology.md), with the spread of all current claims. Derived by "
    "cnaccel from facts and sources; never edited by hand.",
    "path": "csv/estimates.csv",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "schema": {
        "fields": [
            {"name": "fact_id", "type": "string", "description": "The chosen claim (foreign key to facts).",
             "constraints": {"required": True, "unique": True}},
            {"name": "entity_id", "type": "string", "description": "Whose quantity it is.",
             "constraints": {"required": True}},
            {"name": "product_id", "type": "string", "description": "The product, where the group is about one."},
            {"name": "metric_id", "type": "string", "description": "What is measured.",
             "constraints": {"required": True}},
            {"name": "market_id", "type": "string", "description": "For shares and market sizes, the market."},
            {"name": "basis", "type": "string", "description": "For shares and market sizes, the cut."},
            {"name": "period", "type": "string", "description": "The period as the claims state it."},
            {"name": "period_start", "type": "date", "description": "First day of the period, where known."},
            {"name": "period_end", "type": "date", "description": "Last day of the period, where known."},
            {"name": "unit_id", "type": "string", "description": "Unit of value, low and high.",
             "constraints": {"required": True}},
            {"name": "value", "type": "number", "description": "The chosen claim's value, in base units.",
             "constraints": {"required": True}},
            {"name": "value_max", "type": "number", "description": "The chosen claim's upper end, for a range."},
            {"name": "qualifier", "type": "string", "description": "The chosen claim's qualifier.",
             "constraints": {"required": True, "enum": ["exact", "approx", "lower_bound", "upper_bound", "range"]}},
            {"name": "assessment", "type": "string", "description": "The chosen claim's assessment.",
             "constraints": {"required": True,
                             "enum": ["corroborated", "unverified", "disputed", "superseded", "retracted"]}},
            {"name": "low", "type": "number", "description": "Lowest value of all current claims of the group.",
             "constraints": {"required": True}},
            {"name": "high", "type": "number", "description": "Highest value (or upper end) of all current claims.",
             "constraints": {"required": True}},
            {"name": "claims", "type": "integer", "description": "How many current claims the group holds.",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "lineages", "type": "integer",
             "description": "How many independent reports (lineages) they come from.",
             "constraints": {"required": True, "minimum": 1}},
            {"name": "status", "type": "string",
             "description": "single (one claim); agreed (all within 1% of the chosen value); conflicting (otherwise).",
             "constraints": {"required": True, "enum": list(STATUSES)}},
            {"name": "rule", "type": "string",
             "description": "The step of the documented choice that decided: single, not_disputed, claim_type, "
             "reliability, lineages, published, claim_id.",
             "constraints": {"required": True, "enum": list(RULES)}},
        ],
        "primaryKey": ["fact_id"],
        "foreignKeys": [{"fields": "fact_id", "reference": {"resource": "facts", "fields": "fact_id"}}],
    },
}  # fmt: skip


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _agrees(a: tuple[float, float | None], b: tuple[float, float | None]) -> bool:
    """Two claims give one figure: their ranges overlap, or their values are within 1%."""
    a_low, a_high = a[0], a[1] if a[1] is not None else a[0]
    b_low, b_high = b[0], b[1] if b[1] is not None else b[0]
    if a_low <= b_high and b_low <= a_high:
        return True
    return abs(a_low - b_low) <= AGREE * max(abs(a_low), abs(b_low))


Span = tuple[float, float | None]
_MARGIN = 1e-6  # widens the 1% window far beyond float rounding; _agrees then decides exactly


class _Spans:
    """The distinct spans of one lineage, sorted by value, answering "does any of them agree with
    this span?" in logarithmic time instead of a scan: a range overlaps some span when the spans
    starting at or below its top reach its bottom (a prefix maximum), and a value within 1% lies
    in a window of values found by bisection, checked exactly with :func:`_agrees`."""

    def __init__(self, spans: set[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: (s[0], s[1] if s[1] is not None else s[0]))
        self.lows = [s[0] for s in self.spans]
        self.reach: list[float] = []
        for low, high in self.spans:
            top = high if high is not None else low
            self.reach.append(max(top, self.reach[-1]) if self.reach else top)

    def agree_with(self, span: Span) -> bool:
        low, high = span[0], span[1] if span[1] is not None else span[0]
        below = bisect_right(self.lows, high)
        if below and self.reach[below - 1] >= low:
            return True  # some span starts at or below the top of ``span`` and reaches its bottom
        ends = sorted((low * (1 - AGREE), low / (1 - AGREE)))
        start = bisect_left(self.lows, ends[0] - abs(ends[0]) * _MARGIN)
        stop = bisect_right(self.lows, ends[1] + abs(ends[1]) * _MARGIN)
        return any(_agrees(span, other) for other in self.spans[start:stop])


def _support(rows: list[dict[str, Any]]) -> Callable[[Span], int]:
    """How many lineages of ``rows`` give a figure agreeing with a span: for each span, the count of
    lineages having a claim that :func:`_agrees` with it (rows grouped by lineage, spans deduplicated,
    answers cached), so a group of n claims costs n log n rather than n squared comparisons."""
    by_lineage: dict[str, set[Span]] = {}
    for row in rows:
        by_lineage.setdefault(row["lineage"], set()).add((row["value"], row["value_max"]))
    lineages = [_Spans(spans) for spans in by_lineage.values()]
    known: dict[Span, int] = {}

    def count(span: Span) -> int:
        if span not in known:
            known[span] = sum(1 for spans in lineages if spans.agree_with(span))
        return known[span]

    return count


def _choose(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """The chosen claim of a group and the rule that decided."""
    if len(rows) == 1:
        return rows[0], "single"
    support = _support(rows)
    steps = (
        ("not_disputed", lambda r: r["assessment"] == "disputed"),
        ("claim_type", lambda r: CLAIM_RANK.get(r["claim_type"], 9)),
        ("reliability", lambda r: GRADE_RANK.get(r["reliability"], 9)),
        ("lineages", lambda r: -support((r["value"], r["value_max"]))),
        ("published", lambda r: -known.toordinal() if (known := known_from(r["published"])) else 0),
        ("claim_id", lambda r: r["fact_id"]),
    )
    left = rows
    for name, key in steps:
        best = min(key(r) for r in left)
        kept = [r for r in left if key(r) == best]
        if len(kept) == 1:
            return kept[0], name
        left = kept
    return sorted(left, key=lambda r: r["fact_id"])[0], "claim_id"  # pragma: no cover - ids are unique


def build_rows(facts: list[dict[str, Any]], sources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The estimates, one dict per group, from fact rows and sources keyed by source_id."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for fact in facts:
        if (
            fact.get("assessment") in ("superseded", "retracted")
            or fact.get("claim_type") == "plan"
            or not fact.get("period")
            or _num(fact.get("value")) is None
        ):
            continue
        source = sources.get(fact["source_id"], {})
        row = {
            **fact,
            "value": _num(fact["value"]),
            "value_max": _num(fact.get("value_max")),
            "reliability": source.get("reliability"),
            "lineage": source.get("lineage") or fact["source_id"],
            "published": source.get("published") or "",
        }
        groups.setdefault(tuple(fact.get(k) or "" for k in GROUP), []).append(row)
    out = []
    for key in sorted(groups):
        rows = sorted(groups[key], key=lambda r: r["fact_id"])
        chosen, rule = _choose(rows)
        span = (chosen["value"], chosen["value_max"])
        agreed = all(_agrees(span, (r["value"], r["value_max"])) for r in rows)
        out.append(
            {
                "fact_id": chosen["fact_id"],
                **{k: chosen.get(k) or None for k in GROUP},
                "period_start": chosen.get("period_start") or None,
                "period_end": chosen.get("period_end") or None,
                "value": chosen["value"],
                "value_max": chosen["value_max"],
                "qualifier": chosen["qualifier"],
                "assessment": chosen["assessment"],
                "low": min(r["value"] for r in rows),
                "high": max(r["value_max"] if r["value_max"] is not None else r["value"] for r in rows),
                "claims": len(rows),
                "lineages": len({r["lineage"] for r in rows}),
                "status": "single" if len(rows) == 1 else ("agreed" if agreed else "conflicting"),
                "rule": rule,
            }
        )
    return sorted(out, key=lambda r: r["fact_id"])


def estimates_arrow(root: str | Path | None = None) -> pa.Table:
    """The estimates of the package at ``root`` as an Arrow table typed by :data:`RESOURCE`."""
    import pyarrow as pa

    from . import schema
    from .statements import plain_rows
    from .typed import read_arrow

    facts = plain_rows(read_arrow("facts", root), FACT_COLUMNS)
    sources = {row["source_id"]: row for row in read_arrow("sources", root).to_pylist()}
    rows = build_rows(facts, sources)
    import datetime as dt

    columns = []
    for field in schema.fields(RESOURCE):
        values = [row[field["name"]] for row in rows]
        if field["type"] == "date":
            values = [dt.date.fromisoformat(v) if v else None for v in values]
        enum = schema.enum_of(field)
        if enum:
            indices = pa.array([None if v is None else enum.index(v) for v in values], pa.int32())
            columns.append(pa.DictionaryArray.from_arrays(indices, pa.array(enum, pa.string())))
        else:
            columns.append(pa.array(values, schema.arrow_type(field)))
    return pa.Table.from_arrays(columns, schema=schema.arrow_schema(RESOURCE))


def estimates_frame(root: str | Path | None = None) -> pd.DataFrame:
    """The estimates as a typed DataFrame (see :func:`estimates_arrow`)."""
    from .typed import to_pandas

    return to_pandas(estimates_arrow(root))
