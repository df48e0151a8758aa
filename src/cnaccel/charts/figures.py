"""Drawing the three charts as matplotlib Figures (Agg canvas, no pyplot state) and saving them
as PNG files whose bytes depend on the data only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..periods import span
from .canvas import canvas, legend
from .labels import count, describe, entity_name, figure, money, percent, period_label
from .read import read_entities, records
from .style import (
    CUT_COLORS,
    DPI,
    KIND_COLORS,
    KIND_LABELS,
    bar_style,
    legend_handles,
    load_matplotlib,
    marker_style,
    series_color,
    series_order,
    styled,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .select import Chart

Row = dict[str, Any]


def _end(rows: list[Row], scale: float) -> float:
    """Where the furthest of ``rows``' figures ends (a range at its high end), in axis units."""
    return max((r["value_max"] or r["value"]) for r in rows) / scale


def _marker(ax: Axes, row: Row, pos: float, horizontal: bool, scale: float) -> None:
    """An alternative figure (or a zero-length bar) as a marker: hollow when disputed."""
    if row["value_max"] is not None:
        ends = [row["value"] / scale, row["value_max"] / scale]
        xs, ys = (ends, [pos, pos]) if horizontal else ([pos, pos], ends)
        ax.plot(xs, ys, color="0.15", linewidth=1, zorder=4)
    xs, ys = ([row["value"] / scale], [pos]) if horizontal else ([pos], [row["value"] / scale])
    ax.plot(xs, ys, linestyle="none", zorder=5, clip_on=False, **marker_style(row))


def _range(ax: Axes, row: Row, pos: float, horizontal: bool, scale: float) -> None:
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


def _label_right(ax: Axes, x: float, y: float, text: str) -> None:
    """A value label just right of a bar's end (a fixed offset in points, clear of markers)."""
    ax.annotate(
        text, (x, y), xytext=(7, 0), textcoords="offset points", va="center", ha="left", fontsize=8, color="0.1"
    )


def _finish_bars(ax: Axes, labels: list[str], right: float, xlabel: str, title: str) -> None:
    """Axes of horizontal bars, first on top: one labelled row per bar, x from 0 to ``right``."""
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, right)
    ax.set_xlabel(xlabel, loc="left")
    ax.set_title(title)
    ax.grid(axis="x", color="0.92", linewidth=0.8)
    ax.tick_params(axis="y", length=0)


def _span_end(period: str) -> str:
    covered = span(str(period))
    return covered[1].isoformat() if covered else "9999"


def _draw_shipments_shares(chart: Chart, cjk: bool, entities: dict[str, Row]) -> Figure:
    rows = records(chart.data)
    panels = []
    for panel, title, unit in (
        ("shipments", "Accelerator cards shipped in China", "million cards (or units)"),
        ("share", "Vendor share of China's accelerator market", "percent"),
    ):
        mine = [r for r in rows if r["panel"] == panel]
        periods = sorted({(r["period"], r["period_label"]) for r in mine}, key=lambda p: (_span_end(p[0]), p[0]))
        lines: list[tuple[str, Row | None, list[Row]]] = []
        for period, label in periods:
            lines.append((label, None, []))
            drawn = [r for r in mine if r["period"] == period and r["role"] == "drawn"]
            for row in sorted(drawn, key=lambda r: (series_order(r["entity_id"]), r["entity_id"])):
                alts = [
                    a
                    for a in mine
                    if a["role"] == "alternative" and a["period"] == period and a["entity_id"] == row["entity_id"]
                ]
                lines.append((entity_name(entities.get(row["entity_id"]), row["entity_id"], cjk), row, alts))
        panels.append((panel, title, unit, lines))
    row_in = 0.26
    body = sum(len(p[3]) * row_in + 0.85 for p in panels)
    fig, legend_y = canvas(chart, cjk, 12.0, body)
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": [len(p[3]) + 3 for p in panels]})
    all_drawn: list[Row] = []
    all_alts: list[Row] = []
    for ax, (panel, title, unit, lines) in zip(axes, panels, strict=True):
        ax.set_title(title)
        scale = 1e6 if panel == "shipments" else 1.0
        fmt = count if panel == "shipments" else percent
        top = 0.0
        for y, (_label, row, alts) in enumerate(lines):
            if row is None:
                continue
            all_drawn.append(row)
            all_alts.extend(alts)
            ax.barh(y, row["value"] / scale, height=0.62, **bar_style(row, series_color(row["entity_id"])))
            _range(ax, row, y, True, scale)
            if row["value"] == 0:
                _marker(ax, row, y, True, scale)
            for alt in alts:
                _marker(ax, alt, y, True, scale)
            end = _end([row, *alts], scale)
            top = max(top, end)
            _label_right(ax, end, y, describe(row, alts, fmt))
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
    legend(fig, legend_handles(all_drawn, all_alts), legend_y)
    return fig


