"""The number reader on real phrases from the sources, and on arbitrary text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cnaccel.numbers import format_number, read_figure, read_figures
from cnaccel.periods import read_printed_date


def figures(text):
    return [(f.value, f.value_max, f.qualifier) for f in read_figures(text) if not f.is_date]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("171億美元", [(1.71e10, None, "exact")]),
        ("270萬張", [(2.7e6, None, "exact")]),
        ("4,347.82%", [(4347.82, None, "exact")]),
        ("28.81 億元", [(2.881e9, None, "exact")]),
        ("５０億－７０億元", [(5e9, 7e9, "range")]),
        ("上百家", [(100, None, "lower_bound")]),
        ("萬卡以上", [(1e4, None, "lower_bound")]),
        ("數十億", [(1e9, 1e10, "range")]),
        ("1,595.88", [(1595.88, None, "exact")]),
        ("US$17.1 billion", [(1.71e10, None, "exact")]),
        ("HK$5.58 billion", [(5.58e9, None, "exact")]),
        ("9,489,974,831.12", [(9489974831.12, None, "exact")]),
        ("去年全國的加速卡出貨量超過270萬張", [(2.7e6, None, "lower_bound")]),
        ("上半年的出貨規模,已達到超過190萬張", [(1.9e6, None, "lower_bound")]),
        ("國內品牌合計約占該市場的35%", [(35, None, "approx")]),
        ("公司至今融資總額已超15億元", [(1.5e9, None, "lower_bound")]),
        ("這款芯片的性能為H100的60%左右", [(60, None, "approx")]),
        ("將來剩下兩到三家大廠", [(2, 3, "range")]),
        ("每單從幾十卡到萬卡以上不等", [(10, 100, "range"), (1e4, None, "lower_bound")]),
        ("預計全年營收60億至70億元", [(6e9, 7e9, "range")]),
        ("收入為人民幣14.5億元到15.2億元,增幅230.7%到246.6%", [(1.45e9, 1.52e9, "range"), (230.7, 246.6, "range")]),
        ("去年同期為6476.53萬元,今年增長4347.82%", [(64765300, None, "exact"), (4347.82, None, "exact")]),
        ("中標訂單規模達十億級", [(1e9, None, "approx")]),
        ("募资近80亿元", [(8e9, None, "approx")]),
        ("about 2.2 million cards, 55% share", [(2.2e6, None, "approx"), (55, None, "exact")]),
        ("more than 1.65 million cards", [(1.65e6, None, "lower_bound")]),
        ("over ¥1 billion", [(1e9, None, "lower_bound")]),
        ("不到5%", [(5, None, "upper_bound")]),
        ("每股定價在17.00至19.60港元之間", [(17.0, 19.6, "range")]),
        ("5至7億", [(5e8, 7e8, "range")]),
        ("一千二百萬", [(1.2e7, None, "exact")]),
        ("兩萬億", [(2e12, None, "exact")]),
    ],
)
def test_real_phrases(text, expected):
    got = figures(text)
    assert len(got) == len(expected), got
    for (value, value_max, qualifier), (want, want_max, want_q) in zip(got, expected, strict=True):
        assert value == pytest.approx(want, rel=1e-12)
        assert (value_max is None and want_max is None) or value_max == pytest.approx(want_max, rel=1e-12)
        assert qualifier == want_q


@pytest.mark.parametrize(
    "text",
    [
        "H100",
        "昇騰910C",
        "DeepSeek-V3",
        "MCCX D800 X1",
        "166L和166M",
        "950PR",
        "一二梯隊",
        "2024年",
        "8月末",
        "2025-08-28",
    ],
)
def test_names_and_dates_are_not_figures(text):
    assert figures(text) == []


def test_dates_are_marked():
    found = read_figures("2025年8月28日收盤1,587.91元")
    assert [f.is_date for f in found] == [True, True, True, False]
    assert found[-1].value == 1587.91


def test_positions_and_text_point_into_the_original():
    text = "本期收入為 28.81 億元，同比增長 4,347.82%"
    for figure in read_figures(text):
        assert text[figure.start : figure.end] == figure.text


def test_never_raises_on_arbitrary_text():
    rng = random.Random(20251217)
    alphabet = "0123456789０１２３４５６７８９.,%－-~至到億亿萬万千百十一二兩三約超過以上左右 abcxyzHQ年月日$¥\n\t,，。"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for figure in read_figures(text):
            assert figure.qualifier in {"exact", "approx", "lower_bound", "upper_bound", "range"}
    for weird in [None, 42, b"bytes", "", "\x00\x01", "9" * 500, "億" * 50, "%" * 10]:
        read_figures(weird)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.71e11, "1.71e11"),
        (1.71e10, "1.71e10"),
        (35, "35"),
        (4347.82, "4347.82"),
        (None, "nothing"),
        (float("inf"), "infinity"),
        (float("-inf"), "-infinity"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


# --- One curated figure: read_figure -------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "value", "value_max", "qualifier"),
    [
        ("5千萬", 5e7, None, "exact"),
        ("3百萬", 3e6, None, "exact"),
        ("2十萬元", 2e5, None, "exact"),
        ("一百零五", 105, None, "exact"),
        ("一千零五十萬", 1.05e7, None, "exact"),
        ("年減24%", -24, None, "exact"),
        ("同比-12.5%", -12.5, None, "exact"),
        ("虧損5.3億元", -5.3e8, None, "exact"),
        ("净亏损5.536亿元", -5.536e8, None, "exact"),
        ("下降3个百分点", -3, None, "exact"),
        ("fell 24.5%", -24.5, None, "exact"),
        ("降至50%", 50, None, "exact"),  # the level reached, not a change
        ("亏损9.5亿至10.6亿元", -1.06e9, -9.5e8, "range"),
        ("3.5 billion yuan to as much as 5 billion yuan", 3.5e9, 5e9, "range"),
        ("百分之三十", 30, None, "exact"),
        ("約七成", 70, None, "approx"),
        ("超過270萬張", 2.7e6, None, "lower_bound"),
        ("+45.21%", 45.21, None, "exact"),
        ("分别为-18.39亿元、-16.73亿元", -1.673e9, None, "exact"),  # a list is printed for its last item
        ("凈虧損分別高達14.74億元、17.44億元", -1.744e9, None, "exact"),
        ("约为人民币1.89亿元、2.89亿元", 2.89e8, None, "approx"),
    ],
)
def test_read_figure_crafted(figure, value, value_max, qualifier):
    reading = read_figure(figure)
    assert reading is not None and reading.numbers == 1
    assert reading.value == pytest.approx(value, rel=1e-12)
    assert (reading.value_max is None and value_max is None) or reading.value_max == pytest.approx(value_max)
    assert reading.qualifier == qualifier


@pytest.mark.parametrize(
    ("figure", "currency", "counts", "percent", "points"),
    [
        ("171億美元", "USD", False, False, False),
        ("US$17.1 billion", "USD", False, False, False),
        ("HK$5.58 billion", "HKD", False, False, False),
        ("19.60港元", "HKD", False, False, False),
        ("人民幣14.5億元", "CNY", False, False, False),
        ("144.6元", "CNY/HKD", False, False, False),  # a bare 元: renminbi, or Hong Kong dollars in Hong Kong's press
        ("超過270萬張", "", True, False, False),
        ("30萬顆", "", True, False, False),
        ("约70%", "", False, True, False),
        ("1.2个百分点", "", False, False, True),
    ],
)
def test_read_figure_units(figure, currency, counts, percent, points):
    reading = read_figure(figure)
    assert (reading.currency, reading.counts, reading.percent, reading.points) == (currency, counts, percent, points)


def test_two_numbers_that_are_no_list():
    assert read_figure("171億美元 55%").numbers == 2


def test_every_figure_in_the_data_reads_back_as_its_row():
    """The real table: every stated fact's printed figure gives its value, sign and qualifier."""
    import csv

    from cnaccel.checks.figures import _expected

    root = Path(__file__).resolve().parents[1]
    with open(root / "data" / "metrics.csv", encoding="utf-8") as fh:
        losses = {r["metric_id"] for r in csv.DictReader(fh) if r["measures_loss"] == "true"}
    with open(root / "data" / "facts.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["derivation"] == "stated" and r["assessment"] != "superseded"]
    assert len(rows) > 500
    for row in rows:
        reading = read_figure(row["figure"])
        value, value_max = _expected(reading, row["metric_id"] in losses)
        assert value == pytest.approx(float(row["value"]), rel=1e-9), row["fact_id"]
        want_max = float(row["value_max"]) if row["value_max"] else None
        assert (value_max is None) == (want_max is None), row["fact_id"]
        assert reading.qualifier == row["qualifier"], row["fact_id"]


# --- Properties ---------------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
CLAIM_TABLES = ("facts", "events", "relations")
st = hypothesis.strategies

CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """n (0 < n < 10**8) in Chinese numerals with 零 for empty places, as printed: 一百零五, 三千零二十萬."""

    def below_10k(k: int) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            digit = k // size % 10
            if digit:
                out += ("零" if zero and out else "") + CN_DIGITS[digit] + unit
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10**4)
    text = below_10k(high) + "萬" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + below_10k(low)
    return text


