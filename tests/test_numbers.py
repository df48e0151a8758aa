"""The number reader on real phrases from the sources, and on arbitrary text."""

from __future__ import annotations

import random

import pytest

from cnaccel.numbers import format_number, read_figures


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
        ("2024年中國加速芯片的市場規模超過270萬張", [(2.7e6, None, "lower_bound")]),
        ("2025上半年,中國加速芯片市場規模達到超過190萬張", [(1.9e6, None, "lower_bound")]),
        ("本土芯片品牌約占整個市場份額的35%", [(35, None, "approx")]),
        ("截至今年9月累計融資已超15億元", [(1.5e9, None, "lower_bound")]),
        ("華為昇騰910C性能已經達到英偉達H100的60%左右", [(60, None, "approx")]),
        ("最終市場會收斂到兩到三家頭部企業", [(2, 3, "range")]),
        ("交付規模從幾十卡到萬卡以上", [(10, 100, "range"), (1e4, None, "lower_bound")]),
        ("預計全年營收60億至70億元", [(6e9, 7e9, "range")]),
        ("營收人民幣14.5億元到15.2億元,年增230.7%到246.6%", [(1.45e9, 1.52e9, "range"), (230.7, 246.6, "range")]),
        ("較上年同期的6476.53萬元大幅增長4347.82%", [(64765300, None, "exact"), (4347.82, None, "exact")]),
        ("中標訂單規模達十億級", [(1e9, None, "approx")]),
        ("募资近80亿元", [(8e9, None, "approx")]),
        ("about 2.2 million cards, 55% share", [(2.2e6, None, "approx"), (55, None, "exact")]),
        ("more than 1.65 million cards", [(1.65e6, None, "lower_bound")]),
        ("over ¥1 billion", [(1e9, None, "lower_bound")]),
        ("不到5%", [(5, None, "upper_bound")]),
        ("發售價區間為每股17.00至19.60港元", [(17.0, 19.6, "range")]),
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
    text = "上半年營業收入為 28.81 億元，較去年同期激增 4,347.82%"
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
    ("value", "text"), [(1.71e11, "1.71e11"), (1.71e10, "1.71e10"), (35, "35"), (4347.82, "4347.82"), (None, "nothing")]
)
def test_format_number(value, text):
    assert format_number(value) == text