def _draw_revenue(chart: Chart, cjk: bool, entities: dict[str, Row]) -> Figure:
    from matplotlib.patches import Patch

    rows = records(chart.data)
    vendors = list(dict.fromkeys(r["entity_id"] for r in rows))
    ncols = 2
    nrows = max(1, -(-len(vendors) // ncols))
    fig, legend_y = canvas(chart, cjk, 13.0, nrows * 2.6)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    kind_order = list(KIND_COLORS)
    all_drawn: list[Row] = []
    all_alts: list[Row] = []
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
        top = _end(mine, 1e9)
        for x, row in zip(xs, drawn, strict=True):
            kinds.add(row["kind"])
            all_drawn.append(row)
            ax.bar(x, row["value"] / 1e9, width=0.72, **bar_style(row, KIND_COLORS[row["kind"]]))
            _range(ax, row, x, False, 1e9)
            alts = [a for a in mine if a["role"] == "alternative" and a["period_key"] == row["period_key"]]
            for alt in alts:
                all_alts.append(alt)
                _marker(ax, alt, x + 0.24, False, 1e9)
            ax.text(
                x,
                _end([row, *alts], 1e9) + top * 0.05,
                figure(row, money),
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
        ax.set_title(entity_name(entities.get(vendor), vendor, cjk))
        ax.set_ylabel("CNY bn")
        ax.tick_params(axis="y", labelsize=7.5)
        ax.grid(axis="y", color="0.92", linewidth=0.8)
    handles = [
        Patch(facecolor=KIND_COLORS[k], edgecolor=KIND_COLORS[k], label=KIND_LABELS[k])
        for k in kind_order
        if k in kinds
    ]
    legend(fig, handles + legend_handles(all_drawn, all_alts), legend_y)
    return fig


def _draw_ipos(chart: Chart, cjk: bool, entities: dict[str, Row]) -> Figure:
    from matplotlib.patches import Patch

    rows = records(chart.data)
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
        listed = period_label(row["listing_date"]) if row["listing_date"] else None
        extra = [b for b in (row["ticker"], f"listed {listed}" if listed else None) if b]
        return entity_name(entities.get(eid), eid, cjk) + ("\n" + " · ".join(extra) if extra else "")

    body = max(4.0, 0.62 * len(companies) * 2)
    fig, legend_y = canvas(chart, cjk, 13.0, body)
    grid = fig.add_gridspec(max(1, len(currencies)), 2, width_ratios=[1, 1.2])
    all_drawn: list[Row] = []
    all_alts: list[Row] = []
    for index, currency in enumerate(currencies):
        ax = fig.add_subplot(grid[index, 0])
        mine = [r for r in proceeds if r["cut"] == currency]
        drawn = sorted((r for r in mine if r["role"] == "drawn"), key=lambda r: companies.index(r["entity_id"]))
        color = "#1f5fa8" if currency == "CNY" else "#b5651d"
        for y, row in enumerate(drawn):
            all_drawn.append(row)
            ax.barh(y, row["value"] / 1e9, height=0.6, **bar_style(row, color))
            _range(ax, row, y, True, 1e9)
            alts = [a for a in mine if a["role"] == "alternative" and a["entity_id"] == row["entity_id"]]
            for alt in alts:
                all_alts.append(alt)
                _marker(ax, alt, y, True, 1e9)
            _label_right(ax, _end([row, *alts], 1e9), y, describe(row, alts, money, prefix=f"{currency} "))
        labels = [label(r["entity_id"]) for r in drawn]
        _finish_bars(ax, labels, _end(mine, 1e9) * 1.45, f"{currency} bn", f"IPO gross proceeds in {currency}")
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
            ax.barh(y + offset, row["value"], height=0.38, **bar_style(row, CUT_COLORS[cut]))
            alts = [a for a in mine if a["role"] == "alternative"]
            for alt in alts:
                all_alts.append(alt)
                _marker(ax, alt, y + offset, True, 1.0)
            sign = "+" if row["value"] >= 0 else ""
            end = max([row["value"]] + [a["value"] for a in alts])
            _label_right(ax, end, y + offset, describe(row, alts, percent, prefix=sign, suffix=f" at the {cut}"))
    _finish_bars(
        ax,
        [label(c) for c in listed],
        top * 1.55,
        "percent against the offer price",
        "First-day move against the offer price",
    )
    handles = [Patch(color=CUT_COLORS[c], label=f"first-day {c}") for c in cuts]
    legend(fig, handles + legend_handles(all_drawn, all_alts), legend_y)
    return fig


def _draw_vendor_shares(chart: Chart, cjk: bool, entities: dict[str, Row]) -> Figure:
    from matplotlib.patches import Patch

    rows = records(chart.data)
    drawn = [r for r in rows if r["role"] == "drawn"]
    periods = sorted({r["period"] for r in drawn}, key=lambda p: (_span_end(p), p))
    vendors = sorted({r["entity_id"] for r in drawn}, key=lambda e: (series_order(e), e))
    fig, legend_y = canvas(chart, cjk, 11.0, 4.2)
    ax = fig.subplots()
    width = 0.8 / max(len(vendors), 1)
    for g, period in enumerate(periods):
        for v, vendor in enumerate(vendors):
            row = next((r for r in drawn if r["period"] == period and r["entity_id"] == vendor), None)
            if row is None:
                continue
            x = g + (v - (len(vendors) - 1) / 2) * width
            ax.bar(x, row["value"], width=width * 0.9, **bar_style(row, series_color(vendor)))
            _range(ax, row, x, False, 1.0)
            for alt in (a for a in rows if a["role"] == "alternative" and a["period"] == period
                        and a["entity_id"] == vendor):  # fmt: skip
                _marker(ax, alt, x + width * 0.3, False, 1.0)
            ax.text(x, (row["value_max"] or row["value"]) + 1.5, figure(row, percent), ha="center", va="bottom",
                    fontsize=7.5, color="0.1")  # fmt: skip
    ax.set_xticks(range(len(periods)))
    ax.set_xticklabels([period_label(p) for p in periods])
    ax.set_ylim(0, 100)
    ax.set_ylabel("percent of cards shipped")
    ax.grid(axis="y", color="0.92", linewidth=0.8)
    handles = [
        Patch(facecolor=series_color(v), edgecolor=series_color(v), label=entity_name(entities.get(v), v, cjk))
        for v in vendors
    ]
    legend(fig, handles + legend_handles(drawn, [r for r in rows if r["role"] == "alternative"]), legend_y)
    return fig


DRAWERS = {
    "vendor-shares": _draw_vendor_shares,
    "shipments-shares": _draw_shipments_shares,
    "revenue": _draw_revenue,
    "ipos": _draw_ipos,
}


def draw(chart: Chart, *, root: str | Path | None = None, font: str | None = None) -> Figure:
    """One chart as a matplotlib Figure (Agg canvas, no pyplot state); ``font`` is a CJK family
    name, as :func:`cjk_font` gives, or None for English names."""
    load_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    entities = read_entities(root)
    with styled(font):
        fig = DRAWERS[chart.name](chart, font is not None, entities)
        FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, path: Path, font: str | None) -> None:
    """Write ``fig`` as a PNG without the software or date metadata that would vary the bytes."""
    with styled(font):
        fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
