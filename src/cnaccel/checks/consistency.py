"""Consistency check: values in their ranges, periods that agree with their dates, claims that
do not speak of a time after they were published, market shares that add up, references
between claims that resolve, and no row that nothing uses."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from ..numbers import format_number
from ..periods import known_from, span
from ..problems import Problem
from ..reader import Package, Table
from ._columns import (
    CLAIM_TABLES,
    Finding,
    Report,
    claim_tables,
    filled,
    lookup,
    numbers,
    per_distinct,
    split_ids,
    to_float,
    where,
)  # fmt: skip

FUTURE_OK = {"forecast", "plan"}
SHARE_TOLERANCE = 0.5  # percentage points of rounding allowed when shares are summed
CLOSED = ("superseded", "retracted")


def _as_date(cell: str) -> date | None:
    try:
        return date.fromisoformat(cell) if cell else None
    except ValueError:
        return None


def check(package: Package) -> list[Problem]:
    report = Report("consistency")
    _values(package, report)
    _periods(package, report)
    _markets(package, report)
    _shares(package, report)
    _references(package, report)
    _unused(package, report)
    return report.problems


def _metric_flags(package: Package, column: str) -> dict[str, bool]:
    metrics = package.table("metrics")
    return {m: v.strip().lower() in {"true", "1", "yes"}
            for m, v in zip(metrics.values("metric_id"), metrics.values(column), strict=True)}  # fmt: skip


def _values(package: Package, report: Report) -> None:
    facts = package.table("facts")
    if not len(facts):
        return
    value, value_max = numbers(facts.column("value")), numbers(facts.column("value_max"))
    is_range = pc.equal(facts.column("qualifier"), "range")
    for i in where(pc.not_equal(pc.is_valid(value_max), is_range)):
        row = facts.row(i)
        report.at(
            facts, i, "qualifier", "range-max-mismatch",
            f"{row['qualifier']} with value_max {format_number(to_float(row['value_max']))}",
            "a range has both value and value_max; any other qualifier has no value_max",
        )  # fmt: skip
    for i in where(pc.less_equal(value_max, value)):
        report.at(
            facts, i, "value_max", "value-max-not-above",
            f"{format_number(value_max[i].as_py())} is not above value {format_number(value[i].as_py())}",
        )  # fmt: skip
    metric = facts.column("metric_id")
    known = pc.is_valid(pc.index_in(metric, value_set=package.table("metrics").column("metric_id")))
    known = pc.and_(known, pc.is_valid(value))
    may_be_negative = pc.fill_null(lookup(metric, _metric_flags(package, "may_be_negative"), pa.bool_()), False)
    may_exceed = pc.fill_null(lookup(metric, _metric_flags(package, "percent_may_exceed_100"), pa.bool_()), False)
    percent = pc.equal(facts.column("unit_id"), "percent")
    for column, number in (("value", value), ("value_max", value_max)):
        for i in where(pc.and_(known, pc.and_(pc.less(number, 0), pc.invert(may_be_negative)))):
            report.at(
                facts, i, column, "negative-value",
                f"{format_number(number[i].as_py())} is negative, and metric {metric[i].as_py()} may not be",
                "check the sign, or set may_be_negative for the metric in metrics.csv",
            )  # fmt: skip
        over = pc.and_(pc.and_(known, percent), pc.and_(pc.greater(number, 100), pc.invert(may_exceed)))
        for i in where(over):
            report.at(
                facts, i, column, "percent-over-100",
                f"{format_number(number[i].as_py())} percent is more than 100, and metric {metric[i].as_py()} "
                "does not allow it",
                "check the figure; a growth rate belongs to a metric with percent_may_exceed_100",
            )  # fmt: skip


def _periods(package: Package, report: Report) -> None:
    sources = package.table("sources")
    published = {
        sid: known_from(p) for sid, p in zip(sources.values("source_id"), sources.values("published"), strict=True)
    }

    def fact_rule(period: str, period_start: str, period_end: str, source_id: str, claim_type: str) -> list[Finding]:
        found: list[Finding | None] = []
        start, end = _as_date(period_start), _as_date(period_end)
        if start and end and start > end:
            found.append(("period_end", "period-order", f"{end} is before period_start {start}", ""))
        covered = span(period)
        if covered and (start, end) != covered:
            found.append((
                "period_start", "period-dates",
                f"{start or 'empty'}..{end or 'empty'} does not match period {period} ({covered[0]}..{covered[1]})",
                "set period_start and period_end to the dates the period covers",
            ))  # fmt: skip
        if not period and (start or end):
            found.append(("period", "period-missing", "empty while period_start or period_end is set",
                          "write the period as the source states it"))  # fmt: skip
        found.append(
            _future("period_start", start or (covered[0] if covered else None), source_id, claim_type, published)
        )
        return [f for f in found if f]

    def dated_rule(date: str, source_id: str, claim_type: str) -> Finding | None:
        covered = span(date)
        return _future("date", covered[0] if covered else None, source_id, claim_type, published)

    facts = package.table("facts")
    report.each(
        facts, per_distinct(facts, ("period", "period_start", "period_end", "source_id", "claim_type"), fact_rule)
    )
    for name in ("events", "relations"):
        table = package.table(name)
        report.each(table, per_distinct(table, ("date", "source_id", "claim_type"), dated_rule))


def _future(column: str, begins: date | None, source_id: str, claim_type: str, published: dict) -> Finding | None:
    known = published.get(source_id)
    if begins and known and begins > known and claim_type not in FUTURE_OK:
        return (
            column, "future-claim",
            f"begins {begins}, after its source was published ({known}), but the claim is {claim_type}",
            "a claim about a later time is a forecast or a plan; set claim_type",
        )  # fmt: skip
    return None


def _markets(package: Package, report: Report) -> None:
    """A share or market size names its market (an entity of type market) and its cut; no other
    fact does."""
    entities = package.table("entities")
    kinds = dict(zip(entities.values("entity_id"), entities.values("entity_type"), strict=True))
    needs_market = _metric_flags(package, "needs_market")

    def rule(metric_id: str, market_id: str, basis: str) -> Finding | None:
        needs = needs_market.get(metric_id, False)
        if needs and not (market_id and basis):
            return (
                "market_id" if not market_id else "basis", "market-missing",
                f"empty, but metric {metric_id} is a share or size of a market",
                "name the market (an entity of type market) and the cut (units, value, revenue, capacity, "
                "technology, or unstated when the source does not say)",
            )  # fmt: skip
        if not needs and (market_id or basis):
            return (
                "market_id" if market_id else "basis", "market-on-other-metric",
                f"set, but metric {metric_id} is not a share or size of a market",
                "empty market_id and basis, or use a market metric",
            )  # fmt: skip
        if market_id and kinds.get(market_id) not in (None, "market"):
            return (
                "market_id", "market-not-market", f"{market_id} is a {kinds.get(market_id)}, not a market",
                "name an entity of type market (china-accelerator-market, ...)",
            )  # fmt: skip
        return None

    facts = package.table("facts")
    report.each(facts, per_distinct(facts, ("metric_id", "market_id", "basis"), rule))


def _shares(package: Package, report: Report) -> None:
    """Shares of one market, cut and period, from one source, sum to at most 100; vendor groups and
    single vendors are summed apart (a group holds vendors that are also counted on their own)."""
    facts = package.table("facts")
    if not len(facts):
        return
    entities = package.table("entities")
    kinds = dict(zip(entities.values("entity_id"), entities.values("entity_type"), strict=True))
    shares = pc.and_(
        pc.and_(pc.equal(facts.column("metric_id"), "market_share"), pc.equal(facts.column("unit_id"), "percent")),
        pc.and_(
            pc.invert(pc.is_in(facts.column("assessment"), value_set=pa.array(CLOSED))),
            pc.is_in(facts.column("qualifier"), value_set=pa.array(["exact", "approx", "lower_bound", "range"])),
        ),
    )
    groups: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
    picked = where(shares)
    columns = ("entity_id", "source_id", "market_id", "basis", "period", "value", "fact_id")
    cells = facts.data.select(list(columns)).take(pa.array(picked, pa.int64())).to_pylist() if picked else []
    for i, row in zip(picked, cells, strict=True):
        grouped = kinds.get(row["entity_id"]) == "vendor_group"
        groups[(row["source_id"], row["market_id"], row["basis"], row["period"], grouped)].append((i, row))
    for rows in groups.values():
        # Two rows of one entity are two readings of one share, not two shares.
        by_entity: dict[str, float] = {}
        for _i, row in rows:
            by_entity[row["entity_id"]] = max(to_float(row["value"]) or 0.0, by_entity.get(row["entity_id"], 0.0))
        total = sum(by_entity.values())
        if total > 100 + SHARE_TOLERANCE:
            ids = ", ".join(row["fact_id"] for _i, row in rows)
            report.at(
                facts, rows[-1][0], "value", "shares-over-100",
                f"market shares with the same source, market, basis and period sum to {format_number(total)} "
                f"percent ({ids})",
                "shares of one market cut one way add up to at most 100: check the values, the market_id and the basis",
            )  # fmt: skip


def _all_ids(package: Package) -> pa.Array:
    return pa.chunked_array([c for _n, key, t in claim_tables(package) for c in t.column(key).chunks], pa.string())


def _references(package: Package, report: Report) -> None:
    named: list[tuple[str, Table, int, str, str, list[str]]] = []
    for name, key, table in claim_tables(package):
        columns = ("evidence_ids", "derived_from", "supersedes") if name == "facts" else ("evidence_ids", "supersedes")
        for column in columns:
            cells = table.column(column)
            for i in where(filled(cells)):
                named.append((name, table, i, column, table.column(key)[i].as_py(), split_ids(cells[i].as_py())))
    refs = pa.array(sorted({ref for *_rest, found in named for ref in found}), pa.string())
    known = set(pc.filter(refs, pc.is_in(refs, value_set=_all_ids(package))).to_pylist()) if len(refs) else set()
    superseded_by: dict[str, str] = {}
    for _name, table, i, column, own, found in named:
        for ref in found:
            if ref == own:
                report.at(table, i, column, "self-reference", f"names the claim itself ({ref})")
            elif ref not in known:
                message = f"{ref} is not a claim id in facts, events or relations"
                report.at(table, i, column, "unknown-reference", message)
            elif column == "supersedes":
                superseded_by[ref] = own
    for name, _key, table in claim_tables(package):
        assessment = table.column("assessment")
        explained = pc.is_in(assessment, value_set=pa.array(["corroborated", "disputed", "superseded", "retracted"]))
        for i in where(pc.and_(explained, pc.invert(filled(table.column("assessment_note"))))):
            report.at(table, i, "assessment_note", "note-missing", f"empty, but the claim is {assessment[i].as_py()}",
                      "say in one or two sentences why, naming the rows")  # fmt: skip
        weighed = pc.is_in(assessment, value_set=pa.array(["corroborated", "disputed"]))
        for i in where(pc.and_(weighed, pc.invert(filled(table.column("evidence_ids"))))):
            report.at(table, i, "evidence_ids", "evidence-missing", f"empty, but the claim is {assessment[i].as_py()}",
                      "name the claims the assessment rests on")  # fmt: skip
        if name == "facts":
            derived = pc.equal(table.column("derivation"), "derived")
            named = filled(table.column("derived_from"))
            for i in where(pc.and_(derived, pc.invert(named))):
                report.at(table, i, "derived_from", "derived-from-missing", "empty, but the fact is derived",
                          "name the rows it was computed from")  # fmt: skip
            for i in where(pc.and_(pc.invert(derived), named)):
                report.at(table, i, "derivation", "derivation-stated", "stated, but derived_from names rows",
                          "set derivation to derived")  # fmt: skip
    successors = pa.array(sorted(superseded_by), pa.string())
    for _name, key, table in claim_tables(package):
        superseded = pc.equal(table.column("assessment"), "superseded")
        named = pc.is_in(table.column(key), value_set=successors)
        for i in where(pc.and_(superseded, pc.invert(named))):
            report.at(table, i, "assessment", "superseded-without-successor",
                      "superseded, but no claim names it in supersedes",
                      "add the newer claim with supersedes set to this id")  # fmt: skip
        for i in where(pc.and_(named, pc.invert(superseded))):
            own = table.column(key)[i].as_py()
            report.at(table, i, "assessment", "successor-not-superseded",
                      f"{table.column('assessment')[i].as_py()}, but {superseded_by[own]} supersedes it",
                      "mark it superseded")  # fmt: skip


def _distinct(table: Table, column: str) -> set[str]:
    return set(pc.unique(table.column(column)).to_pylist()) if table.has(column) else set()


def _unused(package: Package, report: Report) -> None:
    used: dict[str, set[str]] = {name: set() for name in ("entities", "products", "metrics", "units", "sources")}
    for name, _key, table in claim_tables(package):
        used["sources"] |= _distinct(table, "source_id")
        for column in ("entity_id", "counterparty_id", "origin_id", "subject_id", "object_id", "market_id"):
            used["entities"] |= _distinct(table, column)
        used["products"] |= _distinct(table, "product_id")
        if name == "facts":
            used["metrics"] |= _distinct(table, "metric_id")
            used["units"] |= _distinct(table, "unit_id")
    products = package.table("products")
    for product, entity in zip(products.values("product_id"), products.values("entity_id"), strict=True):
        if product in used["products"]:
            used["entities"].add(entity)
    entities = package.table("entities")
    parents = dict(zip(entities.values("entity_id"), entities.values("parent_id"), strict=True))
    for entity in list(used["entities"]):
        seen = set()
        while entity and entity not in seen:
            seen.add(entity)
            entity = parents.get(entity)
            if entity:
                used["entities"].add(entity)
    keys = {"entities": "entity_id", "products": "product_id", "metrics": "metric_id", "units": "unit_id",
            "sources": "source_id"}  # fmt: skip
    for name, key in keys.items():
        table = package.table(name)
        for i, value in enumerate(table.values(key)):
            if value not in used[name]:
                report.at(table, i, key, "unused-row", f"{value} is used by no claim",
                          "remove the row, or add the claims that use it")  # fmt: skip


__all__ = ["CLAIM_TABLES", "check"]
