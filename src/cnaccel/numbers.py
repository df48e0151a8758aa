"""Read the figures written in a quote, with the words that qualify them.

The validator uses this to prove that a fact's ``value``, ``value_max`` and ``qualifier``
are what its quote says.  It reads Arabic and Chinese numerals in both scripts, the scale
words 萬/万, 億/亿, 萬億/万亿, 千, 百, "thousand", "million", "billion", "trillion" (and
"bn", "mn"), percent signs, thousands separators, full-width digits and punctuation,
ranges ("50億－70億", "14.5億元到15.2億元", "17.00 to 19.60"), vague magnitudes
(數十, 幾十, 上百, 數百, 上千, ...) and qualifier words before or after a figure
(超過, 逾, 以上, 約, 左右, 不到, "more than", "about", "under", ...).

It never raises on text: whatever it cannot read, it leaves out.  Numbers that are part of a
name (H100, 910C, DeepSeek-V3) and parts of dates (2024年, 8月, 28日, 2025-08-28) are
returned with ``is_date`` or not at all, so they never pass for a figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Figure", "format_number", "read_figures"]

# Full-width digits and punctuation to ASCII, one character for one, so positions are kept.
_WIDE = str.maketrans(
    "０１２３４５６７８９．，％－～＋：　",
    "0123456789.,%-~+: ",
)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8}

# Scale words after an Arabic number (longest first).
_SCALES = [
    ("萬億", 10**12),
    ("万亿", 10**12),
    ("億", 10**8),
    ("亿", 10**8),
    ("萬", 10**4),
    ("万", 10**4),
    ("千", 10**3),
    ("百", 10**2),
    (" trillion", 10**12),
    (" billion", 10**9),
    (" million", 10**6),
    (" thousand", 10**3),
    ("trillion", 10**12),
    ("billion", 10**9),
    ("million", 10**6),
    ("thousand", 10**3),
    (" bn", 10**9),
    ("bn", 10**9),
    (" mn", 10**6),
    ("mn", 10**6),
]

# Vague magnitudes: word -> (low, high or None for "and more").
_VAGUE = {
    "數十": (10, 100),
    "数十": (10, 100),
    "幾十": (10, 100),
    "几十": (10, 100),
    "上百": (100, None),
    "數百": (100, 1000),
    "数百": (100, 1000),
    "幾百": (100, 1000),
    "几百": (100, 1000),
    "上千": (1000, None),
    "數千": (1000, 10**4),
    "数千": (1000, 10**4),
    "幾千": (1000, 10**4),
    "几千": (1000, 10**4),
    "上萬": (10**4, None),
    "上万": (10**4, None),
    "數萬": (10**4, 10**5),
    "数万": (10**4, 10**5),
    "幾萬": (10**4, 10**5),
    "几万": (10**4, 10**5),
}

# Qualifier words.  Prefix words may stand anywhere in the clause before the figure (within a
# short window); "adjacent" words only right before it; suffix words right after its unit.
_PREFIX = [
    (
        "lower_bound",
        [
            "超過",
            "超过",
            "超出",
            "逾",
            "突破",
            "不少於",
            "不少于",
            "至少",
            "多於",
            "多于",
            "more than",
            "over ",
            "at least",
            "above ",
            "exceeding",
            "in excess of",
            "upwards of",
        ],
    ),
    (
        "upper_bound",
        [
            "不到",
            "不足",
            "少於",
            "少于",
            "低於",
            "低于",
            "未滿",
            "未满",
            "less than",
            "fewer than",
            "under ",
            "below ",
            "up to",
        ],
    ),
    (
        "approx",
        [
            "約",
            "约",
            "大約",
            "大约",
            "接近",
            "將近",
            "将近",
            "近",
            "about",
            "around",
            "approximately",
            "roughly",
            "nearly",
            "almost",
            "some ",
            "~",
        ],
    ),
]
_ADJACENT = [("lower_bound", ["超"])]
_SUFFIX = [
    ("lower_bound", ["以上", "多", "餘", "余", "+", " plus", " or more"]),
    ("upper_bound", ["以下", "以內", "以内", " or less", " or fewer"]),
    ("approx", ["左右", "上下", "許", "许", "級", "级"]),
]
# Units and words that may stand between a figure and its suffix qualifier, or between the two
# ends of a range ("15億元到", "270萬張以上").
_UNIT_CHARS = set("元美港币幣人民張张卡家台臺套颗顆枚片股倍個个位名款億亿萬万%")

_RANGE_SEP = re.compile(r"\s*(?:[-~–—至到]|to(?=\s))\s*")
_CLAUSE_END = set('，,。；;：:、！？!?\n（()）「」『』【】《》"“”')
_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_CN_RUN = re.compile(r"[零〇一二兩两三四五六七八九十百千萬万億亿]+")
_DATE_AFTER = re.compile(
    r"\s*(\s*[-至到~]\s*\d{4}\s*年|年|月|日|号|號|財年|财年|年度|季|上半年|下半年|前三季|H[12]\b|Q[1-4]\b)"
)
_ISO_DATE = re.compile(r"(?<!\d)(?:\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}-\d{2}(?![\d-]))")
# Units glued to a number that still make it a figure (800TFLOPS, 144GB, 5nm).
_GLUED_UNITS = re.compile(r"(?i)(tflops|pflops|tops|gb|tb|mb|nm|w|x|k|m|b|bn|mn)(?![a-z])")


@dataclass(frozen=True)
class Figure:
    """One figure read from a text: its value (and upper end), qualifier and where it stands."""

    value: float
    value_max: float | None
    qualifier: str
    text: str
    start: int
    end: int
    is_date: bool = False
    is_percent: bool = False
    marker: str = ""

    def describe(self) -> str:
        """The figure as the quote writes it, for messages."""
        return self.text


def format_number(value: float | None) -> str:
    """Short, exact-looking text for a number in a message: 1.71e10, 35, 4347.82."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nothing"
    if value == 0:
        return "0"
    if abs(value) >= 1e6:
        mantissa, exponent = f"{value:.10e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text


