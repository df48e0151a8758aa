"""Figures check: a stated fact's value, value_max and qualifier are what its quote writes.

The quote is read with :mod:`cnaccel.numbers`.  ``171億`` stored as 1.71e11 is caught here,
and so is ``超過`` stored as ``exact``.  A fact whose number is not written in its quote must
say ``derivation = derived`` and name the rows it was computed from.
"""

from __future__ import annotations

import math
import re

from ..numbers import Figure, format_number, read_figures
from ..problems import Problem
from ..raw import RawPackage
from ._claims import to_float

NEGATIVE_WORDS = re.compile(
    r"亏损|虧損|亏|虧|跌|下降|減|减|下滑|萎縮|萎缩|负|負|"
    r"(?i:loss|deficit|decline|fell|fall|drop|down|negative)"
)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _distance(figure: Figure, target: float) -> float:
    if figure.value <= 0 or target <= 0:
        return math.inf
    return abs(math.log10(figure.value / target))


def check(package: RawPackage) -> list[Problem]:
    problems: list[Problem] = []
    file = package.path_of("facts")
    kinds = {row.get("unit_id"): row.get("kind") for row in package.rows("units")}

    def report(row, column: str, message: str, hint: str = "") -> None:
        problems.append(Problem(file, row.line, column, message, hint, "figures"))

    for row in package.rows("facts"):
        if row.get("derivation") == "derived":
            continue
        value = to_float(row.get("value"))
        if value is None:
            continue
        value_max = to_float(row.get("value_max"))
        quote = row.get("quote")
        figures = [f for f in read_figures(quote) if not f.is_date]
        # A loss range (-1.06e9 to -9.5e8) is written as 9.5億至10.6億: compare magnitudes, low to high.
        target, target_max = abs(value), (abs(value_max) if value_max is not None else None)
        if target_max is not None and target_max < target:
            target, target_max = target_max, target
        if value < 0 and not (NEGATIVE_WORDS.search(quote) or re.search(r"[-−]\s*[\d０-９]", quote)):
            report(
                row,
                "value",
                f"{format_number(value)} is negative but the quote has no minus sign or word of loss or decline",
                "store the number as the quote gives it",
            )
        if not figures:
            report(
                row,
                "value",
                f"{format_number(value)} is not written in the quote",
                "quote the words that state the number, or set derivation to derived and name derived_from",
            )
            continue
        matches = [f for f in figures if _same(f.value, target)]
        exact = [f for f in matches if _same(f.value_max, target_max)]
        if not matches:
            nearest = min(figures, key=lambda f: _distance(f, target))
            report(
                row,
                "value",
                f"{format_number(value)} does not match {nearest.text} in the quote ({format_number(nearest.value)})",
                "store the number in base units as the quote writes it",
            )
            continue
        if not exact:
            figure = matches[0]
            report(
                row,
                "value_max",
                f"{format_number(value_max)} does not match the quote's "
                f"{figure.text} (upper end {format_number(figure.value_max)})",
            )
            continue
        qualifier = row.get("qualifier")
        agreeing = [f for f in exact if f.qualifier == qualifier]
        if not agreeing:
            figure = exact[0]
            said = f"{figure.marker} in the quote" if figure.marker else f"the bare figure {figure.text} in the quote"
            report(
                row,
                "qualifier",
                f"{qualifier} does not match {said} ({figure.qualifier})",
                "set the qualifier the quote's words give",
            )
            continue
        figure = agreeing[0]
        if figure.is_percent and kinds.get(row.get("unit_id")) not in (None, "ratio"):
            report(
                row,
                "unit_id",
                f"the quote gives a percentage ({figure.text}) but the unit is {row.get('unit_id')}",
                "use unit percent or percentage_points",
            )
    return problems
