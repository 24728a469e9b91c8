"""The user's facts file (YAML, Chinese keys) → validated, typed facts.

The facts file is where a drafter writes what only they know: the town, the
period, the indicators and what each strand of work achieved. Everything a user
can get wrong here raises FactsError naming the file, the line and the key, with
a hint of what would be right; a draft is never built from facts we had to guess.

This module says what a facts file holds (the keys, the dataclasses, the rules
between values such as 同比 against 本期 and 上年同期); linedyaml.py does the
reading: decoding, composing YAML with its lines, and typed values out of nodes.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from caogao.corpus.files import FileRefused, read_bytes
from caogao.drafting import statwords as numbers
from caogao.errors import FactsError
from caogao.drafting.yamlnodes import NodeReader, compose_yaml, decode_facts
from caogao.paths import data_dir
from caogao.mining.taxonomy import did_you_mean, resolve, suggest

PERIODS = ("上半年", "全年")
MAX_FILE_BYTES = 10 * 1024 * 1024

TOP_KEYS = ("单位", "年份", "时段", "上级", "会议", "日期", "报告人", "主要指标", "工作回顾", "存在问题", "工作计划",
            "预期目标", "指标表")
INDICATOR_KEYS = ("名称", "单位", "本期", "上年同期", "同比", "全年目标")
SECTION_KEYS = ("类别", "标题", "要点", "指标")
POINT_KEYS = ("标题", "内容")
TARGET_KEYS = ("名称", "增长", "控制在", "目标", "单位")

YOY_TOLERANCE = 0.1  # percentage points between a written 同比 and 本期/上年同期


@dataclass
class Indicator:
    """One row of 主要指标. Rates (unit %) have their 同比 in 个百分点."""

    name: str
    unit: str
    current: float | None
    last: float | None
    yoy: float | None
    target: float | None
    line: int
    decimals: int | None = None  # decimals the user wrote for 本期 (5.0 → 1), kept in the draft

    @property
    def is_rate(self) -> bool:
        return numbers.is_rate(self.unit)

    @property
    def computed_yoy(self) -> float | None:
        """同比 from 本期 and 上年同期: percent, or 个百分点 for a rate."""
        if self.is_rate:
            if self.current is None or self.last is None:
                return None
            return self.current - self.last
        return numbers.yoy_percent(self.current, self.last)

    @property
    def yoy_value(self) -> float | None:
        """The 同比 the draft states: as written, else computed (None when unknown)."""
        return self.yoy if self.yoy is not None else self.computed_yoy

    @property
    def target_share(self) -> float | None:
        return None if self.is_rate else numbers.target_share(self.current, self.target)

    def clause(self) -> str:
        """``一般公共预算收入5230万元，同比增长9.0%，完成全年目标任务的52.3%``."""
        return numbers.indicator_clause(self)


@dataclass
class Point:
    """One 要点: an optional lead sentence (引领句) and the text that follows."""

    title: str | None
    text: str
    line: int


@dataclass
class SectionFacts:
    """One strand of work in 工作回顾 or 工作计划; ``category`` is a canonical type."""

    category: str
    title: str | None
    points: list[Point]
    indicators: list[str]
    line: int


@dataclass
class Target:
    """One of next year's 主要预期目标, worded as reports word them: ``地区生产总值增长6%左右``."""

    name: str
    wording: str
    line: int


@dataclass
class Facts:
    """Everything compose and check need from one facts file; ``path`` is None for text."""

    unit: str
    year: int
    period: str
    superior: str | None
    meeting: str | None
    date: _dt.date | None
    speaker: str | None
    indicators: list[Indicator]
    review: list[SectionFacts]
    problems: list[str]
    plans: list[SectionFacts]
    path: Path | None = None
    problem_lines: list[int] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # 预期目标: next year's, for an annual report

    def indicator(self, name: str) -> Indicator | None:
        for ind in self.indicators:
            if ind.name == name:
                return ind
        return None

    def section_indicators(self, section: SectionFacts) -> list[Indicator]:
        found = (self.indicator(n) for n in section.indicators)
        return [i for i in found if i is not None]

    @property
    def is_half_year(self) -> bool:
        return self.period == "上半年"

    @property
    def review_title(self) -> str:
        """上半年工作回顾 / 2023年工作回顾."""
        return "上半年工作回顾" if self.is_half_year else f"{self.year}年工作回顾"

    @property
    def plan_title(self) -> str:
        """下半年工作计划 / 2024年工作计划."""
        return "下半年工作计划" if self.is_half_year else f"{self.year + 1}年工作计划"

    @property
    def superior_level(self) -> str | None:
        """市 / 县 / 区 …: the level in set phrases (在市委、市政府和镇党委的坚强领导下)."""
        if self.superior and self.superior[-1] in "市县区旗州盟":
            return self.superior[-1]
        return None


