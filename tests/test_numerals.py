"""Chinese numerals both ways: what drafting writes is what checking and parsing read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caogao.text.numerals import to_chinese, to_int

WRITTEN = [(0, "零"), (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"),
           (99, "九十九"), (100, "一百"), (105, "一百零五"), (110, "一百一十"), (1000, "一千"),
           (1001, "一千零一"), (1010, "一千零一十"), (9999, "九千九百九十九"), (10_000, "一万"),
           (10_005, "一万零五"), (10_010, "一万零一十"), (11_000, "一万一千"), (100_000, "十万"),
           (150_000, "十五万"), (1_010_101, "一百零一万零一百零一"), (100_000_000, "一亿"),
           (100_010_000, "一亿零一万"), (123_456_789, "一亿二千三百四十五万六千七百八十九")]


@pytest.mark.parametrize("n, text", WRITTEN)
def test_counts_and_ordinals_are_written_as_reports_write_them(n, text):
    assert to_chinese(n) == text


@pytest.mark.parametrize("n, text", WRITTEN)
def test_what_is_written_is_read_back(n, text):
    assert to_int(text) == n


def test_any_count_has_a_numeral():
    # ten thousand sections: 一万, not an IndexError
    assert [to_chinese(n) for n in range(1, 10_001)][-1] == "一万"


@given(st.integers(min_value=0, max_value=10**12))
def test_round_trip(n):
    assert to_int(to_chinese(n)) == n


@pytest.mark.parametrize("text", ["", "一二", "十十", "百千", "一万万", "二十三四", "abc", "3", "两", "两百"])
def test_what_is_not_a_numeral_reads_as_none(text):
    assert to_int(text) is None


def test_negative_numbers_have_no_numeral():
    with pytest.raises(ValueError):
        to_chinese(-1)


@pytest.mark.parametrize("n, word", [(1, "一"), (2, "两"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (22, "二十二")])
def test_a_count_says_liang_for_two_and_er_inside_larger_numbers(n, word):
    from caogao.text.numerals import count_word

    assert count_word(n) == word
