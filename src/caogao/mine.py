"""Mining the phrase bank from structured reports.

``mine(reports)`` turns the corpus into reusable wording: first- and
second-level headings, the lead clauses of 一是… strands, figure sentences as
templates (numbers become typed slots such as ``{金额}``), and set phrases:
sentences of the parts every report has (开场, 总述, 致谢, 计划总述, 结束语)
and clauses or clause frames (``在…的坚强领导下``) that recur across reports.
Each phrase gets a section type, a score (class-based TF-IDF and how many
reports use it), a ``generic`` flag (safe to lend to another town: no figure,
no redaction, no name) and, for headings, a shape signature so drafting can
pick parallel sets.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from .errors import BankError
from .report import Report, Section, split_sentences

Progress = Callable[[str, int, int], None]


@dataclass
class Source:
    report: str        # report title
    heading: str       # heading the phrase sits under
    report_id: str


@dataclass
class Phrase:
    text: str
    section: str       # a section type, or a part kind (开场, 总述, 指标段, 致谢 …)
    kind: str          # heading1 | heading2 | item | figure | set_phrase
    score: float
    generic: bool
    shape: str
    tokens: list[str]
    sources: list[Source] = field(default_factory=list)
    n_reports: int = 0


@dataclass
class Mined:
    phrases: list[Phrase]
    keywords: dict[str, list[str]]     # top keywords per section type
    model: dict                        # SectionClassifier.to_weights() fitted on all
    labels: dict[str, str]             # unit path → type


# ------------------------------------------------------------------ slots

# Slots that drafting fills from the user's facts: they keep a phrase generic.
# {时段} is the period a sentence looks back on, {下一时段} the one it plans.
GENERIC_SLOTS = frozenset(
    {"单位", "上级", "上级党委", "上级政府", "本级党委", "本级政府", "本级人大", "时段", "下一时段", "年份"}
)
_SLOT = re.compile(r"\{([^{}]+)\}")
_N = r"(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[Xx]{1,4}(?:\.[Xx]+)?)"
_MORE = r"(?:多|余|近)?"
_MEASURE = ("个|家|户|人次|人|名|条|座|所|处|场|次|件|项|头|只|吨|辆|间|套|台|批|期|支|位|起|宗|栋|"
            "盏|棵|株|公斤|斤|千克|块|张|份|部|节|篇|本|类|种|元|倍|层|道|口|艘|级|届|天|小时|"
            "周|年|个月|米|千瓦|兆瓦|立方米|方|千伏")
# A figure slot replaces the number; its measure word stays (``{数量}座``), except
# for amounts and rates whose unit varies with the size (``{金额}`` is 3.45亿元).
_FIGURE_RULES: list[tuple[re.Pattern, str]] = [  # wider patterns first
    (re.compile(rf"{_N}\s*[-—～~至到]\s*{_N}\s*月份?"), "{月份}"),
    (re.compile(rf"{_N}月(?:{_N}日|份|底|末|初)?"), "{月份}"),
    (re.compile(rf"{_N}\s*{_MORE}\s*(?:万亿元|亿元|万元|千元)"), "{金额}"),
    (re.compile(rf"{_N}\s*[%％]"), "{百分比}"),
    (re.compile(rf"{_N}\s*个百分点"), "{百分点}"),
    (re.compile(rf"{_N}\s*{_MORE}(?=万?(?:亩|平方米|平方公里|平方|公顷|㎡))"), "{面积}"),
    (re.compile(rf"{_N}\s*{_MORE}(?=(?:公里|千米|延米|米|km))"), "{长度}"),
    (re.compile(rf"[0-9０-９]+(?:[.．][0-9]+)?\s*{_MORE}(?=万?[\u4e00-\u9fff])"), "{数量}"),
    (re.compile(rf"[Xx]{{1,4}}\s*{_MORE}(?=万?(?:{_MEASURE}))"), "{数量}"),
    (re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?"), "{数量}"),
]
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年")
_YEAR_X = re.compile(r"(?<![0-9Xx])(?:20[Xx]{2}|[Xx]{4})年")
# The reporting unit and its hierarchy, in the order they must be replaced.
_HIERARCHY: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?:[Xx]{1,4}|我)?(?:镇|乡|街道)?人大主席团|(?:[Xx]+|我)?镇人大|街道人大工委|议政会"),
     "{本级人大}"),
    (re.compile(r"(?:[Xx]{1,4}|我)?[镇乡](?:人民)?政府|(?:[Xx]{1,4})?街道办事处|(?<![省市县区])人民政府"),
     "{本级政府}"),
    (re.compile(r"(?:[Xx]{1,4}|我)?[镇乡]党委|(?:[Xx]{1,4})?街道党工委|党工委|镇委|(?<![省市县区村])党委"),
     "{本级党委}"),
    (re.compile(r"[Xx]{1,4}(?:镇|乡(?!村)|街道)|我镇|我乡|本镇"), "{单位}"),
    # a bare redaction speaking of the town's own development: 关心支持XX发展
    (re.compile(r"(?<![党第Xx])[Xx]{2,3}(?=的?(?:发展|建设|经济|社会|人民|高质量|辉煌|新局面))"), "{单位}"),
]
_HALF = [(re.compile(r"今年上半年|上半年"), "{时段}"), (re.compile(r"今年下半年|下半年"), "{下一时段}")]
_FIGURE = re.compile(r"[0-9０-９]|[Xx]{1,4}\s*(?:[%％]|万|亿|个|家|户|人|亩|元|吨|公里)")


def slot_text(text: str, *, year: int | None = None, town: str = "", superior: str = "县") -> str:
    """``text`` with figures, the reporting unit, its hierarchy and periods as slots."""
    if town:
        text = text.replace(town, "{单位}")
    for pattern, slot in _HIERARCHY:
        text = pattern.sub(slot, text)
    text = re.sub(r"\{单位\}(\{本级(?:政府|党委|人大)\})", r"\1", text)  # XX镇镇人民政府
    text = re.sub(rf"{superior}委", "{上级党委}", text)
    text = re.sub(rf"{superior}(?:人民)?政府", "{上级政府}", text)
    for pattern, slot in _HALF:
        text = pattern.sub(slot, text)

    def year_slot(m: re.Match) -> str:
        y = int(m.group(1))
        if year and y == year:
            return "{年份}"
        return "{下一时段}" if year and y == year + 1 else "{某年}"

    text = _YEAR_X.sub("{年份}", _YEAR.sub(year_slot, text))
    for pattern, slot in _FIGURE_RULES:
        text = pattern.sub(slot, text)
    return text


def has_figure(text: str) -> bool:
    """A number or a redacted amount, the report's own year aside."""
    return bool(_FIGURE.search(_YEAR_X.sub("", _YEAR.sub("", text))))


