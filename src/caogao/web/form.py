"""The 起草 page's form ↔ the facts file.

The page and the CLI are two doors to the same file: the form is written out as
the YAML text of a facts file and validated by the same ``parse_facts``, so a
mistake gets the CLI's very wording. While writing, each line remembers the form
field it came from, so that a FactsError (which names a line) is shown next to
that field. Reading a facts file back into the form goes through ``parse_facts``
too.
"""

from __future__ import annotations

import json
import re

from caogao.drafting import statwords
from caogao.drafting.facts import Facts, Indicator, SectionFacts, Target
from caogao.errors import CaogaoError

FORM_FILE = "表单"  # how messages name the facts the form holds
TOP_FIELDS = ("单位", "年份", "时段", "上级", "会议", "日期", "报告人")
NUMBER_FIELDS = ("本期", "上年同期", "同比", "全年目标")
TARGET_WAYS = ("增长", "控制在", "目标")  # 预期目标: 增长 6 → “增长6%左右”; 控制在 → “以内”; 目标 as written
PARTS = ("工作回顾", "工作计划")
TITLE_OPEN, TITLE_CLOSE = "【", "】"  # a 要点 line “【小标题】内容” carries its own heading


def _text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML): nothing typed can change the structure."""
    return json.dumps(value, ensure_ascii=False)


def _number(value: str) -> str:
    """A number as typed, plain when YAML reads it back as that very scalar, so ``约3.2`` gets the
    CLI's message about ``约3.2``; anything that would change the structure is quoted."""
    import yaml

    try:
        node = yaml.compose(f"k: {value}")
    except yaml.YAMLError:
        return _text(value)
    scalar = node.value[0][1] if node is not None and node.value else None
    if isinstance(scalar, yaml.ScalarNode) and scalar.value == value and not scalar.style:
        return value
    return _text(value)


def _str(form: dict, key: str) -> str:
    value = form.get(key, "")
    return value.strip() if isinstance(value, str) else str(value if value is not None else "").strip()


def _rows(form: dict, key: str) -> list[dict]:
    value = form.get(key) or []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def form_to_yaml(form: dict) -> tuple[str, dict[int, str]]:
    """The facts file the form holds, and which form field each line of it came from."""
    lines: list[str] = []
    fields: dict[int, str] = {}

    def put(line: str, field: str) -> None:
        lines.append(line)
        fields[len(lines)] = field

    for key in TOP_FIELDS:
        value = _str(form, key)
        if key == "年份" and value:
            put(f"{key}: {_number(value)}", key)
        elif value:
            put(f"{key}: {_text(value)}", key)
        elif key in ("单位", "年份", "时段"):
            put(f"{key}:", key)  # left empty: parse_facts says so, at this line
    indicators = [r for r in _rows(form, "主要指标") if any(_str(r, k) for k in ("名称", "单位", *NUMBER_FIELDS))]
    if indicators:
        put("主要指标:", "主要指标")
        for i, row in enumerate(_rows(form, "主要指标")):
            if row not in indicators:
                continue
            name = _str(row, "名称")
            put(f"  - 名称: {_text(name)}" if name else "  - 名称:", f"主要指标.{i}.名称")
            if _str(row, "单位"):
                put(f"    单位: {_text(_str(row, '单位'))}", f"主要指标.{i}.单位")
            for key in NUMBER_FIELDS:
                if _str(row, key):
                    put(f"    {key}: {_number(_str(row, key))}", f"主要指标.{i}.{key}")
    for part in PARTS:
        sections = [(i, r) for i, r in enumerate(_rows(form, part))
                    if any(_str(r, k) for k in ("类别", "标题", "要点", "指标"))]
        if not sections:
            continue
        put(f"{part}:", part)
        for i, row in sections:
            field = f"{part}.{i}"
            category = _str(row, "类别")
            put(f"  - 类别: {_text(category)}" if category else "  - 类别:", f"{field}.类别")
            if _str(row, "标题"):
                put(f"    标题: {_text(_str(row, '标题'))}", f"{field}.标题")
            points = _lines(_str(row, "要点"))
            if points:
                put("    要点:", f"{field}.要点")
                for point in points:
                    title, text = split_point(point)
                    if title:
                        put(f"      - 标题: {_text(title)}", f"{field}.要点")
                        put(f"        内容: {_text(text)}", f"{field}.要点")
                    else:
                        put(f"      - {_text(text)}", f"{field}.要点")
            names = [n.strip() for n in _str(row, "指标").replace("，", "、").replace(",", "、").split("、") if n.strip()]
            if names:
                put(f"    指标: [{', '.join(map(_text, names))}]", f"{field}.指标")
    targets = [(i, r) for i, r in enumerate(_rows(form, "预期目标")) if any(_str(r, k) for k in ("名称", "值", "单位"))]
    if targets and _str(form, "时段") == "全年":  # next year's targets belong to an annual report only
        put("预期目标:", "预期目标")
        for i, row in targets:
            field = f"预期目标.{i}"
            name = _str(row, "名称")
            put(f"  - 名称: {_text(name)}" if name else "  - 名称:", f"{field}.名称")
            way = _str(row, "方式") if _str(row, "方式") in TARGET_WAYS else "增长"
            value = _str(row, "值")
            if way == "目标":
                put(f"    目标: {_text(value)}" if value else "    目标:", f"{field}.值")
            else:
                put(f"    {way}: {_number(value)}" if value else f"    {way}:", f"{field}.值")
                if _str(row, "单位"):
                    put(f"    单位: {_text(_str(row, '单位'))}", f"{field}.单位")
    problems = _lines(_str(form, "存在问题"))
    if problems:
        put("存在问题:", "存在问题")
        for p in problems:
            put(f"  - {_text(p)}", "存在问题")
    return "\n".join(lines) + "\n", fields


