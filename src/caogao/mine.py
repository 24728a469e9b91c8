"""Mining the phrase bank from structured reports.

``mine(reports)`` turns the corpus into reusable wording: first- and
second-level headings, the lead clauses of 一是… strands, figure sentences as
templates (numbers become typed slots such as ``{金额}``), and set phrases that
recur across reports. Each phrase gets a section type, a score (class-based
TF-IDF and how many reports use it), a ``generic`` flag (safe to lend to
another town: no figure, no redaction, no name) and, for headings, a shape
signature so drafting can pick parallel sets.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .report import Part, Report, Section, split_sentences
from .taxonomy import PART_TYPES, SECTION_TYPES

Progress = Callable[[str, int, int], None]


@dataclass
class Source:
    report: str        # report title
    heading: str       # heading the phrase sits under
    report_id: str


@dataclass
class Phrase:
    text: str
    section: str       # a section type or a part kind
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
GENERIC_SLOTS = frozenset(
    {"单位", "上级", "上级党委", "上级政府", "本级党委", "本级政府", "本级人大", "时段", "下一时段", "年份"}
)
_SLOT = re.compile(r"\{([^{}]+)\}")
_N = r"(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[Xx]{1,4}(?:\.[Xx]+)?)"
_MORE = r"(?:多|余|余万)?"
_MEASURE = ("个|家|户|人次|人|名|条|座|所|处|场|次|件|项|头|只|吨|辆|间|套|台|批|期|支|位|起|宗|栋|"
            "盏|棵|株|公斤|斤|千克|块|张|份|部|节|篇|本|类|种|位|元|万人|万头|万吨|万株|万只|家次|倍|"
            "层|道|路|口|眼|艘|所|级|届|天|小时|分钟|周|年|个月|米|千瓦|兆瓦|立方米|方|千伏")
# Order matters: wider patterns first.
_FIGURE_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"{_N}\s*[-—～~至到]\s*{_N}\s*月"), "{月份}"),
    (re.compile(rf"{_N}月(?:{_N}日|底|末|初|份)?"), "{月份}"),
    (re.compile(rf"{_N}\s*{_MORE}\s*(?:万亿元|亿元|万元|千元)"), "{金额}"),
    (re.compile(rf"{_N}\s*[%％]"), "{百分比}"),
    (re.compile(rf"{_N}\s*个百分点"), "{百分点}"),
    (re.compile(rf"{_N}\s*{_MORE}(?=(?:万)?(?:亩|平方米|平方公里|平方|公顷|㎡))"), "{面积}"),
    (re.compile(rf"{_N}\s*{_MORE}(?=(?:公里|千米|延米|米|km))"), "{长度}"),
    (re.compile(rf"[0-9０-９]+\s*{_MORE}(?=万?[\u4e00-\u9fff])"), "{数量}"),
    (re.compile(rf"[Xx]{{1,4}}\s*{_MORE}(?=万?(?:{_MEASURE}))"), "{数量}"),
    (re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?"), "{数量}"),
]
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年")
_YEAR_X = re.compile(r"(?<![0-9Xx])(?:20[Xx]{2}|[Xx]{4})年")
# The reporting unit and its hierarchy, in the order they must be replaced.
_HIERARCHY: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?:[Xx]{1,4})?(?:镇|乡|街道)?人大主席团|(?:[Xx]+|我)?镇人大|街道人大工委|议政会"),
     "{本级人大}"),
    (re.compile(r"(?:[Xx]{1,4}|我)?(?:镇|乡)(?:人民)?政府|(?:[Xx]{1,4})?街道办事处|(?<![省市县区])人民政府"),
     "{本级政府}"),
    (re.compile(r"(?:[Xx]{1,4}|我)?(?:镇|乡)党委|(?:[Xx]{1,4})?街道党工委|党工委|镇委|(?<![省市县区])党委"),
     "{本级党委}"),
    (re.compile(r"[Xx]{1,4}[镇乡]|我镇|我乡|本镇|我街道|[Xx]{1,4}街道"), "{单位}"),
]
_HALF = [(re.compile(r"今年上半年|上半年"), "{时段}"), (re.compile(r"今年下半年|下半年"), "{下一时段}")]


def slot_text(text: str, *, year: int | None = None, town: str = "", superior: str = "县") -> str:
    """``text`` with figures, the reporting unit, its hierarchy and periods as slots."""
    if town:
        text = text.replace(town, "{单位}")
    for pattern, slot in _HIERARCHY:
        text = pattern.sub(slot, text)
    text = re.sub(rf"{superior}委", "{上级党委}", text)
    text = re.sub(rf"{superior}(?:人民)?政府", "{上级政府}", text)
    for pattern, slot in _HALF:
        text = pattern.sub(slot, text)

    def year_slot(m: re.Match) -> str:
        y = int(m.group(1))
        if year and y == year:
            return "{年份}"
        if year and y == year + 1:
            return "{下一时段}"
        return "{某年}"

    text = _YEAR.sub(year_slot, text)
    text = _YEAR_X.sub("{年份}", text)
    for pattern, slot in _FIGURE_RULES:
        text = pattern.sub(slot, text)
    return text


def superior_level(text: str) -> str:
    """The superior the township reports to: 县 (or 区), else 市."""
    counts = {lvl: text.count(f"{lvl}委") + text.count(f"{lvl}政府") for lvl in "县区市"}
    for lvl in "县区":
        if counts[lvl]:
            return lvl
    return "市" if counts["市"] else "县"


def slots(text: str) -> list[str]:
    return _SLOT.findall(text)


# ------------------------------------------------------------ generic or not

_GENERIC_ENDINGS = frozenset(
    "乡村 农村 新农村 各村 全村 行政村 自然村 村村 邻村 强村 兴村 驻村 进村 示范村 重点村 薄弱村 "
    "一村 每村 本村 美丽乡村 和美乡村 宜居乡村 各镇 全镇 乡镇 城镇 集镇 圩镇 小镇 强镇 名镇 镇 "
    "街道 各街道 社区 各社区 城乡社区 公司 项目 重点项目 工程 民生工程 园区 工业园区 产业园区 "
    "合作社 专业合作社 基地 景区 集团 工厂 学校 中小学 医院 卫生院 水库 公园 乡 村".split()
)
_QUOTED = re.compile(r"[“”\"「」『』]")


def corpus_names(token_lists: Iterable[list[str]], towns: Iterable[str] = ()) -> set[str]:
    """Words in the corpus that look like names of villages, towns, firms, projects."""
    from .tokenize import NAME_SUFFIXES

    names = set()
    for tokens in token_lists:
        for tok in tokens:
            if len(tok) > 1 and tok.endswith(NAME_SUFFIXES) and tok not in _GENERIC_ENDINGS:
                names.add(tok)
    for town in towns:
        names.add(town)
        stem = re.sub(r"(镇|乡|街道)$", "", town)
        if len(stem) >= 2:
            names.add(stem)
    return names


def specific_reason(text: str, names: set[str]) -> str | None:
    """Why ``text`` may not be lent to another town (None when it may)."""
    if re.search(r"[0-9０-９]", text):
        return "数字"
    if re.search(r"[XxＸｘ×]", _SLOT.sub("", text)):
        return "XX"
    bad = [s for s in slots(text) if s not in GENERIC_SLOTS]
    if bad:
        return f"{{{bad[0]}}}"
    if _QUOTED.search(text):
        return "引号"
    plain = _SLOT.sub("，", text)
    for name in names:
        if name in plain:
            return name
    from .tokenize import NAME_SUFFIXES, names_in

    found = names_in(plain)
    if found:
        return found[0]
    return None


# ------------------------------------------------------------------- shapes

_SEP = re.compile(r"[、，,；;：:]")


def _length(n: int) -> str:
    return str(n) if n < 8 else "8+"


def shared_prefix(headings: list[str]) -> str:
    """Leading characters (1–4) that every heading of a parallel set repeats."""
    firsts = [_SEP.split(strip_ordinal(h))[0] for h in headings]
    if len(firsts) < 2:
        return ""
    for k in range(4, 0, -1):
        head = firsts[0][:k]
        if len(head) == k and all(f.startswith(head) for f in firsts):
            return head
    return ""


def shape(heading: str, prefix: str = "") -> str:
    """Coarse signature of a heading: ``抓项目、稳经济，…`` → ``3、3，*``.

    Segment lengths (8 and more are one bucket), the prefix the set repeats
    kept literally (``致力4，*``), ``*`` for the free tail after the last break.
    """
    segs = [s for s in _SEP.split(strip_ordinal(heading).rstrip("。；！")) if s]
    if not segs:
        return ""
    first = segs[0]
    lead = prefix if prefix and first.startswith(prefix) else ""
    rest = len(first) - len(lead)
    head = lead + (_length(rest) if rest else "")
    if len(segs) == 1:
        return head
    return "、".join([head] + [_length(len(s)) for s in segs[1:-1]]) + "，*"


_ORDINAL = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．]|"
    r"[0-9]+[、.．](?![0-9])|[（(][0-9]+[）)]|——|第[一二三四五六七八九十]+[，,、])\s*"
)


def strip_ordinal(heading: str) -> str:
    return _ORDINAL.sub("", heading.strip()).strip()


# -------------------------------------------------------------------- units

_PART_KIND = {"开场": "开场", "致谢": "致谢", "存在问题": "存在问题", "计划": "计划总述", "结束语": "结束语"}
_STRAND = re.compile(r"(?:^|(?<=[。；;：:]))\s*([一二三四五六七八九十]+是)([^。；;]{4,80})[。；;]?")


@dataclass
class _Unit:
    path: str
    report: Report
    part: Part
    heading: str            # ordinal stripped; '' for part text
    under: str              # the heading it sits under (for sources)
    body: str               # all text under it, children included
    kind: str               # heading1 | heading2 | item | part
    parent: "_Unit | None" = None
    label: str | None = None
    siblings: list[str] = field(default_factory=list)
    own: str = ""           # its own text, children excluded (figures come from here)
    weak: str | None = None


def _full_text(sec: Section) -> str:
    return "".join(s.text for s in sec.walk())


def lead_clause(text: str) -> str:
    """The opening clause of a strand: up to 。/；, or to the first ， when long."""
    text = strip_ordinal(re.sub(r"^\s*[一二三四五六七八九十]+是", "", text.strip()))
    clause = re.split(r"[。；;！？]", text, maxsplit=1)[0]
    if len(clause) > 36:
        clause = re.split(r"[，,：:]", clause, maxsplit=1)[0]
    return clause.strip()


def units_of(report: Report) -> list[_Unit]:
    """Every part text, section and second-level unit of a report, with a path."""
    from .classify import figure_density

    out: list[_Unit] = []
    for part in report.parts:
        pid = f"{report.id}/{part.name}"
        under = part.heading or part.name
        if part.text.strip():
            if part.name == "回顾":  # 总述 then 指标段: sentences dense with figures
                groups: dict[str, list[str]] = {"总述": [], "指标段": []}
                for s in split_sentences(part.text):
                    groups["指标段" if figure_density(s) >= 2.0 else "总述"].append(s)
                for kind, sents in groups.items():
                    if sents:
                        text = "".join(sents)
                        out.append(_Unit(f"{pid}/{kind}", report, part, "", under, text, "part",
                                         label=kind, own=text))
            elif part.name in _PART_KIND:
                out.append(_Unit(pid, report, part, "", under, part.text, "part",
                                 label=_PART_KIND[part.name], own=part.text))
        fixed = _PART_KIND.get(part.name) if part.name not in ("计划",) else None
        heads = [strip_ordinal(s.heading) for s in part.sections]
        for i, sec in enumerate(part.sections, 1):
            unit = _Unit(f"{pid}/{i}", report, part, strip_ordinal(sec.heading), under, _full_text(sec),
                         "item" if sec.marker.endswith("是") else "heading1", label=fixed, siblings=heads,
                         own=sec.text)
            out.append(unit)
            out.extend(_children(unit, sec, fixed))
    return out


def _children(parent: _Unit, sec: Section, fixed: str | None) -> list[_Unit]:
    out: list[_Unit] = []
    heads = [strip_ordinal(c.heading) for c in sec.children if not c.marker.endswith("是")]
    for j, child in enumerate(sec.children, 1):
        is_item = child.marker.endswith("是") or (not child.heading and child.text)
        heading = lead_clause(child.heading or child.text) if is_item else strip_ordinal(child.heading)
        unit = _Unit(f"{parent.path}.{j}", parent.report, parent.part, heading, sec.heading,
                     _full_text(child), "item" if is_item else "heading2", parent, fixed, heads, child.text)
        out.append(unit)
        out.extend(_children(unit, child, fixed))
    # strands written inside the body rather than parsed as children
    for k, m in enumerate(_STRAND.finditer(sec.text), 1):
        out.append(_Unit(f"{parent.path}~{k}", parent.report, parent.part, lead_clause(m.group(2)),
                         sec.heading, m.group(2), "item", parent, fixed))
    return out


def town_of(report: Report) -> str:
    """The reporting town's name from the title (``白沙镇``), or ''."""
    m = re.search(r"(?:年|^)(?:上半年|下半年|度)?([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))", report.title)
    return m.group(1) if m and "X" not in m.group(1) else ""


