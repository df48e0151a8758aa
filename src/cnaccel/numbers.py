"""Read the figures written in a text, with the words that qualify them and their sign.

The validator uses this (:func:`read_figure`) to prove that a fact's ``value``, ``value_max``,
``qualifier``, sign and unit are what its printed figure says.  It reads Arabic and Chinese
numerals in both scripts (零 inside them too), the scale words 千萬/百萬/十萬, 萬/万, 億/亿,
萬億/万亿, 千, 百, 成 (tenths), "thousand", "million", "billion", "trillion" ("bn", "mn"),
German "Millionen"/"Milliarden" and Hindi "लाख", English number words (zero to twelve, "one
million"), percent signs and "percent", thousands separators, full-width digits
and punctuation, ranges ("50億－70億", "14.5億元到15.2億元", "3.5 billion yuan to as much as
5 billion"), vague magnitudes (數十, 幾十, 上百, 數百, 上千, ...) and qualifier words before or
after a figure (超過, 逾, 以上, 約, 左右, 不到, 最多, "more than", "about", "as many as", ...).

It never raises on text: whatever it cannot read, it leaves out.  Numbers that are part of a
name (H100, 910C, DeepSeek-V3) and parts of dates (2024年, 8月, 28日, 2025-08-28) are
returned with ``is_date`` or not at all, so they never pass for a figure.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

__all__ = ["Figure", "FigureReading", "format_number", "read_figure", "read_figures"]

# fmt: off
# Full-width and small-form digits and punctuation to ASCII, one character for one, so positions are kept.
_WIDE = str.maketrans("０１２３４５６７８９．，％－～＋：　﹒﹐", "0123456789.,%-~+: .,")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8}

# Scale words after a number, longest first.  成 is tenths: 8成 is 80 percent.
_SCALES = [
    ("萬億", 10**12), ("万亿", 10**12), ("千億", 10**11), ("千亿", 10**11), ("百億", 10**10), ("百亿", 10**10),
    ("十億", 10**9), ("十亿", 10**9), ("億", 10**8), ("亿", 10**8), ("千萬", 10**7), ("千万", 10**7),
    ("百萬", 10**6), ("百万", 10**6), ("十萬", 10**5), ("十万", 10**5), ("萬", 10**4), ("万", 10**4),
    ("千", 10**3), ("百", 10**2),
    (" trillion", 10**12), (" billion", 10**9), (" million", 10**6), (" thousand", 10**3),
    ("trillion", 10**12), ("billion", 10**9), ("million", 10**6), ("thousand", 10**3),
    (" Milliarden", 10**9), (" Millionen", 10**6), (" लाख", 10**5),
    (" bn", 10**9), ("bn", 10**9), (" mn", 10**6), ("mn", 10**6),
]
_TENTHS = "成"
_EN_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a hundred": 100}
_EN_WORD = re.compile(r"(?i)\b(" + "|".join(sorted(_EN_WORDS, key=len, reverse=True)) + r")\b")
_PERCENT_WORDS = (" percent", " per cent", "%", " Prozent")

# Vague magnitudes: word -> (low, high or None for "and more").
_VAGUE = {
    "數十": (10, 100), "数十": (10, 100), "幾十": (10, 100), "几十": (10, 100),
    "上百": (100, None), "數百": (100, 1000), "数百": (100, 1000), "幾百": (100, 1000), "几百": (100, 1000),
    "上千": (1000, None), "數千": (1000, 10**4), "数千": (1000, 10**4), "幾千": (1000, 10**4), "几千": (1000, 10**4),
    "上萬": (10**4, None), "上万": (10**4, None), "數萬": (10**4, 10**5), "数万": (10**4, 10**5),
    "幾萬": (10**4, 10**5), "几万": (10**4, 10**5),
}

# Qualifier words.  Prefix words may stand anywhere in the clause before the figure (within a
# window); "adjacent" words only right before it (a currency may come between); suffix words
# right after its unit.  Where two words end at the same place the longer wins (不超過 over 超過).
_PREFIX = [
    ("lower_bound", ["超過", "超过", "超出", "逾", "突破", "不少於", "不少于", "至少", "多於", "多于",
                     "more than", "over ", "at least", "above ", "exceeding", "exceed ", "exceeds ",
                     "in excess of", "upwards of", "mehr als", "über "]),
    ("upper_bound", ["不到", "不足", "少於", "少于", "低於", "低于", "未滿", "未满", "不超過", "不超过",
                     "最多", "至多", "less than", "fewer than", "under ", "below ", "up to", "as many as",
                     "as much as", "at most", "weniger als"]),
    ("approx", ["約", "约", "大約", "大约", "接近", "將近", "将近", "近", "about", "around", "approximately",
                "roughly", "nearly", "almost", "some ", "close to", "~", "fast ", "rund ", "etwa ", "लगभग"]),
]
_ADJACENT = [("lower_bound", ["超"])]
_SUFFIX = [
    ("lower_bound", ["以上", "多", "餘", "余", "+", " plus", " or more", " से अधिक", " से ज्यादा"]),
    ("upper_bound", ["以下", "以內", "以内", " or less", " or fewer"]),
    ("approx", ["左右", "上下", "許", "许", "級", "级"]),
]
# Units and words that may stand between a figure and its suffix qualifier ("15億元以上").
_UNIT_CHARS = set("元美港币幣人民張张卡家台臺套颗顆枚片股倍個个位名款億亿萬万%")
_CURRENCY = r"(?:US\$|HK\$|NT\$|RMB|CNY|USD|HKD|¥|\$|人民幣|人民币|港元|港幣|港币|美元)"
# What may join the two ends of a range: a unit after the first end, a separator, a softener, a currency.
_RANGE_JOIN = re.compile(
    r"\s*(?:[元%]|港元|美元|億元|亿元|萬元|万元|\s?(?:yuan|dollars|US dollars|HK dollars|percent))?\s*"
    r"(?:[-~–—至到]|to(?=\s))\s*(?:as (?:much|many|high) as\s+|about\s+|around\s+)?" + _CURRENCY + r"?\s*"
)
_CLAUSE_END = set("，,。；;：:！？!?\n（()）「」『』【】《》\"“”")
_LIST_JOIN = re.compile(r"\s*(?:[元%]|港元|美元|亿元|億元|萬元|万元)?\s*(?:、|和|及|與|与)\s*" + _CURRENCY + r"?\s*$")
_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_CN_RUN = re.compile(r"[零〇一二兩两三四五六七八九十百千萬万億亿]+")
_DATE_AFTER = re.compile(
    r"\s*(\s*[-至到~]\s*\d{4}\s*年|年|月|日|号|號|財年|财年|年度|季|上半年|下半年|前三季|H[12]\b|Q[1-4]\b)"
)
_ISO_DATE = re.compile(r"(?<!\d)(?:\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}-\d{2}(?![\d-]))")
# Units glued to a number that still make it a figure (800TFLOPS, 144GB, 5nm, 3x).
_GLUED_UNITS = re.compile(r"(?i)(tflops|pflops|tops|gb|tb|mb|nm|bn|mn|x)(?![a-z])")
# Letters before a number that are a currency, not a model name (CNY21 billion, HKD125.80).
_CURRENCY_LETTERS = {"CNY", "USD", "HKD", "RMB", "US", "HK", "NT", "EUR", "JPY"}
# fmt: on


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


def format_number(value: float | None) -> str:
    """Short, exact-looking text for a number in a message: 1.71e10, 35, 4347.82."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nothing"
    if value == 0:
        return "0"
    if math.isinf(value):  # "inf" has no exponent to split
        return "infinity" if value > 0 else "-infinity"
    if abs(value) >= 1e6:
        mantissa, exponent = f"{value:.10e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.10f}".rstrip("0").rstrip(".")


