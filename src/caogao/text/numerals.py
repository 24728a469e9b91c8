"""Chinese numerals both ways, as report ordinals write them: 一, 十, 十二, 一百零五, 一万.

Headings (一、 （二）), enumerations (三是) and counts (以下四方面) all use these
words; drafting writes them, checking and parsing read them back, through this
one module so that what is written is what is read.
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}


def _below_10000(n: int) -> str:
    """1–9999 in full: 一十 and not 十, so that it can follow a 万 or 亿."""
    out, zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += DIGITS[digit] + name
            zero = False
        elif out:
            zero = True
    return out


def _full(n: int) -> str:
    """1 and up, every digit written: 一十 and not 十, as after 百, 万 or 亿."""
    for value, name in ((100_000_000, "亿"), (10_000, "万")):
        if n >= value:
            high, low = divmod(n, value)
            gap = "零" if low and low < value // 10 else ""
            return _full(high) + name + gap + (_full(low) if low else "")
    return _below_10000(n)


def to_chinese(n: int) -> str:
    """A count or ordinal in Chinese: 0 → 零, 10 → 十, 12 → 十二, 105 → 一百零五, 10000 → 一万.

    A leading 一十 is said 十 (十二, 十万), as headings and counts write it."""
    if n < 0:
        raise ValueError(f"no Chinese numeral for a negative number: {n}")
    if n == 0:
        return DIGITS[0]
    text = _full(n)
    return text[1:] if text.startswith("一十") else text


def count_word(n: int) -> str:
    """A count before a measure word: 两 for two (两方面, 两个, 两项), else ``to_chinese``.

    二 stays for ordinals (二、, 第二, 二是) and inside larger numbers (十二, 二十)."""
    return "两" if n == 2 else to_chinese(n)


def to_int(text: str) -> int | None:
    """The value of a Chinese numeral (十二 → 12, 二十三 → 23, 一万零五 → 10005); None if
    ``text`` is not one, e.g. 一二 or 十十. 两 is not read as a numeral."""
    if not text:
        return None
    total, section, digit, last_unit, last_large = 0, 0, None, None, None
    for ch in text:
        if ch == "零":
            if digit is not None:
                return None
            continue
        if ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS.index(ch)
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif ch in _LARGE_UNITS:
            unit = _LARGE_UNITS[ch]
            if unit == last_large:
                return None
            value = section + (digit or 0)
            if value == 0 and total == 0:
                return None
            total = (total + value) * unit if unit > 10_000 or total == 0 else total + value * unit
            section, digit, last_unit, last_large = 0, None, None, unit
        else:
            return None
    return total + section + (digit or 0)
