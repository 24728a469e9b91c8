"""Chinese statistical wording: 同比增长/下降、个百分点、完成全年目标任务的X%、亿元.

Pure functions over plain numbers, used by compose (to write the 指标段 and the
appendix table) and by check (to spot wording that a user or a pasted sentence
got wrong). Rules follow GONGWEN.md §4: never ``增长-3.2%``, never ``增长0%``,
a difference of two rates is in 个百分点, amounts of 1亿 and more in 亿元, and a
missing figure is a visible placeholder, never a guess.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import NamedTuple, Protocol

from caogao.drafting.outline import placeholder

RATE_UNITS = frozenset({"%", "％", "‰", "‱", "个百分点", "百分点"})
# Units in money: amounts may legitimately be negative (结余, 利润) and 万元
# switches to 亿元 from this many 万元 on.
YI_THRESHOLD_WAN = 10000
# Enough digits to quantize any finite float (the default 28 fails past ~1e27).
_DECIMAL = Context(prec=800)


class IndicatorLike(Protocol):
    name: str
    unit: str
    current: float | None
    last: float | None
    yoy: float | None
    target: float | None


def is_rate(unit: str | None) -> bool:
    """Whether figures in this unit are rates (a change between them is in 个百分点)."""
    return (unit or "").strip() in RATE_UNITS


def is_money(unit: str | None) -> bool:
    """Whether the unit is an amount of money (元, 万元, 亿元 …)."""
    return (unit or "").strip().endswith("元")


def round_half_up(x: float, decimals: int) -> float:
    """Round as people and statistics bureaus do (9.05 → 9.1), not banker's rounding."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP, context=_DECIMAL))


def fmt_number(x: float, decimals: int | None = None) -> str:
    """A number as a Chinese report writes it: ``5230``, ``9.0`` (when asked), ``3.45``.

    No scientific notation, no ``-0``; without ``decimals`` trailing zeros go
    (``5230.0`` → ``5230``) and float noise is cut at six decimals.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"not a number: {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x!r}")
    if decimals is not None:
        q = Decimal(1).scaleb(-decimals)
        d = Decimal(repr(float(x)) if isinstance(x, float) else x).quantize(
            q, rounding=ROUND_HALF_UP, context=_DECIMAL)
        text = f"{d:f}"
    else:
        if isinstance(x, int):
            text = str(x)
        else:
            d = Decimal(repr(x)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP, context=_DECIMAL)
            text = f"{d:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]
    return text


def fmt_amount(value: float, unit: str = "", decimals: int | None = None) -> str:
    """A figure with its unit: ``5230万元``, ``3.45亿元`` (from 34500万元), ``12个``.

    万元 amounts of 10000 and more are shown in 亿元 with two decimals; a figure
    the user already wrote in 亿元 (or any other unit) stays as written.
    ``decimals`` keeps the precision the user gave (``5.0%``).
    """
    unit = (unit or "").strip()
    if unit == "万元" and abs(value) >= YI_THRESHOLD_WAN:
        return f"{fmt_number(value / 10000, 2)}亿元"
    return f"{fmt_number(value, decimals)}{unit}"


def yoy_percent(current: float | None, last: float | None) -> float | None:
    """同比 in percent from this period and the same period last year.

    None when it cannot be a meaningful percentage: a figure is missing, or
    last year's figure is zero (no base) or negative (a percentage of a loss
    reads backwards).
    """
    if current is None or last is None or last <= 0:
        return None
    pct = (current - last) / last * 100
    return pct if math.isfinite(pct) else None


def _one_decimal(x: float) -> str:
    return fmt_number(abs(round_half_up(x, 1)), 1)


def growth_phrase(
    current: float | None,
    *,
    last: float | None = None,
    yoy: float | None = None,
    unit: str = "",
) -> str:
    """How this period compares with last year's: ``同比增长9.0%`` and friends.

    - amounts: ``同比增长9.0%`` / ``同比下降3.2%`` / ``与上年同期持平`` (one decimal);
    - rates (unit %): ``同比提高2.1个百分点`` / ``同比下降2.1个百分点``; a given
      ``yoy`` for a rate is taken to be in 个百分点;
    - last year zero or negative, or this year negative: the change as an amount (``同比增加500万元``,
      ``上年同期为0``), never a percentage of nothing;
    - nothing to compare: ``""`` (the caller leaves the clause out).
    ``last`` wins over ``yoy`` when both are given and ``current`` is known.
    """
    rate = is_rate(unit)
    if current is not None and last is not None:
        if rate:
            return _change_words(current - last, "个百分点", up="提高")
        pct = yoy_percent(current, last) if current >= 0 else None  # 由盈转亏 is an amount, not -204%
        if pct is not None:
            return _change_words(pct, "%", up="增长")
        return _amount_change(current, last, unit)
    if yoy is not None:
        if rate:
            return _change_words(yoy, "个百分点", up="提高")
        return _change_words(yoy, "%", up="增长")
    return ""


def _change_words(change: float, suffix: str, *, up: str) -> str:
    rounded = round_half_up(change, 1)
    if rounded == 0:
        return "与上年同期持平"
    verb = up if rounded > 0 else "下降"
    return f"同比{verb}{_one_decimal(rounded)}{suffix}"


def _amount_change(current: float, last: float, unit: str) -> str:
    diff = current - last
    if diff == 0:
        return "与上年同期持平"
    verb = "增加" if diff > 0 else "减少"
    words = f"同比{verb}{fmt_amount(abs(diff), unit)}"
    if last == 0:
        words += "（上年同期为0）"
    return words


def target_share(current: float | None, target: float | None) -> float | None:
    """This period's figure as a percentage of the annual target, or None."""
    if current is None or target is None or target <= 0 or current < 0:
        return None
    return current / target * 100


