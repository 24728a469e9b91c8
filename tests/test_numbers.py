"""Chinese statistical wording as a reader of the draft sees it."""

from __future__ import annotations

import re

import math
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caogao.drafting.statwords import (
    fmt_amount,
    fmt_number,
    growth_phrase,
    indicator_clause,
    is_rate,
    target_phrase,
    wording_issues,
    yoy_percent,
)


@dataclass
class Ind:
    name: str
    unit: str
    current: float | None
    last: float | None = None
    yoy: float | None = None
    target: float | None = None


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (5230.0, None, "5230"),
        (5230, None, "5230"),
        (3.45, None, "3.45"),
        (1e15, None, "1000000000000000"),
        (1.5e-5, None, "0.000015"),
        (0.1 + 0.2, None, "0.3"),
        (-0.0, None, "0"),
        (-0.04, 1, "0.0"),
        (5, 1, "5.0"),
        (9.05, 1, "9.1"),      # half up, as statistics bureaus round
        (2.675, 2, "2.68"),
        (-3.25, 1, "-3.3"),
    ],
)
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_fmt_number_never_scientific_nor_minus_zero(x):
    text = fmt_number(x)
    assert "e" not in text.lower()
    assert text != "-0"
    assert not text.endswith(".")
    assert abs(float(text) - x) <= 1e-6 + abs(x) * 1e-15


def test_fmt_number_refuses_non_finite():
    with pytest.raises(ValueError):
        fmt_number(math.inf)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (34500, "万元", "3.45亿元"),
        (10000, "万元", "1.00亿元"),      # the threshold itself is 亿元
        (9999, "万元", "9999万元"),
        (12355, "万元", "1.24亿元"),
        (-25000, "万元", "-2.50亿元"),
        (3.45, "亿元", "3.45亿元"),        # the user wrote 亿元: kept
        (26, "亿元", "26亿元"),
        (34500, "元", "34500元"),          # only 万元 switches to 亿元
        (12, "个", "12个"),
        (3000, "亩", "3000亩"),
        (98.6, "%", "98.6%"),
        (7, "", "7"),
    ],
)
def test_fmt_amount(value, unit, expected):
    assert fmt_amount(value, unit) == expected


def test_fmt_amount_keeps_the_decimals_the_user_wrote():
    assert fmt_amount(5.0, "%", 1) == "5.0%"
    assert fmt_amount(5.0, "%") == "5%"


def test_is_rate():
    assert is_rate("%") and is_rate("％") and is_rate("‰") and is_rate(" % ")
    assert not is_rate("万元") and not is_rate("") and not is_rate(None)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (dict(current=5230, last=4800), "同比增长9.0%"),
        (dict(current=100, last=103.3), "同比下降3.2%"),
        (dict(current=100, last=100), "与上年同期持平"),
        (dict(current=100.04, last=100), "与上年同期持平"),   # 0.04% is 0.0 at one decimal
        (dict(current=105, last=100), "同比增长5.0%"),         # 5.0 kept, not 5
        (dict(current=10, yoy=9.0), "同比增长9.0%"),
        (dict(current=10, yoy=-3.2), "同比下降3.2%"),
        (dict(current=10, yoy=0), "与上年同期持平"),
        (dict(current=None, yoy=5), "同比增长5.0%"),
        (dict(current=10, last=4800, yoy=99), "同比下降99.8%"),  # last wins when both
        (dict(current=10), ""),
        (dict(current=None, last=10), ""),
    ],
)
def test_growth_phrase_amounts(kwargs, expected):
    assert growth_phrase(kwargs.pop("current"), unit="万元", **kwargs) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (dict(current=5.1, last=3.0), "同比提高2.1个百分点"),
        (dict(current=2.6, last=2.9), "同比下降0.3个百分点"),
        (dict(current=5.0, last=5.0), "与上年同期持平"),
        (dict(current=5.0, yoy=1.5), "同比提高1.5个百分点"),   # a given 同比 of a rate is in points
        (dict(current=5.0, yoy=-0.2), "同比下降0.2个百分点"),
        (dict(current=5.0, yoy=0.0), "与上年同期持平"),
    ],
)
def test_growth_phrase_rates_are_in_percentage_points(kwargs, expected):
    phrase = growth_phrase(kwargs.pop("current"), unit="%", **kwargs)
    assert phrase == expected
    assert not phrase.endswith("%")