def superior_level(text: str) -> str:
    """The superior the township reports to: 县 (or 区), else 市."""
    counts = {lvl: text.count(f"{lvl}委") + text.count(f"{lvl}政府") for lvl in "县区市"}
    for lvl in "县区":
        if counts[lvl]:
            return lvl
    return "市" if counts["市"] else "县"


def slots(text: str) -> list[str]:
    return _SLOT.findall(text)


def specific_reason(text: str, names: set[str]) -> str | None:
    """Why ``text`` may not be lent to another town (None when it may)."""
    from .tokenize import names_in

    if re.search(r"[0-9０-９]", text):
        return "数字"
    if re.search(r"[XxＸｘ]", _SLOT.sub("", text)):
        return "XX"
    bad = [s for s in slots(text) if s not in GENERIC_SLOTS]
    if bad:
        return f"{{{bad[0]}}}"
    if _QUOTES.search(text):  # quoted names of local programmes and brands
        return "引号"
    if "…" in text:  # a frame (在…的坚强领导下): its gap is the writer's, no slot drafting fills
        return "空缺"
    plain = _SLOT.sub("，", text)
    for name in sorted(names):
        if name in plain:
            return name
    found = names_in(plain)
    return found[0] if found else None


# ------------------------------------------------------------------- shapes

