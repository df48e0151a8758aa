"""Calendar spans of periods and partial dates.

A source dated ``2025-12`` is known from the last day of December (nothing is known before it
was published); an event dated ``2026-Q1`` begins on 1 January.  Both rules need the span a
partial date or a period covers, which this module computes.  Fiscal years (``FY2025``) have no
span of their own: their real dates come from the data.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<q>Q[1-4])|(?P<h>H[12])|(?P<m>\d{2})(?:-(?P<d>\d{2}))?))?$")


def span(text: str) -> tuple[date, date] | None:
    """First and last day covered by a partial date or calendar period, or None when the text is
    empty, a fiscal year, or not a valid date (the schema check reports that)."""
    text = (text or "").strip()
    if "/" in text:
        first, _, last = text.partition("/")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            return None
        return start, end
    match = _PATTERN.match(text)
    if not match:
        return None
    year = int(match["y"])
    try:
        if match["q"]:
            q = int(match["q"][1])
            return date(year, 3 * q - 2, 1), date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        if match["h"]:
            return (
                (date(year, 1, 1), date(year, 6, 30)) if match["h"] == "H1" else (date(year, 7, 1), date(year, 12, 31))
            )
        if match["m"]:
            month = int(match["m"])
            if match["d"]:
                day = date(year, month, int(match["d"]))
                return day, day
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def known_from(published: str) -> date | None:
    """The day from which a source counts as published: the end of its stated span."""
    covered = span(published)
    return covered[1] if covered else None


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_CN_DATE = re.compile(r"^(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?:(?P<d>\d{1,2})\s*[日号號])?$")
_ISO_LIKE = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})(?:[-/](?P<d>\d{1,2}))?$")
_EN_MONTH_FIRST = re.compile(r"^(?P<mn>[A-Za-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?$")
_EN_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})\s+(?P<mn>[A-Za-z]+)\.?(?:,?\s+(?P<y>\d{4}))?$")
_EN_MONTH_YEAR = re.compile(r"^(?P<mn>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})$")


@dataclass(frozen=True)
class DateParts:
    """A date as printed: whichever of year, month and day the text gives."""

    year: int | None
    month: int | None
    day: int | None

    def agrees_with(self, iso: str) -> bool:
        """True when every part printed matches the partial ISO date or period ``iso``."""
        covered = span(iso)
        if covered is None:
            return False
        start, end = covered
        if self.year is not None and not start.year <= self.year <= end.year:
            return False
        if self.month is not None and start.year == end.year and not start.month <= self.month <= end.month:
            return False
        return self.day is None or (start == end and start.day == self.day)


def read_printed_date(text: str) -> DateParts | None:
    """The parts of a date printed as ``2025年12月5日``, ``12月5日``, ``2025-12-05``,
    ``December 5, 2025``, ``5 Dec 2025`` or ``December 2025``; None when the text is not one."""
    text = (text or "").strip()
    for pattern in (_CN_DATE, _ISO_LIKE, _EN_MONTH_FIRST, _EN_DAY_FIRST, _EN_MONTH_YEAR):
        m = pattern.match(text)
        if not m or not any(m.groupdict().values()):
            continue
        parts = m.groupdict()
        month = parts.get("m")
        if parts.get("mn"):
            month = _MONTHS.get(parts["mn"].lower())
            if month is None:
                continue
        year, day = parts.get("y"), parts.get("d")
        out = DateParts(int(year) if year else None, int(month) if month else None, int(day) if day else None)
        if (out.month is not None and not 1 <= out.month <= 12) or (out.day is not None and not 1 <= out.day <= 31):
            return None
        if out.day is not None and out.month is None:
            return None
        return out
    return None
