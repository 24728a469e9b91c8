"""The user's facts file (YAML, Chinese keys) → validated, typed facts.

The facts file is where a drafter writes what only they know: the town, the
period, the indicators and what each strand of work achieved. Everything a user
can get wrong here raises FactsError naming the file, the line and the key, with
a hint of what would be right; a draft is never built from facts we had to guess.

YAML is composed into nodes (not loaded) so that every value keeps its line,
duplicate keys are caught (PyYAML would silently keep the last one) and numbers
are read from the text the user wrote (``017`` is 17, ``1:20`` is not a number).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import numbers
from .errors import FactsError
from .paths import data_dir
from .taxonomy import SECTION_TYPES, resolve, suggest
from .taxonomy import closest as taxonomy_closest

PERIODS = ("上半年", "全年")
MAX_FILE_BYTES = 10 * 1024 * 1024

TOP_KEYS = ("单位", "年份", "时段", "上级", "会议", "日期", "报告人", "主要指标", "工作回顾", "存在问题", "工作计划")
INDICATOR_KEYS = ("名称", "单位", "本期", "上年同期", "同比", "全年目标")
SECTION_KEYS = ("类别", "标题", "要点", "指标")
POINT_KEYS = ("标题", "内容")

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


def load_facts(path: str | Path) -> Facts:
    """Read and validate a facts file (UTF-8, UTF-8 with BOM, GBK/GB18030)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise FactsError("这是一个文件夹，不是事实文件", file=p, hint="请给出 .yaml 文件的路径")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FactsError(f"事实文件太大（{size // 1024 // 1024} MB）", file=p,
                             hint="事实文件只写本镇的指标与要点，通常不超过几百 KB；请检查是否选错了文件")
        data = p.read_bytes()
    except FileNotFoundError:
        raise FactsError("找不到事实文件", file=p, hint="检查路径；可用 caogao init 生成一个骨架") from None
    except PermissionError:
        raise FactsError("没有读取事实文件的权限", file=p, hint="检查文件权限") from None
    except OSError as exc:
        raise FactsError(f"无法读取事实文件：{exc.strerror or exc}", file=p) from None
    facts = parse_facts(decode_bytes(data, file=str(p)), file=str(p))
    facts.path = p
    return facts