def _parse_cn(run: str) -> float | None:
    """Value of a Chinese numeral string such as 二十七, 十億, 一百二十萬; None if it is not one."""
    if not run or any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_BIG for ch in run):
        return None
    total = 0
    section = 0
    digit: int | None = None
    last_big = math.inf
    for ch in run:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row (一二) is a list, not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        else:
            big = _CN_BIG[ch]
            section += digit or 0
            digit = None
            if section == 0:
                section = 1
            if big >= last_big:
                total = (total + section) * big
            else:
                total += section * big
            last_big = big
            section = 0
    section += digit or 0
    return float(total + section)


def _scale_after(text: str, pos: int) -> tuple[int, int]:
    """(multiplier, length) of a scale word starting at pos, or (1, 0)."""
    if text.startswith(" ", pos) and text[pos + 1 : pos + 2] in {"萬", "万", "億", "亿"}:
        mult, length = _scale_after(text, pos + 1)
        return mult, length + 1
    for word, mult in _SCALES:
        if text.startswith(word, pos):
            after = pos + len(word)
            if word.strip().isascii() and after < len(text) and text[after].isalpha() and text[after].isascii():
                continue  # "billions" is fine, "bnx" is not a scale
            return mult, len(word)
    return 1, 0


def _is_name_part(text: str, start: int, end: int) -> bool:
    """True when the digits belong to a name or model number (H100, 910C, V3, MLU370)."""
    before = text[start - 1] if start > 0 else ""
    if before.isascii() and before.isalpha():
        return True
    if before == "-" and start > 1 and text[start - 2].isascii() and text[start - 2].isalpha():
        return True
    after = text[end] if end < len(text) else ""
    if after.isascii() and after.isalpha():
        glued = _GLUED_UNITS.match(text, end)
        return glued is None
    return False


@dataclass
class _Raw:
    value: float
    start: int
    end: int
    percent: bool
    is_date: bool
    vague: tuple[float, float | None] | None = None
    scaled: bool = False


def _raw_numbers(text: str) -> list[_Raw]:
    found: list[_Raw] = []
    taken = [False] * (len(text) + 1)
    for m in _ISO_DATE.finditer(text):
        found.append(_Raw(float(m.group(0)[:4]), m.start(), m.end(), False, True))
        for i in range(m.start(), m.end()):
            taken[i] = True
    for word, (low, high) in _VAGUE.items():
        for m in re.finditer(re.escape(word), text):
            if any(taken[m.start() : m.end()]):
                continue
            end = m.end()
            mult, length = _scale_after(text, end)
            end += length
            found.append(
                _Raw(
                    low * mult,
                    m.start(),
                    end,
                    False,
                    False,
                    (low * mult, None if high is None else high * mult),
                    scaled=True,
                )
            )
            for i in range(m.start(), end):
                taken[i] = True
    for m in _ARABIC.finditer(text):
        start, end = m.span()
        if any(taken[start:end]) or _is_name_part(text, start, end):
            continue
        try:
            digits = Decimal(m.group(0).replace(",", ""))
        except ArithmeticError:
            continue
        is_date = bool(_DATE_AFTER.match(text, end)) and "." not in m.group(0)
        mult, length = _scale_after(text, end)
        scaled = length > 0
        end += length
        percent = text.startswith("%", end)
        if percent:
            end += 1
        found.append(_Raw(float(digits * mult), start, end, percent, is_date and not scaled, scaled=scaled))
        for i in range(start, end):
            taken[i] = True
    for m in _CN_RUN.finditer(text):
        start, end = m.span()
        if any(taken[start:end]):
            continue
        run = m.group(0)
        before = text[start - 1] if start > 0 else ""
        value = _parse_cn(run)
        if value is None:
            continue
        is_date = before == "第" or bool(_DATE_AFTER.match(text, end))
        percent = text.startswith("%", end)
        found.append(
            _Raw(value, start, end + (1 if percent else 0), percent, is_date, scaled=any(ch in _CN_BIG for ch in run))
        )
    found.sort(key=lambda r: r.start)
    return found


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _prefix_qualifier(text: str, start: int, floor: int) -> tuple[str, str] | None:
    begin = max(_clause_start(text, start, floor), start - 12)
    window = text[begin:start].lower()
    best: tuple[int, str, str] | None = None
    for qualifier, words in _PREFIX:
        for word in words:
            at = window.rfind(word)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, qualifier, word.strip())
    for qualifier, words in _ADJACENT:
        for word in words:
            stem = window.rstrip("已達达了為为 ")
            if stem.endswith(word) and (best is None or len(stem) - 1 > best[0]):
                best = (len(stem) - 1, qualifier, word)
    return (best[1], best[2]) if best else None


