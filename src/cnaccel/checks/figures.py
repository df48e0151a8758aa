"""Figures check: a stated fact's value, value_max, qualifier, sign and unit are what its printed
figure says.

The figure is read with :func:`cnaccel.numbers.read_figure`: ``171億美元`` stored as 1.71e11 is
caught here, ``超過`` stored as ``exact``, ``年減24%`` stored as +24, and ``美元`` with unit
``CNY``.  A metric defined as a loss (``measures_loss``) stores a positive number, so its words of
loss give no sign.  A derived fact prints no figure and is not read here; the consistency check
asks that it names the rows it was computed from.  A superseded or retracted claim is kept as it
was recorded (a correction never rewrites the row it corrects), so only current claims are read.
"""

from __future__ import annotations

import math

from ..numbers import FigureReading, format_number, read_figure
from ..problems import Problem
from ..reader import Package
from ._columns import Finding, Report, per_distinct, to_float

COLUMNS = ("figure", "value", "value_max", "qualifier", "unit_id", "metric_id", "derivation", "assessment")


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _expected(reading: FigureReading, loss_metric: bool) -> tuple[float, float | None]:
    """The value and upper end the figure gives, in the metric's sign convention."""
    value, value_max = reading.value, reading.value_max
    if loss_metric:
        value, value_max = abs(value), (None if value_max is None else abs(value_max))
        if value_max is not None and value_max < value:
            value, value_max = value_max, value
    return value, value_max


def _unit_problem(reading: FigureReading, unit_id: str, kind: str) -> str | None:
    """What the figure's unit words say against the row's unit, or None when they agree."""
    if reading.currency and kind == "currency" and unit_id not in reading.currency.split("/"):
        return f"the figure is in {reading.currency} but the unit is {unit_id}"
    if reading.currency and kind not in ("currency", ""):
        return f"the figure is an amount in {reading.currency} but the unit is {unit_id}"
    if reading.counts and kind in ("currency", "ratio"):
        return f"the figure counts things but the unit is {unit_id}"
    if reading.percent and kind not in ("ratio", ""):
        return f"the figure is a percentage but the unit is {unit_id}"
    if reading.points and unit_id == "percent":
        return "the figure is in percentage points but the unit is percent"
    if reading.percent and unit_id == "percentage_points":
        return "the figure is a percentage but the unit is percentage_points"
    return None


def check(package: Package) -> list[Problem]:
    facts = package.table("facts")
    units, metrics = package.table("units"), package.table("metrics")
    kinds = dict(zip(units.values("unit_id"), units.values("kind"), strict=True))
    losses = {
        m
        for m, loss in zip(metrics.values("metric_id"), metrics.values("measures_loss"), strict=True)
        if loss == "true"
    }

    def rule(figure: str, value: str, value_max: str, qualifier: str, unit_id: str, metric_id: str,
             derivation: str, assessment: str) -> Finding | None:  # fmt: skip
        return _finding(figure, to_float(value), to_float(value_max), qualifier, unit_id, kinds.get(unit_id, ""),
                        metric_id in losses, derivation, assessment)  # fmt: skip

    report = Report("figures")
    report.each(facts, per_distinct(facts, COLUMNS, rule))
    return report.problems


def _finding(
    figure: str, value: float | None, value_max: float | None, qualifier: str, unit_id: str, kind: str,
    loss_metric: bool, derivation: str, assessment: str,
) -> Finding | None:  # fmt: skip
    """What is wrong between one fact's figure and its cells, or None."""
    if derivation == "derived" or not figure or value is None:
        return None
    if assessment in ("superseded", "retracted"):
        return None  # a corrected claim stays as it was recorded; its successor is the one checked
    reading = read_figure(figure)
    if reading is None:
        return None  # the provenance check reports a figure without a number
    if reading.numbers > 1:
        return (
            "figure", "figure-several-numbers", f"{figure!r} holds {reading.numbers} numbers",
            "keep one number (or one range, or one list item with its lead words) in the figure",
        )  # fmt: skip
    want, want_max = _expected(reading, loss_metric)
    if not _same(abs(want), abs(value)):
        return (
            "value", "figure-mismatch",
            f"{format_number(value)} does not match the figure {figure!r} ({format_number(want)})",
            "store the number in base units as the figure prints it (171億 is 1.71e10)",
        )  # fmt: skip
    max_sign_differs = want_max is not None and value_max is not None and (want_max < 0) != (value_max < 0)
    if (want < 0) != (value < 0) or max_sign_differs:
        said = "a loss or decline" if reading.negative else "no loss, decline or minus sign"
        return (
            "value", "figure-sign",
            f"{format_number(value)} has the wrong sign: the figure {figure!r} prints {said}",
            "store the sign the figure's words give (a metric defined as a loss stores a positive number)",
        )  # fmt: skip
    if not _same(want_max, value_max):
        return (
            "value_max", "figure-mismatch-max",
            f"{format_number(value_max)} does not match the upper end of {figure!r} ({format_number(want_max)})",
            "store the range's upper end, or leave value_max empty for a single number",
        )  # fmt: skip
    if reading.qualifier != qualifier:
        return (
            "qualifier", "figure-qualifier",
            f"{qualifier} does not match the figure {figure!r} ({reading.qualifier})",
            "set the qualifier its words give (約 approx, 超過 lower_bound, 不到 upper_bound, a range)",
        )  # fmt: skip
    mismatch = _unit_problem(reading, unit_id, kind)
    if mismatch:
        return (
            "unit_id", "figure-unit", mismatch,
            "set the unit the figure's currency or counting word gives (美元 USD, 港元 HKD, 元 CNY, 張 cards)",
        )  # fmt: skip
    return None