def split_point(line: str) -> tuple[str, str]:
    """“【小标题】内容” → (小标题, 内容); any other line is all 内容."""
    if line.startswith(TITLE_OPEN) and TITLE_CLOSE in line:
        title, _, text = line[1:].partition(TITLE_CLOSE)
        if title.strip() and text.strip():
            return title.strip(), text.strip()
    return "", line


def parse_form(form: dict) -> tuple[Facts, str]:
    """Validated facts from the form, with the YAML text they were read from.

    Raises ``FormError``: the library's own message, and the field it concerns.
    """
    from caogao.drafting.facts import parse_facts

    text, fields = form_to_yaml(form)
    try:
        return parse_facts(text, file=FORM_FILE), text
    except CaogaoError as exc:
        raise FormError(exc, field_of(exc, fields)) from exc


def field_of(exc: CaogaoError, fields: dict[int, str]) -> str | None:
    if exc.line and exc.line in fields:
        return fields[exc.line]
    if exc.key in TOP_FIELDS:
        return exc.key
    return None


class FormError(Exception):
    """A facts error found in the form: what the CLI would say, and where on the page."""

    def __init__(self, error: CaogaoError, field: str | None) -> None:
        super().__init__(error.message)
        self.error, self.field = error, field

    def to_dict(self) -> dict:
        e = self.error
        return {"ok": False, "field": self.field, "message": e.message, "hint": e.hint or "",
                "where": e.where(), "full": str(e)}


def _num(value: float | None, decimals: int | None = None) -> str:
    if value is None:
        return ""
    return statwords.fmt_number(value, decimals)


def _section_row(s: SectionFacts) -> dict:
    points = [f"{TITLE_OPEN}{p.title}{TITLE_CLOSE}{p.text}" if p.title else p.text for p in s.points]
    return {"类别": s.category, "标题": s.title or "", "要点": "\n".join(points), "指标": "、".join(s.indicators)}


def indicator_rows(indicators: list[Indicator]) -> list[dict]:
    """The 主要指标 table's rows showing ``indicators``."""
    return [{"名称": i.name, "单位": i.unit, "本期": _num(i.current, i.decimals), "上年同期": _num(i.last),
             "同比": _num(i.yoy), "全年目标": _num(i.target)} for i in indicators]


def target_row(target: Target) -> dict:
    """A 预期目标 row from its wording: “…增长6%左右” → 增长 6 %, “…控制在5.5%以内” → 控制在, else 目标."""
    rest = target.wording[len(target.name):] if target.wording.startswith(target.name) else target.wording
    m = re.fullmatch(r"(增长|控制在)([+-]?\d+(?:\.\d+)?)(.*?)(左右|以内)", rest)
    if m and (m.group(1) == "增长") == (m.group(4) == "左右"):
        return {"名称": target.name, "方式": m.group(1), "值": m.group(2), "单位": m.group(3)}
    return {"名称": target.name, "方式": "目标", "值": rest, "单位": ""}


def facts_to_form(facts: Facts) -> dict:
    """The form showing ``facts``, as the page stores it."""
    return {
        "单位": facts.unit, "年份": str(facts.year), "时段": facts.period, "上级": facts.superior or "",
        "会议": facts.meeting or "", "日期": facts.date.isoformat() if facts.date else "",
        "报告人": facts.speaker or "",
        "主要指标": indicator_rows(facts.indicators),
        "工作回顾": [_section_row(s) for s in facts.review],
        "工作计划": [_section_row(s) for s in facts.plans],
        "存在问题": "\n".join(facts.problems),
        "预期目标": [target_row(t) for t in facts.targets],
    }
