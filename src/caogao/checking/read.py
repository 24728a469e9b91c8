"""An edited draft as ``caogao check`` reads it: paragraphs, headings, tables, figures.

The draft is read as python-docx's ``document.paragraphs`` gives it, so a
paragraph's ``number`` is that list's 1-based position (the body's paragraphs in
order; paragraphs inside tables are not counted). Text is joined across runs, so
a word Word split over two runs is still one word; tracked deletions and text
boxes are left out. Each table remembers the body paragraph it follows.

``structure`` gives each paragraph its role (title, part, heading, item, body),
its heading number and the nearest heading at or above it. Headings are
recognised both by style (Heading 1/2…, 标题 1, an outline level) and by shape
(``一、`` ``（一）``), because users retype headings in the Normal style.

``figure_mismatches`` compares the figures written near an indicator's name with
the facts file. check.py turns all of this into findings; nothing here imports
jieba or scikit-learn, and python-docx only when a .docx is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from caogao.errors import InputError
from caogao.text.numerals import to_chinese, to_int

if TYPE_CHECKING:
    from caogao.drafting.facts import Facts


@dataclass
class Para:
    """One body paragraph; ``structure`` fills in everything after ``outline``."""

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
class Table:
    """A body table as rows of cell text."""

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


class _Styles:
    """The draft's paragraph styles, each looked up once by id.

    python-docx finds a paragraph's style (and each style it is based on) by
    scanning every style, so a draft with 8,000 styles and 2,000 paragraphs took
    three minutes to read; here it is one pass over the styles and a dict. A style
    is chosen as python-docx chooses it: an unknown id, or a style of another type,
    means the default paragraph style."""

    def __init__(self, document) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        styles = document.styles.element
        self._by_id: dict[str, object] = {}
        for el in styles.iterchildren(_W + "style"):
            self._by_id.setdefault(el.get(_W + "styleId"), el)  # the first of an id, as Word reads it
        self._paragraph = WD_STYLE_TYPE.PARAGRAPH
        self._default = styles.default_for(self._paragraph)
        self._outline: dict[object, object] = {}

    def of(self, p) -> object | None:
        """The w:style element of paragraph ``p`` (a w:p), or None when there is none at all."""
        style_id = p.style
        el = self._by_id.get(style_id) if style_id else None
        return el if el is not None and el.type == self._paragraph else self._default

    @staticmethod
    def name(el) -> str:
        from docx.styles import BabelFish

        name = el.name_val if el is not None else None
        return BabelFish.internal2ui(name) if name else "Normal"

    def outline(self, el):
        """The w:outlineLvl a style sets or inherits (through w:basedOn), or None; a loop of
        styles based on each other ends where it closes."""
        chain: dict[object, None] = {}  # in order, and a quick "seen?"
        found = None
        while el is not None and el not in chain:
            if el in self._outline:
                found = self._outline[el]
                break
            chain[el] = None
            spPr = el.find(_W + "pPr")
            found = spPr.find(_W + "outlineLvl") if spPr is not None else None
            if found is not None:
                break
            based = el.find(_W + "basedOn")
            el = self._by_id.get(based.get(_W + "val")) if based is not None else None
        for seen in chain:  # each style on the way inherits the same level
            self._outline[seen] = found
        return found


def _outline_level(p, style, styles: _Styles) -> int | None:
    """The paragraph's outline level, set directly or inherited from its style."""
    pPr = p.pPr
    found = pPr.find(_W + "outlineLvl") if pPr is not None else None
    if found is None:
        found = styles.outline(style)
    if found is None:
        return None
    try:
        level = int(found.get(_W + "val"))
    except (TypeError, ValueError):
        return None
    return level if 0 <= level < 9 else None    # 9 means body text


def read_docx(path: str | Path) -> tuple[list[Para], list[Table]]:
    """The draft's body paragraphs (with style and outline level) and its tables."""
    from caogao.corpus.docx_in import open_docx   # zip-bomb and entity checks, InputError on damage

    path = Path(path)
    document = open_docx(path)
    try:
        # document.paragraphs is the body's own w:p children; walking them here
        # keeps the same numbering and tells where each table sits.
        paras: list[Para] = []
        tables: list[Table] = []
        styles = _Styles(document)
        counted = 0  # body paragraphs as python-docx counts them

        def read(el, in_control: bool) -> None:
            nonlocal counted
            if el.tag == _W + "p":
                # a paragraph inside a content control is not one of document.paragraphs:
                # it is read and checked, and its findings are placed at the paragraph before it
                if not in_control:
                    counted += 1
                style = styles.of(el)
                paras.append(Para(max(counted, 1), styles.name(style), _text_of(el),
                                  _outline_level(el, style, styles)))
            elif el.tag == _W + "tbl":
                rows = [["\n".join(_text_of(p) for p in tc.iter(_W + "p")) for tc in tr.iter(_W + "tc")]
                        for tr in el.iter(_W + "tr")]
                tables.append(Table(counted, rows))
            elif el.tag == _W + "sdt":  # a block-level content control: what it holds
                for content in el.iterchildren(_W + "sdtContent"):
                    for child in content.iterchildren():
                        read(child, True)

        for el in document.element.body.iterchildren():
            read(el, False)
    except (AttributeError, KeyError, ValueError) as exc:
        raise InputError(f"草稿的结构无法解析（{type(exc).__name__}）", file=path,
                         hint="在 Word 或 WPS 中打开后另存为 .docx 再检查") from exc
    return paras, tables


