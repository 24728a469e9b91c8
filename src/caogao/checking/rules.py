"""Lint a draft the user edited in Word or WPS: ``caogao check``.

A finding's ``paragraph`` is the 1-based position in python-docx's
``document.paragraphs`` (the body's paragraphs in order; paragraphs inside tables
are not counted); a problem inside a table is reported at the last body paragraph
before the table (usually the table's title). ``heading`` is the nearest heading
at or above the paragraph. How the draft is read, and how headings are told from
body text, is draftread.py's business; this module holds the checks and the
public API: KINDS, Finding, check_document and check_paragraphs.

Checks: placeholders left, figures that disagree with the facts file, sign and
zero wording (``增长-3.2%``), ``%`` where ``个百分点`` is meant, half-width
punctuation in Chinese text, unbalanced brackets, heading numbering, mixed
heading shapes and repeated sentences; and the wording checks of
``checking.wording`` (formulations, level words, counts, target wording,
repeated figures). No check imports jieba or scikit-learn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from caogao.checking.wording import WORDING_KINDS, wording_findings
from caogao.mining.shapes import breaks
from caogao.text.numerals import to_int
from caogao.checking.read import (CN_NUM, PART_RE, Para, Table, figure_mismatches, one_line,
                        ordinal_label, read_docx, structure)

if TYPE_CHECKING:
    from caogao.drafting.facts import Facts

__all__ = ["KINDS", "Finding", "check_document", "check_paragraphs"]

KINDS = ("placeholder", "figure_mismatch", "sign_wording", "rate_unit", "punctuation",
         "brackets", "numbering", "heading_shape", "duplicate", *WORDING_KINDS)


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


# ------------------------------------------------------------------ checks

_PLACEHOLDER_RE = re.compile(r"【\s*待补充\s*[：:]?\s*([^】]*)】")
_SHI_RE = re.compile(rf"(?<![^\s。；：，！？;:,!?（(“])({CN_NUM})是(?!否)")
_LEVEL_NAME = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题", 5: "“一是、二是”"}
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


def _finding(kind: str, p: Para, message: str, suggestion: str) -> Finding:
    return Finding(kind, message, p.number, p.heading, suggestion)


def _placeholders(p: Para, text: str, where: str = "") -> Iterator[Finding]:
    for m in _PLACEHOLDER_RE.finditer(text):
        what = m.group(1).strip() or "此处"
        yield _finding("placeholder", p, f"{where}占位符“{m.group()}”还没有填写",
                       f"填入{what}的实际内容，并删去“【待补充：…】”标记；不需要的话连同所在句子删去")


def _sign_wording(p: Para) -> Iterator[Finding]:
    from caogao.drafting.statwords import wording_issues

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


def _rate_unit(p: Para, rate_names: set[str], other_names: set[str]) -> Iterator[Finding]:
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


def _punctuation(p: Para) -> Iterator[Finding]:
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


def _brackets(p: Para) -> Iterator[Finding]:
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


def _numbering(paras: list[Para]) -> Iterator[Finding]:
    """Heading numbers (and 一是、二是…) must run 1, 2, 3 within their scope."""
    last: dict[int, int] = {}

    def step(p: Para, level: int, n: int) -> Finding | None:
        prev = last.get(level)
        last[level] = n
        lab = lambda k: f"“{ordinal_label(level, k)}”"  # noqa: E731
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
        found += [step(p, 5, to_int(m.group(1))) for m in _SHI_RE.finditer(p.text)]
        yield from (f for f in found if f is not None)


def _skeleton(text: str) -> str:
    """``一、抓项目、稳经济，高质量发展…`` → ``X、Y，Z``: a heading's breaks, as shown to the user."""
    marks = breaks(one_line(text).rstrip("。；;，,！!"))
    return "".join("XYZWVU"[i % 6] + mark for i, mark in enumerate(marks)) + "XYZWVU"[len(marks) % 6]