_SEP = re.compile(r"[、，,；;：:]")
_QUOTES = re.compile(r"[“”\"‘’'「」『』]")
_ORDINAL = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．是]|"
    r"[0-9]+[、.．](?![0-9])|[（(][0-9]+[）)]|——|第[一二三四五六七八九十]+[，,、])\s*"
)


def strip_ordinal(heading: str) -> str:
    return _ORDINAL.sub("", heading.strip()).strip().rstrip("。；;")


def shared_prefix(headings: list[str]) -> str:
    """Leading characters (1–4) that every heading of a parallel set repeats."""
    firsts = [_SEP.split(_QUOTES.sub("", strip_ordinal(h)))[0] for h in headings]
    if len(firsts) < 2:
        return ""
    for k in range(4, 0, -1):
        head = firsts[0][:k]
        if len(head) == k and all(f.startswith(head) for f in firsts):
            return head
    return ""


def shape(heading: str, prefix: str = "", siblings: int = 4) -> str:
    """Coarse signature of a heading: ``抓项目、稳经济，…`` → ``3、3，*``.

    Segment lengths (8 and more are one bucket), the prefix a parallel set
    repeats kept literally (``致力4，*``; a single character only when a set
    of four or more unbroken headings repeats it, as ``在…中…`` does), ``*``
    for the free tail after the last break.
    """
    segs = [s for s in _SEP.split(_QUOTES.sub("", strip_ordinal(heading))) if s]
    if not segs:
        return ""
    first = segs[0]
    usable = len(prefix) >= 2 or (len(prefix) == 1 and len(segs) == 1 and siblings >= 4)
    lead = prefix if usable and first.startswith(prefix) else ""
    size = len(first) - len(lead)
    head = lead + (("8+" if size >= 8 else str(size)) if size else "")
    if len(segs) == 1:
        return head
    return "、".join([head] + ["8+" if len(s) >= 8 else str(len(s)) for s in segs[1:-1]]) + "，*"


# -------------------------------------------------------------------- units

_PART_KIND = {"开场": "开场", "致谢": "致谢", "存在问题": "存在问题", "计划": "计划总述", "结束语": "结束语"}
_STRAND = re.compile(r"(?:^|(?<=[。；;：:]))\s*[一二三四五六七八九十]+是([^。；;]{4,80})")
_SALUTATION = re.compile(r"^(?:各位[^。！？：:]{0,24}?[：:！!]|同志们[，,！!：:])\s*")


@dataclass
class _Unit:
    path: str                 # report id / part / section numbers: "002_…#3/回顾/2.1"
    report: Report
    under: str                # the heading it sits under (for sources)
    heading: str              # ordinal stripped; '' for part text
    body: str                 # everything under it, children's headings and text included
    own: str                  # its own text, children excluded (figures come from here)
    kind: str                 # heading1 | heading2 | item | part
    label: str | None = None  # fixed by structure (part kinds), else classify.label_units decides
    parent: "_Unit | None" = None
    siblings: list[str] = field(default_factory=list)
    weak: str | None = None