@hypothesis.given(st.integers(min_value=1, max_value=10**8 - 1))
def test_chinese_numerals_read_back(n):
    assert read_figure(chinese_numeral(n)).value == n


@hypothesis.given(
    st.integers(min_value=1, max_value=999_999),
    st.sampled_from([("", 1), ("萬", 10**4), ("億", 10**8), ("千萬", 10**7), ("百萬", 10**6), (" million", 10**6)]),
    st.sampled_from(["", "約", "超過"]),
    st.booleans(),
)
def test_arabic_figures_with_scale_and_sign_read_back(n, scale, qualifier, negative):
    word, size = scale
    digits = f"{n / 100:,.2f}"
    figure = f"{'虧損' if negative else ''}{qualifier}{digits}{word}元"
    reading = read_figure(figure)
    expected = float(digits.replace(",", "")) * size * (-1 if negative else 1)
    assert reading.value == pytest.approx(expected, rel=1e-12)
    assert reading.qualifier == {"": "exact", "約": "approx", "超過": "lower_bound"}[qualifier]


@hypothesis.given(st.text(max_size=200))
@hypothesis.settings(max_examples=500)
def test_read_figure_never_raises(text):
    reading = read_figure(text)
    assert reading is None or reading.qualifier in {"exact", "approx", "lower_bound", "upper_bound", "range"}
    read_printed_date(text)


