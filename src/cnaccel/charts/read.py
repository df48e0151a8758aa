"""Reading the data to chart: valid, current facts only.

A fact is considered only when it passes every check (``cnaccel validate``) and is neither
superseded nor retracted; a listing day comes only from a valid, undisputed ipo_listing event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import api, schema
from ..checks import run_checks
from ..paths import find_root
from ..problems import Problem
from ..typed import read_frame
from . import ChartsError

if TYPE_CHECKING:
    import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for every missing value (pandas NA, NaN, NaT)."""
    import pandas as pd

    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in row.items()})
    return out


def read_entities(root: str | Path | None) -> dict[str, dict[str, Any]]:
    """The entities by id."""
    return {e["entity_id"]: e for e in records(read_frame("entities", root))}


def _bad_keys(root: Path, problems: list[Problem], table: str, key: str) -> set[str]:
    """Keys of the rows of ``table`` that have a problem (CSV line = row index + 2)."""
    path = schema.resource(schema.descriptor(root), table)["path"]
    lines = {p.row for p in problems if p.file == path and p.row is not None}
    if not lines:
        return set()
    keys = read_frame(table, root)[key]
    return {str(keys.iloc[line - 2]) for line in lines if 0 <= line - 2 < len(keys)}


@dataclass
class Data:
    """What the charts are chosen from: the facts kept, the entities by id, each entity's listing
    day, each source's publisher, and how many facts were dropped for a validation problem."""

    facts: list[dict[str, Any]]
    entities: dict[str, dict[str, Any]]
    listings: dict[str, date]
    publishers: dict[str, str]
    dropped: int


def read(root: str | Path | None) -> Data:
    """Facts that pass every check and are neither superseded nor retracted, with the entities
    and each entity's listing day (from valid, undisputed ipo_listing events)."""
    base = find_root(root)
    problems = run_checks(base)
    try:
        bad_facts = _bad_keys(base, problems, "facts", "fact_id")
        bad_events = _bad_keys(base, problems, "events", "event_id")
        facts = api.facts(root=base)
        events = api.events(event_type="ipo_listing", root=base)
        entities = read_entities(base)
        sources = read_frame("sources", base)
    except (ValueError, KeyError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ChartsError(f"cannot read the data to chart ({exc}); run `cnaccel validate`") from exc
    kept = facts[~facts["fact_id"].isin(bad_facts)]
    listings: dict[str, date] = {}
    for ev in records(events):
        if ev["event_id"] in bad_events or ev["assessment"] == "disputed":
            continue
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(ev["date"] or "")):
            day = date.fromisoformat(ev["date"])
            listings[ev["entity_id"]] = min(day, listings.get(ev["entity_id"], day))
    return Data(
        facts=records(kept),
        entities=entities,
        listings=listings,
        publishers={str(k): str(v) for k, v in zip(sources["source_id"], sources["publisher"], strict=True)},
        dropped=len(facts) - len(kept),
    )