def parse_facts(text: str, *, file: str = "<字符串>") -> Facts:
    """Validate facts given as YAML text; ``file`` names the source in messages."""
    root = compose_yaml(text, file=file)
    r = NodeReader(file)
    top = r.mapping(root, TOP_KEYS, what="事实文件的最外层")
    for key in ("单位", "年份", "时段"):
        if key not in top:
            r.missing(key, root, what="事实文件", example={"单位": "青禾镇", "年份": "2023", "时段": "上半年"}[key])

    unit = r.text(top["单位"], "单位", required=True)
    year = _year(r, top["年份"])
    period = r.text(top["时段"], "时段", required=True)
    if period not in PERIODS:
        raise r.error(top["时段"][1], "时段", f"时段“{period}”不对",
                      hint=f"只能写 上半年 或 全年（最接近的是“{r.closest(period, PERIODS)}”）")
    opt = {k: r.text(top[k], k) if k in top else None for k in ("上级", "会议", "报告人")}
    date = _date(r, top["日期"]) if "日期" in top else None

    indicators = [_indicator(r, n) for n in r.sequence(top.get("主要指标"), "主要指标")]
    seen: dict[str, Indicator] = {}
    for ind in indicators:
        if ind.name in seen:
            raise FactsError(f"指标“{ind.name}”重复定义（第 {seen[ind.name].line} 行已有）",
                             file=file, line=ind.line, key="名称", hint="每个指标只写一次；删去或改名其中一个")
        seen[ind.name] = ind
    review = [_section(r, n, "工作回顾", seen) for n in r.sequence(top.get("工作回顾"), "工作回顾")]
    plans = [_section(r, n, "工作计划", seen) for n in r.sequence(top.get("工作计划"), "工作计划")]
    problem_nodes = r.sequence(top.get("存在问题"), "存在问题")
    problems = [r.sentence(n, "存在问题") for n in problem_nodes]
    return Facts(unit=unit, year=year, period=period, superior=opt["上级"], meeting=opt["会议"],
                 date=date, speaker=opt["报告人"], indicators=indicators, review=review,
                 problems=problems, plans=plans, path=None,
                 problem_lines=[r.line(n) for n in problem_nodes])


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
    unit = (unit or "").strip()
    rate, money = numbers.is_rate(unit), numbers.is_money(unit)
    vals: dict[str, float | None] = {}
    decimals = None
    for key in ("本期", "上年同期", "同比", "全年目标"):
        if key not in m:
            vals[key] = None
            continue
        value, dec = r.number(m[key], key)
        vals[key] = value
        if key == "本期":
            decimals = dec
        if value is None:
            continue
        where = m[key][1]
        if key in ("本期", "上年同期") and value < 0 and not (rate or money):
            raise r.error(where, key, f"指标“{name}”的{key}是负数（{numbers.fmt_number(value)}{unit}）",
                          hint=f"以“{unit or '个数'}”计的数量不会是负数；若是减少了，请在“同比”里写负数")
        if key == "全年目标" and (value < 0 or (value == 0 and not rate)):
            raise r.error(where, key, f"指标“{name}”的全年目标应大于 0（现为 {numbers.fmt_number(value)}）",
                          hint="写全年目标数；没有目标就删去这一行")
        if key == "同比" and not rate and value < -100 and not money:
            raise r.error(where, key, f"指标“{name}”的同比下降超过 100%（{numbers.fmt_number(value)}）",
                          hint="同比以百分数填写，如下降 3.2% 写 -3.2")
    ind = Indicator(name=name, unit=unit, current=vals["本期"], last=vals["上年同期"], yoy=vals["同比"],
                    target=vals["全年目标"], line=r.line(node), decimals=decimals)
    computed = ind.computed_yoy
    if ind.yoy is not None and computed is not None and abs(computed - ind.yoy) > YOY_TOLERANCE + 1e-9:
        what = "个百分点" if rate else "%"
        raise r.error(m["同比"][1], "同比",
                      f"指标“{name}”的同比 {numbers.fmt_number(ind.yoy)}{what} 与本期、上年同期不符："
                      f"按本期 {numbers.fmt_number(ind.current)}、上年同期 {numbers.fmt_number(ind.last)} "
                      f"算得 {numbers.fmt_number(numbers.round_half_up(computed, 2))}{what}",
                      hint="核对本期与上年同期；若二者无误，可删去“同比”让它自动计算")
    return ind


def _section(r: NodeReader, node, part: str, indicators: dict[str, Indicator]) -> SectionFacts:
    m = r.mapping(node, SECTION_KEYS, what=f"{part}中的一项")
    if "类别" not in m:
        r.missing("类别", node, what=f"{part}中的这一项", example="经济发展")
    raw = r.text(m["类别"], "类别", required=True)
    category = resolve(raw, sections_only=True)
    if category is None:
        raise r.error(m["类别"][1], "类别", f"未知的类别“{raw}”",
                      hint=f"最接近的是“{suggest(raw, sections_only=True)}”；可用的类别：{'、'.join(SECTION_TYPES)}")
    title = r.text(m["标题"], "标题") if "标题" in m else None
    points = [_point(r, n) for n in r.sequence(m.get("要点"), "要点")]
    names = []
    for n in r.sequence(m.get("指标"), "指标"):
        ref = r.text((None, n), "指标", required=True)
        if ref not in indicators:
            valid = list(indicators)
            hint = (f"最接近的是“{r.closest(ref, valid)}”；这里只能写“主要指标”中已有的名称" if valid
                    else "先在“主要指标”里定义这个指标，再在这里引用它的名称")
            raise r.error(n, "指标", f"“主要指标”里没有名为“{ref}”的指标", hint=hint)
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