def target_phrase(current: float | None, target: float | None) -> str:
    """``完成全年目标任务的52.3%``; above the target ``超额完成全年目标任务，为目标的106.7%``
    (never 完成…的106.7%); ``""`` when there is no usable target."""
    share = target_share(current, target)
    if share is None:
        return ""
    shown = fmt_number(round_half_up(share, 1), 1)
    if round_half_up(share, 1) > 100:
        return f"超额完成全年目标任务，为目标的{shown}%"
    return f"完成全年目标任务的{shown}%"


def indicator_clause(ind: IndicatorLike, *, decimals: int | None = None) -> str:
    """One indicator as a clause of the 指标段.

    ``一般公共预算收入5230万元，同比增长9.0%，完成全年目标任务的52.3%``. A missing
    本期 becomes a placeholder; growth and target parts appear only when the
    facts allow them. For a rate the target is stated, not divided
    (``全年目标为60%``): a share of a rate target means nothing.
    """
    unit = (ind.unit or "").strip()
    if decimals is None:
        decimals = getattr(ind, "decimals", None)
    if ind.current is None:
        head = f"{ind.name}{placeholder(f'{ind.name}本期数')}{unit}"
    else:
        head = f"{ind.name}{fmt_amount(ind.current, unit, decimals)}"
    parts = [head]
    growth = growth_phrase(ind.current, last=ind.last, yoy=ind.yoy, unit=unit)
    if growth:
        parts.append(growth)
    if ind.target is not None:
        if is_rate(unit):
            parts.append(f"全年目标为{fmt_amount(ind.target, unit)}")
        else:
            share = target_phrase(ind.current, ind.target)
            if share:
                parts.append(share)
    return "，".join(parts)


# --- wording that check.py (and tests) can look for ---------------------------
# (patterns compiled by ``re`` when a check first uses them: a draft never does, 0.5 ms)

# 增长-3.2% / 下降-3.2% / 提高-0.5个百分点: a sign inside a verb of direction.
_SIGNED_CHANGE = r"(增长|增加|提高|上升|下降|减少|降低)\s*[-－−]\s*(\d+(?:\.\d+)?)\s*(%|％|个百分点)?"
# 增长0% / 增长0.0%: a zero change is 与上年同期持平.
_ZERO_CHANGE = r"(?:同比)?(增长|下降|提高|减少)\s*0(?:\.0+)?\s*(%|％|个百分点)"

_OPPOSITE = {"增长": "下降", "增加": "减少", "提高": "下降", "上升": "下降",
             "下降": "增长", "减少": "增加", "降低": "提高"}


class WordingIssue(NamedTuple):
    """(A named tuple: its class is made in a fifth of the time of a frozen dataclass, 0.4 ms.)"""

    start: int
    end: int
    found: str
    suggestion: str
    reason: str


def wording_issues(text: str) -> list[WordingIssue]:
    """Sign and zero-change wording mistakes in a text, each with the right wording."""
    issues = []
    for m in re.finditer(_SIGNED_CHANGE, text):
        verb, number, suffix = m.group(1), m.group(2), m.group(3) or ""
        prefix = "同比" if text[max(0, m.start() - 2):m.start()] == "同比" else ""
        opposite = _OPPOSITE[verb]
        if suffix == "个百分点" and opposite == "增长":
            opposite = "提高"
        right = f"{prefix}{opposite}{number}{suffix}"
        issues.append(WordingIssue(m.start() - len(prefix), m.end(), prefix + m.group(0), right,
                                   f"“{verb}”后不应再带负号"))
    for m in re.finditer(_ZERO_CHANGE, text):
        issues.append(WordingIssue(m.start(), m.end(), m.group(0), "与上年同期持平",
                                   "变化为零应写“与上年同期持平”"))
    return sorted(issues, key=lambda i: i.start)
