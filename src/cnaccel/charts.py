"""Charts of the data as PNG files: shipments and shares, revenue, IPOs.

Why this module is careful: every row of cnaccel is a claim, and claims disagree.  A chart here
draws only facts that pass every check (``cnaccel validate``) and are neither superseded nor
retracted; it never adds or stacks figures for unlike periods, cuts or currencies; where several
rows give the same figure it draws one, chosen by a fixed rule; where rows give different figures
for the same thing it draws the preferred one as the bar and the others as markers; disputed
figures are hatched (bars) or hollow (markers); forecasts and estimates are drawn pale with a
dashed edge.  Each chart lists its sources, and the same data always gives byte-identical PNGs.

matplotlib is needed only to draw (``pip install 'cnaccel[charts]'``); :func:`chart_data`
works without it.  Chinese names are drawn with the Noto Sans SC font that the ``charts`` extra
installs; without a CJK font the charts fall back to English names and say so in the caption.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

CHART_NAMES = ("shipments-shares", "revenue", "ipos")
DOC_COMMAND = "cnaccel charts --out docs/img"
MISSING_MATPLOTLIB = "charts need matplotlib: pip install 'cnaccel[charts]'"
NO_CJK_NOTE = "Chinese names shown in English: no CJK font found (pip install 'cnaccel[charts]')."

MARKET = "china-accelerator-market"
RELIABILITY = {"A": 0, "B": 1, "C": 2}
ASSESSMENT = {"corroborated": 0, "unverified": 1, "disputed": 2}
CLAIM = {"disclosed": 0, "reported": 0, "estimate": 1, "opinion": 1, "forecast": 2, "plan": 3, "rumor": 4}
PROJECTED = {"estimate", "forecast", "opinion"}
SAME_FIGURE = 0.005  # rows whose numbers differ by at most 0.5 % give the same figure (rounding)
PICK_RULE = (
    "Where several rows give the same figure one is drawn: a row not disputed first, then the more reliable "
    "source (A > B > C), then corroborated before unverified, then reported before estimate or forecast. Where "
    "sources give different figures for the same thing, the figure with the best such row is the bar and the "
    "others are markers."
)
CAPTION_WIDTH = 175
DPI = 100
SERIES_COLORS = {
    MARKET: "#6b6b6b",
    "china-domestic-vendors": "#c0392b",
    "nvidia": "#5a8f00",
    "amd": "#1f5fa8",
    "foreign-vendors": "#7d4ea3",
}
OTHER_COLORS = ("#b8860b", "#138d90", "#8e44ad", "#7f8c8d", "#d35400")
KIND_COLORS = {"FY": "#1f5fa8", "H1": "#e08e0b", "H2": "#a05a00", "9M": "#2e8b57", "Q": "#8a8a8a"}
KIND_LABELS = {
    "FY": "full year",
    "H1": "first half (H1)",
    "H2": "second half (H2)",
    "9M": "Jan–Sep (9M)",
    "Q": "single quarter",
}
CUT_COLORS = {"close": "#1f5fa8", "open": "#8db7e6"}
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
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ChartsError(Exception):
    """The charts cannot be drawn: matplotlib is missing or the data cannot be read."""


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
        names = sorted({_short_publisher(self.publishers.get(s, s), s, cjk) for s in self.sources}, key=str.casefold)
        text = f"Sources ({len(self.sources)}): {_shorten(names, 420)}."
        return text if cjk else f"{text} {NO_CJK_NOTE}"


# ---------------------------------------------------------------------------------------------
# Reading: valid, current facts only


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with None for every missing value (pandas NA, NaN, NaT)."""
    import pandas as pd

    out = []
    for row in frame.to_dict("records"):
        out.append({k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in row.items()})
    return out


def _bad_keys(root: Path, problems: list, table: str, key: str) -> set[str]:
    """Keys of the rows of ``table`` that have a problem (CSV line = row index + 2)."""
    from . import schema
    from .typed import read_frame

    path = schema.resource(schema.descriptor(root), table)["path"]
    lines = {p.row for p in problems if p.file == path and p.row is not None}
    if not lines:
        return set()
    keys = read_frame(table, root)[key]
    return {str(keys.iloc[line - 2]) for line in lines if 0 <= line - 2 < len(keys)}


@dataclass
class _Data:
    facts: list[dict[str, Any]]
    entities: dict[str, dict[str, Any]]
    listings: dict[str, date]
    publishers: dict[str, str]
    dropped: int