# ------------------------------------------------------------------- mining

_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?：:]")
_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?；;])")
_HAS_FIGURE = re.compile(r"[0-9０-９]|[Xx]{1,4}\s*(?:[%％]|万|亿|个|家|户|人|亩|元)")
_PART_PHRASES = ("开场", "总述", "致谢", "计划总述", "结束语", "存在问题")


class _Collector:
    """Phrases keyed by (text, section, kind); sources merged, one per report heading."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Phrase] = {}

    def add(self, text: str, section: str, kind: str, unit: _Unit, shape_: str = "") -> None:
        text = text.strip(" 　\t")
        if not text:
            return
        key = (text, section, kind)
        phrase = self.items.get(key)
        if phrase is None:
            phrase = self.items[key] = Phrase(text, section, kind, 0.0, False, shape_, [])
        source = Source(unit.report.title, unit.under, unit.report.id)
        if source not in phrase.sources:
            phrase.sources.append(source)


def _label(units: list[_Unit], progress: Progress | None):
    """Weak labels from seeds, a classifier trained on them, then one type per unit."""
    from .classify import SectionClassifier, unit_text, weak_label

    for u in units:
        if u.label is None:
            u.weak = weak_label(u.heading, u.body, prior=u.parent.weak if u.parent else None)
    texts, labels = [], []
    for u in units:
        y = u.label or u.weak
        if not y:
            continue
        if u.kind == "part":  # the first sentences, as a user would paste them
            for s in split_sentences(u.body)[:3]:
                texts.append(s)
                labels.append(y)
        else:
            texts.append(unit_text(u.heading, u.body))
            labels.append(y)
    clf = SectionClassifier().fit(texts, labels)
    if progress:
        progress("分类", 1, 1)
    open_units = [u for u in units if u.label is None]
    if open_units:
        proba = clf.predict_proba([unit_text(u.heading, u.body) for u in open_units])
        index = {c: i for i, c in enumerate(clf.classes_)}
        for u, row in zip(open_units, proba):
            score = {c: float(row[index[c]]) if c in index else 0.0 for c in SECTION_TYPES}
            if u.weak in score:
                score[u.weak] += 0.3
            if u.parent is not None and u.parent.label in score:
                score[u.parent.label] += 0.15
            u.label = max(SECTION_TYPES, key=lambda c: (score[c], -SECTION_TYPES.index(c)))
    return clf


def _context(report: Report) -> dict:
    return {"year": report.year, "town": town_of(report), "superior": superior_level(report.text)}


def _collect(units: list[_Unit], contexts: dict[str, dict]) -> _Collector:
    col = _Collector()
    clause_reports: dict[str, set[str]] = defaultdict(set)
    clause_units: dict[str, list[_Unit]] = defaultdict(list)
    for u in units:
        ctx = contexts[u.report.id]
        section = u.label or "总述"
        if u.kind in ("heading1", "heading2") and u.heading:
            col.add(slot_text(u.heading, **ctx), section, u.kind, u,
                    shape(u.heading, shared_prefix(u.siblings)))
        elif u.kind == "item" and 4 <= len(u.heading) <= 60:
            col.add(slot_text(u.heading, **ctx), section, "item", u)
        if "~" in u.path:
            continue  # a strand found in its parent's text: that text is mined there
        for sentence in _SENTENCE_SPLIT.split(u.own):
            sentence = sentence.strip()
            if not sentence:
                continue
            slotted = slot_text(sentence, **ctx)
            if _HAS_FIGURE.search(sentence) and 8 <= len(slotted) <= 160:
                col.add(slotted, section, "figure", u)
            elif u.kind == "part" and section in _PART_PHRASES and 8 <= len(slotted) <= 150:
                col.add(slotted, section, "set_phrase", u)
            for clause in _CLAUSE_SPLIT.split(slotted):
                clause = clause.strip()
                if 6 <= len(clause) <= 40 and not re.search(r"[0-9Xx]", clause) \
                        and all(s in GENERIC_SLOTS for s in slots(clause)):
                    clause_reports[clause].add(u.report.id)
                    clause_units[clause].append(u)
    for clause, rids in clause_reports.items():
        if len(rids) >= 2:
            seen = set()
            for u in clause_units[clause]:
                if u.report.id not in seen:
                    seen.add(u.report.id)
                    col.add(clause, _dominant(clause_units[clause]), "set_phrase", u)
    return col


def _dominant(units: list[_Unit]) -> str:
    counts = Counter(u.label or "总述" for u in units)
    return max(sorted(counts), key=lambda k: counts[k])


def _ctfidf(units: list[_Unit], tokens: dict[str, list[str]], names: set[str]) -> dict[str, dict[str, float]]:
    """Class-based TF-IDF: a word's weight for a type, against its weight in all types."""
    from .tokenize import STOPWORDS

    per_class: dict[str, Counter] = defaultdict(Counter)
    for u in units:
        words = [t for t in tokens[u.path] if len(t) > 1 and t not in STOPWORDS and not t.startswith(("<", "{"))
                 and t not in names and not re.search(r"[0-9Xx]", t)]
        per_class[u.label or "总述"].update(words)
    overall: Counter = Counter()
    for c in per_class.values():
        overall.update(c)
    avg = sum(overall.values()) / max(1, len(per_class))
    weights: dict[str, dict[str, float]] = {}
    for label, counts in per_class.items():
        total = sum(counts.values()) or 1
        weights[label] = {t: (n / total) * math.log(1 + avg / overall[t]) for t, n in counts.items()}
    return weights