def _describe(shape: str) -> str:
    return "不带标点的单句" if shape == "X" else f"“{shape}”式"


def _heading_shapes(paras: list[Para]) -> Iterator[Finding]:
    """One 一、 heading whose shape differs from all the others of its part."""
    groups: list[list[Para]] = [[]]
    problems = False        # 一、 items listing problems are sentences, not parallel headings
    for p in paras:
        if p.role in ("part", "title") or (p.level == 1 and p.num == 1):
            groups.append([])
        if p.role in ("part", "title") or (p.level == 1 and PART_RE.search(one_line(p.text))):
            problems = "问题" in p.text
            continue
        own_words = p.level == 1 and not _PLACEHOLDER_RE.search(p.text)    # 【待补充】 has no shape yet
        if own_words and p.role == "heading" and not problems:
            groups[-1].append(p)
    for group in groups:
        if len(group) < 4:      # too few headings to call one of them the odd one
            continue
        shapes = [_skeleton(p.text) for p in group]
        common, count = Counter(shapes).most_common(1)[0]
        if count != len(group) - 1:
            continue
        odd = next(p for p, s in zip(group, shapes) if s != common)
        example = one_line(next(p for p, s in zip(group, shapes) if s == common).text)
        shape = _skeleton(odd.text)
        suggestion = f"仿照“{example}”的句式改写这一标题"
        if len(shape) == len(common):   # same skeleton, other marks: 抓治理，保安全 for 抓治理、保安全
            swaps = [f"第{k // 2 + 1}个“{a}”改为“{b}”" for k, (a, b) in enumerate(zip(shape, common)) if a != b]
            suggestion = "标点与其他标题统一：" + "，".join(swaps)
        yield _finding("heading_shape", odd,
                       f"一级标题句式不对仗：本部分其余{count}个标题都是{_describe(common)}（如“{example}”），"
                       f"这一个是{_describe(shape)}", suggestion)


def _duplicates(paras: list[Para]) -> Iterator[Finding]:
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
            yield _finding("duplicate", p, f"这句与{where}的一句重复：“{one_line(m.group().strip(), 30)}”",
                           "删去其中一处，或改写这一句")


# ---------------------------------------------------------------- entry points

def _check(paras: list[Para], tables: list[Table], facts: Facts | None) -> list[Finding]:
    structure(paras)
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
        anchor = by_number.get(t.after) or Para(max(t.after, 1), "Normal", "")
        for r, row in enumerate(t.rows, start=1):
            for c, cell in enumerate(row, start=1):
                findings += _placeholders(anchor, cell, f"表格第{r}行第{c}列：")
    findings += _numbering(paras)
    findings += _heading_shapes(paras)
    findings += _duplicates(paras)
    repeated = {f.paragraph for f in findings if f.kind == "duplicate"}  # a sentence said twice says its figures twice
    findings += [_finding(kind, p, message, suggestion) for kind, p, message, suggestion in wording_findings(paras, facts)
                 if not (kind == "repeated_figure" and p.number in repeated)]
    if facts is not None:
        findings += [_finding("figure_mismatch", p, message, suggestion)
                     for p, message, suggestion in figure_mismatches(paras, tables, by_number, facts)]
    # stable: within a paragraph, findings keep the order the checks produced them
    return sorted(findings, key=lambda f: f.paragraph)


def check_paragraphs(paragraphs: list[tuple[str, str]], *, facts: Facts | None = None) -> list[Finding]:
    """Check a draft given as (style name, text) pairs, numbered from 1 in order."""
    paras = [Para(n, style or "Normal", text or "") for n, (style, text) in enumerate(paragraphs, start=1)]
    return _check(paras, [], facts)


def check_document(path: str | Path, *, facts: Facts | None = None) -> list[Finding]:
    """Check a .docx draft; ``paragraph`` numbers count ``document.paragraphs`` from 1.

    Raises InputError when the file is missing, is not a .docx or is damaged.
    """
    paras, tables = read_docx(path)
    return _check(paras, tables, facts)