def _full_text(sec: Section) -> str:
    """A unit's text with its children's headings and text, as it reads in the report."""
    out = [sec.text]
    for child in sec.children:
        head = child.heading.strip()
        if head and head[-1] not in "。！？；：":
            head += "。"
        out.append(head + _full_text(child))
    return "".join(out)


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, line breaks and a leading salutation (各位代表：) dropped."""
    out = []
    for line in text.splitlines():
        for s in split_sentences(line):
            s = _SALUTATION.sub("", s).strip()
            if s:
                out.append(s)
    return out


def lead_clause(text: str) -> str:
    """The opening clause of a strand: up to 。/；, or to the first ， when long."""
    clause = re.split(r"[。；;！？]", strip_ordinal(text), maxsplit=1)[0]
    if len(clause) > 36:
        clause = re.split(r"[，,：:]", clause, maxsplit=1)[0]
    return clause.strip()


def units_of(report: Report) -> list[_Unit]:
    """Every part text, section and second-level unit of a report, with a path."""
    from .classify import figure_density

    out: list[_Unit] = []
    for part in report.parts:
        pid, under = f"{report.id}/{part.name}", part.heading or part.name
        kind = _PART_KIND.get(part.name)
        if part.text.strip() and (kind or part.name == "回顾"):
            if part.name == "回顾":  # 总述 then 指标段: the sentences dense with figures
                groups: dict[str, list[str]] = {"总述": [], "指标段": []}
                for s in sentences(part.text):
                    groups["指标段" if figure_density(s) >= 2.0 else "总述"].append(s)
                parts = [(k, "".join(v)) for k, v in groups.items() if v]
            else:
                parts = [(kind, part.text)]
            for k, text in parts:
                out.append(_Unit(f"{pid}/{k}", report, under, "", text, text, "part", k))
            if part.name == "存在问题":
                for i, m in enumerate(_STRAND.finditer(part.text), 1):
                    out.append(_Unit(f"{pid}/~{i}", report, under, lead_clause(m.group(1)), m.group(1),
                                     "", "item", "存在问题"))
        fixed = kind if kind != "计划总述" else None
        heads = [s.heading for s in part.sections]
        for i, sec in enumerate(part.sections, 1):
            unit = _Unit(f"{pid}/{i}", report, under, strip_ordinal(sec.heading), _full_text(sec), sec.text,
                         "item" if sec.marker.endswith("是") else "heading1", fixed, siblings=heads)
            out.append(unit)
            out.extend(_children(unit, sec))
    return out


def _children(parent: _Unit, sec: Section) -> list[_Unit]:
    out: list[_Unit] = []
    heads = [c.heading for c in sec.children if not c.marker.endswith("是")]
    for j, child in enumerate(sec.children, 1):
        is_item = child.marker.endswith("是") or not child.heading
        heading = lead_clause(child.heading or child.text) if is_item else strip_ordinal(child.heading)
        unit = _Unit(f"{parent.path}.{j}", parent.report, sec.heading, heading, _full_text(child), child.text,
                     "item" if is_item else "heading2", parent.label, parent, heads)
        out.append(unit)
        out.extend(_children(unit, child))
    # strands written inside the body rather than parsed as children
    for k, m in enumerate(_STRAND.finditer(sec.text), 1):
        out.append(_Unit(f"{parent.path}~{k}", parent.report, sec.heading, lead_clause(m.group(1)),
                         m.group(1), "", "item", parent.label, parent))
    return out


def town_of(report: Report) -> str:
    """The reporting town's name from the title (``白沙镇``), or ''."""
    m = re.search(r"(?:年|^)(?:上半年|下半年|度)?([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))", report.title)
    return m.group(1) if m else ""


# ------------------------------------------------------------------- phrases

_PART_PHRASES = ("开场", "总述", "致谢", "计划总述", "结束语", "存在问题")
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?：:]")


