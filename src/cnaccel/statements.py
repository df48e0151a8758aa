"""The readable statement of a claim, rendered from its fields.

A claim row holds structured fields, the figure as printed and our own words; the sentence a
reader sees ("36Kr (2025-12) reports Nvidia's revenue from China for 2024 as USD 17.1 billion,
printed 171億美元") is built here, never stored and never a translation of the source.  The
API, the command line and every release output call :func:`statements` for the claim tables.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

CLAIM_TABLES = ("facts", "events", "relations")
STATEMENT_FIELD = {
    "name": "statement",
    "type": "string",
    "description": "The claim as one readable English sentence (who, what, when, how much, per which source), "
    "rendered by cnaccel from the row's fields; not stored in the repository and never a translation of the source.",
}
VERBS = {
    "reported": "reports",
    "disclosed": "discloses",
    "estimate": "estimates",
    "forecast": "forecasts",
    "plan": "reports as planned",
    "rumor": "reports as rumoured",
    "opinion": "gives as an opinion",
}
STATEMENT_COLUMNS = {  # the columns each claim table's sentence is rendered from
    "facts": ["source_id", "entity_id", "metric_id", "product_id", "claim_type", "origin_id", "value", "value_max",
              "qualifier", "unit_id", "figure", "derivation", "derived_from", "period"],
    "events": ["source_id", "entity_id", "event_type", "claim_type", "counterparty_id", "product_id", "date",
               "description"],
    "relations": ["source_id", "subject_id", "object_id", "relation_type", "claim_type", "product_id", "date"],
}  # fmt: skip
QUALIFIERS = {"approx": "about ", "lower_bound": "more than ", "upper_bound": "less than "}
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _number(value: float) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def human(value: float) -> str:
    """A number as a reader says it: 17.1 billion, 2.7 million, 38,800, -530 million."""
    for scale, word in SCALES:
        if abs(value) >= scale:
            return f"{_number(value / scale)} {word}"
    return _number(value)


def amount(value: float | None, value_max: float | None, qualifier: str, unit: dict[str, str]) -> str:
    """The quantity with its qualifier and unit: about USD 17.1 billion, 35%, 5 to 7 billion CNY."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "an unstated amount"

    def one(number: float) -> str:
        unit_id, kind, name = unit.get("unit_id", ""), unit.get("kind", ""), unit.get("name_en", "")
        if kind == "currency":
            return f"{unit_id} {human(number)}"
        if unit_id == "percent":
            return f"{_number(number)}%"
        if unit_id == "percentage_points":
            return f"{_number(number)} percentage points"
        if kind == "multiple":
            return f"{_number(number)} times"
        return f"{human(number)} {name}".strip()

    if value_max is not None and not (isinstance(value_max, float) and math.isnan(value_max)):
        return f"{one(value)} to {one(value_max)}"
    return QUALIFIERS.get(qualifier, "") + one(value)


def _source_phrase(source: dict[str, Any]) -> str:
    publisher = source.get("publisher") or source.get("source_id") or "an unnamed source"
    return f"{publisher} ({source.get('published') or 'undated'})"


def _period(period: str | None) -> str:
    return f"for {period}" if period else "(period not stated)"


def fact_statement(row: dict, names: dict, metrics: dict, units: dict, products: dict, sources: dict) -> str:
    source = sources.get(row["source_id"], {})
    who = names.get(row["entity_id"], row["entity_id"])
    what = metrics.get(row["metric_id"], row["metric_id"]).lower()
    if row.get("product_id"):
        what += f" of {products.get(row['product_id'], row['product_id'])}"
    verb = VERBS.get(row.get("claim_type") or "", "reports")
    origin = f", citing {names.get(row['origin_id'], row['origin_id'])}," if row.get("origin_id") else ""
    quantity = amount(row.get("value"), row.get("value_max"), row.get("qualifier") or "", units.get(row["unit_id"], {}))
    if row.get("figure"):
        printed = f", printed {row['figure']}"
    elif row.get("derivation") == "derived":
        printed = f", computed from {row.get('derived_from') or 'other claims'}"
    else:
        printed = ""
    when = _period(row.get("period"))
    return f"{_source_phrase(source)}{origin} {verb} {who}'s {what} {when} as {quantity}{printed}."


