"""Calendar spans of periods and partial dates.

A source dated ``2025-12`` is known from the last day of December (nothing is known before it
was published); an event dated ``2026-Q1`` begins on 1 January.  Both rules need the span a
partial date or a period covers, which this module computes.  Fiscal years (``FY2025``) have no
span of their own: their real dates come from the data.
"""

from __future__ import annotations

import calendar
import re
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
