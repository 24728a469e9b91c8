"""Cleaned report text → ``Report`` (parts → first-level sections → units).

A file holds one report or a compilation (title page, contents, several
reports, one may have lost its title). Each report is cut into the parts of
GONGWEN.md §2 (开场 回顾 致谢 存在问题 计划 结束语), 回顾 and 计划 into sections
and units. Headings are known by their markers (``一、`` ``（一）`` ``——``
``一是`` ``1.``), by lead sentences (``环境治理有效推进。``) and as short
paragraphs standing alone. Regular expressions only, no segmenter: the whole
corpus parses in a fraction of a second.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, NamedTuple

from caogao.corpus.clean import clean_text
from caogao.paths import corpus_dir
from caogao.corpus.sections import ADDRESS, CN, mark, read_sections
from caogao.corpus.report import WHOLE, Part, Report


# Run-on text (a flattened document): paragraphs are cut back out before these.
_RUN_ON = 1500
_SPLIT_RUN_ON = re.compile(
    rf"(?<=[。！？：])(?={CN}、|（{CN}）|——)"
    rf"|(?<=[。！？])(?={ADDRESS}|在(?:充分)?肯定成绩的同时|成绩固然可喜)"
    rf"|(?<=报告|汇报|总结)(?={ADDRESS}[，、！：])"
)

# Splits made in a line of any length: a title run into its salutation ("…政府工作报告各位代表：")
# and a numbered part heading run on after a sentence ("…请予审议。一、2022年工作回顾过去一年…").
_SPLIT_ALWAYS = re.compile(
    rf"(?<=报告|汇报|总结)(?={ADDRESS}[，、！：])"
    rf"|(?<=[。！？：])(?=(?:{CN}、|第{CN}部分)[^。！？，]{{0,20}}工作(?:回顾|总结|计划|安排|思路))"
)
# A line that cannot begin a paragraph: it closes a bracket ("）浓度继续下降") or spells out an
# abbreviation ("（RCEP）生效实施") — web pages break lines at links and subscripts.
_CONTINUES = re.compile(r"^(?:[）)]|（[A-Za-z][A-Za-z0-9.\-]*）)")
_ENDED = re.compile(r"[。！？；：:…”」）)]$")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")

_TOC_ENTRY = re.compile(r"(?:\t|\s{2,}|[.…·．]{3,})\s*\d{1,4}$")
_TITLE_WORDS = re.compile(r"工作报告|工作汇报|工作总结|述职报告")
_SPACED_OUT = re.compile(r"(?:\S[ \t\u3000]+){3,}\S")
_NUMBERED = re.compile(rf"^(?:{CN}、|（{CN}）|\d{{1,2}}[.．、])")

_NUMBERING = rf"(?:{CN}、|（{CN}）|第{CN}部分[：:、，\s]*)"
_WHEN = r"(?:(?:\d{4}|今|明|本)年度?)?(?:上半年度?|下半年度?|全年|一年来|过去一年|下一步|下阶段)?"
_DOING = r"(?:政府|主要|重点)*"
_PART_HEADINGS = tuple(
    (name, re.compile(rf"^({_NUMBERING})?({pattern})[：:。]?"))
    for name, pattern in (
        ("回顾", rf"{_WHEN}{_DOING}工作(?:回顾|总结|开展情况|完成情况)"),
        ("计划", rf"{_WHEN}{_DOING}工作(?:计划|安排|思路|重点|任务|打算|要点)"),
        ("存在问题", r"存在的?(?:主要)?(?:困难和|不足和)?问题(?:和不足)?|(?:主要)?(?:困难|问题)(?:和|与)不足"),
    )
)

# A numbered line standing alone that names a whole part: "二、2022年经济社会发展总体要求和政策取向",
# "二、对今年政府工作的建议", "一、过去一年和五年工作回顾".
_NUMBERED_PARTS = (
    ("回顾", re.compile(rf"^({CN}、|第{CN}部分[：:、，\s]*)(.{{0,24}}(?:工作回顾|工作总结|工作成效|主要成效|工作成绩))$")),
    ("总体要求", re.compile(rf"^({CN}、|第{CN}部分[：:、，\s]*)(.{{0,40}}(?:总体要求|政策取向|目标任务|重大举措|主要目标|预期目标))$")),
    ("计划", re.compile(rf"^({CN}、|第{CN}部分[：:、，\s]*)(.{{0,30}}(?:重点工作|工作任务|主要任务|工作的建议"
                      rf"|工作安排|工作计划|工作打算))$")),
    # after the closing: kept apart, never mined as sections
    ("附件", re.compile(r"^()((?:附件|附表|附录)[\d一二三四五六七八九十]*(?:[：:].{0,30})?|名词解释|注释|名词注释)[：:]?$")),
)

# Traditional characters of part headings and titles ("第一部分 過去五年工作回顧", "存在的問題"),
# mapped one to one only to match them: the text itself stays as written.
_TO_SIMPLIFIED = str.maketrans(
    "過顧劃畫務問題設體發會報計總結績經濟預標點開況強進與難實現達議對項舉規來從內時這幾個"
    "錄註釋詞擬應屆華區縣鄉鎮東爲為義",
    "过顾划划务问题设体发会报计总结绩经济预标点开况强进与难实现达议对项举规来从内时这几个"
    "录注释词拟应届华区县乡镇东为为义")

_BARE_ADDRESS = re.compile(rf"^{ADDRESS}(?:[，、]{ADDRESS})*[！!，：:。]?$")
_SALUTATION = re.compile(rf"^{ADDRESS}(?:[，、]{ADDRESS})*[：:]")
_OPENING = re.compile(r"我代表.{0,20}(?:报告|汇报)|报告如下|汇报如下|予以审议|请予审议")
_PROBLEMS = re.compile(r"^(?:各位代表[，！])?(?:在(?:充分)?肯定成绩的同时|成绩固然可喜)")
_PROBLEM_WORDS = re.compile(r"清醒地?(?:认识|看到)|存在的问题|困难和问题|不足之处")
_PROBLEMS_INSIDE = re.compile(r"(?<=[。！？])[^。！？]{0,30}清醒地?(?:认识|看到)")
_SUBTITLE = re.compile(r"^(?:——.{0,40}(?:会议|大会).{0,4}|——\d{4}年\d{1,2}月\d{1,2}日在[^。，！？]{0,30}"
                       r"|[^。，！？]{0,30}(?:会议|大会)上|（[^）]{0,60}(?:会议|大会)[^）]{0,6}）"
                       r"|\S{0,12}(?:代?(?:镇长|乡长|县长|区长|市长|州长|省长|主席|总理)|主任)[\s?？�]*\S{1,4}"
                       r"|[\u4e00-\u9fff][\u4e00-\u9fff\s]{1,4}|（?\d{4}年\d{1,2}月\d{1,2}日）?)$")




class _PartHeading(NamedTuple):
    name: str
    heading: str
    rest: str        # body glued to the heading in run-on text


def parse_file(text: str, file: str) -> list[Report]:
    """Clean ``text`` and parse each report in it; ids are ``"<stem>#<n>"`` from 1."""
    stem, name = Path(file).stem, Path(file).name
    reports = []
    paragraphs = _paragraphs(clean_text(text))
    for title, paras in _segments(paragraphs):
        report = _parse_report(title, paras, name)
        if report is not None:
            report.id = f"{stem}#{len(reports) + 1}"
            reports.append(report)
    if not reports and paragraphs:  # nothing is dropped silently: gather() warns of it
        reports.append(whole_report(paragraphs, name))
    return reports


def load_corpus(paths: Iterable[str | Path] | None = None) -> tuple[list[Report], list[str]]:
    """Read and parse files and folders (default: the shipped corpus).

    Returns the reports and Chinese warnings (files skipped and why). Raises
    ``InputError`` only when nothing could be read.
    """
    from caogao.corpus.files import read_many

    pairs, warnings = read_many([corpus_dir()] if paths is None else list(paths))
    found = [parse_file(text, path.name) for path, text in pairs]
    return gather(pairs, found, warnings), warnings


def gather(pairs: list[tuple[Path, str]], found: list[list[Report]], warnings: list[str]) -> list[Report]:
    """The reports of every file in order, with ids made unique across files.

    A file read whole (no report found in it: ``whole_report``) gets a warning
    saying what was missing; a second file of the same name
    (in another folder) gets its folder name in its reports' ids.
    """
    reports: list[Report] = []
    seen_ids: set[str] = set()
    for (path, _), file_reports in zip(pairs, found):
        if [p.name for r in file_reports for p in r.parts] == [WHOLE]:
            warnings.append(f"{path}：没有找到报告标题，也没有“工作回顾”“工作计划”等部分；已整篇作为一篇报告读入，不分部分")
        for report in file_reports:
            if report.id in seen_ids:  # two files with one name in different folders
                stem, n = report.id.rsplit("#", 1)
                report.id = f"{path.parent.name}/{stem}#{n}"
                warnings.append(f"{path}：与另一文件同名，编号改为 {report.id}")
            seen_ids.add(report.id)
            reports.append(report)
    return reports


def whole_report(paras: list[str], file: str) -> Report:
    """The paragraphs of a file in which no report was found, read as one report of one part, ``全文``."""
    body, found = read_sections(paras)
    year_m = re.search(r"(20\d\d)年", "".join(paras[:3]))
    return Report(id=f"{Path(file).stem}#1", title=paras[0][:50], title_derived=True, file=file,
                  year=int(year_m.group(1)) if year_m else None, period="上半年" if "半年" in paras[0] else "全年",
                  text="\n".join(paras), parts=[Part(name=WHOLE, heading="", text=body, sections=found)])


# ---- file → paragraphs → one list of paragraphs per report ----------------

def _paragraphs(text: str) -> list[str]:
    pieces = (_SPLIT_RUN_ON.split(line) if len(line) > _RUN_ON else _SPLIT_ALWAYS.split(line)
              for line in text.split("\n"))
    return _mend([p.strip() for group in pieces for p in group if p.strip()])


def _mend(paras: list[str]) -> list[str]:
    """Lines broken inside a sentence joined again; lines with no Chinese at all (a translation,
    page chrome) dropped unless they are mended into a sentence (``PM`` ``2.5`` ``）浓度…``)."""
    out: list[str] = []
    for p in paras:
        if out and _CONTINUES.match(p) and not _ENDED.search(out[-1]):
            piece = out.pop()
            # the piece before was itself a fragment: "…细颗粒物（PM" / "2.5" / "）浓度…"
            if out and len(piece) <= 20 and not re.search(r"[。！？；：，、]", piece) \
                    and not _ENDED.search(out[-1]) and not re.match(rf"{CN}、|（{CN}）", piece):
                piece = out.pop() + piece
            p = piece + p
        out.append(p)
    return [p for i, p in enumerate(out)
            if _CJK_CHAR.search(p) or (i + 1 < len(out) and _CONTINUES.match(out[i + 1]))]


def _part_heading(p: str) -> _PartHeading | None:
    simple = p.translate(_TO_SIMPLIFIED)  # same length: spans in it are spans in p
    for name, pattern in _PART_HEADINGS:
        m = pattern.match(simple)
        if m:
            rest = p[m.end():].strip()
            if rest and not m.group(1):  # a sentence that happens to start this way
                continue
            return _PartHeading(name, p[m.start(2):m.end(2)], rest)
    for name, pattern in _NUMBERED_PARTS:
        m = pattern.match(simple)
        if m:
            return _PartHeading(name, p[m.start(2):m.end(2)], "")
    return None


def _is_front_matter(p: str) -> bool:
    return p.replace(" ", "") == "目录" or bool(_TOC_ENTRY.search(p)) or ("汇编" in p and len(p) <= 50)


def _is_title(p: str) -> bool:
    return (len(p) <= 50 and bool(_TITLE_WORDS.search(p.translate(_TO_SIMPLIFIED))) and not re.search(r"[。，；！？：]", p)
            and not _NUMBERED.match(p) and _part_heading(p) is None)


def _segments(paras: list[str]) -> list[tuple[str | None, list[str]]]:
    """Split a file's paragraphs into (title or None, paragraphs) per report.

    A report starts at a title line, or — when its title was lost — at a
    回顾 heading met after the current report already had its 回顾 or 计划.
    """
    segments: list[tuple[str | None, list[str]]] = [(None, [])]
    seen: set[str] = set()
    for p in paras:
        heading = _part_heading(p)
        if _is_front_matter(p):
            continue
        if _SPACED_OUT.fullmatch(p) and _is_title(re.sub(r"\s+", "", p)):  # "政 府 工 作 报 告"
            p = re.sub(r"\s+", "", p)
        if heading and not heading.rest and p == heading.heading and segments == [(None, [])] \
                and re.match(r"\d{4}年", p) and "总结" in p:
            heading = None  # "2023年工作总结" as a file's first line is its title, not a part
            segments[-1] = (p, [])
            continue
        if _is_title(p):
            prev = segments[-1][1]  # a long title broken in two: "2023年上半年XX镇" / "政府工作报告"
            if prev and len(prev[-1] + p) <= 50 and not re.search(r"[。，；！？：、]", prev[-1]) \
                    and not _NUMBERED.match(prev[-1]) and _part_heading(prev[-1]) is None:
                p = prev.pop() + p
            segments.append((p, []))
            seen = set()
            continue
        if heading and heading.name == "回顾" and seen & {"回顾", "计划"}:
            segments.append((None, []))
            seen = set()
        if heading:
            seen.add(heading.name)
        segments[-1][1].append(p)
    return [(title, body) for title, body in segments if title is not None or body]


# ---- one report → parts ------------------------------------------------------

def _parse_report(title: str | None, paras: list[str], file: str) -> Report | None:
    skip = next((i for i, p in enumerate(paras) if not _SUBTITLE.match(p)), len(paras))
    body = paras[skip:]  # past ——在…大会上 / 镇长 XXX / （日期）
    groups = _group_parts(body)
    if not any(name in ("回顾", "计划") for name, _, _ in groups):
        return None  # a stray title or a fragment: nothing to mine
    review_heading = next((h for name, h, _ in groups if name == "回顾"), "")
    year_m = re.search(r"(20\d\d)年", (title or "") + review_heading + "".join(body[:3]))
    year = int(year_m.group(1)) if year_m else None
    period = "上半年" if "半年" in (title or "") + review_heading else "全年"
    derived = title is None
    if derived:
        title = f"{year or ''}{'年' if year else ''}{'上半年' if period == '上半年' else ''}政府工作报告"
    parts = []
    for name, heading, group in groups:
        if name in ("回顾", "计划"):
            text, found = read_sections(group)
        else:
            text, found = "\n".join(group), []
        parts.append(Part(name=name, heading=heading, text=text, sections=found))
    if derived and not any(p.heading for p in parts) and sum(len(p.sections) for p in parts) < 2:
        return None  # no title, no part heading, hardly a section: a notice, not a report
    text = "\n".join(paras if derived else [title, *paras])
    return Report(id="", title=title, title_derived=derived, file=file, year=year,
                  period=period, text=text, parts=parts)


def _group_parts(body: list[str]) -> list[tuple[str, str, list[str]]]:
    """Assign each paragraph to a part; returns (name, heading, paragraphs) in order."""
    groups: list[tuple[str, str, list[str]]] = []
    has_review = any((h := _part_heading(p)) and h.name == "回顾" for p in body)

    def start(name: str, heading: str = "") -> list[str]:
        groups.append((name, heading, []))
        return groups[-1][2]

    current: list[str] | None = None
    for p in body:
        heading = _part_heading(p)
        name = groups[-1][0] if groups else None
        if heading:
            current = start(heading.name, heading.heading)
            if heading.rest:
                current.append(heading.rest)
            continue
        if name in (None, "开场"):
            # Without a 回顾 heading the review starts after the opening words.
            if has_review or _SALUTATION.match(p) or _OPENING.search(p):
                current = current if name == "开场" else start("开场")
            else:
                current = start("回顾")
        elif name in ("回顾", "致谢") and len(current) >= 1 and _is_problems(p):
            current = start("存在问题")
        elif name == "回顾" and len(current) >= 2 and _is_thanks(p):
            current = start("致谢")
            # "…表示衷心的感谢！成绩可喜，…我们也要清醒看到…：一是…" — one paragraph, two parts.
            cut = _PROBLEMS_INSIDE.search(p)
            if cut and cut.start() > 0:
                current.append(p[:cut.start()])
                current = start("存在问题")
                p = p[cut.start():]
        current.append(p)
    # The closing words: the last paragraph before any appendix, when it addresses the audience.
    body_end = next((i for i, g in enumerate(groups) if g[0] == "附件"), len(groups))
    if body_end and groups[body_end - 1][0] not in ("开场", "结束语"):
        last = groups[body_end - 1][2]
        if len(last) >= 2 and (re.match(ADDRESS, last[-1]) or "让我们" in last[-1]):
            groups.insert(body_end, ("结束语", "", [last.pop()]))
    return [g for g in groups if g[2] or g[1]]


def _is_problems(p: str) -> bool:
    if _PROBLEMS.match(p):
        return True
    return bool(_PROBLEM_WORDS.search(p[:60])) and mark(p) is None


def _is_thanks(p: str) -> bool:  # "各位代表，借此机会，汇报…情况：" is more review
    thanked = "感谢" in p and ("敬意" in p or "衷心" in p)
    if _BARE_ADDRESS.match(p):  # "各位代表！" alone: a pause in the speech, the review goes on
        return False
    return thanked or (bool(re.match(ADDRESS, p)) and not p.endswith(("：", ":")))