def mine(reports: list[Report], *, progress: Progress | None = None) -> Mined:
    """Mine phrases, keywords and a section classifier from structured reports.

    ``progress(step, done, total)`` is called as the work advances (steps:
    分词, 分类, 短语, 评分).
    """
    from .tokenize import segment_many

    units = [u for r in reports for u in units_of(r)]
    contexts = {r.id: _context(r) for r in reports}
    token_lists = segment_many(u.heading + "。" + u.body for u in units)
    tokens = {u.path: t for u, t in zip(units, token_lists)}
    if progress:
        progress("分词", 1, 4)
    clf = _label(units, progress)
    col = _collect(units, contexts)
    if progress:
        progress("短语", 3, 4)
    names = corpus_names(token_lists, (c["town"] for c in contexts.values() if c["town"]))
    weights = _ctfidf(units, tokens, names)
    phrases = list(col.items.values())
    for phrase, toks in zip(phrases, segment_many(p.text for p in phrases)):
        phrase.tokens = toks
        phrase.n_reports = len({s.report_id for s in phrase.sources})
        phrase.generic = specific_reason(phrase.text, names) is None
        w = weights.get(phrase.section, {})
        top = max(w.values(), default=1.0) or 1.0
        content = {t for t in toks if t in w}
        base = sum(w[t] for t in content) / top / math.sqrt(len(content)) if content else 0.0
        phrase.score = round(base * (1.0 + math.log(phrase.n_reports)), 6)
    phrases.sort(key=lambda p: (p.section, p.kind, -p.score, p.text))
    keywords = {label: [t for t, _ in sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
                for label, w in sorted(weights.items())}
    if progress:
        progress("评分", 4, 4)
    labels = {u.path: u.label or "" for u in units}
    return Mined(phrases=phrases, keywords=keywords, model=clf.to_weights(), labels=labels)
