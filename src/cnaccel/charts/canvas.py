"""The frame every chart shares: a figure with the title band on top, the notes and sources
(word-wrapped, CJK-aware) below, and one legend row under the title."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from .style import DPI

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

    from .select import Chart

TITLE_IN = 0.72  # height of the title band (title and legend row), inches
FOOT_LINE_IN = 0.135  # height of one footer line, inches
CHARS_PER_IN = 19  # footer characters per inch of width (a wide character counts twice)


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
    chars = int(width_in * CHARS_PER_IN)
    return _wrap(" ".join(chart.notes), chars) + _wrap(chart.caption(cjk), chars)


def canvas(chart: Chart, cjk: bool, width: float, body: float) -> tuple[Figure, float]:
    """A figure with the title band on top, the notes and sources below, and constrained layout
    for the axes in between; returns the figure and the legend's y (figure fraction)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    lines = _footer_text(chart, cjk, width)
    foot = len(lines) * FOOT_LINE_IN + 0.25
    height = round(body + TITLE_IN + foot, 2)
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.set_layout_engine(
        "constrained", rect=(0.0, foot / height, 1.0, 1 - (TITLE_IN + foot) / height), h_pad=0.06, w_pad=0.06
    )
    fig.text(0.012, 1 - 0.14 / height, chart.title, fontsize=14, va="top", ha="left", color="0.05")
    fig.text(
        0.012, (foot - 0.1) / height, "\n".join(lines), fontsize=7.2, color="0.3", va="top", ha="left", linespacing=1.4
    )
    fig.add_artist(Line2D([0.012, 0.988], [(foot - 0.04) / height] * 2, color="0.8", linewidth=0.6))
    return fig, 1 - 0.5 / height


def legend(fig: Figure, handles: list[Artist], y: float) -> None:
    """One row of legend entries at height ``y`` (figure fraction), none when nothing to explain."""
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