def _read(root: str | Path | None) -> _Data:
    """Facts that pass every check and are neither superseded nor retracted, with the entities
    and each entity's listing day (from valid, undisputed ipo_listing events)."""
    from . import api
    from .checks import run_checks
    from .paths import bundled_root
    from .typed import read_frame

    base = Path(root) if root is not None else bundled_root()
    problems = run_checks(base)
    try:
        bad_facts = _bad_keys(base, problems, "facts", "fact_id")
        bad_events = _bad_keys(base, problems, "events", "event_id")
        facts = api.facts(root=base)
        events = api.events(event_type="ipo_listing", root=base)
        entities = read_frame("entities", base)
        sources = read_frame("sources", base)
    except (ValueError, KeyError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ChartsError(f"cannot read the data to chart ({exc}); run `cnaccel validate`") from exc
    kept = facts[~facts["fact_id"].isin(bad_facts)]
    listings: dict[str, date] = {}
    for ev in _records(events):
        if ev["event_id"] in bad_events or ev["assessment"] == "disputed":
            continue
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(ev["date"] or "")):
            day = date.fromisoformat(ev["date"])
            listings[ev["entity_id"]] = min(day, listings.get(ev["entity_id"], day))
    return _Data(
        facts=_records(kept),
        entities={e["entity_id"]: e for e in _records(entities)},
        listings=listings,
        publishers={str(k): str(v) for k, v in zip(sources["source_id"], sources["publisher"], strict=True)},
        dropped=len(facts) - len(kept),
    )


# ---------------------------------------------------------------------------------------------
# Choosing one figure per slot


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) <= SAME_FIGURE * max(abs(a), abs(b))


def _rank(row: dict[str, Any]) -> tuple:
    return (
        row["assessment"] == "disputed",
        RELIABILITY.get(row["source_reliability"], 9),
        ASSESSMENT.get(row["assessment"], 9),
        CLAIM.get(row["claim_type"], 9),
        row["qualifier"] != "exact",
        row["fact_id"],
    )


def _pick(rows: list[dict[str, Any]], slot: tuple[str, ...]) -> list[dict[str, Any]]:
    """For each slot (rows alike in the ``slot`` keys), the drawn row and the alternatives.

    Rows whose numbers agree (within rounding) give one figure, drawn once by :func:`_rank`;
    the figure whose best row ranks first is ``drawn``, other figures are ``alternative``.
    """
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(str(row[k]) for k in slot), []).append(row)
    out = []
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda r: (r["value"], r["value_max"] or -1.0, r["fact_id"]))
        clusters: list[list[dict[str, Any]]] = []
        for row in members:
            for cluster in clusters:
                if _close(row["value"], cluster[0]["value"]) and _close(row["value_max"], cluster[0]["value_max"]):
                    cluster.append(row)
                    break
            else:
                clusters.append([row])
        ranked = sorted(clusters, key=lambda c: (*_rank(min(c, key=_rank))[:4], -len(c), _rank(min(c, key=_rank))))
        for index, cluster in enumerate(ranked):
            best = min(cluster, key=_rank)
            same = sorted(r["fact_id"] for r in cluster if r is not best)
            out.append(
                {
                    **best,
                    "role": "drawn" if index == 0 else "alternative",
                    "same_figure": "|".join(same),
                    "same_sources": "|".join(sorted({r["source_id"] for r in cluster})),
                }
            )
    return out


# ---------------------------------------------------------------------------------------------
# Labels and numbers


def _period_label(period: str | None) -> str:
    text = str(period or "")
    if m := re.fullmatch(r"(\d{4})-(H[12]|Q[1-4])", text):
        return f"{m[2]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return f"{int(m[3])} {MONTHS[int(m[2]) - 1]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return f"{MONTHS[int(m[2]) - 1]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-01-01/(\d{4})-09-30", text):
        return f"9M {m[1]}" if m[1] == m[2] else text
    if m := re.fullmatch(r"FY(\d{4})", text):
        return m[1]
    return text


def _name(entity: dict[str, Any] | None, entity_id: str, cjk: bool) -> str:
    """An entity's display name: Chinese then English where a CJK font is available."""
    if not entity:
        return entity_id
    english = re.sub(r"\s*\(.*?\)", "", str(entity["name_en"])).strip() or entity_id
    chinese = entity.get("name_zh_hans")
    return f"{chinese} {english}" if cjk and chinese and chinese != english else english


def _short_publisher(publisher: str, source_id: str, cjk: bool) -> str:
    """A publisher's name without parenthetical detail; ASCII only when there is no CJK font."""
    head = re.sub(r"\s*[\(\[（].*?[\)\]）]", "", publisher).strip(" /,;") or publisher.strip("[] ")
    head = re.split(r"\s+(?:via|/)\s+|,\s*|\s+\S+\.(?:com|cn|net)\S*", head)[0].strip()
    if cjk or head.isascii():
        return head
    return source_id.split("-")[0]


def _shorten(items: list[str], limit: int) -> str:
    text, shown = "", 0
    for item in items:
        candidate = f"{text}, {item}" if text else item
        if len(candidate) > limit:
            break
        text, shown = candidate, shown + 1
    left = len(items) - shown
    return f"{text} and {left} more" if left else text


