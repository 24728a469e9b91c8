"""Lint a draft the user edited in Word or WPS: ``caogao check``.

The draft is read as python-docx's ``document.paragraphs`` gives it, so a
finding's ``paragraph`` is that list's 1-based position (the body's paragraphs
in order; paragraphs inside tables are not counted). Text is joined across
runs, so a word Word split over two runs is still one word; tracked deletions
and text boxes are left out. A problem inside a table is reported at the last
body paragraph before the table (usually the table's title).

``heading`` is the nearest heading at or above the paragraph. Headings are
recognised both by style (Heading 1/2…, 标题 1, an outline level) and by shape
(``一、`` ``（一）``), because users retype headings in the Normal style.

Checks: placeholders left, figures that disagree with the facts file, sign and
zero wording (``增长-3.2%``), ``%`` where ``个百分点`` is meant, half-width
punctuation in Chinese text, unbalanced brackets, heading numbering, mixed
heading shapes and repeated sentences. No check imports jieba or scikit-learn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .errors import InputError

if TYPE_CHECKING:
    from .facts import Facts

KINDS = ("placeholder", "figure_mismatch", "sign_wording", "rate_unit", "punctuation",
         "brackets", "numbering", "heading_shape", "duplicate")


@dataclass
class Finding:
    """One problem: ``paragraph`` counts python-docx's ``document.paragraphs`` from 1;
    ``heading`` is the nearest heading at or above it ("" before the first)."""

    kind: str
    message: str
    paragraph: int
    heading: str
    suggestion: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Para:
    number: int
    style: str
    text: str
    outline: int | None = None      # 0-based outline level from the docx, if any
    role: str = "body"              # title | part | heading | item | body
    level: int = 0                  # 1 一、 2 （一） 3 1. 4 （1）; 0 when not numbered
    num: int = 0
    heading: str = ""               # nearest heading at or above
    plan: bool = False              # in the plan part, where figures are targets


@dataclass
class _Table:
    after: int                      # paragraph number the table follows (0: none)
    rows: list[list[str]]


# ------------------------------------------------------------------ reading

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP = {_W + "del", _W + "moveFrom", _W + "txbxContent",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_CHARS = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def _text_of(el) -> str:
    """Visible text of a w:p: runs joined, inserted text kept, deletions left out."""
    out: list[str] = []
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag in _CHARS:
            out.append(_CHARS[tag])
        else:
            out.append(_text_of(child))
    return "".join(out)


def _outline_level(paragraph) -> int | None:
    """The paragraph's outline level, set directly or inherited from its style."""
    pPr = paragraph._p.pPr
    found = pPr.find(_W + "outlineLvl") if pPr is not None else None
    style = paragraph.style
    while found is None and style is not None:
        spPr = style.element.find(_W + "pPr")
        found = spPr.find(_W + "outlineLvl") if spPr is not None else None
        style = style.base_style
    if found is None:
        return None
    try:
        level = int(found.get(_W + "val"))
    except (TypeError, ValueError):
        return None
    return level if 0 <= level < 9 else None    # 9 means body text


def _read_docx(path: str | Path) -> tuple[list[_Para], list[_Table]]:
    """The draft's body paragraphs (with style and outline level) and its tables."""
    from .ingest import open_docx   # zip-bomb and entity checks, InputError on damage

    path = Path(path)
    document = open_docx(path)
    from docx.text.paragraph import Paragraph

    try:
        # document.paragraphs is the body's own w:p children; walking them here
        # keeps the same numbering and tells where each table sits.
        paras, tables = [], []
        for el in document.element.body.iterchildren():
            if el.tag == _W + "p":
                p = Paragraph(el, document._body)
                style = p.style.name if p.style is not None else "Normal"
                paras.append(_Para(len(paras) + 1, style or "Normal", _text_of(el), _outline_level(p)))
            elif el.tag == _W + "tbl":
                rows = [["\n".join(_text_of(p) for p in tc.iter(_W + "p")) for tc in tr.iter(_W + "tc")]
                        for tr in el.iter(_W + "tr")]
                tables.append(_Table(len(paras), rows))
    except (AttributeError, KeyError, ValueError) as exc:
        raise InputError(f"草稿的结构无法解析（{type(exc).__name__}）", file=path,
                         hint="在 Word 或 WPS 中打开后另存为 .docx 再检查") from exc
    return paras, tables