# The file guard's reasons for not reading a file, in a facts file's words.
_REFUSED = {
    "missing": ("找不到事实文件", "检查路径；可用 caogao init 生成一个骨架"),
    "denied": ("没有读取事实文件的权限", "检查文件权限"),
    "folder": ("这是一个文件夹，不是事实文件", "请给出 .yaml 文件的路径"),
    "special": ("事实文件不是普通文件（而是管道、设备或套接字）", "请给出保存在磁盘上的 .yaml 文件"),
    "large": (f"事实文件太大（上限 {MAX_FILE_BYTES >> 20} MB）",
              "事实文件只写本镇的指标与要点，通常不超过几百 KB；请检查是否选错了文件"),
}


def read_facts_bytes(path: Path) -> bytes:
    """A facts file's bytes, through the file guard every reader uses."""
    try:
        return read_bytes(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        message, hint = _REFUSED.get(exc.reason, (f"无法读取事实文件：{exc.message}", exc.hint))
        raise FactsError(message, file=path, hint=hint) from None


def load_facts(path: str | Path, *, indicators: str | Path | None = None) -> Facts:
    """Read and validate a facts file (UTF-8, UTF-8 with BOM, GBK/GB18030); ``indicators``, an
    Excel sheet whose rows replace 主要指标 (as the file's own 指标表 key would)."""
    p = Path(path)
    facts = parse_facts(decode_facts(read_facts_bytes(p), file=str(p)), file=str(p),
                        indicators=Path(indicators) if indicators is not None else None)
    facts.path = p
    return facts


def parse_facts(text: str, *, file: str = "<字符串>", indicators: Path | None = None) -> Facts:
    """Validate facts given as YAML text; ``file`` names the source in messages.

    The indicators come from a sheet when one is given (``indicators``, else the key 指标表,
    relative to the facts file): its rows replace the YAML 主要指标, or stand in for it."""
    root = compose_yaml(text, file=file)
    r = NodeReader(file)
    top = r.mapping(root, TOP_KEYS, what="事实文件的最外层")
    for key in ("单位", "年份", "时段"):
        if key not in top:
            r.collect(r.missing, key, root, what="事实文件",
                      example={"单位": "青禾镇", "年份": "2023", "时段": "上半年"}[key])

    unit = r.collect(r.text, top["单位"], "单位", required=True) if "单位" in top else None
    year = r.collect(_year, r, top["年份"]) if "年份" in top else None
    period = r.collect(_period, r, top["时段"]) if "时段" in top else None
    opt = {k: r.collect(r.text, top[k], k) if k in top else None for k in ("上级", "会议", "报告人")}
    date = r.collect(_date, r, top["日期"]) if "日期" in top else None

    if indicators is None and "指标表" in top:
        named = r.text(top["指标表"], "指标表", required=True)
        indicators = Path(file).parent / named if file != "<字符串>" else Path(named)
    if indicators is not None:
        indicators, known = sheet_indicators(indicators), True
    else:
        indicators = [r.collect(_indicator, r, n)
                      for n in r.collect(r.sequence, top.get("主要指标"), "主要指标") or []]
        known = None not in indicators  # else a section's reference to a broken indicator is no second problem
        indicators = [ind for ind in indicators if ind is not None]
    seen: dict[str, Indicator] = {}
    for ind in indicators:
        if ind.name in seen:
            r.errors.append(FactsError(f"指标“{ind.name}”重复定义（第 {seen[ind.name].line} 行已有）",
                                       file=file, line=ind.line, key="名称",
                                       hint="每个指标只写一次；删去或改名其中一个"))
        seen[ind.name] = ind
    review = [r.collect(_section, r, n, "工作回顾", seen if known else None)
              for n in r.collect(r.sequence, top.get("工作回顾"), "工作回顾") or []]
    plans = [r.collect(_section, r, n, "工作计划", seen if known else None)
             for n in r.collect(r.sequence, top.get("工作计划"), "工作计划") or []]
    problem_nodes = r.collect(r.sequence, top.get("存在问题"), "存在问题") or []
    problems = [r.collect(r.sentence, n, "存在问题") for n in problem_nodes]
    targets = [r.collect(_target, r, n) for n in r.collect(r.sequence, top.get("预期目标"), "预期目标") or []]
    r.raise_collected()
    return Facts(unit=unit, year=year, period=period, superior=opt["上级"], meeting=opt["会议"],
                 date=date, speaker=opt["报告人"], indicators=indicators, review=review,
                 problems=problems, plans=plans, path=None,
                 problem_lines=[r.line(n) for n in problem_nodes], targets=targets)


def _period(r: NodeReader, pair) -> str:
    period = r.text(pair, "时段", required=True)
    if period not in PERIODS:
        raise r.error(pair[1], "时段", f"时段“{period}”不对",
                      hint="只能写 上半年 或 全年")
    return period


def _target(r: NodeReader, node) -> Target:
    m = r.mapping(node, TARGET_KEYS, what="预期目标中的一项")
    if "名称" not in m:
        r.missing("名称", node, what="预期目标中的这一项", example="地区生产总值")
    name = r.text(m["名称"], "名称", required=True)
    given = [k for k in ("增长", "控制在", "目标") if k in m]
    if len(given) != 1:
        raise r.error(node, "预期目标", f"预期目标“{name}”要写且只写“增长”“控制在”“目标”中的一项",
                      hint="例如 增长: 6（写成“增长6%左右”）、控制在: 5.5（“控制在5.5%以内”），"
                           "或 目标: 稳定在3.2万吨以上（照原样写）")
    key = given[0]
    if key == "目标":
        wording = f"{name}{r.text(m[key], key, required=True)}"
    else:
        value, _ = r.number(m[key], key, required=True)
        unit = (r.text(m["单位"], "单位") if "单位" in m else None) or "%"
        shown = numbers.fmt_number(value)
        wording = f"{name}增长{shown}{unit}左右" if key == "增长" else f"{name}控制在{shown}{unit}以内"
    return Target(name=name, wording=wording, line=r.line(node))


def _year(r: NodeReader, pair) -> int:
    value, _ = r.number(pair, "年份", required=True)
    node = pair[1]
    this_year = _dt.date.today().year
    if value != int(value):
        raise r.error(node, "年份", f"年份“{node.value}”不是整数", hint="写成四位年份，如 2023")
    if not 1949 <= value <= this_year + 1:
        raise r.error(node, "年份", f"年份 {numbers.fmt_number(value)} 不合理",
                      hint=f"写成报告所属的四位年份，如 {this_year}")
    return int(value)


def _date(r: NodeReader, pair) -> _dt.date | None:
    node = pair[1]
    if r.is_null(node):
        return None
    parsed = r.date(node)
    if parsed is None:
        raise r.error(node, "日期", f"日期“{node.value}”无法识别",
                      hint="写成 2023-07-20（也可写 2023年7月20日）；不需要可删去这一行")
    return parsed


def _indicator(r: NodeReader, node) -> Indicator:
    m = r.mapping(node, INDICATOR_KEYS, what="主要指标中的一项")
    if "名称" not in m:
        r.missing("名称", node, what="主要指标中的这一项", example="一般公共预算收入")
    name = r.text(m["名称"], "名称", required=True)
    unit = r.text(m["单位"], "单位") if "单位" in m else None
    vals: dict[str, float | None] = {}
    decimals = None
    for key in ("本期", "上年同期", "同比", "全年目标"):
        vals[key], dec = r.number(m[key], key) if key in m else (None, None)
        if key == "本期":
            decimals = dec

    def fail(key: str, message: str, hint: str) -> FactsError:
        return r.error(m[key][1], key, message, hint=hint)

    return checked_indicator(name, (unit or "").strip(), vals, decimals, line=r.line(node), fail=fail)


def checked_indicator(name: str, unit: str, vals: dict[str, float | None], decimals: int | None, *,
                      line: int, fail: Callable[[str, str, str], FactsError]) -> Indicator:
    """An Indicator from its values (本期, 上年同期, 同比, 全年目标), by the rules every source of
    indicators shares (the YAML 主要指标 and the 统计 sheet); ``fail(key, message, hint)`` makes
    the error that names where the value came from."""
    rate, money = numbers.is_rate(unit), numbers.is_money(unit)
    for key in ("本期", "上年同期", "同比", "全年目标"):
        value = vals.get(key)
        if value is None:
            continue
        if key in ("本期", "上年同期") and value < 0 and not (rate or money):
            raise fail(key, f"指标“{name}”的{key}是负数（{numbers.fmt_number(value)}{unit}）",
                       f"以“{unit or '个数'}”计的数量不会是负数；若是减少了，请在“同比”里写负数")
        if key == "全年目标" and (value < 0 or (value == 0 and not rate)):
            raise fail(key, f"指标“{name}”的全年目标应大于 0（现为 {numbers.fmt_number(value)}）",
                       "写全年目标数；没有目标就删去这一行")
        if key == "同比" and not rate and value < -100 and not money:
            raise fail(key, f"指标“{name}”的同比下降超过 100%（{numbers.fmt_number(value)}）",
                       "同比以百分数填写，如下降 3.2% 写 -3.2")
    ind = Indicator(name=name, unit=unit, current=vals.get("本期"), last=vals.get("上年同期"),
                    yoy=vals.get("同比"), target=vals.get("全年目标"), line=line, decimals=decimals)
    computed = ind.computed_yoy
    if ind.yoy is not None and computed is not None and abs(computed - ind.yoy) > YOY_TOLERANCE + 1e-9:
        what = "个百分点" if rate else "%"
        raise fail("同比",
                   f"指标“{name}”的同比 {numbers.fmt_number(ind.yoy)}{what} 与本期、上年同期不符："
                   f"按本期 {numbers.fmt_number(ind.current)}、上年同期 {numbers.fmt_number(ind.last)} "
                   f"算得 {numbers.fmt_number(numbers.round_half_up(computed, 2))}{what}",
                   "核对本期与上年同期；若二者无误，可删去“同比”让它自动计算")
    return ind


def sheet_indicators(path: Path) -> list[Indicator]:
    """The indicators of an Excel 统计 sheet, by the same rules as the YAML 主要指标."""
    from caogao.drafting.sheet import read_indicator_rows

    out = []
    for row in read_indicator_rows(path):
        vals = dict(row.values)
        yoy, current, last = vals.get("同比"), vals.get("本期"), vals.get("上年同期")
        computed = numbers.yoy_percent(current, last) if not numbers.is_rate(row.unit) else None
        if yoy is not None and computed is not None and abs(yoy - computed) > YOY_TOLERANCE \
                and abs(yoy * 100 - computed) <= YOY_TOLERANCE:
            vals["同比"] = yoy * 100  # a cell formatted as a percentage holds 0.09 for 9%

        def fail(key: str, message: str, hint: str, row=row) -> FactsError:
            return FactsError(f"{row.places.get(key, '')}：{message}", file=path, hint=hint)

        out.append(checked_indicator(row.name, row.unit, vals, row.decimals, line=row.row, fail=fail))
    return out


def _section(r: NodeReader, node, part: str, indicators: dict[str, Indicator] | None) -> SectionFacts:
    m = r.mapping(node, SECTION_KEYS, what=f"{part}中的一项")
    if "类别" not in m:
        r.missing("类别", node, what=f"{part}中的这一项", example="经济发展")
    raw = r.text(m["类别"], "类别", required=True)
    category = resolve(raw, sections_only=True)
    if category is None:  # said with the other problems; its points are still read
        r.errors.append(r.error(m["类别"][1], "类别", f"未知的类别“{raw}”",
                                hint=suggest(raw, sections_only=True)))
    title = r.text(m["标题"], "标题") if "标题" in m else None
    points = [r.collect(_point, r, n) for n in r.sequence(m.get("要点"), "要点")]
    names = []
    for n in r.sequence(m.get("指标"), "指标"):
        ref = r.text((None, n), "指标", required=True)
        if indicators is not None and ref not in indicators:
            valid = list(indicators)
            hint = (did_you_mean(ref, valid, what="指标名称") + "（这里只能写“主要指标”中已有的名称）" if valid
                    else "先在“主要指标”里定义这个指标，再在这里引用它的名称")
            r.errors.append(r.error(n, "指标", f"“主要指标”里没有名为“{ref}”的指标", hint=hint))
        names.append(ref)
    return SectionFacts(category=category, title=title, points=points, indicators=names, line=r.line(node))


def _point(r: NodeReader, node) -> Point:
    if r.is_mapping(node):
        m = r.mapping(node, POINT_KEYS, what="要点")
        if "内容" not in m:
            r.missing("内容", node, what="这条要点", example="上半年外出招商14次，签约项目4个。")
        title = r.text(m["标题"], "标题") if "标题" in m else None
        return Point(title=title, text=r.text(m["内容"], "内容", required=True), line=r.line(node))
    return Point(title=None, text=r.sentence(node, "要点"), line=r.line(node))


def skeleton(period: str = "上半年", year: int | None = None) -> str:
    """The commented YAML skeleton ``caogao init`` writes (it parses as it is)."""
    if period not in PERIODS:
        raise FactsError(f"时段“{period}”不对", key="时段", hint="只能是 上半年 或 全年")
    year = year or _dt.date.today().year
    text = (data_dir() / "skeleton.yaml").read_text(encoding="utf-8")
    half = period == "上半年"
    for token, value in {
        "{{年份}}": str(year),
        "{{时段}}": period,
        "{{本期说明}}": "上半年完成数" if half else "全年完成数",
        "{{计划说明}}": "下半年工作计划" if half else f"{year + 1}年工作计划",
        "{{会议次}}": "第三次" if half else "第四次",
        "{{日期}}": f"{year}-07-20" if half else f"{year + 1}-01-10",
    }.items():
        text = text.replace(token, value)
    return text