# --- reading YAML with lines ---------------------------------------------------

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NUMBER_IN_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?")
_UNIT_LIKE = re.compile(r"[%％‰万亿千百元个人亩户家项次吨公里米平方㎡台套座所处条]+")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")
_DATE_TEXT = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_INDENT_HINT = "同一层的键要左对齐，列表项以“- ”开头并对齐；只用空格缩进"
# PyYAML's problems (pure-Python and libyaml wording) → what a drafter understands.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现“键: 值”",
     "检查缩进是否对齐；文字里若含英文冒号加空格“: ”，请给整段文字加引号或改用中文冒号"),
    ("cannot start any token", "出现了不能开头的字符（常见的是 Tab 或 @、`）",
     "只用空格缩进，不用 Tab；以 @ ` 等符号开头的文字请加引号"),
    ("could not find expected ':'", "缺少冒号", "键和值之间写英文冒号加一个空格，如“单位: 青禾镇”"),
    ("unknown escape", "双引号里的反斜杠“\\”用法不对", "改用单引号，或把“\\”写成“\\\\”"),
    ("end of stream", "引号或括号没有配对", "检查引号和方括号 [ ]、花括号 { } 是否成对"),
    ("expected ',' or ']'", "方括号没有配对", "检查方括号 [ ] 是否成对，项之间用英文逗号"),
    ("expected ',' or '}'", "花括号没有配对", "检查花括号 { } 是否成对，项之间用英文逗号"),
    ("undefined alias", "出现了未定义的引用（*）", "以 * 开头的文字请加引号"),
    ("another document", "文件里有多个文档（单独一行的 ---）", "删去多余的“---”行"),
    ("block end", "缩进不一致", _INDENT_HINT),
    ("expected key", "缩进不一致", _INDENT_HINT),
    ("'-' indicator", "列表项的缩进不一致", _INDENT_HINT),
)


def decode_bytes(data: bytes, *, file: str) -> str:
    """Facts files come from Notepad and WPS: UTF-8 (with or without BOM), GBK/GB18030, UTF-16."""
    if data.startswith(b"PK\x03\x04"):
        raise FactsError("这是一个 Word/压缩文件，不是 YAML 文本", file=file,
                         hint="事实文件应是 .yaml 纯文本；可用 caogao init 生成骨架再填写")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise FactsError(f"文件声明为 {codec} 编码，但第 {exc.start} 字节处无法解码", file=file,
                                 hint="请用 UTF-8 编码另存此文件") from None
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    raise FactsError("无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030）", file=file,
                     hint="请在记事本或 WPS 中“另存为”UTF-8 编码")


def compose_yaml(text: str, *, file: str) -> Any:
    """YAML text → the root node (with marks), or FactsError with line and column."""
    import yaml

    text = text.lstrip("\ufeff")
    bad = _BAD_CHARS.search(text)
    if bad:
        start = text.rfind("\n", 0, bad.start()) + 1
        raise FactsError(f"含有不可见的控制字符 U+{ord(bad.group()):04X}", file=file,
                         line=text.count("\n", 0, bad.start()) + 1, column=bad.start() - start + 1,
                         hint="删去该字符（常由复制粘贴带入）；Tab 与换行没有问题")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 1,000 sections stay fast
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed quote or bracket is noticed lines later; point at where it opened.
        if exc.context_mark and (exc.context or "").startswith(("while parsing a flow", "while scanning a quoted")):
            mark = exc.context_mark
        problem = f"{exc.context or ''} {exc.problem or ''}"
        message, hint = "YAML 格式错误", "检查这一行及上一行的缩进、冒号和引号"
        for needle, what, how in _YAML_PROBLEMS:
            if needle in problem:
                message, hint = f"YAML 格式错误：{what}", how
                break
        raise FactsError(f"{message}（{(exc.problem or '').strip()}）", file=file,
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                         hint=hint) from None
    except yaml.YAMLError as exc:
        raise FactsError(f"YAML 无法读取：{exc}", file=file) from None
    if root is None:
        raise FactsError("事实文件是空的", file=file, hint="可用 caogao init 生成一个带说明的骨架再填写")
    return root