# --------------------------------------------------------------- structure

_CN = "零一二三四五六七八九"
_CN_NUM = "(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_NUMBERED = (
    # 一、 but not 一、二季度 / 一、二产业 (a list of ordinals, not a heading)
    (1, re.compile(rf"\s*({_CN_NUM})\s*、(?!{_CN_NUM}(?:季度|月|产|类|级|期|批|号|线|等|是))")),
    (2, re.compile(rf"\s*[（(]\s*({_CN_NUM})\s*[）)]")),
    (3, re.compile(r"\s*(\d{1,2})\s*[.．、](?![\d.．])")),
    (4, re.compile(r"\s*[（(]\s*(\d{1,2})\s*[）)]")),
)
_LEVEL_NAME = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题", 5: "“一是、二是”"}
# Part headings: 上半年工作回顾, 存在的问题, 下一步工作计划, 附表…情况表 (not 抓好重点任务).
_PART_RE = re.compile(r"(工作回顾|工作总结|存在的?(主要)?问题|工作(计划|安排|思路|重点|任务|打算)"
                      r"|(上半年|下半年|明年|下一步|\d{4}年)的?(计划|安排|思路|重点|任务|打算)|情况表)[：:]?$")
_PLAN_RE = re.compile(r"计划|安排|思路|打算|任务|重点")
_STYLE_RE = re.compile(r"(?:heading|标题)\s*(\d)")