def test_growth_phrase_without_a_base_gives_the_amount_not_a_percentage():
    assert growth_phrase(500, last=0, unit="万元") == "同比增加500万元（上年同期为0）"
    assert growth_phrase(0, last=0, unit="万元") == "与上年同期持平"
    assert growth_phrase(5, last=-10, unit="万元") == "同比增加15万元"
    assert growth_phrase(-30, last=-10, unit="万元") == "同比减少20万元"
    assert growth_phrase(30000, last=0, unit="万元") == "同比增加3.00亿元（上年同期为0）"
    assert growth_phrase(-5000, last=4800, unit="万元") == "同比减少9800万元"   # 由盈转亏: no -204%


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.sampled_from(["万元", "%", "个", ""]),
)
def test_growth_phrase_never_signed_nor_infinite(current, last, unit):
    phrase = growth_phrase(current, last=last, unit=unit)
    assert "-" not in phrase and "inf" not in phrase and "nan" not in phrase
    assert not wording_issues(phrase)
    assert not re.search(r"(?<![\d.])0(\.0)?(%|个百分点)", phrase), phrase


def test_yoy_percent():
    assert yoy_percent(5230, 4800) == pytest.approx(8.9583, abs=1e-4)
    assert yoy_percent(90, 100) == pytest.approx(-10)
    assert yoy_percent(5, 0) is None
    assert yoy_percent(5, -3) is None
    assert yoy_percent(None, 3) is None and yoy_percent(3, None) is None


def test_target_phrase():
    assert target_phrase(5230, 10000) == "完成全年目标任务的52.3%"
    assert target_phrase(10000, 10000) == "完成全年目标任务的100.0%"
    # beyond the target: 超额完成, never 完成全年目标任务的102.6%
    assert target_phrase(71800, 70000) == "超额完成全年目标任务，为目标的102.6%"
    assert target_phrase(5230, 0) == "" and target_phrase(-50, 100) == ""
    assert target_phrase(5230, None) == "" and target_phrase(None, 100) == ""


def test_indicator_clause_full():
    ind = Ind("一般公共预算收入", "万元", 5230, last=4800, target=10000)
    assert indicator_clause(ind) == "一般公共预算收入5230万元，同比增长9.0%，完成全年目标任务的52.3%"


def test_indicator_clause_large_amount_in_yi_and_negative_growth():
    ind = Ind("固定资产投资", "万元", 18600, yoy=-3.2)
    assert indicator_clause(ind) == "固定资产投资1.86亿元，同比下降3.2%"


def test_indicator_clause_rate_states_the_target_instead_of_a_share():
    ind = Ind("城镇调查失业率", "%", 2.6, last=2.9, target=3.5)
    assert indicator_clause(ind) == "城镇调查失业率2.6%，同比下降0.3个百分点，全年目标为3.5%"


def test_indicator_clause_missing_current_is_a_placeholder_never_a_guess():
    ind = Ind("一般公共预算收入", "万元", None, last=4800, target=10000)
    clause = indicator_clause(ind)
    assert clause == "一般公共预算收入【待补充：一般公共预算收入本期数】万元"
    assert "4800" not in clause and "%" not in clause


def test_indicator_clause_keeps_written_decimals():
    ind = Ind("城乡居民养老保险参保率", "%", 98.0)
    assert indicator_clause(ind, decimals=1) == "城乡居民养老保险参保率98.0%"


@pytest.mark.parametrize(
    ("text", "found", "suggestion"),
    [
        ("税收同比增长-3.2%，", "同比增长-3.2%", "同比下降3.2%"),
        ("下降-1.5%", "下降-1.5%", "增长1.5%"),
        ("失业率提高-0.3个百分点", "提高-0.3个百分点", "下降0.3个百分点"),
        ("下降-1个百分点", "下降-1个百分点", "提高1个百分点"),
        ("同比增长0%", "同比增长0%", "与上年同期持平"),
        ("增长0.0%", "增长0.0%", "与上年同期持平"),
    ],
)
def test_wording_issues_spots_wrong_signs_and_zero_growth(text, found, suggestion):
    issues = wording_issues(text)
    assert [(i.found, i.suggestion) for i in issues] == [(found, suggestion)]
    assert text[issues[0].start:issues[0].end] == found


def test_wording_issues_leaves_right_wording_alone():
    text = "完成一般公共预算收入5230万元，同比增长9.0%，完成全年目标任务的52.3%；失业率同比下降0.3个百分点；增长10.5%；1-6月。"
    assert wording_issues(text) == []