CN_MAX = 24


def _parse_cn(run: str) -> float | None:
    """Value of a Chinese numeral string such as 二十七, 十億, 一百二十萬; None if it is not one.

    A run longer than :data:`CN_MAX` characters is no numeral anyone prints (九千九百九十九萬九千九百
    九十九 has 15), and refusing it keeps reading linear: each 億 of a long run would multiply an
    ever larger integer."""
    if not run or len(run) > CN_MAX:
        return None
    if any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_BIG for ch in run):
        return None
    total = 0
    section = 0
    digit: int | None = None
    last_big = math.inf
    for i, ch in enumerate(run):
        if ch in "零〇" and digit is None and i > 0 and run[i - 1] not in _CN_DIGITS:
            continue  # 一百零五: 零 holds an empty place between 百 and 五
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
            if section == 0 and total == 0:
                section = 1  # 萬 or 億 alone
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
                continue  # "bnx" is not a scale
            return mult, len(word)
    return 1, 0


def _is_name_part(text: str, start: int, end: int) -> bool:
    """True when the digits belong to a name or model number (H100, 910C, V3, MLU370)."""
    before = text[start - 1] if start > 0 else ""
    if before.isascii() and before.isalpha():
        letters = re.search(r"[A-Za-z]+$", text[:start])
        return not (letters and letters.group(0) in _CURRENCY_LETTERS)
    if before == "-" and start > 1 and text[start - 2].isascii() and text[start - 2].isalpha():
        return True
    after = text[end] if end < len(text) else ""
    if after.isascii() and after.isalpha():
        return _GLUED_UNITS.match(text, end) is None
    return False