# --------------------------------------------------------------- structure

CN_NUM = "(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
NUMBERED = (
    # 一、 but not 一、二季度 / 一、二产业 (a list of ordinals, not a heading)
    (1, re.compile(rf"\s*({CN_NUM})\s*、(?!{CN_NUM}(?:季度|月|产|类|级|期|批|号|线|等|是))")),
    (2, re.compile(rf"\s*[（(]\s*({CN_NUM})\s*[）)]")),
    (3, re.compile(r"\s*(\d{1,2})\s*[.．、](?![\d.．])")),
    (4, re.compile(r"\s*[（(]\s*(\d{1,2})\s*[）)]")),
)
# Part headings: 上半年工作回顾, 存在的问题, 下一步工作计划, 附表…情况表 (not 抓好重点任务).
PART_RE = re.compile(r"(工作回顾|工作总结|存在的?(主要)?问题|工作(计划|安排|思路|重点|任务|打算)"
                     r"|(上半年|下半年|明年|下一步|\d{4}年)的?(计划|安排|思路|重点|任务|打算)|情况表)[：:]?$")
_PLAN_RE = re.compile(r"计划|安排|思路|打算|任务|重点")
_STYLE_RE = re.compile(r"(?:heading|标题)\s*(\d)")


def ordinal_label(level: int, n: int) -> str:
    return {1: f"{to_chinese(n)}、", 2: f"（{to_chinese(n)}）", 3: f"{n}.", 4: f"（{n}）",
            5: f"{to_chinese(n)}是"}[level]


def one_line(text: str, limit: int = 40) -> str:
    """A heading as one line: a run-on ``一、…。正文`` is cut at its first full stop."""
    text = " ".join(text.split())
    if len(text) > limit:
        m = re.search(r"[。！？]", text)
        text = text[:m.start()] if m and m.start() <= limit else text[:limit] + "…"
    return text


def _classify(p: Para) -> None:
    text = p.text.strip()
    style = p.style.strip().lower()
    if not text:
        return
    if style in ("title", "标题") or style.startswith("subtitle") or style == "副标题":
        p.role = "title"
        return
    m = _STYLE_RE.fullmatch(style)
    style_level = int(m.group(1)) if m else (p.outline + 1 if p.outline is not None else None)
    for level, rx in NUMBERED:
        m = rx.match(text)
        if m:
            p.level = level
            p.num = to_int(m.group(1)) if level <= 2 else int(m.group(1))
            p.role = "heading" if level <= 2 or style_level else "item"
            return
    short = len(text) <= 24 and not re.search(r"[。，,；;]", text)
    if style_level == 1 or (short and PART_RE.search(text)):
        p.role = "part"
    elif style_level and text:
        p.role = "heading"


def structure(paras: list[Para]) -> None:
    heading, plan = "", False
    for p in paras:
        _classify(p)
        if p.role in ("part", "heading") and p.text.strip():
            heading = one_line(p.text.strip())
        elif p.role == "title":
            heading = ""
        if p.role == "part" or (p.level == 1 and PART_RE.search(one_line(p.text))):
            plan = bool(_PLAN_RE.search(p.text))
        p.heading, p.plan = heading, plan


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
    from caogao.drafting.statwords import fmt_amount, growth_phrase

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


def figure_mismatches(paras: list[Para], tables: list[Table], by_number: dict[int, Para],
                      facts: Facts) -> Iterator[tuple[Para, str, str]]:
    """(paragraph, message, suggestion) for each figure near an indicator's name, or in
    the 附表, that disagrees with the facts file; plan paragraphs state targets, not figures."""
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
                yield p, message, suggestion
    names = {ind.name: ind for ind in facts.indicators}
    for t in tables:
        head = [c.strip() for c in t.rows[0]] if t.rows else []
        if not {"本期", "单位"} <= set(head):
            continue
        anchor = by_number.get(t.after) or Para(max(t.after, 1), "Normal", "")
        col = {name: head.index(name) for name in ("本期", "单位", "同比") if name in head}
        for row in t.rows[1:]:
            ind = names.get(row[0].strip()) if row and len(row) == len(head) else None
            if ind is None:
                continue
            growth = row[col["同比"]].strip() if "同比" in col else ""
            text = f"{row[col['本期']].strip()}{row[col['单位']].strip()}，同比{growth}"
            for message, suggestion in _compare(ind, text, 0, len(text)):
                yield anchor, f"附表中{message}", suggestion