class _Collector:
    """Phrases keyed by (text, section, kind); one source per report and heading."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Phrase] = {}

    def add(self, text: str, section: str, kind: str, unit: _Unit, shape_: str = "") -> None:
        text = text.strip(" 　\t")
        if not text:
            return
        phrase = self.items.get((text, section, kind))
        if phrase is None:
            phrase = self.items[(text, section, kind)] = Phrase(text, section, kind, 0.0, False, shape_, [])
        source = Source(unit.report.title, unit.under, unit.report.id)
        if source not in phrase.sources:
            phrase.sources.append(source)


def _plain_clause(clause: str) -> bool:
    """A clause worth counting across reports: wording, not figures or names of slots only."""
    rest = _SLOT.sub("", clause)
    return (6 <= len(clause) <= 40 and len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 4
            and not re.search(r"[0-9０-９XxＸｘ“”\"]", clause)
            and all(s in GENERIC_SLOTS for s in slots(clause)))


def _pruned(sentence: str, names: set[str]) -> str | None:
    """A part sentence without its clauses about this town only, when enough of it is left.

    Report prose strings parallel clauses (``在…领导下，深入贯彻…，全镇上下…。``);
    dropping the one naming a local programme leaves a sentence another town can use.
    The opening clause (time, subject) must stay, and two thirds of the clauses.
    """
    end = sentence[-1] if sentence[-1] in "。！？" else "。"
    clauses = re.split(r"(?<=[，；])", sentence.rstrip("。！？；，"))
    keep = [c for c in clauses if specific_reason(c.rstrip("，；"), names) is None]
    if len(keep) == len(clauses) or keep[:1] != clauses[:1] or len(keep) < max(3, 2 * len(clauses) / 3):
        return None
    return "".join(keep).rstrip("，；") + end


def _collect(units: list[_Unit], contexts: dict[str, dict],
             names: set[str]) -> tuple[_Collector, dict[str, list[_Unit]]]:
    col = _Collector()
    clauses: dict[str, list[_Unit]] = defaultdict(list)
    for u in units:
        ctx = contexts[u.report.id]
        section = u.label or "总述"
        if u.kind in ("heading1", "heading2") and u.heading:
            col.add(slot_text(u.heading, **ctx), section, u.kind, u,
                    shape(u.heading, shared_prefix(u.siblings), len(u.siblings)))
        elif u.kind == "item" and 4 <= len(u.heading) <= 60:
            col.add(slot_text(u.heading, **ctx), section, "item", u)
        for sentence in (sentences(u.own) if u.kind == "part" else split_sentences(u.own)):
            for piece in re.split(r"(?<=[；;])", sentence) if len(sentence) > 120 else [sentence]:
                slotted = slot_text(piece, **ctx)
                if has_figure(piece):
                    if 8 <= len(slotted) <= 160:
                        col.add(slotted, section, "figure", u)
                elif u.kind == "part" and section in _PART_PHRASES and 8 <= len(slotted) <= 160:
                    col.add(slotted, section, "set_phrase", u)
                    shorter = _pruned(slotted, names)
                    if shorter:
                        col.add(shorter, section, "set_phrase", u)
            for clause in _CLAUSE_SPLIT.split(slot_text(sentence, **ctx)):
                clause = clause.strip()
                if _plain_clause(clause):
                    clauses[clause].append(u)
    return col, clauses


def _dominant(units: list[_Unit]) -> str:
    counts = Counter(u.label or "总述" for u in units)
    return max(sorted(counts), key=lambda k: counts[k])


def _recurring(col: _Collector, clauses: dict[str, list[_Unit]]) -> None:
    """Set phrases: clauses, and clause frames with a free middle, used by ≥ 2 reports."""
    from .tokenize import segment_many

    frames: dict[str, list[_Unit]] = defaultdict(list)
    middles: dict[str, set[str]] = defaultdict(set)
    pool = sorted(clauses)
    for clause, toks in zip(pool, segment_many(pool)):
        users = clauses[clause]
        if len({u.report.id for u in users}) >= 2:
            _add_set(col, clause, users)
        for i in (1, 2):
            for j in (2, 3, 4):
                if len(toks) < i + j + 1:
                    continue
                head, tail = "".join(toks[:i]), "".join(toks[-j:])
                fixed = _SLOT.sub("", head + tail)
                if len(fixed) >= 6 and len(_SLOT.sub("", tail)) >= 4 and not _SLOT.search(head):
                    key = f"{head}…{tail}"
                    frames[key].extend(users)
                    middles[key].add("".join(toks[i:-j]))
    kept: list[tuple[str, frozenset]] = []
    for key in sorted(frames, key=lambda k: (-len(k), k)):
        rids = frozenset(u.report.id for u in frames[key])
        if len(rids) < 2 or len(middles[key]) < 2:
            continue
        head, tail = key.split("…")
        # a shorter frame used by exactly the same reports says nothing more
        if any(rids == r and k.startswith(head) and k.endswith(tail) for k, r in kept):
            continue
        kept.append((key, rids))
        _add_set(col, key, frames[key])


def _add_set(col: _Collector, text: str, users: list[_Unit]) -> None:
    section = _dominant(users)
    seen = set()
    for u in users:
        if u.report.id not in seen:
            seen.add(u.report.id)
            col.add(text, section, "set_phrase", u)


# ------------------------------------------------------------------- scoring

def _ctfidf(units: list[_Unit], tokens: dict[str, list[str]], names: set[str]) -> dict[str, dict[str, float]]:
    """Class-based TF-IDF: a word's share of a type's text against its share of all text."""
    from .tokenize import STOPWORDS

    per_class: dict[str, Counter] = defaultdict(Counter)
    for u in units:
        per_class[u.label or "总述"].update(
            t for t in tokens[u.path]
            if len(t) > 1 and t not in STOPWORDS and t not in names and not t.startswith(("<", "{"))
            and not re.search(r"[0-9XxＸｘ]", t))
    overall: Counter = Counter()
    for counts in per_class.values():
        overall.update(counts)
    avg = sum(overall.values()) / max(1, len(per_class))
    return {label: {t: n / (sum(counts.values()) or 1) * math.log(1 + avg / overall[t])
                    for t, n in counts.items()}
            for label, counts in per_class.items()}


def mine(reports: list[Report], *, progress: Progress | None = None) -> Mined:
    """Mine phrases, keywords and a section classifier from structured reports.

    ``progress(step, done, total)`` is called after each of the four steps
    (分词, 分类, 短语, 评分). The result depends only on the reports.
    """
    from .classify import label_units
    from .tokenize import corpus_names, segment_many

    say = progress or (lambda step, done, total: None)
    units = [u for r in reports for u in units_of(r)]
    contexts = {r.id: {"year": r.year, "town": town_of(r), "superior": superior_level(r.text)}
                for r in reports}
    tokens = dict(zip((u.path for u in units), segment_many(u.heading + "。" + u.own for u in units)))
    say("分词", 1, 4)
    try:
        clf = label_units(units)
    except ValueError as exc:  # fewer than two kinds of text, or no words at all, to learn from
        raise BankError("这些报告里可供学习的段落太少，无法区分段落类别，短语库未能构建",
                        hint="请提供完整的工作报告（含工作回顾、工作计划等部分），"
                             "或与自带语料一起构建（不加 --only）") from exc
    say("分类", 2, 4)
    names = corpus_names(r.text for r in reports)
    for c in contexts.values():
        stem = re.sub(r"(镇|乡|街道)$", "", c["town"])
        names.update(n for n in (c["town"], stem) if len(n) >= 2 and not re.search("[Xx]", n))
    col, clauses = _collect(units, contexts, names)
    _recurring(col, clauses)
    say("短语", 3, 4)
    weights = _ctfidf(units, tokens, names)
    phrases = list(col.items.values())
    for phrase, toks in zip(phrases, segment_many(p.text for p in phrases)):
        phrase.tokens = toks
        phrase.n_reports = len({s.report_id for s in phrase.sources})
        phrase.generic = specific_reason(phrase.text, names) is None
        w = weights.get(phrase.section, {})
        top = max(w.values(), default=0.0) or 1.0
        content = {t for t in toks if t in w}
        base = sum(w[t] for t in content) / top / math.sqrt(len(content)) if content else 0.0
        phrase.score = round((0.2 + base) * (1.0 + math.log(phrase.n_reports)), 6)
    phrases.sort(key=lambda p: (p.section, p.kind, -p.score, p.text))
    keywords = {label: [t for t, _ in sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
                for label, w in sorted(weights.items())}
    say("评分", 4, 4)
    return Mined(phrases=phrases, keywords=keywords, model=clf.to_weights(),
                 labels={u.path: u.label or "" for u in units})