def _percent_after(text: str, pos: int) -> int:
    for word in _PERCENT_WORDS:
        if text.startswith(word, pos):
            return len(word)
    return 0


@dataclass
class _Raw:
    value: float
    start: int
    end: int
    percent: bool
    is_date: bool
    vague: tuple[float, float | None] | None = None
    scale: int = 1


def _mark(taken: list[bool], start: int, end: int) -> None:
    for i in range(start, end):
        taken[i] = True


def _finish(text: str, value: Decimal | float, start: int, end: int, is_date: bool) -> _Raw:
    """A number with the scale word, tenths or percent sign written after it."""
    mult, length = _scale_after(text, end)
    end += length
    percent = False
    if text.startswith(_TENTHS, end) and mult == 1:
        return _Raw(float(Decimal(str(value)) * 10), start, end + 1, True, False)
    plen = _percent_after(text, end)
    if plen:
        percent, end = True, end + plen
    return _Raw(float(Decimal(str(value)) * mult), start, end, percent, is_date and length == 0, scale=mult)


def _raw_numbers(text: str) -> list[_Raw]:
    found: list[_Raw] = []
    taken = [False] * (len(text) + 1)
    for m in _ISO_DATE.finditer(text):
        found.append(_Raw(float(m.group(0)[:4]), m.start(), m.end(), False, True))
        _mark(taken, m.start(), m.end())
    for word, (low, high) in _VAGUE.items():
        for m in re.finditer(re.escape(word), text):
            if any(taken[m.start() : m.end()]):
                continue
            mult, length = _scale_after(text, m.end())
            end = m.end() + length
            found.append(
                _Raw(low * mult, m.start(), end, False, False, (low * mult, None if high is None else high * mult))
            )
            _mark(taken, m.start(), end)
    for m in _ARABIC.finditer(text):
        start, end = m.span()
        if any(taken[start:end]) or _is_name_part(text, start, end):
            continue
        digits = Decimal(m.group(0).replace(",", ""))
        is_date = bool(_DATE_AFTER.match(text, end)) and "." not in m.group(0)
        raw = _finish(text, digits, start, end, is_date)
        found.append(raw)
        _mark(taken, start, raw.end)
    for m in _EN_WORD.finditer(text):
        start, end = m.span()
        if any(taken[start:end]):
            continue
        raw = _finish(text, _EN_WORDS[m.group(1).lower()], start, end, False)
        found.append(raw)
        _mark(taken, start, raw.end)
    for m in _CN_RUN.finditer(text):
        start, end = m.span()
        run = m.group(0)
        if run.endswith("百") and text.startswith("分", end):
            run, end = run[:-1], end - 1  # 百分点, 百分之: percent words, not a hundred
        if not run or any(taken[start:end]):
            continue
        value = _parse_cn(run)
        if value is None:
            continue
        is_date = (start > 0 and text[start - 1] == "第") or bool(_DATE_AFTER.match(text, end))
        if text.startswith(_TENTHS, end):
            found.append(_Raw(value * 10, start, end + 1, True, is_date))
            continue
        percent = text.startswith("%", end)
        if text[max(0, start - 3) : start] == "百分之":
            percent, start = True, start - 3
        scale = max((_CN_BIG[ch] for ch in run if ch in _CN_BIG), default=1)
        found.append(_Raw(value, start, end + (1 if percent else 0), percent, is_date, scale=scale))
    found.sort(key=lambda r: r.start)
    return found