def _count(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}".rstrip("0").rstrip(".") + "m"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:g}"


def _money(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:.2f}bn"
    return f"{value / 1e6:.3g}m"


def _percent(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


QUALIFIERS = {"lower_bound": "≥", "upper_bound": "≤", "approx": "~"}


def _figure(row: dict[str, Any], fmt) -> str:
    if row["value_max"] is not None:
        return f"{fmt(row['value'])}–{fmt(row['value_max'])}"
    return QUALIFIERS.get(row["qualifier"], "") + fmt(row["value"])


def _left_out(counts: dict[str, int]) -> str | None:
    parts = [f"{n} {reason}" for reason, n in sorted(counts.items()) if n]
    return "Left out: " + "; ".join(parts) + "." if parts else None


def _frame(rows: list[dict[str, Any]], extra: list[str]) -> pd.DataFrame:
    import pandas as pd

    columns = [
        *extra,
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
    ]
    for row in rows:
        row["disputed"] = row["assessment"] == "disputed"
        row["projected"] = row["claim_type"] in PROJECTED
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def _chart(
    data: _Data, name: str, title: str, rows: list[dict[str, Any]], extra: list[str], notes: list[str | None]
) -> Chart:
    sources = sorted({s for r in rows for s in r["same_sources"].split("|") if s})
    publishers = {s: data.publishers.get(s, s) for s in sources}
    return Chart(name, title, _frame(rows, extra), [n for n in notes if n], sources, publishers)


# ---------------------------------------------------------------------------------------------
# The three charts' data


def _shipments_shares(data: _Data) -> Chart:
    """Cards shipped in China and vendor shares, by vendor group, one row per period and group."""
    skipped: dict[str, int] = {}
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
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        panel = "share" if metric == "market_share" else "shipments"
        rows.append({**fact, "panel": panel, "period_label": _period_label(fact["period"])})
    picked = _pick(rows, ("panel", "period", "entity_id"))
    notes = [
        "Shipments count accelerator cards (some sources say units) shipped in China; shares are vendor shares "
        "of that market (the cut is read from each fact's context). Single Chinese vendors are parts of the "
        "Chinese-vendors group and are not drawn.",
        PICK_RULE,
        _left_out(skipped),
    ]
    return _chart(
        data,
        "shipments-shares",
        "China AI-accelerator shipments and shares by vendor group",
        picked,
        ["panel", "period_label"],
        notes,
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


def _revenue(data: _Data) -> Chart:
    """Revenue in CNY by vendor and period; periods of different length are never added."""
    skipped: dict[str, int] = {}
    other_currency: set[str] = set()
    rows = []
    for fact in data.facts:
        if fact["metric_id"] != "revenue":
            continue
        if fact["unit_id"] != "CNY":
            other_currency.add(_name(data.entities.get(fact["entity_id"]), fact["entity_id"], False))
            continue
        kind = _revenue_kind(fact)
        if kind is None:
            skipped["multi-year or irregular periods"] = skipped.get("multi-year or irregular periods", 0) + 1
            continue
        rows.append({**fact, "kind": kind[0], "period_key": kind[1], "period_label": _period_label(kind[1])})
    picked = _pick(rows, ("entity_id", "period_key"))
    order = {e: i for i, e in enumerate(REVENUE_ORDER)}
    picked.sort(key=lambda r: (order.get(r["entity_id"], len(order)), r["entity_id"]))
    notes = [
        "Full years, halves, Jan–Sep and single quarters are separate bars, never added; each panel has its "
        "own scale. Pale bars with a dashed edge are forecasts or estimates.",
        PICK_RULE,
        _left_out(skipped),
        f"Revenue not in CNY is not drawn ({', '.join(sorted(other_currency))})." if other_currency else None,
    ]
    return _chart(
        data, "revenue", "Revenue by vendor and period (CNY)", picked, ["kind", "period_key", "period_label"], notes
    )


FIRST_DAY = re.compile(r"first[- ]day|debut|first trading day|listing day", re.IGNORECASE)


def _ipos(data: _Data) -> Chart:
    """IPO gross proceeds in their own currency and first-day moves (close and open vs offer)."""
    skipped: dict[str, int] = {}
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
            skipped["USD conversions of proceeds raised in CNY or HKD"] = (
                skipped.get("USD conversions of proceeds raised in CNY or HKD", 0) + 1
            )
            continue
        kept.append(fact)
    picked = _pick(kept, ("entity_id", "cut")) + _pick(moves, ("entity_id", "cut"))
    for row in picked:
        day = data.listings.get(row["entity_id"])
        row["listing_date"] = day.isoformat() if day else None
        tickers = str((data.entities.get(row["entity_id"]) or {}).get("tickers") or "")
        row["ticker"] = tickers.split("|")[0] if tickers else None
    notes = [
        "Proceeds are drawn in the currency raised (CNY on Shanghai's STAR Market, HKD in Hong Kong), on separate "
        "axes and never added. First-day moves are the listing day's close and open against the offer price.",
        PICK_RULE,
        _left_out(skipped),
    ]
    return _chart(
        data,
        "ipos",
        "IPO proceeds and first-day moves",
        picked,
        ["panel", "cut", "listing_date", "ticker"],
        notes,
    )


def build_charts(root: str | Path | None = None) -> list[Chart]:
    """The charts' data and notes (no drawing; matplotlib is not needed)."""
    data = _read(root)
    charts = [_shipments_shares(data), _revenue(data), _ipos(data)]
    if data.dropped:
        for chart in charts:
            chart.notes.append(f"{data.dropped} fact(s) of the package failed a check and were not considered.")
    return charts


def chart_data(root: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """What each chart draws, by chart name: one row per bar (``role`` drawn) or marker
    (``role`` alternative), with the fact, its source and the ``disputed`` flag."""
    return {chart.name: chart.data for chart in build_charts(root)}


# ---------------------------------------------------------------------------------------------
# Drawing


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise ChartsError(MISSING_MATPLOTLIB) from None
    return matplotlib


def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registering the one the ``charts`` extra
    installs (Noto Sans SC); a system font is the fallback; None when there is none."""
    _matplotlib()
    from matplotlib import font_manager

    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        pass
    else:
        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if path.is_file():
            if str(path) not in {entry.fname for entry in font_manager.fontManager.ttflist}:
                font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    for family in (
        "Noto Sans CJK SC",
        "Noto Sans SC",
        "Source Han Sans SC",
        "WenQuanYi Micro Hei",
        "WenQuanYi Zen Hei",
    ):
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


def _style(family: str | None) -> dict[str, Any]:
    return {
        "font.family": [family] if family else ["DejaVu Sans"],
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.titleweight": "normal",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.labelsize": 8,
        "axes.labelcolor": "0.3",
        "xtick.labelsize": 8,
        "ytick.labelsize": 8.5,
        "hatch.linewidth": 0.8,
        "savefig.dpi": DPI,
        "figure.dpi": DPI,
        "path.simplify": False,
    }


def _tint(color: str, amount: float = 0.6) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _bar_style(row: dict[str, Any], color: str) -> dict[str, Any]:
    """Solid for a plain figure, pale and dashed for a forecast/estimate, hatched when disputed."""
    style: dict[str, Any] = {"color": color, "edgecolor": color, "linewidth": 0.8}
    if row["projected"]:
        style.update(color=_tint(color, 0.75), linestyle="--", linewidth=1.2)
    if row["disputed"]:
        style.update(color="white" if not row["projected"] else _tint(color, 0.75), hatch="////", linewidth=1.0)
    return style


def _legend_handles(rows: list[dict[str, Any]], alternatives: list[dict[str, Any]]) -> list:
    """Legend entries for the styles actually drawn: forecast/estimate, disputed, other figures."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    if any(r["projected"] for r in rows):
        handles.append(
            Patch(facecolor="0.88", edgecolor="0.35", linestyle="--", linewidth=1.2, label="forecast / estimate")
        )
    if any(r["disputed"] for r in rows + alternatives):
        handles.append(Patch(facecolor="white", edgecolor="0.35", hatch="////", label="disputed"))
    if any(r["value_max"] is not None for r in rows + alternatives):
        handles.append(Line2D([], [], color="0.15", linewidth=1.2, marker="|", markersize=7, label="range"))
    if any(not a["disputed"] for a in alternatives):
        handles.append(
            Line2D([], [], marker="D", linestyle="none", color="0.15", markersize=4.5, label="other figure given")
        )
    if any(a["disputed"] for a in alternatives):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor="0.15",
                markeredgewidth=1.2,
                markersize=6,
                label="other figure, disputed",
            )
        )
    return handles


def _marker(ax, value: float, pos: float, row: dict[str, Any], horizontal: bool, scale: float) -> None:
    """An alternative figure (or a zero-length bar) as a marker: hollow when disputed."""
    style = (
        {"marker": "o", "markerfacecolor": "white", "markeredgecolor": "0.15", "markersize": 6, "markeredgewidth": 1.2}
        if row["disputed"]
        else {"marker": "D", "color": "0.15", "markersize": 4.5}
    )
    if row["value_max"] is not None:
        span = [row["value"] / scale, row["value_max"] / scale]
        xs, ys = (span, [pos, pos]) if horizontal else ([pos, pos], span)
        ax.plot(xs, ys, color="0.15", linewidth=1, zorder=4)
    xs, ys = ([value / scale], [pos]) if horizontal else ([pos], [value / scale])
    ax.plot(xs, ys, linestyle="none", zorder=5, clip_on=False, **style)


def _range(ax, row: dict[str, Any], pos: float, horizontal: bool, scale: float) -> None:
    """The whisker from a range's low to its high end, capped at the high end."""
    if row["value_max"] is None:
        return
    lo, hi = row["value"] / scale, row["value_max"] / scale
    if horizontal:
        ax.plot([lo, hi], [pos, pos], color="0.15", linewidth=1.2, zorder=4)
        ax.plot([hi, hi], [pos - 0.18, pos + 0.18], color="0.15", linewidth=1.2, zorder=4)
    else:
        ax.plot([pos, pos], [lo, hi], color="0.15", linewidth=1.2, zorder=4)
        ax.plot([pos - 0.15, pos + 0.15], [hi, hi], color="0.15", linewidth=1.2, zorder=4)


def _describe(row: dict[str, Any], alts: list[dict[str, Any]], fmt, prefix: str = "", suffix: str = "") -> str:
    text = prefix + _figure(row, fmt) + suffix
    text += {"estimate": " est.", "forecast": " forecast"}.get(row["claim_type"], "")
    text += " (disputed)" if row["disputed"] else ""
    if alts:
        text += "; also " + ", ".join(
            _figure(a, fmt)
            + {"estimate": " est.", "forecast": " forecast"}.get(a["claim_type"], "")
            + (" disputed" if a["disputed"] else "")
            for a in alts
        )
    return text


def _label_right(ax, x: float, y: float, text: str) -> None:
    """A value label just right of a bar's end (a fixed offset in points, clear of markers)."""
    ax.annotate(
        text, (x, y), xytext=(7, 0), textcoords="offset points", va="center", ha="left", fontsize=8, color="0.1"
    )


def _rows(chart: Chart) -> list[dict[str, Any]]:
    return _records(chart.data)


FOOT_LINE_IN = 0.135


def _wrap(text: str, width: int) -> list[str]:
    """Word-wrap counting wide (CJK) characters twice, as they are drawn twice as wide."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in word)
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = word, size
        else:
            line, used = (f"{line} {word}", used + 1 + size) if line else (word, size)
    return [*lines, line] if line else lines


def _footer_text(chart: Chart, cjk: bool, width_in: float) -> list[str]:
    chars = int(width_in * 19)
    return _wrap(" ".join(chart.notes), chars) + _wrap(chart.caption(cjk), chars)


def _canvas(chart: Chart, cjk: bool, width: float, body: float, top: float = 0.72) -> tuple[Figure, float]:
    """A figure with the title band on top, the notes and sources below, and constrained layout
    for the axes in between; returns the figure and the legend's y (figure fraction)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    lines = _footer_text(chart, cjk, width)
    foot = len(lines) * FOOT_LINE_IN + 0.25
    height = round(body + top + foot, 2)
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.set_layout_engine(
        "constrained", rect=(0.0, foot / height, 1.0, 1 - (top + foot) / height), h_pad=0.06, w_pad=0.06
    )
    fig.text(0.012, 1 - 0.14 / height, chart.title, fontsize=14, va="top", ha="left", color="0.05")
    fig.text(
        0.012, (foot - 0.1) / height, "\n".join(lines), fontsize=7.2, color="0.3", va="top", ha="left", linespacing=1.4
    )
    fig.add_artist(Line2D([0.012, 0.988], [(foot - 0.04) / height] * 2, color="0.8", linewidth=0.6))
    return fig, 1 - 0.5 / height


def _legend(fig: Figure, handles: list, y: float) -> None:
    if handles:
        fig.legend(
            handles=handles,
            loc="center left",
            ncol=len(handles),
            frameon=False,
            fontsize=8,
            bbox_to_anchor=(0.005, y),
            handlelength=1.8,
            columnspacing=1.6,
        )


def _span_end(period: str) -> str:
    from .periods import span

    covered = span(str(period))
    return covered[1].isoformat() if covered else "9999"


def _series_order(entity_id: str) -> int:
    fixed = list(SERIES_COLORS)
    return fixed.index(entity_id) if entity_id in fixed else len(fixed) + sum(map(ord, entity_id)) % 5


def _series_color(entity_id: str) -> str:
    return SERIES_COLORS.get(entity_id) or OTHER_COLORS[_series_order(entity_id) % len(OTHER_COLORS)]


def _draw_shipments_shares(chart: Chart, cjk: bool, entities: dict[str, dict[str, Any]]) -> Figure:
    rows = _rows(chart)
    panels = []
    for panel, title, unit in (
        ("shipments", "Accelerator cards shipped in China", "million cards (or units)"),
        ("share", "Vendor share of China's accelerator market", "percent"),
    ):
        mine = [r for r in rows if r["panel"] == panel]
        periods = sorted({(r["period"], r["period_label"]) for r in mine}, key=lambda p: (_span_end(p[0]), p[0]))
        lines: list[tuple[str, dict | None, list]] = []
        for period, label in periods:
            lines.append((label, None, []))
            drawn = [r for r in mine if r["period"] == period and r["role"] == "drawn"]
            for row in sorted(drawn, key=lambda r: (_series_order(r["entity_id"]), r["entity_id"])):
                alts = [
                    a
                    for a in mine
                    if a["role"] == "alternative" and a["period"] == period and a["entity_id"] == row["entity_id"]
                ]
                lines.append((_name(entities.get(row["entity_id"]), row["entity_id"], cjk), row, alts))
        panels.append((panel, title, unit, lines))
    row_in = 0.26
    body = sum(len(p[3]) * row_in + 0.85 for p in panels)
    fig, legend_y = _canvas(chart, cjk, 12.0, body)
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": [len(p[3]) + 3 for p in panels]})
    all_drawn: list[dict] = []
    all_alts: list[dict] = []
    for ax, (panel, title, unit, lines) in zip(axes, panels, strict=True):
        ax.set_title(title)
        scale = 1e6 if panel == "shipments" else 1.0
        fmt = _count if panel == "shipments" else _percent
        top = 0.0
        for y, (_label, row, alts) in enumerate(lines):
            if row is None:
                continue
            all_drawn.append(row)
            all_alts.extend(alts)
            ax.barh(y, row["value"] / scale, height=0.62, **_bar_style(row, _series_color(row["entity_id"])))
            _range(ax, row, y, True, scale)
            if row["value"] == 0:
                _marker(ax, 0.0, y, row, True, scale)
            for alt in alts:
                _marker(ax, alt["value"], y, alt, True, scale)
            end = max((r["value_max"] or r["value"]) for r in [row, *alts]) / scale
            top = max(top, end)
            _label_right(ax, end, y, _describe(row, alts, fmt))
        if panel == "share":
            ax.set_xlim(0, 132)
            ax.set_xticks(range(0, 101, 20))
        else:
            ax.set_xlim(0, (top or 1) * 1.3)
        ax.set_ylim(len(lines) - 0.5, -0.6)
        ax.set_yticks(range(len(lines)))
        ax.set_yticklabels([line[0] for line in lines])
        for tick, line in zip(ax.get_yticklabels(), lines, strict=True):
            if line[1] is None:
                tick.set_fontsize(9.5)
                tick.set_color("0.05")
            else:
                tick.set_color("0.3")
        ax.tick_params(axis="y", length=0, pad=8)
        for y, line in enumerate(lines):
            if line[1] is None and y:
                ax.axhline(y - 0.5, color="0.85", linewidth=0.8)
        ax.set_xlabel(unit, loc="left")
        ax.grid(axis="x", color="0.92", linewidth=0.8)
    _legend(fig, _legend_handles(all_drawn, all_alts), legend_y)
    return fig


def _draw_revenue(chart: Chart, cjk: bool, entities: dict[str, dict[str, Any]]) -> Figure:
    from matplotlib.patches import Patch

    rows = _rows(chart)
    vendors = list(dict.fromkeys(r["entity_id"] for r in rows))
    ncols = 2
    nrows = max(1, -(-len(vendors) // ncols))
    fig, legend_y = _canvas(chart, cjk, 13.0, nrows * 2.6)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    kind_order = list(KIND_COLORS)
    all_drawn: list[dict] = []
    all_alts: list[dict] = []
    kinds: set[str] = set()
    for index, ax in enumerate(axes.flat):
        if index >= len(vendors):
            ax.set_visible(False)
            continue
        vendor = vendors[index]
        mine = [r for r in rows if r["entity_id"] == vendor]
        drawn = [r for r in mine if r["role"] == "drawn"]
        drawn.sort(key=lambda r: (kind_order.index(r["kind"]), _span_end(r["period_key"]), r["period_key"]))
        xs, x, previous = [], 0.0, None
        for row in drawn:
            if previous is not None and row["kind"] != previous:
                x += 0.6
            xs.append(x)
            x += 1.0
            previous = row["kind"]
        top = max((r["value_max"] or r["value"]) for r in mine) / 1e9
        for x, row in zip(xs, drawn, strict=True):
            kinds.add(row["kind"])
            all_drawn.append(row)
            ax.bar(x, row["value"] / 1e9, width=0.72, **_bar_style(row, KIND_COLORS[row["kind"]]))
            _range(ax, row, x, False, 1e9)
            alts = [a for a in mine if a["role"] == "alternative" and a["period_key"] == row["period_key"]]
            for alt in alts:
                all_alts.append(alt)
                _marker(ax, alt["value"], x + 0.24, alt, False, 1e9)
            end = max((r["value_max"] or r["value"]) for r in [row, *alts]) / 1e9
            ax.text(
                x,
                end + top * 0.05,
                _figure(row, _money),
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90,
                color="0.1",
            )
        ax.set_xticks(xs)
        ax.set_xticklabels([r["period_label"].replace(" ", "\n") for r in drawn], fontsize=7.5)
        ax.set_xlim(-0.7, (xs[-1] if xs else 0) + 0.7)
        ax.set_ylim(0, top * 1.6)
        ax.set_title(_name(entities.get(vendor), vendor, cjk))
        ax.set_ylabel("CNY bn")
        ax.tick_params(axis="y", labelsize=7.5)
        ax.grid(axis="y", color="0.92", linewidth=0.8)
    handles = [
        Patch(facecolor=KIND_COLORS[k], edgecolor=KIND_COLORS[k], label=KIND_LABELS[k])
        for k in kind_order
        if k in kinds
    ]
    _legend(fig, handles + _legend_handles(all_drawn, all_alts), legend_y)
    return fig


def _draw_ipos(chart: Chart, cjk: bool, entities: dict[str, dict[str, Any]]) -> Figure:
    from matplotlib.patches import Patch

    rows = _rows(chart)
    proceeds = [r for r in rows if r["panel"] == "proceeds"]
    moves = [r for r in rows if r["panel"] == "first_day"]
    currencies = sorted({r["cut"] for r in proceeds}, key=lambda c: (c != "CNY", c))
    first_listing = {}
    for row in rows:
        if row["listing_date"]:
            first_listing.setdefault(row["entity_id"], row["listing_date"])
    companies = sorted({r["entity_id"] for r in rows}, key=lambda e: (first_listing.get(e, "9999"), e))

    def label(eid: str) -> str:
        row = next(r for r in rows if r["entity_id"] == eid)
        listed = _period_label(row["listing_date"]) if row["listing_date"] else None
        extra = [b for b in (row["ticker"], f"listed {listed}" if listed else None) if b]
        return _name(entities.get(eid), eid, cjk) + ("\n" + " · ".join(extra) if extra else "")

    body = max(4.0, 0.62 * len(companies) * 2)
    fig, legend_y = _canvas(chart, cjk, 13.0, body)
    grid = fig.add_gridspec(max(1, len(currencies)), 2, width_ratios=[1, 1.2])
    all_drawn: list[dict] = []
    all_alts: list[dict] = []
    for index, currency in enumerate(currencies):
        ax = fig.add_subplot(grid[index, 0])
        mine = [r for r in proceeds if r["cut"] == currency]
        drawn = sorted((r for r in mine if r["role"] == "drawn"), key=lambda r: companies.index(r["entity_id"]))
        top = max((r["value_max"] or r["value"]) for r in mine) / 1e9
        color = "#1f5fa8" if currency == "CNY" else "#b5651d"
        for y, row in enumerate(drawn):
            all_drawn.append(row)
            ax.barh(y, row["value"] / 1e9, height=0.6, **_bar_style(row, color))
            _range(ax, row, y, True, 1e9)
            alts = [a for a in mine if a["role"] == "alternative" and a["entity_id"] == row["entity_id"]]
            for alt in alts:
                all_alts.append(alt)
                _marker(ax, alt["value"], y, alt, True, 1e9)
            end = max((r["value_max"] or r["value"]) for r in [row, *alts]) / 1e9
            _label_right(ax, end, y, _describe(row, alts, _money, prefix=f"{currency} "))
        ax.set_yticks(range(len(drawn)))
        ax.set_yticklabels([label(r["entity_id"]) for r in drawn])
        ax.set_ylim(len(drawn) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.45)
        ax.set_xlabel(f"{currency} bn", loc="left")
        ax.set_title(f"IPO gross proceeds in {currency}")
        ax.grid(axis="x", color="0.92", linewidth=0.8)
        ax.tick_params(axis="y", length=0)
    ax = fig.add_subplot(grid[:, 1])
    listed = [c for c in companies if any(r["entity_id"] == c for r in moves)]
    top = max([r["value"] for r in moves] or [1.0])
    cuts = [c for c in CUT_COLORS if any(r["cut"] == c for r in moves)]
    for y, company in enumerate(listed):
        for offset, cut in zip((-0.2, 0.2), CUT_COLORS, strict=True):
            mine = [r for r in moves if r["entity_id"] == company and r["cut"] == cut]
            drawn = [r for r in mine if r["role"] == "drawn"]
            if not drawn:
                continue
            row = drawn[0]
            all_drawn.append(row)
            ax.barh(y + offset, row["value"], height=0.38, **_bar_style(row, CUT_COLORS[cut]))
            alts = [a for a in mine if a["role"] == "alternative"]
            for alt in alts:
                all_alts.append(alt)
                _marker(ax, alt["value"], y + offset, alt, True, 1.0)
            sign = "+" if row["value"] >= 0 else ""
            end = max([row["value"]] + [a["value"] for a in alts])
            _label_right(ax, end, y + offset, _describe(row, alts, _percent, prefix=sign, suffix=f" at the {cut}"))
    ax.set_yticks(range(len(listed)))
    ax.set_yticklabels([label(c) for c in listed])
    ax.set_ylim(len(listed) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.55)
    ax.set_xlabel("percent against the offer price", loc="left")
    ax.set_title("First-day move against the offer price")
    ax.grid(axis="x", color="0.92", linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    handles = [Patch(color=CUT_COLORS[c], label=f"first-day {c}") for c in cuts]
    _legend(fig, handles + _legend_handles(all_drawn, all_alts), legend_y)
    return fig


DRAWERS = {"shipments-shares": _draw_shipments_shares, "revenue": _draw_revenue, "ipos": _draw_ipos}


def draw(chart: Chart, *, root: str | Path | None = None, font: str | None = None) -> Figure:
    """One chart as a matplotlib Figure (Agg canvas, no pyplot state); ``font`` is a CJK family
    name, as :func:`cjk_font` gives, or None for English names."""
    matplotlib = _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from .typed import read_frame

    entities = {e["entity_id"]: e for e in _records(read_frame("entities", root))}
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_style(font))
        fig = DRAWERS[chart.name](chart, font is not None, entities)
        FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path, font: str | None) -> None:
    matplotlib = _matplotlib()
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_style(font))
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})