def _suffix_qualifier(text: str, end: int) -> tuple[str, str] | None:
    i = end
    while i < len(text) and i - end < 3 and text[i] in _UNIT_CHARS:
        i += 1
    rest = text[i : i + 8].lower()
    for qualifier, words in _SUFFIX:
        for word in words:
            if rest.startswith(word):
                return qualifier, word.strip()
    return None


def _join_ranges(text: str, raws: list[_Raw]) -> list[tuple[_Raw, _Raw | None]]:
    """Pair each figure with the one after it when the two are written as a range."""
    out: list[tuple[_Raw, _Raw | None]] = []
    i = 0
    while i < len(raws):
        low = raws[i]
        high = raws[i + 1] if i + 1 < len(raws) else None
        if high is not None and not low.is_date and not high.is_date and low.vague is None and high.vague is None:
            j = low.end
            while j < high.start and j - low.end < 2 and text[j] in _UNIT_CHARS:
                j += 1
            sep = _RANGE_SEP.fullmatch(text, j, high.start)
            if sep and low.percent <= high.percent:
                low_value = low.value
                if not low.scaled and high.scaled and low.value < high.value:
                    # "5至7億": the scale written once applies to both ends.
                    for _word, mult in _SCALES:
                        if high.value / mult >= low.value and math.isclose(high.value % mult, 0, abs_tol=1e-6):
                            low_value = low.value * mult
                            break
                if low_value < high.value:
                    out.append(
                        (
                            _Raw(
                                low_value,
                                low.start,
                                low.end,
                                low.percent or high.percent,
                                False,
                                scaled=low.scaled or high.scaled,
                            ),
                            high,
                        )
                    )
                    i += 2
                    continue
        out.append((low, None))
        i += 1
    return out


def read_figures(text: object) -> list[Figure]:
    """All figures written in ``text``, in order of appearance; ``[]`` for anything unreadable."""
    if not isinstance(text, str) or not text:
        return []
    try:
        return _read(text)
    except (ValueError, ArithmeticError, IndexError, OverflowError):  # pragma: no cover - defensive
        return []


def _read(original: str) -> list[Figure]:
    text = original.translate(_WIDE)
    figures: list[Figure] = []
    floor = 0
    for low, high in _join_ranges(text, _raw_numbers(text)):
        end = high.end if high else low.end
        shown = original[low.start : end]
        if low.is_date:
            figures.append(Figure(low.value, None, "exact", shown, low.start, end, is_date=True))
            floor = end
            continue
        value_max: float | None = None
        marker = ""
        if high is not None:
            qualifier, value_max, marker = "range", high.value, "range"
        elif low.vague is not None:
            value_max = low.vague[1]
            qualifier = "range" if value_max is not None else "lower_bound"
            marker = shown
        else:
            qualifier = "exact"
        if qualifier == "exact":
            found = _prefix_qualifier(text, low.start, floor) or _suffix_qualifier(text, end)
            if found:
                qualifier, marker = found
        elif qualifier == "range" and low.vague is None:
            # "約50億－70億" stays a range; the qualifier of a range is its range.
            pass
        elif low.vague is not None and value_max is not None:
            suffix = _suffix_qualifier(text, end)
            if suffix and suffix[0] == "lower_bound":
                qualifier, value_max, marker = "lower_bound", None, shown + suffix[1]
        figures.append(
            Figure(
                low.value,
                value_max,
                qualifier,
                shown,
                low.start,
                end,
                is_percent=low.percent or bool(high and high.percent),
                marker=marker,
            )
        )
        floor = end
    return figures