def event_statement(row: dict, names: dict, products: dict, sources: dict) -> str:
    source = sources.get(row["source_id"], {})
    who = names.get(row["entity_id"], row["entity_id"])
    what = (row.get("event_type") or "event").replace("_", " ")
    parts = [f"{_source_phrase(source)} {VERBS.get(row.get('claim_type') or '', 'reports')}: {who}, {what}"]
    if row.get("counterparty_id"):
        parts.append(f" with {names.get(row['counterparty_id'], row['counterparty_id'])}")
    if row.get("product_id"):
        parts.append(f" ({products.get(row['product_id'], row['product_id'])})")
    parts.append(f", {row['date']}" if row.get("date") else ", date not stated")
    if row.get("description"):
        parts.append(f": {row['description'].rstrip('.')}")
    return "".join(parts) + "."


def relation_statement(row: dict, names: dict, products: dict, sources: dict) -> str:
    source = sources.get(row["source_id"], {})
    subject = names.get(row["subject_id"], row["subject_id"])
    obj = names.get(row["object_id"], row["object_id"])
    link = (row.get("relation_type") or "linked to").replace("_", " ")
    text = f"{_source_phrase(source)} {VERBS.get(row.get('claim_type') or '', 'reports')}: {subject} {link} {obj}"
    if row.get("product_id"):
        text += f" ({products.get(row['product_id'], row['product_id'])})"
    if row.get("date"):
        text += f", {row['date']}"
    return text + "."


def plain_rows(table: pa.Table, columns: list[str] | None = None) -> list[dict]:
    """The rows of ``table`` (or of its ``columns``) as dicts of Python values, dates as ISO text.

    Column by column, with dates turned to text by Arrow: several times faster than
    ``Table.to_pylist`` and a conversion of each value, which counts at a million claims."""
    import pyarrow as pa

    names = columns or table.column_names
    values = []
    for name in names:
        column = table.column(name)
        if pa.types.is_date(column.type):
            column = column.cast(pa.string())  # date32 as text is ISO 8601, as date.isoformat()
        values.append(column.to_pylist())
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _lookup(table: pa.Table, key: str, value: str) -> dict:
    return dict(zip(table.column(key).to_pylist(), table.column(value).to_pylist(), strict=True))


def statements(name: str, table: pa.Table, root: str | Path | None = None) -> list[str]:
    """The statement of every row of claim table ``name`` (an Arrow table read by cnaccel)."""
    from .typed import read_arrow

    names = _lookup(read_arrow("entities", root), "entity_id", "name_en")
    products = _lookup(read_arrow("products", root), "product_id", "name")
    sources = {row["source_id"]: row for row in read_arrow("sources", root).select(
        ["source_id", "publisher", "published"]).to_pylist()}  # fmt: skip
    rows = plain_rows(table, [c for c in STATEMENT_COLUMNS.get(name, table.column_names) if c in table.column_names])
    if name == "facts":
        metrics = _lookup(read_arrow("metrics", root), "metric_id", "name_en")
        units = {row["unit_id"]: row for row in read_arrow("units", root).select(
            ["unit_id", "name_en", "kind"]).to_pylist()}  # fmt: skip
        return [fact_statement(r, names, metrics, units, products, sources) for r in rows]
    if name == "events":
        return [event_statement(r, names, products, sources) for r in rows]
    if name == "relations":
        return [relation_statement(r, names, products, sources) for r in rows]
    raise ValueError(f"{name} is not a claim table; statements exist for {', '.join(CLAIM_TABLES)}")


def with_statement_field(package: dict) -> dict:
    """A copy of the descriptor whose claim tables end with the rendered ``statement`` column."""
    import json

    out = json.loads(json.dumps(package))
    for res in out["resources"]:
        if res["name"] in CLAIM_TABLES and all(f["name"] != "statement" for f in res["schema"]["fields"]):
            res["schema"]["fields"].append(dict(STATEMENT_FIELD))
    return out