def _render(out: str | Path, root: str | Path | None) -> tuple[list[Chart], list[Path], str | None]:
    _matplotlib()
    font = cjk_font()
    charts = build_charts(root)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for chart in charts:
        path = folder / f"{chart.name}.png"
        _save(draw(chart, root=root, font=font), path, font)
        paths.append(path)
    return charts, paths, font


def render_charts(out: str | Path, *, root: str | Path | None = None) -> list[Path]:
    """Render every chart as ``<out>/<name>.png`` and return the paths; ChartsError when
    matplotlib is missing."""
    return _render(out, root)[1]


def charts_markdown(charts: list[Chart], paths: list[Path], out_doc: str | Path, cjk: bool = True) -> str:
    """The Markdown page showing each chart with its caption, notes and full list of sources."""
    base = Path(out_doc).parent
    lines = [
        "# Charts",
        "",
        f"Generated by `{DOC_COMMAND}` from the package's data; do not edit by hand.",
        "",
        "Only facts that pass every check (`cnaccel validate`) and are neither superseded nor retracted are "
        "drawn. Hatched bars and hollow markers are disputed figures; pale bars with a dashed edge are "
        "forecasts or estimates; markers beside a bar are other figures that sources give for the same thing.",
        "",
    ]
    for number, (chart, path) in enumerate(zip(charts, paths, strict=True), start=1):
        link = Path(os.path.relpath(path, base)).as_posix()
        lines += [f"## {number}. {chart.title}", "", f"![{chart.title}]({link})", "", f"*{chart.caption(cjk)}*", ""]
        lines += [f"- {note}" for note in chart.notes]
        rows = _records(chart.data)
        drawn = [r["fact_id"] for r in rows if r["role"] == "drawn"]
        others = [r["fact_id"] for r in rows if r["role"] == "alternative"]
        disputed = [_disputed_text(r) for r in rows if r["disputed"]]
        lines += [
            "",
            f"Facts drawn as bars ({len(drawn)}): {', '.join(sorted(drawn))}."
            + (f" Other figures drawn as markers ({len(others)}): {', '.join(sorted(others))}." if others else ""),
            "",
            f"Disputed figures (hatched or hollow): {'; '.join(disputed)}." if disputed else "No disputed figure.",
            "",
            f"Sources of the figures drawn ({len(chart.sources)}): " + ", ".join(f"`{s}`" for s in chart.sources),
            "",
        ]
    return "\n".join(lines)


def _disputed_text(row: dict[str, Any]) -> str:
    money = row["unit_id"] in ("CNY", "HKD", "USD")
    figure = _figure(row, _percent if row["unit_id"] == "percent" else _money if money else _count)
    figure = f"{row['unit_id']} {figure}" if money else figure
    also = f" (also {', '.join(row['same_figure'].split('|'))})" if row["same_figure"] else ""
    return f"{row['fact_id']}{also} {row['entity_id']} {row['metric_id']} {row['period'] or ''}: {figure}"


def render_charts_doc(
    out_doc: str | Path = "docs/charts.md",
    img_dir: str | Path = "docs/img",
    *,
    root: str | Path | None = None,
) -> list[Path]:
    """Render the charts into ``img_dir`` and write ``out_doc`` showing them (relative links);
    returns the Markdown file's path followed by the PNGs'."""
    charts, paths, font = _render(img_dir, root)
    doc = Path(out_doc)
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(charts_markdown(charts, paths, doc, cjk=font is not None), encoding="utf-8")
    return [doc, *paths]