class NodeReader:
    """Typed values out of composed YAML nodes; every failure names file, line and key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._seen: set[int] = set()

    def _once(self, node: Any, key: str | None) -> None:
        # An alias (*x) re-uses a list or mapping: a few lines could expand into
        # millions of sections, and nobody needs them in a facts file.
        if id(node) in self._seen:
            raise self.error(node, key, "这里的内容被“*”引用了第二次：事实文件不支持 YAML 的锚点与引用（& 和 *）",
                             hint="删去“&”锚点，把要重复的内容直接写出来")
        self._seen.add(id(node))

    @staticmethod
    def line(node: Any) -> int:
        return node.start_mark.line + 1

    @staticmethod
    def closest(name: str, choices: Any) -> str:
        best = taxonomy_closest(str(name), list(choices))
        return best[0] if best else ""

    def error(self, node: Any, key: str | None, message: str, *, hint: str | None = None) -> FactsError:
        return FactsError(message, file=self.file, line=self.line(node) if node is not None else None,
                          key=key, hint=hint)

    def missing(self, key: str, node: Any, *, what: str, example: str) -> None:
        raise self.error(node, key, f"{what}缺少必填的“{key}”", hint=f"加上一行，如“{key}: {example}”")

    @staticmethod
    def is_null(node: Any) -> bool:
        return node.tag == "tag:yaml.org,2002:null"

    @staticmethod
    def is_mapping(node: Any) -> bool:
        return node.id == "mapping"

    def mapping(self, node: Any, allowed: tuple[str, ...], *, what: str) -> dict[str, tuple[Any, Any]]:
        if node.id != "mapping":
            if node.id == "scalar" and re.search(r"：|\S:\S", node.value):
                hint = "键与值之间请用英文冒号加一个空格，如“单位: 青禾镇”"
            elif node.id == "sequence":
                hint = "这里应是“键: 值”的写法，不是列表；检查是否多了“- ”或缩进不对"
            else:
                hint = f"写成“键: 值”的形式，可用的键：{'、'.join(allowed)}"
            raise self.error(node, None, f"{what}应是“键: 值”形式的映射", hint=hint)
        self._once(node, None)
        out: dict[str, tuple[Any, Any]] = {}
        for knode, vnode in node.value:
            if knode.id != "scalar":
                raise self.error(knode, None, f"{what}里的键应是文字", hint=f"可用的键：{'、'.join(allowed)}")
            name = knode.value.strip()
            if name in out:
                raise self.error(knode, name, f"键“{name}”重复出现（第 {self.line(out[name][0])} 行已有）",
                                 hint="同一层里每个键只能写一次；请合并内容或删去其中一个")
            if name not in allowed:
                raise self.error(knode, name, f"{what}里没有“{name}”这个键",
                                 hint=f"最接近的有效键是“{self.closest(name, allowed)}”；"
                                      f"这里可用的键：{'、'.join(allowed)}")
            out[name] = (knode, vnode)
        return out

    def sequence(self, pair: tuple[Any, Any] | None, key: str) -> list[Any]:
        if pair is None or self.is_null(pair[1]):
            return []
        node = pair[1]
        if node.id != "sequence":
            kind = "映射（键: 值）" if node.id == "mapping" else "一段文字"
            raise self.error(node, key, f"“{key}”应是列表，现在写成了{kind}",
                             hint="每一项单独一行，以“- ”开头，如“- 经济基础薄弱。”")
        self._once(node, key)
        return list(node.value)

    def _clean(self, node: Any, key: str, value: str) -> str:
        bad = _BAD_CHARS.search(value)
        if bad:
            extra = value.count("\n", 0, bad.start()) + (1 if node.style in ("|", ">") else 0)
            raise FactsError(f"“{key}”里含有不可见的控制字符 U+{ord(bad.group()):04X}", file=self.file,
                             line=self.line(node) + extra, key=key, hint="删去该字符（常由复制粘贴或转义“\\x..”带入）")
        return value.strip()

    def text(self, pair: tuple[Any, Any], key: str, *, required: bool = False) -> str | None:
        node = pair[1]
        if node.id != "scalar":
            raise self.error(node, key, f"“{key}”应是一段文字，不是{'列表' if node.id == 'sequence' else '映射'}",
                             hint=f"写成“{key}: 文字”；文字里有“: ”或以“- ”开头时请加引号")
        value = "" if self.is_null(node) and not node.style else self._clean(node, key, node.value)
        if not value:
            if required:
                raise self.error(node, key, f"“{key}”不能为空", hint=f"在“{key}:”后写上内容")
            return None
        return value

    def sentence(self, node: Any, key: str) -> str:
        """A list item that must be one piece of text (存在问题, 要点)."""
        if node.id != "scalar":
            hint = ("文字里含英文冒号加空格“: ”会被当成“键: 值”；请给这句加引号或改用中文冒号“：”"
                    if node.id == "mapping" else "每条单独一行，以“- ”开头")
            raise self.error(node, key, f"每条“{key}”应是一句话", hint=hint)
        value = self.text((None, node), key)
        if value is None:
            raise self.error(node, key, f"有一条空的“{key}”", hint="补上内容，或删去这一行“- ”")
        return value

    def number(self, pair: tuple[Any, Any], key: str, *, required: bool = False) -> tuple[float | None, int | None]:
        """A number as written (value, decimals written), or None when left empty."""
        node = pair[1]
        if node.id != "scalar":
            raise self.error(node, key, f"“{key}”应是一个数字", hint=f"写成“{key}: 5230”")
        if self.is_null(node) and not node.style:
            if required:
                raise self.error(node, key, f"“{key}”不能为空", hint=f"在“{key}:”后写上数字")
            return None, None
        raw = self._clean(node, key, node.value)
        if raw.lower().lstrip("+-") in (".nan", "nan", ".inf", "inf", "infinity"):
            raise self.error(node, key, f"“{key}”写成了 {raw}，不是一个实际的数",
                             hint="写实际数字；没有数据就删去这一行，稿子里会留出待补充的位置")
        if _NUMBER.fullmatch(raw):
            value = float(raw)
            if not math.isfinite(value) or abs(value) > 1e12:
                raise self.error(node, key, f"“{key}”的数值 {raw} 大得不合理",
                                 hint="检查是否多写了零，或换用更大的单位（万元、亿元）")
            decimals = len(raw.split(".")[1]) if "." in raw and "e" not in raw.lower() else None
            return value, decimals
        normal = raw.translate(_FULLWIDTH_DIGITS).replace(",", "").replace("，", "")
        found = _NUMBER_IN_TEXT.search(normal)
        if key == "年份":
            hint = "写成四位数字，如 2023"
        elif key == "同比" and found:
            hint = f"请写成数字 {found.group()}（同比按百分数填写，不带 %；下降写负数）"
        elif not found:
            hint = "写成阿拉伯数字，如 5230；没有数据就删去这一行"
        else:
            num, rest = found.group(), (normal[:found.start()] + normal[found.end():]).strip()
            if not rest:
                hint = f"请写成数字 {num}（不用千分位逗号、全角数字）"
            elif _UNIT_LIKE.fullmatch(rest):
                hint = f"请写成数字 {num}，单位“{rest}”写在“单位”里"
            else:
                hint = f"请写成数字 {num}，“{rest}”等说明可写进要点"
        raise self.error(node, key, f"“{key}”应是数字，现在是文字“{raw}”", hint=hint)

    def date(self, node: Any) -> _dt.date | None:
        if node.id != "scalar":
            return None
        if node.tag == "tag:yaml.org,2002:timestamp":
            from yaml.constructor import SafeConstructor

            try:
                value = SafeConstructor().construct_yaml_timestamp(node)
            except ValueError:
                return None
            return value.date() if isinstance(value, _dt.datetime) else value
        m = _DATE_TEXT.fullmatch(self._clean(node, "日期", node.value))
        if not m:
            return None
        try:
            return _dt.date(*(int(g) for g in m.groups()))
        except ValueError:
            return None
