"""Text for the charts, their captions and the charts page: periods, entity and publisher names,
figures in a compact form (cards, money, percent) and the label written beside a bar."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
QUALIFIERS = {"lower_bound": "≥", "upper_bound": "≤", "approx": "~"}
CLAIM_SUFFIXES = {"estimate": " est.", "forecast": " forecast"}

Format = Callable[[float], str]


def period_label(period: str | None) -> str:
    """A period as a reader says it: ``2024-H1`` -> ``H1 2024``, ``FY2024`` -> ``2024``."""
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


def entity_name(entity: dict[str, Any] | None, entity_id: str, cjk: bool) -> str:
    """An entity's display name: Chinese then English where a CJK font is available."""
    if not entity:
        return entity_id
    english = re.sub(r"\s*\(.*?\)", "", str(entity["name_en"])).strip() or entity_id
    chinese = entity.get("name_zh_hans")
    return f"{chinese} {english}" if cjk and chinese and chinese != english else english


def short_publisher(publisher: str, source_id: str, cjk: bool) -> str:
    """A publisher's name without parenthetical detail; ASCII only when there is no CJK font."""
    head = re.sub(r"\s*[\(\[（].*?[\)\]）]", "", publisher).strip(" /,;") or publisher.strip("[] ")
    head = re.split(r"\s+(?:via|/)\s+|,\s*|\s+\S+\.(?:com|cn|net)\S*", head)[0].strip()
    if cjk or head.isascii():
        return head
    return source_id.split("-")[0]


def shorten(items: list[str], limit: int) -> str:
    """As many of ``items`` as fit in ``limit`` characters, then "and N more"."""
    text, shown = "", 0
    for item in items:
        candidate = f"{text}, {item}" if text else item
        if len(candidate) > limit:
            break
        text, shown = candidate, shown + 1
    left = len(items) - shown
    return f"{text} and {left} more" if left else text


def count(value: float) -> str:
    """A count: ``1.25m``, ``3.5k``, ``120``."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}".rstrip("0").rstrip(".") + "m"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:g}"


def money(value: float) -> str:
    """An amount without its currency: ``1.23bn``, ``456m``."""
    if abs(value) >= 1e9:
        return f"{value / 1e9:.2f}bn"
    return f"{value / 1e6:.3g}m"


def percent(value: float) -> str:
    """A percentage: ``12.5%``."""
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def figure(row: dict[str, Any], fmt: Format) -> str:
    """A fact's figure: a range low–high, or the value with its qualifier (≥, ≤, ~)."""
    if row["value_max"] is not None:
        return f"{fmt(row['value'])}–{fmt(row['value_max'])}"
    return QUALIFIERS.get(row["qualifier"], "") + fmt(row["value"])


def describe(row: dict[str, Any], alts: list[dict[str, Any]], fmt: Format, prefix: str = "", suffix: str = "") -> str:
    """The label beside a bar: its figure, marked as estimate, forecast or disputed, and the other
    figures given for the same thing."""
    text = prefix + figure(row, fmt) + suffix
    text += CLAIM_SUFFIXES.get(row["claim_type"], "")
    text += " (disputed)" if row["disputed"] else ""
    if alts:
        text += "; also " + ", ".join(
            figure(a, fmt) + CLAIM_SUFFIXES.get(a["claim_type"], "") + (" disputed" if a["disputed"] else "")
            for a in alts
        )
    return text