def _cn_to_int(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (ordinals of headings)."""
    if "十" not in s:
        return _CN.index(s)
    tens, _, ones = s.partition("十")
    return (_CN.index(tens) if tens else 1) * 10 + (_CN.index(ones) if ones else 0)


def _int_to_cn(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _label(level: int, n: int) -> str:
    return {1: f"{_int_to_cn(n)}、", 2: f"（{_int_to_cn(n)}）", 3: f"{n}.", 4: f"（{n}）",
            5: f"{_int_to_cn(n)}是"}[level]


def _short(text: str, limit: int = 40) -> str:
    """A heading as one line: a run-on ``一、…。正文`` is cut at its first full stop."""
    text = " ".join(text.split())
    if len(text) > limit:
        m = re.search(r"[。！？]", text)
        text = text[:m.start()] if m and m.start() <= limit else text[:limit] + "…"
    return text


def _classify(p: _Para) -> None:
    text = p.text.strip()
    style = p.style.strip().lower()
    if not text:
        return
    if style in ("title", "标题") or style.startswith("subtitle") or style == "副标题":
        p.role = "title"
        return
    m = _STYLE_RE.fullmatch(style)
    style_level = int(m.group(1)) if m else (p.outline + 1 if p.outline is not None else None)
    for level, rx in _NUMBERED:
        m = rx.match(text)
        if m:
            p.level = level
            p.num = _cn_to_int(m.group(1)) if level <= 2 else int(m.group(1))
            p.role = "heading" if level <= 2 or style_level else "item"
            return
    short = len(text) <= 24 and not re.search(r"[。，,；;]", text)
    if style_level == 1 or (short and _PART_RE.search(text)):
        p.role = "part"
    elif style_level and text:
        p.role = "heading"


def _structure(paras: list[_Para]) -> None:
    heading, plan = "", False
    for p in paras:
        _classify(p)
        if p.role in ("part", "heading") and p.text.strip():
            heading = _short(p.text.strip())
        elif p.role == "title":
            heading = ""
        if p.role == "part" or (p.level == 1 and _PART_RE.search(_short(p.text))):
            plan = bool(_PLAN_RE.search(p.text))
        p.heading, p.plan = heading, plan


# ------------------------------------------------------------------ checks

_PLACEHOLDER_RE = re.compile(r"【\s*待补充\s*[：:]?\s*([^】]*)】")
_SHI_RE = re.compile(rf"(?<![^\s。；：，！？;:,!?（(“])({_CN_NUM})是(?!否)")
_SENT_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_PAIRS = {"（": "）", "“": "”", "《": "》", "【": "】"}
# Named, not quoted: ““” reads as noise.
_MARK_NAME = {"（": "左括号“（”", "）": "右括号“）”", "“": "左引号", "”": "右引号",
              "《": "左书名号“《”", "》": "右书名号“》”", "【": "左方括号“【”", "】": "右方括号“】”"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
# 率 in words that are not rates: 率先, 效率, 表率 …
_RATE_RE = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:(?<![效频功概坦直草轻表统督])率(?![先领队众])|比重|占比|增速|增幅)")
_CHANGE_RE = re.compile(r"((?:同比|比上年同期|较上年同期|比上年|较上年)?)(提高|降低|上升|下降|增长|减少|增加|回落|提升|下滑)了?"
                        r"\s*(\d+(?:\.\d+)?)\s*[%％]")
_COMPARE_RE = re.compile(r"同比|环比|分别|均|也|较|比|上年|去年|同期|一季度|上月|年初|[\s，,]")
_RATE_VERB = {"增长": "提高", "增加": "提高", "提升": "提高", "减少": "下降", "下滑": "下降"}


def _excerpt(text: str, start: int, end: int, width: int = 10) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _finding(kind: str, p: _Para, message: str, suggestion: str) -> Finding:
    return Finding(kind, message, p.number, p.heading, suggestion)


def _placeholders(p: _Para, text: str, where: str = "") -> Iterator[Finding]:
    for m in _PLACEHOLDER_RE.finditer(text):
        what = m.group(1).strip() or "此处"
        yield _finding("placeholder", p, f"{where}占位符“{m.group()}”还没有填写",
                       f"填入{what}的实际内容，并删去“【待补充：…】”标记；不需要的话连同所在句子删去")


def _sign_wording(p: _Para) -> Iterator[Finding]:
    from .numbers import wording_issues

    for issue in wording_issues(p.text):
        if "-" in issue.found or "－" in issue.found or "−" in issue.found:
            if any(v in issue.found for v in ("下降", "减少", "降低")):
                plain = re.sub(r"\s*[-－−]\s*", "", issue.found)
                suggestion = f"去掉负号：本意是减少就写“{plain}”，实际是增长就写“{issue.suggestion}”"
            else:
                suggestion = f"改为“{issue.suggestion}”"
        else:
            suggestion = f"改为“{issue.suggestion}”"
        yield _finding("sign_wording", p, f"{issue.reason}：“{issue.found}”", suggestion)


def _rate_unit(p: _Para, rate_names: set[str], other_names: set[str]) -> Iterator[Finding]:
    """A change of a rate written in % (失业率…同比下降0.3%): it is 个百分点."""
    for segment in re.split(r"[。；;！？!?\n]", p.text):
        subject = ""
        for clause in re.split(r"[，,]", segment):
            m = _CHANGE_RE.search(clause)
            own = clause[:m.start()] if m else clause
            named = [n for n in rate_names | other_names if n in own]
            if named:
                subject = max(named, key=len)
                subject = subject if subject in rate_names else ""
            elif _RATE_RE.search(own):
                subject = _RATE_RE.search(own).group()
            elif _COMPARE_RE.sub("", own):
                subject = ""        # the clause has its own, non-rate subject
            if m and subject:
                verb = _RATE_VERB.get(m.group(2), m.group(2))
                right = f"{m.group(1)}{verb}{m.group(3)}个百分点"
                yield _finding("rate_unit", p, f"“{subject}”是比率，两个比率之差要用“个百分点”：“{m.group()}”",
                               f"改为“{right}”")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                         or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…")


def _punctuation(p: _Para) -> Iterator[Finding]:
    text, hits = p.text, []
    for i, ch in enumerate(text):
        if ch not in _HALF:
            continue
        before = text[:i].rstrip()[-1:]
        after = text[i + 1:].lstrip()[:1]
        if ch in ",:" and before.isdigit() and after.isdigit():
            continue        # 1,000 and 3.4:71.4 are numbers, not prose
        if _is_cjk(before) or _is_cjk(after):
            hits.append(i)
    if hits:
        counts = Counter(text[i] for i in hits)
        listed = "、".join(f"“{c}”{k}处" for c, k in counts.items())
        fixes = "、".join(f"“{c}”→“{_HALF[c]}”" for c in counts)
        yield _finding("punctuation", p, f"中文句子里有半角标点：{listed}（位置：{_excerpt(text, hits[0], hits[0] + 1)}）",
                       f"改为全角：{fixes}")


def _brackets(p: _Para) -> Iterator[Finding]:
    text = p.text.replace("(", "（").replace(")", "）")   # half-width ones: see punctuation
    stack: list[tuple[str, int]] = []
    problems: list[tuple[int, str, str]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            opener = _CLOSERS[ch]
            if any(o == opener for o, _ in stack):
                while stack[-1][0] != opener:       # openers skipped over were never closed
                    o, j = stack.pop()
                    problems.append((j, f"{_MARK_NAME[o]}没有对应的{_MARK_NAME[_PAIRS[o]]}",
                                     f"在适当位置补上{_MARK_NAME[_PAIRS[o]]}，或删去多余的{_MARK_NAME[o]}"))
                stack.pop()
            else:
                problems.append((i, f"{_MARK_NAME[ch]}前面没有对应的{_MARK_NAME[opener]}",
                                 f"补上{_MARK_NAME[opener]}，或删去多余的{_MARK_NAME[ch]}"))
    for o, j in stack:
        problems.append((j, f"{_MARK_NAME[o]}没有对应的{_MARK_NAME[_PAIRS[o]]}",
                         f"在适当位置补上{_MARK_NAME[_PAIRS[o]]}，或删去多余的{_MARK_NAME[o]}"))
    for i, message, suggestion in sorted(problems):
        yield _finding("brackets", p, f"括号或引号不配对：{message}（位置：{_excerpt(p.text, i, i + 1)}）", suggestion)


def _numbering(paras: list[_Para]) -> Iterator[Finding]:
    """Heading numbers (and 一是、二是…) must run 1, 2, 3 within their scope."""
    last: dict[int, int] = {}

    def step(p: _Para, level: int, n: int) -> Finding | None:
        prev = last.get(level)
        last[level] = n
        lab = lambda k: f"“{_label(level, k)}”"  # noqa: E731
        name = _LEVEL_NAME[level]
        if prev is None:
            if n == 1:
                return None
            return _finding("numbering", p, f"{name}编号应从{lab(1)}开始，这里却是{lab(n)}",
                            f"改为{lab(1)}并依次顺改其后的编号，或补上前面缺少的内容")
        if n == prev + 1 or (n == 1 and level != 2):    # 一、 一是 1. may start again
            return None
        if n > prev + 1:
            missing = "、".join(lab(k) for k in range(prev + 1, min(n, prev + 4)))
            return _finding("numbering", p, f"{name}编号跳号：{lab(prev)}之后是{lab(n)}，缺少{missing}",
                            f"改为{lab(prev + 1)}并依次顺改其后的编号；若缺的内容是误删的，请补回")
        what = "重复" if n == prev else "顺序颠倒"
        return _finding("numbering", p, f"{name}编号{what}：{lab(prev)}之后又是{lab(n)}",
                        f"按现在的位置应为{lab(prev + 1)}；若这一节是挪过来的，请依次改正各节编号")

    for p in paras:
        if p.role in ("part", "title"):
            last.clear()
            continue
        found = []
        if p.level:
            found.append(step(p, p.level, p.num))
            for deeper in range(p.level + 1, 6):
                last.pop(deeper, None)
        elif p.role == "heading":
            last.pop(5, None)
        found += [step(p, 5, _cn_to_int(m.group(1))) for m in _SHI_RE.finditer(p.text)]
        yield from (f for f in found if f is not None)


def _shape(text: str) -> str:
    """``抓项目、稳经济，高质量发展…`` → ``X、Y，Z``: the punctuation skeleton."""
    m = _NUMBERED[0][1].match(text)
    body = _short(text)[m.end() if m else 0:].strip().rstrip("。；;，,！!")
    marks = re.sub(r"[^、，；：,;:]+", "", body).translate(str.maketrans(",;:", "，；："))
    return "".join("XYZWVU"[i % 6] + mark for i, mark in enumerate(marks)) + "XYZWVU"[len(marks) % 6]


def _describe(shape: str) -> str:
    return "不带标点的单句" if shape == "X" else f"“{shape}”式"


def _heading_shapes(paras: list[_Para]) -> Iterator[Finding]:
    """One 一、 heading whose shape differs from all the others of its part."""
    groups: list[list[_Para]] = [[]]
    problems = False        # 一、 items listing problems are sentences, not parallel headings
    for p in paras:
        if p.role in ("part", "title") or (p.level == 1 and p.num == 1):
            groups.append([])
        if p.role in ("part", "title") or (p.level == 1 and _PART_RE.search(_short(p.text))):
            problems = "问题" in p.text
            continue
        own_words = p.level == 1 and not _PLACEHOLDER_RE.search(p.text)    # 【待补充】 has no shape yet
        if own_words and p.role == "heading" and not problems:
            groups[-1].append(p)
    for group in groups:
        if len(group) < 4:      # too few headings to call one of them the odd one
            continue
        shapes = [_shape(p.text) for p in group]
        common, count = Counter(shapes).most_common(1)[0]
        if count != len(group) - 1:
            continue
        odd = next(p for p, s in zip(group, shapes) if s != common)
        example = _short(next(p for p, s in zip(group, shapes) if s == common).text)
        shape = _shape(odd.text)
        suggestion = f"仿照“{example}”的句式改写这一标题"
        if len(shape) == len(common):   # same skeleton, other marks: 抓治理，保安全 for 抓治理、保安全
            swaps = [f"第{k // 2 + 1}个“{a}”改为“{b}”" for k, (a, b) in enumerate(zip(shape, common)) if a != b]
            suggestion = "标点与其他标题统一：" + "，".join(swaps)
        yield _finding("heading_shape", odd,
                       f"一级标题句式不对仗：本部分其余{count}个标题都是{_describe(common)}（如“{example}”），"
                       f"这一个是{_describe(shape)}", suggestion)


def _duplicates(paras: list[_Para]) -> Iterator[Finding]:
    """The same sentence twice (whitespace ignored): reported where it comes again."""
    seen: dict[str, int] = {}
    for p in paras:
        if p.role not in ("body", "item"):
            continue
        for m in _SENT_RE.finditer(p.text):
            key = re.sub(r"\s+", "", m.group()).rstrip("。！？!?；;，,：:")
            words = len(re.findall(r"\w", _PLACEHOLDER_RE.sub("", key)))
            if words < 6 or (words < 12 and key.startswith(("各位", "同志"))):   # 各位代表，同志们！ recurs
                continue
            if key not in seen:
                seen[key] = p.number
                continue
            first = seen[key]
            where = "本段前文" if first == p.number else f"第{first}段"
            yield _finding("duplicate", p, f"这句与{where}的一句重复：“{_short(m.group().strip(), 30)}”",
                           "删去其中一处，或改写这一句")


# ----------------------------------------------------------------- figures

_NUM = r"(\d+(?:\.\d+)?)"
_GAP_RE = re.compile(r"[\s（(]*(?:完成|实现|达到|达|为|累计|共|约|预计|突破|超过|合计)*[\s:：]*")
_GROWTH_RE = re.compile(rf"(?<!环比)(同比|[比较与]上年同期|[比较与]去年同期)?"
                        rf"(?:(增长|上升|提高|增加|下降|降低|减少|回落|下滑)\s*{_NUM}\s*(%|％|个百分点)|持平)")
_AIM_RE = re.compile(r"力争|预计|预期|目标|确保|争取|计划")
_DOWN = ("下降", "降低", "减少", "回落", "下滑")
_SCALE = {"": 1.0, "万": 1e4, "亿": 1e8}


def _tolerance(number: str) -> float:
    """Half a unit of the last digit written: 3.5亿元 stands for 3.45 to 3.55."""
    decimals = len(number.partition(".")[2])
    return 0.5 * 10 ** -decimals + 1e-9


def _factor(after: str, unit: str) -> float | None:
    """What turns the figure written before ``after`` into the indicator's ``unit``."""
    after = after.lstrip().replace("％", "%")
    base, own = (unit[1:], _SCALE[unit[0]]) if len(unit) > 1 and unit[0] in "万亿" else (unit, 1.0)
    if not base:
        return 1.0
    for prefix in ("亿", "万", ""):
        if after.startswith(prefix + base):
            return _SCALE[prefix] / own
    return None


def _compare(ind, text: str, start: int, end: int) -> Iterator[tuple[str, str]]:
    """(message, suggestion) for each figure in text[start:end] that the facts contradict."""
    from .numbers import fmt_amount, growth_phrase

    window = text[start:end]
    if _AIM_RE.search(text[max(0, start - len(ind.name) - 6):start]):
        return      # 力争地区生产总值… is a target, not this period's figure
    gap = _GAP_RE.match(window)
    m = re.match(_NUM, window[gap.end():])
    factor = _factor(window[gap.end() + m.end():], ind.unit) if m else None
    amount_end = gap.end() + m.end() if m else 0
    if m and factor is not None and ind.current is not None:
        written = float(m.group(1))
        if abs(written - ind.current / factor) > _tolerance(m.group(1)):
            found = window[gap.end():gap.end() + m.end()] + window[gap.end() + m.end():].lstrip()[:2]
            right = fmt_amount(ind.current, ind.unit, ind.decimals)
            yield (f"“{ind.name}”写作“{found.rstrip('，。；')}”，事实文件（第{ind.line}行）中本期是{right}",
                   f"改为“{right}”；若事实文件有误，先改事实文件再重新生成")
    g = _GROWTH_RE.search(window)
    expected = {v for v in (ind.yoy_value, ind.computed_yoy) if v is not None}
    # 同比… anywhere in the clause, or a bare 增长5.9% right after the amount and its unit
    if g and not g.group(1) and len(re.sub(r"[\s，,]", "", window[amount_end:g.start()])) > 3:
        g = None
    if g and expected and not _AIM_RE.search(window[:g.start()]):
        stated = 0.0 if g.group(2) is None else float(g.group(3)) * (-1 if g.group(2) in _DOWN else 1)
        tol = _tolerance(g.group(3) or "0.0")
        if all(abs(stated - e) > tol for e in expected):
            right = growth_phrase(ind.current, last=ind.last, yoy=ind.yoy, unit=ind.unit)
            yield (f"“{ind.name}”的同比写作“{g.group()}”，与事实文件（第{ind.line}行）不符",
                   f"改为“{right}”" if right else "核对同比数字")


def _figures(paras: list[_Para], tables: list[_Table], by_number: dict[int, _Para],
             facts: Facts) -> Iterator[Finding]:
    """Figures near an indicator's name that disagree with the facts file."""
    inds = sorted(facts.indicators, key=lambda i: -len(i.name))    # 规上工业总产值 before 工业总产值
    for p in paras:
        if p.role not in ("body", "item") or p.plan:
            continue
        spans: list[tuple[int, int, object]] = []
        for ind in inds:
            for m in re.finditer(re.escape(ind.name), p.text):
                if not any(a <= m.start() < b for a, b, _ in spans):
                    spans.append((m.start(), m.end(), ind))
        spans.sort(key=lambda s: s[0])
        for k, (_, end, ind) in enumerate(spans):
            stop = re.search(r"[。；;！？\n]", p.text[end:])
            limit = min(end + stop.start() if stop else len(p.text),
                        spans[k + 1][0] if k + 1 < len(spans) else len(p.text))
            for message, suggestion in _compare(ind, p.text, end, limit):
                yield _finding("figure_mismatch", p, message, suggestion)
    names = {ind.name: ind for ind in facts.indicators}
    for t in tables:
        head = [c.strip() for c in t.rows[0]] if t.rows else []
        if not {"本期", "单位"} <= set(head):
            continue
        anchor = by_number.get(t.after) or _Para(max(t.after, 1), "Normal", "")
        col = {name: head.index(name) for name in ("本期", "单位", "同比") if name in head}
        for row in t.rows[1:]:
            ind = names.get(row[0].strip()) if row and len(row) == len(head) else None
            if ind is None:
                continue
            growth = row[col["同比"]].strip() if "同比" in col else ""
            text = f"{row[col['本期']].strip()}{row[col['单位']].strip()}，同比{growth}"
            for message, suggestion in _compare(ind, text, 0, len(text)):
                yield _finding("figure_mismatch", anchor, f"附表中{message}", suggestion)


# ---------------------------------------------------------------- entry points

def _check(paras: list[_Para], tables: list[_Table], facts: Facts | None) -> list[Finding]:
    _structure(paras)
    by_number = {p.number: p for p in paras}
    rate_names: set[str] = set()
    other_names: set[str] = set()
    for ind in (facts.indicators if facts is not None else []):
        (rate_names if ind.is_rate else other_names).add(ind.name)
    findings: list[Finding] = []
    for p in paras:
        findings += _placeholders(p, p.text)
        findings += _sign_wording(p)
        findings += _rate_unit(p, rate_names, other_names)
        findings += _punctuation(p)
        findings += _brackets(p)
    for t in tables:
        anchor = by_number.get(t.after) or _Para(max(t.after, 1), "Normal", "")
        for r, row in enumerate(t.rows, start=1):
            for c, cell in enumerate(row, start=1):
                findings += _placeholders(anchor, cell, f"表格第{r}行第{c}列：")
    findings += _numbering(paras)
    findings += _heading_shapes(paras)
    findings += _duplicates(paras)
    if facts is not None:
        findings += _figures(paras, tables, by_number, facts)
    # stable: within a paragraph, findings keep the order the checks produced them
    return sorted(findings, key=lambda f: f.paragraph)


def check_paragraphs(paragraphs: list[tuple[str, str]], *, facts: Facts | None = None) -> list[Finding]:
    """Check a draft given as (style name, text) pairs, numbered from 1 in order."""
    paras = [_Para(n, style or "Normal", text or "") for n, (style, text) in enumerate(paragraphs, start=1)]
    return _check(paras, [], facts)


def check_document(path: str | Path, *, facts: Facts | None = None) -> list[Finding]:
    """Check a .docx draft; ``paragraph`` numbers count ``document.paragraphs`` from 1.

    Raises InputError when the file is missing, is not a .docx or is damaged.
    """
    paras, tables = _read_docx(path)
    return _check(paras, tables, facts)