@hypothesis.given(st.text(max_size=60), st.text(max_size=30), st.sampled_from(["facts", "events", "relations"]))
@hypothesis.settings(max_examples=300, deadline=None)
def test_figure_checks_never_raise(figure, value, table):
    """The provenance and figures checks report any figure as a problem, never as a traceback."""
    from cnaccel.checks import figures, provenance
    from conftest import tiny_package

    key = {"facts": "fact_id", "events": "event_id", "relations": "relation_id"}[table]
    cells = {key: "X0001", "figure": figure, "value": value, "date": value, "unit_id": "USD", "source_id": "s",
             "assessment": "corroborated", "evidence_ids": figure, "derivation": "stated"}  # fmt: skip
    package = tiny_package({"sources": [{"source_id": "s", "lineage": "s"}], table: [cells]})
    for problem in provenance.check(package) + figures.check(package):
        assert problem.file == f"data/{table}.csv" and problem.row == 2 and problem.code


@hypothesis.given(
    st.sampled_from(["", "約", "超過", "不到", "-", "+", "虧損", "年減", "US$", "HK$", "近"]),
    st.one_of(st.integers(0, 10**9).map(str), st.decimals(0, 10**6, places=2).map(str)),
    st.sampled_from(["", "万", "萬", "亿", "億", "千萬", "百万", " million", " billion", "%", "千", "年"]),
    st.sampled_from(["", "元", "美元", "港元", "張", "家", "%", "倍", "个百分点", "月"]),
)
@hypothesis.settings(max_examples=400, deadline=None)
def test_reading_by_shape_gives_the_full_reading(lead, number, scale, unit):
    """A figure read through its shape (its digits replaced by 1) reads as the full reader reads it."""
    from dataclasses import replace

    from cnaccel.numbers import _read_figure

    figure = f"{lead}{number}{scale}{unit}"
    fast, full = read_figure(figure), _read_figure(figure)
    assert (fast is None) == (full is None)
    if fast is not None:
        assert replace(fast, value=0.0) == replace(full, value=0.0)
        assert fast.value == pytest.approx(full.value, rel=1e-12, abs=1e-12)


def test_a_run_of_chinese_numerals_too_long_for_a_numeral_is_no_number():
    """Reading stays linear: 億 repeated is refused as a numeral instead of multiplied out."""
    from cnaccel.numbers import CN_MAX, _parse_cn

    assert _parse_cn("九千九百九十九萬九千九百九十九") == 99_999_999
    assert _parse_cn("億" * (CN_MAX + 1)) is None
    assert read_figure("億" * 10_000) is None
