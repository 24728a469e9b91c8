"""Facts files as YAML that keeps its lines: bytes → text → nodes → typed values.

A facts file comes from Notepad or WPS in whatever encoding they saved it; it is
decoded, then composed into YAML nodes (not loaded) so that every value keeps its
line, duplicate keys are caught (PyYAML would silently keep the last one) and
numbers are read from the text the user wrote (``017`` is 17, ``1:20`` is not a
number). NodeReader turns nodes into text, numbers and dates, and every failure
is a FactsError naming the file, the line and the key. facts.py says which keys
a facts file has; this module only knows how to read them.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from caogao.errors import FactsError
from caogao.mining.taxonomy import did_you_mean

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Patterns for values written as text (a number with its unit, a date in words), compiled
# (by ``re``) when one first is: most facts files have none (0.3 ms).
_NUMBER_IN_TEXT = r"[+-]?\d+(?:\.\d+)?"
_UNIT_LIKE = r"[%％‰万亿千百元个人亩户家项次吨公里米平方㎡台套座所处条]+"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")
_DATE_TEXT = r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
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
    ("anchor", "出现了不完整的锚点（&）", "以 & 开头的文字请加引号"),
    ("tag", "出现了不认识的标签（!）", "以 ! 开头的文字请加引号"),
    ("directive", "出现了不认识的指令（%）", "以 % 开头的文字请加引号"),
)


def decode_facts(data: bytes, *, file: str) -> str:
    """A facts file's text: decoded as a report is (Notepad and WPS write UTF-8, GBK, UTF-16)."""
    from pathlib import Path

    from caogao.corpus.decode import decode_bytes
    from caogao.errors import InputError

    if data.startswith(b"PK\x03\x04"):
        raise FactsError("这是一个 Word/压缩文件，不是 YAML 文本", file=file,
                         hint="事实文件应是 .yaml 纯文本；可用 caogao init 生成骨架再填写")
    try:
        return decode_bytes(data, Path(file))
    except InputError as exc:
        raise FactsError(f"无法识别文件编码（{exc.message}）", file=file,
                         hint="请在记事本或 WPS 中“另存为”UTF-8 编码") from None


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
        raise FactsError(message, file=file,  # PyYAML's own words are English: not shown
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                         hint=hint) from None
    except yaml.YAMLError:
        raise FactsError("YAML 无法读取：文件不是合乎格式的 YAML 文本", file=file,
                         hint="检查缩进、冒号和引号；可对照 caogao init 写出的骨架") from None
    if root is None:
        raise FactsError("事实文件是空的", file=file, hint="可用 caogao init 生成一个带说明的骨架再填写")
    return root


class NodeReader:
    """Typed values out of composed YAML nodes; every failure names file, line and key."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._seen: set[int] = set()
        self.errors: list[FactsError] = []

    def collect(self, read, *args, **kwargs):
        """``read(*args)``, or None with its FactsError kept: independent checks report together."""
        try:
            return read(*args, **kwargs)
        except FactsError as exc:
            self.errors.extend(exc.errors)
            return None

    def raise_collected(self) -> None:
        if self.errors:
            raise FactsError.all_of(self.errors)

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
                                 hint=did_you_mean(name, allowed, what="键"))
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
                             hint="写实际数字；没有数据就删去这一行，草稿里会留出待补充的位置")
        if _NUMBER.fullmatch(raw):
            value = float(raw)
            if not math.isfinite(value) or abs(value) > 1e12:
                raise self.error(node, key, f"“{key}”的数值 {raw} 大得不合理",
                                 hint="检查是否多写了零，或换用更大的单位（万元、亿元）")
            decimals = len(raw.split(".")[1]) if "." in raw and "e" not in raw.lower() else None
            return value, decimals
        normal = raw.translate(_FULLWIDTH_DIGITS).replace(",", "").replace("，", "")
        found = re.search(_NUMBER_IN_TEXT, normal)
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
            elif re.fullmatch(_UNIT_LIKE, rest):
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
        m = re.fullmatch(_DATE_TEXT, self._clean(node, "日期", node.value))
        if not m:
            return None
        try:
            return _dt.date(*(int(g) for g in m.groups()))
        except ValueError:
            return None