def _clause_start(text: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _prefix_qualifier(text: str, start: int, floor: int) -> tuple[str, str] | None:
    begin = _clause_start(text, start, max(floor, start - 24))  # look back 24 characters at most
    window = text[begin:start].lower()
    best: tuple[int, int, str, str] | None = None  # (end, length, qualifier, word)
    for qualifier, words in _PREFIX:
        for word in words:
            at = window.rfind(word.lower())
            if at >= 0:
                candidate = (at + len(word.rstrip()), len(word), qualifier, word.strip())
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    stem = re.sub(_CURRENCY + r"\s*$", "", window.rstrip()).rstrip("已達达了為为 ")
    for qualifier, words in _ADJACENT:
        for word in words:
            if stem.endswith(word) and (best is None or len(stem) > best[0]):
                best = (len(stem), len(word), qualifier, word)
    return (best[2], best[3]) if best else None


def _suffix_qualifier(text: str, end: int) -> tuple[str, str] | None:
    i = end
    while i < len(text) and i - end < 5 and text[i] in _UNIT_CHARS:
        i += 1
    rest = text[i : i + 12].lower()
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
        if (
            high is not None
            and not (low.is_date or high.is_date or low.vague or high.vague)
            and _RANGE_JOIN.fullmatch(text, low.end, high.start)
            and low.percent <= high.percent
        ):
            # "5至7億": a scale written once, after the upper end, applies to both ends.
            low_value = low.value * high.scale if low.scale == 1 and high.scale > 1 else low.value
            if low_value < high.value:
                joined = _Raw(low_value, low.start, low.end, low.percent or high.percent, False, scale=high.scale)
                out.append((joined, high))
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
    previous: Figure | None = None
    for low, high in _join_ranges(text, _raw_numbers(text)):
        end = high.end if high else low.end
        shown = original[low.start : end]
        if low.is_date:
            figures.append(Figure(low.value, None, "exact", shown, low.start, end, is_date=True))
            floor, previous = end, None
            continue
        value_max: float | None = None
        marker = ""
        if high is not None:
            qualifier, value_max, marker = "range", high.value, "range"
        elif low.vague is not None:
            value_max = low.vague[1]
            qualifier = "range" if value_max is not None else "lower_bound"
            marker = shown
            suffix = _suffix_qualifier(text, end)
            if value_max is not None and suffix and suffix[0] == "lower_bound":
                qualifier, value_max, marker = "lower_bound", None, shown + suffix[1]
        else:
            qualifier = "exact"
            found = _prefix_qualifier(text, low.start, floor) or _suffix_qualifier(text, end)
            if found:
                qualifier, marker = found
            elif previous is not None and previous.qualifier != "range" and _LIST_JOIN.match(text[floor : low.start]):
                # "約1.89億元、2.89億元": a qualifier before a list holds for every item.
                qualifier, marker = previous.qualifier, previous.marker
        figure = Figure(
            low.value,
            value_max,
            qualifier,
            shown,
            low.start,
            end,
            is_percent=low.percent or bool(high and high.percent),
            marker=marker,
        )
        figures.append(figure)
        floor, previous = end, figure
    return figures


# --- One curated figure: its number, sign and unit words --------------------------------------

# Words that make the number that follows (or precedes) them negative: a loss, a fall, a decrease.
# 降至 / 跌到 / "fell to" name the level reached, not a change, and so give no sign.
_NEGATIVE = re.compile(
    r"(?i)(?:净亏损|淨虧損|亏损|虧損|亏|虧|减少|減少|下降|下滑|下跌|萎缩|萎縮|年减|年減|同比减|同比減|减|減|跌|降|负|負|"
    r"net loss|loss(?:es)?|deficit|decline[sd]?|decrease[sd]?|fell|fall(?:s|ing)?|drop(?:ped|s)?|down|lower|"
    r"negative|minus)"
    r"(?!\s*(?:了\s*)?(?:至|到|为|為|成|to\b))"
)
_MINUS = re.compile(r"(?<![\d０-９万萬亿億千百%％元])[-−－–](?=\s*[\d０-９])")
_CURRENCY_WORDS = [
    ("USD", r"美元|美金|US\$|USD|U\.S\. dollars?|(?<![A-Za-z])dollars?|(?<![A-Z$])\$"),
    ("HKD", r"港元|港币|港幣|HK\$|HKD|Hong Kong dollars?"),
    ("TWD", r"新台币|新臺幣|NT\$|TWD"),
    ("CNY", r"人民币|人民幣|RMB|CNY|(?i:yuan)|¥|￥"),
    # A bare 元 is the local currency: renminbi on the mainland, Hong Kong dollars in Hong Kong's press.
    ("CNY/HKD", r"(?<![美港台])元"),
]
_COUNT_WORDS = r"张|張|片|颗|顆|块|塊|枚|(?<![A-Za-z])(?i:cards?|chips?|units?|GPUs?)(?![A-Za-z])"
_POINT_WORDS = r"百分点|百分點|(?i:percentage points?|(?<![A-Za-z])pp(?![A-Za-z]))"
_MULTIPLE_WORDS = r"倍|(?i:times)(?![A-Za-z])|(?<=\d)[xX×](?![A-Za-z])"


_LIST_ITEM_JOIN = re.compile(
    r"\s*(?:[元%]|港元|美元|亿元|億元|萬元|万元|亿美元|億美元)?\s*(?:、|和|及|與|与|,|and)\s*"
    + _CURRENCY
    + r"?\s*[-−]?\s*"
)


@dataclass(frozen=True)
class FigureReading:
    """What a curated figure (``超過270萬張``, ``年減24%``, ``US$17.1 billion``) says.

    ``value`` and ``value_max`` carry the sign the figure's words give; ``currency`` is the ISO
    code of a currency word in it, ``CNY/HKD`` for a bare 元 (or ""), ``counts`` whether it has a
    counting word (張, cards), ``percent`` and ``points`` whether it is a percentage or percentage
    points."""

    value: float
    value_max: float | None
    qualifier: str
    negative: bool
    currency: str
    counts: bool
    percent: bool
    points: bool
    multiple: bool
    numbers: int


def _currency_of(text: str) -> str:
    for code, pattern in _CURRENCY_WORDS:
        if re.search(pattern, text):
            return code
    return ""


# A figure with one run of ASCII digits (no comma, not a year) is read through its shape: the
# figure with that run replaced by 1. When the shape reads as a single number that scales with
# the run (1 and 7 give value and 7 times value), the figure's reading is the shape's scaled by
# the run: a million figures of a few hundred shapes cost a few hundred full readings.
_ONE_RUN = re.compile(r"^([^0-9]*?)([0-9]+(?:\.[0-9]+)?)([^0-9]*)$")
_NOT_SHAPED = re.compile(r"[,，.．0-9０-９零〇一二三四五六七八九十兩两]")


def read_figure(figure: object) -> FigureReading | None:
    """The reading of one figure as printed, or None when it holds no readable number.

    A figure holds one number or one range; dates inside it are passed over.  ``numbers`` says
    how many separate numbers were read, so that a caller can refuse a figure that holds two."""
    if not isinstance(figure, str) or not figure.strip():
        return None
    shaped = _ONE_RUN.match(figure)
    if shaped and not (len(shaped[2]) == 4 and shaped[2][:2] in ("19", "20")):
        lead, run, tail = shaped.groups()
        if not _NOT_SHAPED.search(lead[-1:] + tail[:1]) and not _NOT_SHAPED.search(lead + tail):
            unit = _shape_reading(lead, tail)
            if unit is not None:
                scaled = object.__new__(FigureReading)  # a copy with another value, without replace()'s cost
                scaled.__dict__.update(unit.__dict__, value=unit.value * float(run))
                return scaled
    return _read_figure(figure)


@lru_cache(maxsize=4096)
def _shape_reading(lead: str, tail: str) -> FigureReading | None:
    """The reading of ``lead 1 tail``, when the shape scales with its number (else None)."""
    one, seven = _read_figure(f"{lead}1{tail}"), _read_figure(f"{lead}7{tail}")
    if one is None or seven is None or one.value_max is not None or one.numbers != 1:
        return None
    if replace(seven, value=one.value) != one or seven.value != 7 * one.value:
        return None
    return one


def _read_figure(figure: str) -> FigureReading | None:
    try:
        found = [f for f in read_figures(figure) if not f.is_date]
    except Exception:  # pragma: no cover - read_figures never raises; a reading must not either
        return None
    if not found:
        return None
    listed = len(found) > 1 and all(
        _LIST_ITEM_JOIN.fullmatch(figure.translate(_WIDE), a.end, b.start) for a, b in itertools.pairwise(found)
    )
    # A list (分别为-18.39亿元、-16.73亿元) is printed for its last item, whose lead words it shares.
    first = found[-1] if listed else found[0]
    negative = bool(_NEGATIVE.search(figure) or _MINUS.search(figure))
    sign = -1.0 if negative else 1.0
    value, value_max = first.value * sign, (None if first.value_max is None else first.value_max * sign)
    if value_max is not None and value_max < value:
        value, value_max = value_max, value
    return FigureReading(
        value=value,
        value_max=value_max,
        qualifier=first.qualifier,
        negative=negative,
        currency=_currency_of(figure),
        counts=bool(re.search(_COUNT_WORDS, figure)),
        percent=first.is_percent,
        points=bool(re.search(_POINT_WORDS, figure)),
        multiple=bool(re.search(_MULTIPLE_WORDS, figure)),
        numbers=1 if listed else len(found),
    )
