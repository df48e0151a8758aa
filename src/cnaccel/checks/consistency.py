"""Consistency check: values in their ranges, periods that agree with their dates, claims that
do not speak of a time after they were published, market shares that add up, references
between claims that resolve, and no row that nothing uses."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..numbers import format_number
from ..periods import known_from, span
from ..problems import Problem
from ..raw import RawPackage
from ._claims import CLAIM_TABLES, claims, split_ids, to_float

FUTURE_OK = {"forecast", "plan"}
SHARE_TOLERANCE = 0.5  # percentage points of rounding allowed when shares are summed


def _as_date(cell: str) -> date | None:
    try:
        return date.fromisoformat(cell) if cell else None
    except ValueError:
        return None


def _is_true(cell: str) -> bool:
    return cell.strip().lower() in {"true", "1", "yes"}


def check(package: RawPackage) -> list[Problem]:
    problems: list[Problem] = []

    def report(table: str, row, column: str, message: str, hint: str = "", code: str = "") -> None:
        problems.append(
            Problem(package.path_of(table), row.line if row else None, column, message, hint, "consistency", code)
        )

    metrics = {row.get("metric_id"): row for row in package.rows("metrics")}
    published = {row.get("source_id"): known_from(row.get("published")) for row in package.rows("sources")}
    _values(package, metrics, report)
    _periods(package, published, report)
    _markets(package, metrics, report)
    _shares(package, report)
    _references(package, report)
    _unused(package, report)
    return problems


def _values(package, metrics, report) -> None:
    for row in package.rows("facts"):
        value, value_max = to_float(row.get("value")), to_float(row.get("value_max"))
        metric = metrics.get(row.get("metric_id"))
        qualifier = row.get("qualifier")
        if (value_max is not None) != (qualifier == "range"):
            report(
                "facts",
                row,
                "qualifier",
                f"{qualifier} with value_max {format_number(value_max)}",
                "a range has both value and value_max; any other qualifier has no value_max",
                code="range-max-mismatch",
            )
        if value is not None and value_max is not None and value_max <= value:
            report(
                "facts",
                row,
                "value_max",
                f"{format_number(value_max)} is not above value {format_number(value)}",
                code="value-max-not-above",
            )
        if metric is None or value is None:
            continue
        for column, number in (("value", value), ("value_max", value_max)):
            if number is None:
                continue
            if number < 0 and not _is_true(metric.get("may_be_negative")):
                report(
                    "facts",
                    row,
                    column,
                    f"{format_number(number)} is negative, and metric {metric.get('metric_id')} may not be",
                    "check the sign, or set may_be_negative for the metric in metrics.csv",
                    code="negative-value",
                )
            if row.get("unit_id") == "percent" and number > 100 and not _is_true(metric.get("percent_may_exceed_100")):
                report(
                    "facts",
                    row,
                    column,
                    f"{format_number(number)} percent is more than 100, and metric "
                    f"{metric.get('metric_id')} does not allow it",
                    "check the figure; a growth rate belongs to a metric with percent_may_exceed_100",
                    code="percent-over-100",
                )


def _periods(package, published, report) -> None:
    for row in package.rows("facts"):
        start, end = _as_date(row.get("period_start")), _as_date(row.get("period_end"))
        period = row.get("period")
        if start and end and start > end:
            report("facts", row, "period_end", f"{end} is before period_start {start}", code="period-order")
        covered = span(period)
        if covered and (start, end) != covered:
            report(
                "facts",
                row,
                "period_start",
                f"{start or 'empty'}..{end or 'empty'} does not match period {period} ({covered[0]}..{covered[1]})",
                "set period_start and period_end to the dates the period covers",
                code="period-dates",
            )
        if not period and (start or end):
            report(
                "facts",
                row,
                "period",
                "empty while period_start or period_end is set",
                "write the period as the source states it",
                code="period-missing",
            )
        _not_future(row, "facts", "period_start", start or (covered[0] if covered else None), published, report)
    for table in ("events", "relations"):
        for row in package.rows(table):
            covered = span(row.get("date"))
            _not_future(row, table, "date", covered[0] if covered else None, published, report)


def _not_future(row, table, column, begins, published, report) -> None:
    known = published.get(row.get("source_id"))
    if begins and known and begins > known and row.get("claim_type") not in FUTURE_OK:
        report(
            table,
            row,
            column,
            f"begins {begins}, after its source was published ({known}), but the claim is {row.get('claim_type')}",
            "a claim about a later time is a forecast or a plan; set claim_type",
            code="future-claim",
        )


def _markets(package, metrics, report) -> None:
    """A share or market size names its market (an entity of type market) and its cut; no other
    fact does."""
    kinds = {row.get("entity_id"): row.get("entity_type") for row in package.rows("entities")}
    for row in package.rows("facts"):
        metric = metrics.get(row.get("metric_id"))
        needs = metric is not None and _is_true(metric.get("needs_market"))
        market, basis = row.get("market_id"), row.get("basis")
        if needs and not (market and basis):
            column = "market_id" if not market else "basis"
            report(
                "facts",
                row,
                column,
                f"empty, but metric {row.get('metric_id')} is a share or size of a market",
                "name the market (an entity of type market) and the cut (units, value, revenue, capacity, "
                "technology, or unstated when the source does not say)",
                "market-missing",
            )
        elif not needs and (market or basis):
            report(
                "facts",
                row,
                "market_id" if market else "basis",
                f"set, but metric {row.get('metric_id')} is not a share or size of a market",
                "empty market_id and basis, or use a market metric",
                "market-on-other-metric",
            )
        if market and kinds.get(market) not in (None, "market"):
            report(
                "facts",
                row,
                "market_id",
                f"{market} is a {kinds.get(market)}, not a market",
                "name an entity of type market (china-accelerator-market, ...)",
                "market-not-market",
            )


def _shares(package, report) -> None:
    """Shares of one market, cut and period, from one source, sum to at most 100; vendor groups and
    single vendors are summed apart (a group holds vendors that are also counted on their own)."""
    groups: dict[tuple, list] = defaultdict(list)
    kinds = {row.get("entity_id"): row.get("entity_type") for row in package.rows("entities")}
    for row in package.rows("facts"):
        if (
            row.get("metric_id") == "market_share"
            and row.get("unit_id") == "percent"
            and row.get("assessment") not in {"superseded", "retracted"}
            and row.get("qualifier") in {"exact", "approx", "lower_bound", "range"}
        ):
            grouped = kinds.get(row.get("entity_id")) == "vendor_group"
            key = (row.get("source_id"), row.get("market_id"), row.get("basis"), row.get("period"), grouped)
            groups[key].append(row)
    for rows in groups.values():
        # Two rows of one entity are two readings of one share, not two shares.
        by_entity: dict[str, float] = {}
        for row in rows:
            value = to_float(row.get("value")) or 0.0
            by_entity[row.get("entity_id")] = max(value, by_entity.get(row.get("entity_id"), 0.0))
        total = sum(by_entity.values())
        if total > 100 + SHARE_TOLERANCE:
            ids = ", ".join(row.get("fact_id") for row in rows)
            report(
                "facts",
                rows[-1],
                "value",
                f"market shares with the same source, market, basis and period sum to {format_number(total)} "
                f"percent ({ids})",
                "shares of one market cut one way add up to at most 100: check the values, the market_id and the basis",
                "shares-over-100",
            )


def _references(package, report) -> None:
    ids = {row.get(key): table for table, key, row in claims(package)}
    superseded_by: dict[str, str] = {}
    for table, key, row in claims(package):
        own = row.get(key)
        for column in ("evidence_ids", "derived_from", "supersedes"):
            if column == "derived_from" and table != "facts":
                continue
            for ref in split_ids(row.get(column)):
                if ref == own:
                    report(table, row, column, f"names the claim itself ({ref})", code="self-reference")
                elif ref not in ids:
                    report(
                        table,
                        row,
                        column,
                        f"{ref} is not a claim id in facts, events or relations",
                        code="unknown-reference",
                    )
                elif column == "supersedes":
                    superseded_by[ref] = own
        assessment = row.get("assessment")
        if assessment in {"corroborated", "disputed", "superseded", "retracted"} and not row.get("assessment_note"):
            report(
                table,
                row,
                "assessment_note",
                f"empty, but the claim is {assessment}",
                "say in one or two sentences why, naming the rows",
                code="note-missing",
            )
        if assessment in {"corroborated", "disputed"} and not row.get("evidence_ids"):
            report(
                table,
                row,
                "evidence_ids",
                f"empty, but the claim is {assessment}",
                "name the claims the assessment rests on",
                code="evidence-missing",
            )
        if table == "facts":
            derived = row.get("derivation") == "derived"
            if derived and not row.get("derived_from"):
                report(
                    table,
                    row,
                    "derived_from",
                    "empty, but the fact is derived",
                    "name the rows it was computed from",
                    code="derived-from-missing",
                )
            if not derived and row.get("derived_from"):
                report(
                    table,
                    row,
                    "derivation",
                    "stated, but derived_from names rows",
                    "set derivation to derived",
                    code="derivation-stated",
                )
    for table, key, row in claims(package):
        own = row.get(key)
        if row.get("assessment") == "superseded" and own not in superseded_by:
            report(
                table,
                row,
                "assessment",
                "superseded, but no claim names it in supersedes",
                "add the newer claim with supersedes set to this id",
                code="superseded-without-successor",
            )
        if own in superseded_by and row.get("assessment") != "superseded":
            report(
                table,
                row,
                "assessment",
                f"{row.get('assessment')}, but {superseded_by[own]} supersedes it",
                "mark it superseded",
                code="successor-not-superseded",
            )


def _unused(package, report) -> None:
    used: dict[str, set[str]] = {name: set() for name in ("entities", "products", "metrics", "units", "sources")}
    for table, _key, row in claims(package):
        used["sources"].add(row.get("source_id"))
        used["entities"].update(
            row.get(c) for c in ("entity_id", "counterparty_id", "origin_id", "subject_id", "object_id", "market_id")
        )
        used["products"].add(row.get("product_id"))
        if table == "facts":
            used["metrics"].add(row.get("metric_id"))
            used["units"].add(row.get("unit_id"))
    for row in package.rows("products"):
        if row.get("product_id") in used["products"]:
            used["entities"].add(row.get("entity_id"))
    parents = {row.get("entity_id"): row.get("parent_id") for row in package.rows("entities")}
    for entity in list(used["entities"]):
        seen = set()
        while entity and entity not in seen:
            seen.add(entity)
            entity = parents.get(entity)
            if entity:
                used["entities"].add(entity)
    keys = {
        "entities": "entity_id",
        "products": "product_id",
        "metrics": "metric_id",
        "units": "unit_id",
        "sources": "source_id",
    }
    for table, key in keys.items():
        for row in package.rows(table):
            if row.get(key) not in used[table]:
                report(
                    table,
                    row,
                    key,
                    f"{row.get(key)} is used by no claim",
                    "remove the row, or add the claims that use it",
                    code="unused-row",
                )


__all__ = ["CLAIM_TABLES", "check"]
