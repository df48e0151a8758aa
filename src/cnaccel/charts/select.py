"""Choosing what each chart draws: which facts go into the three charts, which are left out and
why, and one figure per slot (:mod:`.pick`); the result is a :class:`Chart` per chart, no drawing
(matplotlib is not needed)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .labels import entity_name, period_label, short_publisher, shorten
from .pick import PICK_RULE, _pick
from .read import Data, read, records

if TYPE_CHECKING:
    import pandas as pd

CHART_NAMES = ("vendor-shares", "shipments-shares", "revenue", "ipos")
NO_CJK_NOTE = "Chinese names shown in English: no CJK font found (pip install 'cnaccel[charts]')."
MARKET = "china-accelerator-market"
PROJECTED = {"estimate", "forecast", "opinion"}
REVENUE_ORDER = (
    "cambricon",
    "hygon",
    "moore-threads",
    "metax",
    "biren",
    "enflame",
    "iluvatar-corex",
    "kunlunxin",
)
FIRST_DAY = re.compile(r"first[- ]day|debut|first trading day|listing day", re.IGNORECASE)
# The columns of every chart's data, after the chart's own (panel, period label and the like).
COLUMNS = (
    "role",
    "fact_id",
    "entity_id",
    "metric_id",
    "period",
    "value",
    "value_max",
    "qualifier",
    "unit_id",
    "claim_type",
    "assessment",
    "disputed",
    "projected",
    "source_id",
    "source_reliability",
    "same_figure",
    "same_sources",
)


@dataclass
class Chart:
    """One chart: what it draws (``data``, one row per bar or marker), what it left out and why
    (``notes``) and where its figures come from (``sources``, ``publishers``)."""

    name: str
    title: str
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    publishers: dict[str, str] = field(default_factory=dict)

    def caption(self, cjk: bool = True) -> str:
        """The caption line: the publishers of the sources drawn (shortened), and a font note."""
        names = sorted({short_publisher(self.publishers.get(s, s), s, cjk) for s in self.sources}, key=str.casefold)
        text = f"Sources ({len(self.sources)}): {shorten(names, 420)}."
        return text if cjk else f"{text} {NO_CJK_NOTE}"


def _left_out(counts: Counter[str]) -> str | None:
    parts = [f"{n} {reason}" for reason, n in sorted(counts.items()) if n]
    return "Left out: " + "; ".join(parts) + "." if parts else None


def _frame(rows: list[dict[str, Any]], extra: list[str]) -> pd.DataFrame:
    """The chart's data: the ``extra`` columns, then :data:`COLUMNS` with the disputed and
    projected flags set from each row's assessment and claim type."""
    import pandas as pd

    columns = [*extra, *COLUMNS]
    for row in rows:
        row["disputed"] = row["assessment"] == "disputed"
        row["projected"] = row["claim_type"] in PROJECTED
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def _chart(
    data: Data,
    name: str,
    title: str,
    rows: list[dict[str, Any]],
    extra: list[str],
    about: str,
    skipped: Counter[str],
    *more: str | None,
) -> Chart:
    """A chart of the picked ``rows``; its notes say what it shows (``about``), the pick rule,
    what was left out (``skipped``, by reason) and any ``more``."""
    sources = sorted({s for r in rows for s in r["same_sources"].split("|") if s})
    publishers = {s: data.publishers.get(s, s) for s in sources}
    notes = [about, PICK_RULE, _left_out(skipped), *more]
    return Chart(name, title, _frame(rows, extra), [n for n in notes if n], sources, publishers)


def _shipments_shares(data: Data) -> Chart:
    """Cards shipped in China and vendor shares, by vendor group, one row per period and group."""
    skipped: Counter[str] = Counter()
    rows = []
    for fact in data.facts:
        metric, eid = fact["metric_id"], fact["entity_id"]
        if metric not in ("market_size_units", "units_shipped", "market_share"):
            continue
        entity = data.entities.get(eid) or {}
        kind = entity.get("entity_type")
        in_scope = eid == MARKET or kind == "vendor_group" or (kind == "company" and entity.get("country") != "CN")
        if not in_scope:
            continue
        context = str(fact["context"] or "").casefold()
        reason = None
        if fact["claim_type"] == "plan":
            reason = "targets or plans"
        elif fact["period"] is None or fact["period_end"] is None:
            reason = "figures without a period"
        elif metric == "market_share" and (eid == MARKET or "by technology" in context):
            reason = "shares by technology (GPU vs other cards, not a vendor's share)"
        elif "server" in context:
            reason = "shares of the AI-server market (another market)"
        elif "cumulative" in context:
            reason = "cumulative counts"
        if reason:
            skipped[reason] += 1
            continue
        panel = "share" if metric == "market_share" else "shipments"
        rows.append({**fact, "panel": panel, "period_label": period_label(fact["period"])})
    return _chart(
        data,
        "shipments-shares",
        "China AI-accelerator shipments and shares by vendor group",
        _pick(rows, ("panel", "period", "entity_id")),
        ["panel", "period_label"],
        "Shipments count accelerator cards (some sources say units) shipped in China; shares are vendor shares "
        "of that market (the cut is read from each fact's context). Single Chinese vendors are parts of the "
        "Chinese-vendors group and are not drawn.",
        skipped,
    )


