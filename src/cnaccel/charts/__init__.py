"""Charts of the data as PNG files: shipments and shares, revenue, IPOs.

Why this package is careful: every row of cnaccel is a claim, and claims disagree.  A chart here
draws only facts that pass every check (``cnaccel validate``) and are neither superseded nor
retracted; it never adds or stacks figures for unlike periods, cuts or currencies; where several
rows give the same figure it draws one, chosen by a fixed rule; where rows give different figures
for the same thing it draws the preferred one as the bar and the others as markers; disputed
figures are hatched (bars) or hollow (markers); forecasts and estimates are drawn pale with a
dashed edge.  Each chart lists its sources, and the same data always gives byte-identical PNGs.

matplotlib is needed only to draw (``pip install 'cnaccel[charts]'``); :func:`chart_data`
works without it.  Chinese names are drawn with the Noto Sans SC font that the ``charts`` extra
installs; without a CJK font the charts fall back to English names and say so in the caption.

The modules, each with one job: ``read`` (valid, current facts), ``pick`` (one figure per slot),
``select`` (what each chart draws: :class:`Chart`, :func:`build_charts`, :func:`chart_data`),
``labels`` (names, periods and figures as text), ``style`` (matplotlib, fonts, colours, marks),
``canvas`` (the frame around every chart), ``figures`` (:func:`draw`) and ``page`` (the PNG
files and the Markdown page).  Importing this package imports neither matplotlib nor pandas:
each name below is loaded from its module on first use.
"""

from __future__ import annotations

from .._lazy import lazy_attributes


class ChartsError(Exception):
    """The charts cannot be drawn: matplotlib is missing or the data cannot be read."""


_LAZY = {
    "CHART_NAMES": "select",
    "Chart": "select",
    "build_charts": "select",
    "chart_data": "select",
    "_pick": "pick",
    "cjk_font": "style",
    "draw": "figures",
    "DOC_COMMAND": "page",
    "charts_markdown": "page",
    "render_charts": "page",
    "render_charts_doc": "page",
}
__all__ = ["ChartsError", *sorted(name for name in _LAZY if not name.startswith("_"))]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())
