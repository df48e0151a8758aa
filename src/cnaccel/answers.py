"""Answers for analysts: the estimates table and series built from it.

``estimates()`` is the answer table (see :mod:`cnaccel.estimates_table` for the documented choice);
``series()`` turns it into what a chart or a spreadsheet wants: a tidy frame, or one row per
period and one column per entity, every cell traceable through its ``fact_id``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from .estimates_table import RESOURCE, estimates_frame

if TYPE_CHECKING:
    import pandas as pd

FX_METRIC = "fx_average_rate"
FX_ENTITY = "us-dollar"


class SeriesError(ValueError):
    """A series that cannot be built as asked (mixed units or cuts in one wide table)."""


def _described(frame: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    descriptions = {f["name"]: f.get("description", "") for f in RESOURCE["schema"]["fields"]}
    frame.attrs["descriptions"] = {c: descriptions.get(c, (extra or {}).get(c, "")) for c in frame.columns}
    return frame


def _check_known(kind: str, value: str, known: list[str]) -> None:
    if value not in known:
        near = difflib.get_close_matches(value, known, n=3, cutoff=0.4)
        hint = f"; nearest: {', '.join(near)}" if near else ""
        from .api import UnknownNameError

        raise UnknownNameError(f"no {kind} {value!r} in the estimates{hint}")


def estimates(
    entity: str | None = None,
    metric: str | None = None,
    market: str | None = None,
    period: str | None = None,
    *,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """One best estimate per entity, product, metric, market, basis, period and unit, with the
    spread of all current claims (``low``, ``high``, ``claims``, ``lineages``), its ``status``
    and the ``rule`` that chose it. ``fact_id`` names the chosen claim in ``facts``.

    ``entity`` and ``market``: an id, name or alias in either script; ``metric``: a metric id or
    English name; ``period``: a period or its prefix (``2025`` matches 2025-H1 and 2025-Q3).
    A name that matches nothing raises ``UnknownNameError`` with the nearest names."""
    root = source if source is not None else root
    from .api import _find_metric, find_entity

    _texts("estimates", entity=entity, metric=metric, market=market, period=period)
    frame = estimates_frame(root)
    if entity is not None:
        frame = frame[frame["entity_id"] == find_entity(entity, root=root)]
    if metric is not None:
        frame = frame[frame["metric_id"] == _find_metric(metric, root)]
    if market is not None:
        market_id = find_entity(market, root=root)
        _check_known("market", market_id, sorted(set(estimates_frame(root)["market_id"].dropna())))
        frame = frame[frame["market_id"] == market_id]
    if period is not None:
        frame = frame[frame["period"].fillna("").str.startswith(str(period))]
    return _described(frame.reset_index(drop=True))


def _texts(function: str, **arguments: object) -> None:
    """TypeError, in one line, for an argument that should be text (or left out) and is not."""
    for name, value in arguments.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{function}: {name} must be text or None, not {type(value).__name__} ({value!r})")


def _period_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["period_start", "period_end", "period", "entity_id"], na_position="last", kind="stable")


def fx(*, root: str | Path | None = None, source: str | Path | None = None) -> pd.DataFrame:
    """Average exchange rates per US dollar (CNY and HKD) by period, each the estimate of cited
    ``fx_average_rate`` facts: ``fact_id`` names the fact behind every rate."""
    root = source if source is not None else root
    rates = estimates_frame(root)
    rates = rates[(rates["metric_id"] == FX_METRIC) & (rates["entity_id"] == FX_ENTITY)]
    columns = ["unit_id", "period", "period_start", "period_end", "value", "fact_id", "status"]
    return _described(_period_order(rates)[columns].rename(columns={"unit_id": "currency", "value": "per_usd"})
                      .reset_index(drop=True), {"currency": "Currency of the rate", "per_usd": "Units per US dollar"})


def _fx_rates(root, currency_units: set[str]) -> dict[tuple[str, str], tuple[float, str]]:
    """(unit, period) -> (units per USD, fact ids): the published average for the period, else for a
    quarter or a half the mean of its published monthly averages (when every month is there)."""
    table = fx(root=root)
    rates = {
        (str(u), str(p)): (float(v), str(f))
        for u, p, v, f in zip(table["currency"], table["period"], table["per_usd"], table["fact_id"], strict=True)
        if str(u) in currency_units
    }
    parts: dict[str, list[int]] = {f"Q{q}": [3 * q - 2, 3 * q - 1, 3 * q] for q in range(1, 5)}
    parts.update({"H1": list(range(1, 7)), "H2": list(range(7, 13))})
    for unit, year in {(u, p[:4]) for (u, p) in rates}:
        for part, numbers in parts.items():
            wanted = [rates.get((unit, f"{year}-{m:02d}")) for m in numbers]
            if (unit, f"{year}-{part}") not in rates and all(wanted):
                mean = sum(r[0] for r in wanted if r) / len(wanted)
                rates[(unit, f"{year}-{part}")] = (mean, "+".join(r[1] for r in wanted if r))
    return rates


def series(
    metric: str,
    entities: list[str] | None = None,
    market: str | None = None,
    basis: str | None = None,
    wide: bool = False,
    currency: str | None = None,
    *,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> pd.DataFrame:
    """A metric's estimates over time: a tidy frame (one row per entity and period), or with
    ``wide=True`` one row per period (in period order) and one column per entity.

    Values are in base units; the unit (and market and basis) is in ``attrs``. A wide table of
    mixed units or bases raises ``SeriesError`` naming them: pass ``basis=`` (or ``market=``) to
    pick one. ``attrs["fact_ids"]`` is a frame of the same shape naming the fact behind every
    cell. ``currency="USD"`` converts CNY and HKD amounts with the period's average rate from the
    fx facts (a period without a published average rate is left empty, and ``attrs`` says so)."""
    root = source if source is not None else root
    import pandas as pd

    _texts("series", metric=metric, market=market, basis=basis, currency=currency)
    if entities is not None and (isinstance(entities, str) or not all(isinstance(e, str) for e in entities)):
        raise TypeError("series: entities must be a list of names or ids, such as ['cambricon', 'hygon']")
    frame = estimates(metric=metric, market=market, root=root)
    if basis is not None:
        _check_known("basis", basis, sorted(set(frame["basis"].dropna().astype(str))) or ["(none)"])
        frame = frame[frame["basis"] == basis]
    if entities is not None:
        from .api import find_entity

        ids = [find_entity(e, root=root) for e in entities]
        frame = frame[frame["entity_id"].isin(ids)]
    frame = _period_order(frame).reset_index(drop=True)
    notes: list[str] = []
    if currency is not None:
        frame, notes = _convert(frame, currency.upper(), root)
    units = sorted(set(frame["unit_id"].astype(str)))
    bases = sorted(set(frame["basis"].dropna().astype(str)))
    columns = ["entity_id", "period", "period_start", "period_end", "value", "value_max", "qualifier", "unit_id",
               "market_id", "basis", "low", "high", "status", "fact_id"]  # fmt: skip
    tidy = frame[columns].reset_index(drop=True)
    attrs = {"metric": metric, "unit": units[0] if len(units) == 1 else units, "market": market, "basis": bases,
             "notes": notes}  # fmt: skip
    if not wide:
        tidy = _described(tidy)
        tidy.attrs.update(attrs)
        return tidy
    if len(units) > 1 or len(bases) > 1:
        raise SeriesError(
            f"series({metric!r}, wide=True) would mix "
            + (f"units {', '.join(units)}" if len(units) > 1 else f"bases {', '.join(bases)}")
            + "; pass basis= or market= to pick one, or ask for the tidy frame"
        )
    if tidy.duplicated(["period", "entity_id"]).any():
        dup = tidy[tidy.duplicated(["period", "entity_id"], keep=False)]
        raise SeriesError(
            f"series({metric!r}, wide=True) has several estimates for one entity and period "
            f"({', '.join(sorted(set(dup['market_id'].dropna().astype(str)) | set(dup['unit_id'].astype(str))))}); "
            "pass market= or basis= to pick one"
        )
    order = list(dict.fromkeys(tidy["period"]))
    values = tidy.pivot(index="period", columns="entity_id", values="value").reindex(order)
    fact_ids = tidy.pivot(index="period", columns="entity_id", values="fact_id").reindex(order)
    values.columns.name = fact_ids.columns.name = None
    values = values.astype("Float64")
    values.attrs.update(attrs)
    values.attrs["fact_ids"] = fact_ids
    values.attrs["descriptions"] = {c: f"{metric} of {c}, in {attrs['unit']}" for c in values.columns}
    return pd.DataFrame(values) if not isinstance(values, pd.DataFrame) else values


def _convert(frame: pd.DataFrame, currency: str, root) -> tuple[pd.DataFrame, list[str]]:
    """Amounts in CNY or HKD turned into ``currency`` (USD only) with the period's average rate."""
    if currency != "USD":
        raise SeriesError(f"currency={currency!r}: only USD conversion is available (rates are per US dollar)")
    rates = _fx_rates(root, {"CNY", "HKD"})
    frame = frame.copy()
    missing = []
    used = []
    for i, (unit, period) in enumerate(zip(frame["unit_id"].astype(str), frame["period"].astype(str), strict=True)):
        if unit == "USD" or unit not in ("CNY", "HKD"):
            continue
        rate = rates.get((unit, period))
        if rate is None:
            missing.append(f"{unit} {period}")
            for column in ("value", "value_max", "low", "high"):
                frame.loc[frame.index[i], column] = None
        else:
            for column in ("value", "value_max", "low", "high"):
                if frame[column].iloc[i] is not None and not frame[column].isna().iloc[i]:
                    frame.loc[frame.index[i], column] = frame[column].iloc[i] / rate[0]
            used.append(rate[1])
        frame.loc[frame.index[i], "unit_id"] = "USD"
    notes = []
    if used:
        notes.append(
            "converted to USD with the period's average rate per US dollar (fx facts "
            f"{', '.join(sorted(set(used)))}; a quarter or half without a published average uses the mean of "
            "its monthly averages, named with +)"
        )
    if missing:
        notes.append(f"no published average rate for {', '.join(sorted(set(missing)))}: left empty")
    return frame, notes