def _revenue_kind(fact: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, period key) of a revenue period: FY, H1/H2, 9M (Jan–Sep) or Q; None for others."""
    period = str(fact["period"] or "")
    if m := re.fullmatch(r"(?:FY)?(\d{4})", period):
        return "FY", m[1]
    if m := re.fullmatch(r"(\d{4})-(H[12])", period):
        return m[2], period
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return "Q", period
    if m := re.fullmatch(r"(\d{4})-01-01/(\d{4})-09-30", period):
        return ("9M", period) if m[1] == m[2] else None
    return None


def _revenue(data: Data) -> Chart:
    """Revenue in CNY by vendor and period; periods of different length are never added."""
    skipped: Counter[str] = Counter()
    other_currency: set[str] = set()
    rows = []
    for fact in data.facts:
        if fact["metric_id"] != "revenue":
            continue
        if fact["unit_id"] != "CNY":
            other_currency.add(entity_name(data.entities.get(fact["entity_id"]), fact["entity_id"], False))
            continue
        kind = _revenue_kind(fact)
        if kind is None:
            skipped["multi-year or irregular periods"] += 1
            continue
        rows.append({**fact, "kind": kind[0], "period_key": kind[1], "period_label": period_label(kind[1])})
    picked = _pick(rows, ("entity_id", "period_key"))
    order = {e: i for i, e in enumerate(REVENUE_ORDER)}
    picked.sort(key=lambda r: (order.get(r["entity_id"], len(order)), r["entity_id"]))
    return _chart(
        data,
        "revenue",
        "Revenue by vendor and period (CNY)",
        picked,
        ["kind", "period_key", "period_label"],
        "Full years, halves, Jan–Sep and single quarters are separate bars, never added; each panel has its "
        "own scale. Pale bars with a dashed edge are forecasts or estimates.",
        skipped,
        f"Revenue not in CNY is not drawn ({', '.join(sorted(other_currency))})." if other_currency else None,
    )


def _ipos(data: Data) -> Chart:
    """IPO gross proceeds in their own currency and first-day moves (close and open vs offer)."""
    skipped: Counter[str] = Counter()
    proceeds, moves = [], []
    for fact in data.facts:
        metric = fact["metric_id"]
        if metric == "ipo_gross_proceeds":
            proceeds.append({**fact, "panel": "proceeds", "cut": fact["unit_id"]})
        elif metric == "share_price_change" and FIRST_DAY.search(str(fact["context"] or "")):
            if "/" in str(fact["period"] or ""):
                continue
            cut = "open" if re.search(r"\bopen", str(fact["context"]), re.IGNORECASE) else "close"
            moves.append({**fact, "panel": "first_day", "cut": cut})
    local = {f["entity_id"] for f in proceeds if f["unit_id"] != "USD"}
    kept = []
    for fact in proceeds:
        if fact["unit_id"] == "USD" and fact["entity_id"] in local:
            skipped["USD conversions of proceeds raised in CNY or HKD"] += 1
            continue
        kept.append(fact)
    picked = _pick(kept, ("entity_id", "cut")) + _pick(moves, ("entity_id", "cut"))
    for row in picked:
        day = data.listings.get(row["entity_id"])
        row["listing_date"] = day.isoformat() if day else None
        tickers = str((data.entities.get(row["entity_id"]) or {}).get("tickers") or "")
        row["ticker"] = tickers.split("|")[0] if tickers else None
    return _chart(
        data,
        "ipos",
        "IPO proceeds and first-day moves",
        picked,
        ["panel", "cut", "listing_date", "ticker"],
        "Proceeds are drawn in the currency raised (CNY on Shanghai's STAR Market, HKD in Hong Kong), on separate "
        "axes and never added. First-day moves are the listing day's close and open against the offer price.",
        skipped,
    )


def _vendor_shares(data: Data, root: str | Path | None) -> Chart:
    """Vendor shares of China's accelerator cards by units, one bar per vendor and period: the
    estimates' choice, with the other figures sources give for the same share as markers."""
    from ..answers import series

    estimates = records(series("market_share", market=MARKET, basis="units", root=root))
    facts = {f["fact_id"]: f for f in data.facts}
    rows: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    for estimate in estimates:
        chosen = facts.get(estimate["fact_id"])
        if chosen is None or data.entities.get(chosen["entity_id"], {}).get("entity_type") == "market":
            skipped["figures that failed a check or are no vendor's"] += 1
            continue
        group = [
            f for f in data.facts
            if (f["entity_id"], f["metric_id"], f["market_id"], f["basis"], f["period"])
            == (chosen["entity_id"], "market_share", MARKET, "units", chosen["period"])
        ]  # fmt: skip
        for row in _pick(group, ("entity_id", "period")):
            rows.append({**row, "period_label": period_label(row["period"])})
    return _chart(
        data,
        "vendor-shares",
        "Vendor shares of China's AI-accelerator cards by units shipped",
        rows,
        ["period_label"],
        "Shares of all AI accelerator cards shipped in China, by units (basis units, market "
        f"{MARKET}), from the estimates table: cnaccel.series('market_share', market='{MARKET}', basis='units'). "
        "The Chinese-vendors group holds the single Chinese vendors.",
        skipped,
    )


def build_charts(root: str | Path | None = None) -> list[Chart]:
    """The charts' data and notes (no drawing; matplotlib is not needed)."""
    data = read(root)
    charts = [_vendor_shares(data, root), _shipments_shares(data), _revenue(data), _ipos(data)]
    if data.dropped:
        for chart in charts:
            chart.notes.append(f"{data.dropped} fact(s) of the package failed a check and were not considered.")
    return charts


def chart_data(root: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """What each chart draws, by chart name: one row per bar (``role`` drawn) or marker
    (``role`` alternative), with the fact, its source and the ``disputed`` flag."""
    return {chart.name: chart.data for chart in build_charts(root)}
