"""How the charts look: matplotlib (imported only here and when drawing), the CJK font, the fixed
rc settings that make the PNGs byte-identical, colours, and the styles that mark a figure as
disputed (hatched bar, hollow marker) or projected (pale bar, dashed edge)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import ChartsError
from .select import MARKET

if TYPE_CHECKING:
    from types import ModuleType

    from matplotlib.artist import Artist

MISSING_MATPLOTLIB = "charts need matplotlib: pip install 'cnaccel[charts]'"
DPI = 100
TINT = 0.75  # how far toward white a projected figure's bar is drawn
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
# An alternative figure: a solid diamond, or a hollow circle when disputed (plot and legend alike).
OTHER_MARKER: dict[str, Any] = {"marker": "D", "color": "0.15", "markersize": 4.5}
DISPUTED_MARKER: dict[str, Any] = {
    "marker": "o",
    "markerfacecolor": "white",
    "markeredgecolor": "0.15",
    "markersize": 6,
    "markeredgewidth": 1.2,
}


def load_matplotlib() -> ModuleType:
    """The matplotlib module; ChartsError, saying how to install it, when it is missing."""
    try:
        import matplotlib
    except ImportError:
        raise ChartsError(MISSING_MATPLOTLIB) from None
    return matplotlib


def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registering the one the ``charts`` extra
    installs (Noto Sans SC); a system font is the fallback; None when there is none."""
    load_matplotlib()
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


def _rc(family: str | None) -> dict[str, Any]:
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


@contextmanager
def styled(family: str | None) -> Iterator[None]:
    """matplotlib's defaults plus the charts' settings, whatever the user's rc, for the block
    only (drawing and saving both run in it, so that the same data gives the same bytes)."""
    matplotlib = load_matplotlib()
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_rc(family))
        yield


def _tint(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * TINT, g + (1 - g) * TINT, b + (1 - b) * TINT)


def bar_style(row: dict[str, Any], color: str) -> dict[str, Any]:
    """Solid for a plain figure, pale and dashed for a forecast/estimate, hatched when disputed."""
    style: dict[str, Any] = {"color": color, "edgecolor": color, "linewidth": 0.8}
    if row["projected"]:
        style.update(color=_tint(color), linestyle="--", linewidth=1.2)
    if row["disputed"]:
        style.update(color="white" if not row["projected"] else _tint(color), hatch="////", linewidth=1.0)
    return style


def marker_style(row: dict[str, Any]) -> dict[str, Any]:
    """The marker of an alternative figure: hollow when disputed."""
    return DISPUTED_MARKER if row["disputed"] else OTHER_MARKER


def legend_handles(rows: list[dict[str, Any]], alternatives: list[dict[str, Any]]) -> list[Artist]:
    """Legend entries for the styles actually drawn: forecast/estimate, disputed, other figures."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    if any(r["projected"] for r in rows):
        handles.append(
            Patch(facecolor="0.88", edgecolor="0.35", linestyle="--", linewidth=1.2, label="forecast / estimate")
        )
    if any(r["disputed"] for r in rows + alternatives):
        handles.append(Patch(facecolor="white", edgecolor="0.35", hatch="////", label="disputed"))
    if any(r["value_max"] is not None for r in rows + alternatives):
        handles.append(Line2D([], [], color="0.15", linewidth=1.2, marker="|", markersize=7, label="range"))
    if any(not a["disputed"] for a in alternatives):
        handles.append(Line2D([], [], linestyle="none", label="other figure given", **OTHER_MARKER))
    if any(a["disputed"] for a in alternatives):
        handles.append(Line2D([], [], linestyle="none", label="other figure, disputed", **DISPUTED_MARKER))
    return handles


def series_order(entity_id: str) -> int:
    """Where a vendor group stands in the shipments chart (the coloured ones first)."""
    fixed = list(SERIES_COLORS)
    return fixed.index(entity_id) if entity_id in fixed else len(fixed) + sum(map(ord, entity_id)) % 5


def series_color(entity_id: str) -> str:
    """A vendor group's colour: fixed for the known ones, one of :data:`OTHER_COLORS` otherwise."""
    return SERIES_COLORS.get(entity_id) or OTHER_COLORS[series_order(entity_id) % len(OTHER_COLORS)]
