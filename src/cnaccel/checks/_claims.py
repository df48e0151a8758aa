"""Shared knowledge of the three claim tables, for the checks that read them."""

from __future__ import annotations

from collections.abc import Iterator

from ..raw import RawPackage, Row

CLAIM_TABLES = {"facts": "fact_id", "events": "event_id", "relations": "relation_id"}


def claims(package: RawPackage) -> Iterator[tuple[str, str, Row]]:
    """(table, id column, row) for every row of facts, events and relations."""
    for table, key in CLAIM_TABLES.items():
        for row in package.rows(table):
            yield table, key, row


def split_ids(cell: str) -> list[str]:
    """The ids of a `|`-separated cell, without blanks."""
    return [part.strip() for part in cell.split("|") if part.strip()]


def to_float(cell: str) -> float | None:
    """The number in a cell, or None when it is empty or not a number (the schema check says so)."""
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return None
