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

A big corpus repeats itself (set phrases, copied sections), so each distinct
unit text is read once; segmented text, POS tags and the fitted classifier
come from the build cache (``bank.cache``) for text mined before.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from caogao.errors import BankError
from caogao.corpus.report import Report, split_sentences
from caogao.mining.shapes import shape, shared_prefix
from caogao.mining.slots import SLOT_NAME_RE, GENERIC_SLOTS, GenericCheck, has_figure, slot_text, slots, superior_level
from caogao.mining.scoring import HAN_PAIR, LENT_AS_IS, Words, ctfidf, local_terms
from caogao.mining.units import Unit, sentences, town_of, units_of
from caogao.text.formulations import restore

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
    # the sources as indices into Mined.places, when the miner made them (the bank stores these)
    place_ids: list[int] = field(default_factory=list, repr=False, compare=False)
    restored: bool = False  # its sources had a canonical formulation mutilated, restored here


@dataclass
class Mined:
    phrases: list[Phrase]
    keywords: dict[str, list[str]]     # top keywords per section type
    model: dict                        # SectionClassifier.to_weights() fitted on all
    labels: dict[str, str]             # unit path → type
    classifier: dict = field(default_factory=dict)  # how the model came: fitted, or reused (drift)
    places: list[Source] = field(default_factory=list)  # every source, once: Phrase.place_ids index it


# ------------------------------------------------------------------- phrases

_PART_PHRASES = ("开场", "总述", "致谢", "计划总述", "结束语", "存在问题")
# What restoring a formulation puts back (text.formulations): a phrase holding it was restored.
_CANONICAL = re.compile(r"习近平|二十大")
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?：:]")


class _Collector:
    """Phrases keyed by (text, section, kind), each with the units it came from.

    Units are named by their index in the corpus's unit list. A big corpus
    repeats units word for word, so the miner adds a phrase once for all the
    units that share its text; the sources (one per report and heading) are
    put in corpus order only when the phrases are made.
    """

    def __init__(self, units: list[Unit]) -> None:
        self._units = units
        self.places: list[Source] = []  # made by phrases(), one per report and heading
        self._shapes: dict[tuple[str, str, str], str] = {}
        self._found: dict[tuple[str, str, str], list[int]] = {}   # units in _collect, any order
        self._later: dict[tuple[str, str, str], list[int]] = {}   # units added after, in their order

    def add(self, text: str, section: str, kind: str, users: list[int], shape_: str = "", *,
            later: bool = False) -> None:
        text = text.strip(" 　\t")
        if not text:
            return
        key = (text, section, kind)
        if key not in self._shapes:
            self._shapes[key] = shape_
            self._found[key], self._later[key] = [], []
        (self._later if later else self._found)[key].extend(users)

    def phrases(self) -> list[Phrase]:
        units = self._units
        # each unit's place (report and heading) and report, as small ints: a big corpus gives a
        # phrase thousands of users, and ints hash at once where tuples of strings do not
        places: dict[tuple[str, str, str], int] = {}
        place_of = [places.setdefault((u.report.title, u.under, u.report.id), len(places)) for u in units]
        made = self.places = [Source(*w) for w in places]  # one Source object per report and heading
        reports: dict[str, int] = {}
        report_of = [reports.setdefault(u.report.id, len(reports)) for u in units]
        out = []
        for key, found in self._found.items():
            order = sorted(found) + self._later[key]
            ids = list(dict.fromkeys(map(place_of.__getitem__, order)))
            phrase = Phrase(key[0], key[1], key[2], 0.0, False, self._shapes[key], [],
                            list(map(made.__getitem__, ids)), place_ids=ids)
            phrase.n_reports = len(set(map(report_of.__getitem__, order)))
            phrase.restored = any(units[i].restored for i in order) and _CANONICAL.search(key[0]) is not None
            out.append(phrase)
        return out


@functools.lru_cache(maxsize=262_144)
def _plain_clause(clause: str) -> bool:
    """A clause worth counting across reports: wording, not figures or names of slots only."""
    rest = SLOT_NAME_RE.sub("", clause)
    return (6 <= len(clause) <= 40 and len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 4
            and not re.search(r"[0-9０-９XxＸｘ“”\"]", clause)
            and all(s in GENERIC_SLOTS for s in slots(clause)))


def _pieces(sentence: str) -> list[str]:
    """A long sentence in its ；-separated pieces, each a phrase candidate."""
    return re.split(r"(?<=[；;])", sentence) if len(sentence) > 120 else [sentence]


def _clause_split(sentence: str) -> list[str]:
    return re.split(r"(?<=[，；])", sentence.rstrip("。！？；，"))


def _pruned(sentence: str, reason: "GenericCheck") -> str | None:
    """A part sentence without its clauses about this town only, when enough of it is left.

    Report prose strings parallel clauses (``在…领导下，深入贯彻…，全镇上下…。``);
    dropping the one naming a local programme leaves a sentence another town can use.
    The opening clause (time, subject) must stay, and two thirds of the clauses.
    """
    end = sentence[-1] if sentence[-1] in "。！？" else "。"
    clauses = _clause_split(sentence)
    keep = [c for c in clauses if reason(c.rstrip("，；")) is None]
    if len(keep) == len(clauses) or keep[:1] != clauses[:1] or len(keep) < max(3, 2 * len(clauses) / 3):
        return None
    return "".join(keep).rstrip("，；") + end


def _collect(units: list[Unit], contexts: dict[str, dict],
             reason: GenericCheck) -> tuple[_Collector, dict[str, list[int]]]:
    col = _Collector(units)
    # a big corpus repeats units word for word (and a report its context): read each text once
    groups: dict[tuple, list[int]] = {}
    prefixes: dict[tuple[str, ...], str] = {}  # the units of one part share their siblings
    shapes: dict[tuple[str, str, int], str] = {}
    for i, u in enumerate(units):
        ctx = contexts[u.report.id]
        section = u.label or "总述"
        if u.kind in ("heading1", "heading2") and u.heading:
            sibs = tuple(u.siblings)
            prefix = prefixes.get(sibs)
            if prefix is None:
                prefix = prefixes[sibs] = shared_prefix(u.siblings)
            look = (u.heading, prefix, len(sibs))
            found = shapes.get(look)
            if found is None:
                found = shapes[look] = shape(*look)
            col.add(slot_text(u.heading, **ctx), section, u.kind, [i], found)
        elif u.kind == "item" and 4 <= len(u.heading) <= 60:
            col.add(slot_text(u.heading, **ctx), section, "item", [i])
        key = (u.kind, u.own, section, *ctx.values())
        members = groups.get(key)
        if members is None:
            groups[key] = [i]
        else:
            members.append(i)
    clauses: dict[str, list[int]] = defaultdict(list)
    bodies = _bodies(groups, units, contexts, reason)
    for key, members in groups.items():
        (texts, plain), section = bodies[key], key[2]
        for text, kind in texts:
            col.add(text, section, kind, members)
        for clause in plain:
            clauses[clause].extend(members)
    for users in clauses.values():
        users.sort()  # corpus order, as the units read
    return col, clauses


def _bodies(groups: dict[tuple, list[int]], units: list[Unit], contexts: dict[str, dict],
            reason: GenericCheck) -> dict[tuple, tuple[list[tuple[str, str]], list[str]]]:
    """``_body_phrases`` of each group of units sharing (kind, own text, section, context),
    through the build cache: a rebuild reads only the text it has not read.

    What is cached does not depend on the corpus's names; the pruned forms of
    part sentences (``_pruned``) do, and are made here each time.
    """
    from caogao.bank.cache import cached, code_digest

    code = code_digest("mining.miner", "mining.slots", "mining.shapes", "mining.units", "corpus.report")
    keys = {json.dumps(k, ensure_ascii=False): k for k in groups}

    def anew(new: list[str]) -> dict:
        first = {j: units[groups[keys[j]][0]] for j in new}
        return {j: _body_phrases(u, keys[j][2], contexts[u.report.id]) for j, u in first.items()}

    found = cached(f"body/{code}", keys, anew, encode=lambda v: json.dumps(v, ensure_ascii=False), decode=json.loads)
    out = {keys[j]: ([(t, k) for t, k in texts], list(plain)) for j, (texts, plain) in found.items()}
    # each part sentence's clauses judged in one batch, then the sentence pruned of this town's
    reason.judge_many(c.rstrip("，；") for texts, _ in out.values() for t, kind in texts if kind == "set_phrase"
                      for c in _clause_split(t))
    pruned: dict[str, str | None] = {}  # reports repeat their part sentences: each pruned once
    return {k: (_with_pruned(texts, reason, pruned), plain) for k, (texts, plain) in out.items()}


def _with_pruned(texts: list[tuple[str, str]], reason: GenericCheck,
                 pruned: dict[str, str | None]) -> list[tuple[str, str]]:
    """Each part sentence followed by its ``_pruned`` form, when it has one."""
    out = []
    for text, kind in texts:
        out.append((text, kind))
        if kind == "set_phrase":
            if text not in pruned:
                pruned[text] = _pruned(text, reason)
            if pruned[text]:
                out.append((pruned[text], "set_phrase"))
    return out


def _body_phrases(u: Unit, section: str, ctx: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """Phrase candidates (text, kind) in a unit's own text, and its clauses worth counting across reports."""
    out: list[tuple[str, str]] = []
    plain: list[str] = []
    for sentence in (sentences(u.own) if u.kind == "part" else split_sentences(u.own)):
        for piece in _pieces(sentence):
            slotted = slot_text(piece, **ctx)
            if has_figure(piece):
                if 8 <= len(slotted) <= 160:
                    out.append((slotted, "figure"))
            elif u.kind == "part" and section in _PART_PHRASES and 8 <= len(slotted) <= 160:
                out.append((slotted, "set_phrase"))
        for clause in _CLAUSE_SPLIT.split(slot_text(sentence, **ctx)):
            clause = clause.strip()
            if _plain_clause(clause):
                plain.append(clause)
    return out, plain


def _recurring(col: _Collector, clauses: dict[str, list[int]], units: list[Unit]) -> None:
    """Set phrases: clauses, and clause frames with a free middle, used by ≥ 2 reports."""
    from caogao.text.segment import segment_many

    report_of = [u.report.id for u in units].__getitem__
    label_of = [u.label or "总述" for u in units].__getitem__
    frames: dict[str, list[int]] = defaultdict(list)
    middles: dict[str, set[str]] = defaultdict(set)
    pool = sorted(clauses)
    for clause, toks in zip(pool, segment_many(pool)):
        users = clauses[clause]
        # users are in corpus order, and a report's units are together: two reports or more
        # when the first and the last differ
        if report_of(users[0]) != report_of(users[-1]):
            _add_set(col, clause, users, report_of, label_of)
        slotted = "{" in clause
        for i in (1, 2):
            for j in (2, 3, 4):
                if len(toks) < i + j + 1:
                    continue
                head, tail = "".join(toks[:i]), "".join(toks[-j:])
                if not slotted:
                    if len(head) + len(tail) >= 6 and len(tail) >= 4:
                        key = f"{head}…{tail}"
                        frames[key].extend(users)
                        middles[key].add("".join(toks[i:-j]))
                    continue
                fixed = SLOT_NAME_RE.sub("", head + tail)
                if len(fixed) >= 6 and len(SLOT_NAME_RE.sub("", tail)) >= 4 and not SLOT_NAME_RE.search(head):
                    key = f"{head}…{tail}"
                    frames[key].extend(users)
                    middles[key].add("".join(toks[i:-j]))
    kept: dict[frozenset, list[str]] = defaultdict(list)  # frames kept, by the reports using them
    for key in sorted(frames, key=lambda k: (-len(k), k)):
        if len(middles[key]) < 2:
            continue
        rids = frozenset(map(report_of, frames[key]))
        if len(rids) < 2:
            continue
        head, tail = key.split("…")
        # a shorter frame used by exactly the same reports says nothing more
        if any(k.startswith(head) and k.endswith(tail) for k in kept[rids]):
            continue
        kept[rids].append(key)
        _add_set(col, key, frames[key], report_of, label_of)


def _add_set(col: _Collector, text: str, users: list[int], report_of: Callable[[int], str],
             label_of: Callable[[int], str]) -> None:
    """A set phrase of the users' dominant type, with one source per report: its first user there."""
    counts = Counter(map(label_of, users))
    section = max(sorted(counts), key=lambda k: counts[k])
    rids = list(map(report_of, users))
    # each report's first position: dict() keeps the last value of a key, so feed it backwards
    first = dict(zip(reversed(rids), range(len(rids) - 1, -1, -1)))
    col.add(text, section, "set_phrase", [users[k] for k in sorted(first.values())], later=True)


def _too_little() -> BankError:
    """Fewer than two kinds of text, or no words at all, to learn section types from."""
    return BankError("这些报告里可供学习的段落太少，无法区分段落类别，短语库未能构建",
                     hint="请提供完整的工作报告（含工作回顾、工作计划等部分），"
                          "或与自带语料一起构建（不加 --only）")


def mine(reports: list[Report], *, progress: Progress | None = None, refit: bool = False) -> Mined:
    """Mine phrases, keywords and a section classifier from structured reports.

    ``progress(step, done, total)`` is called after each of the four steps
    (分词, 分类, 短语, 评分). The result depends only on the reports: segmented
    text and the fitted classifier come from the build cache when these
    reports, or some of them, were mined before; a classifier fitted on
    nearly the same training rows is reused unless ``refit``
    (``labelling.MODEL_DRIFT``).
    """
    from caogao.mining.labelling import Labelling
    from caogao.text.names import corpus_names

    say = progress or (lambda step, done, total: None)
    units = [u for r in reports for u in units_of(r)]
    contexts = {r.id: {"year": r.year, "town": town_of(r), "superior": superior_level(r.text)}
                for r in reports}
    try:
        labelling = Labelling(units, refit=refit)
    except ValueError as exc:
        raise _too_little() from exc
    words = Words(units)
    say("分词", 1, 4)
    names = corpus_names([r.text for r in reports], [r.text_key for r in reports])
    try:
        labelling.label()
    except ValueError as exc:
        raise _too_little() from exc
    say("分类", 2, 4)
    for c in contexts.values():
        stem = re.sub(r"(镇|乡|街道)$", "", c["town"])
        names.update(n for n in (c["town"], stem) if len(n) >= 2 and not re.search("[Xx]", n))
    reason = GenericCheck(names)
    phrases, keywords, places = _phrases(units, contexts, words, reason, names, say)
    say("评分", 4, 4)
    classifier = ({"reused": True, "training_rows_changed": round(labelling.reused, 6)}
                  if labelling.reused is not None else {"reused": False})
    return Mined(phrases=phrases, keywords=keywords, model=labelling.weights,
                 places=places,
                 labels={u.path: u.label or "" for u in units}, classifier=classifier)


def _phrases(units: list[Unit], contexts: dict[str, dict], words: Words, reason: GenericCheck,
             names: set[str], say: Progress) -> tuple[list[Phrase], dict[str, list[str]], list[Source]]:
    """Phrases, keywords and the phrases' places from labelled units: what mining does once
    every unit has its type."""
    from caogao.text.segment import segment_many

    col, clauses = _collect(units, contexts, reason)
    _recurring(col, clauses, units)
    say("短语", 3, 4)
    weights = ctfidf(units, words, names)
    tops = {label: max(w.values(), default=0.0) or 1.0 for label, w in weights.items()}
    phrases = col.phrases()
    reason.judge_many(p.text for p in phrases)
    tokens = segment_many(p.text for p in phrases)
    local = local_terms(units, words, {t for p, toks in zip(phrases, tokens) if p.kind in LENT_AS_IS
                                             for t in toks if len(t) >= 2 and HAN_PAIR.match(t)})
    for phrase, toks in zip(phrases, tokens):
        phrase.tokens = toks
        # a mutilated formulation that could not be restored for certain is never lent, nor a
        # heading with a term no other report uses (绿美海宴, 攻坚亚运: another place's slogan or event)
        phrase.generic = (reason(phrase.text) is None and not restore(phrase.text)[2]
                          and not (phrase.kind in LENT_AS_IS and phrase.n_reports == 1 and local.intersection(toks)))
        w = weights.get(phrase.section, {})
        top = tops.get(phrase.section, 1.0)
        content = sorted({t for t in toks if t in w})  # sorted: the same sum in every process
        base = sum(w[t] for t in content) / top / math.sqrt(len(content)) if content else 0.0
        phrase.score = round((0.2 + base) * (1.0 + math.log(phrase.n_reports)), 6)
    phrases.sort(key=lambda p: (p.section, p.kind, -p.score, p.text))
    keywords = {label: [t for t, _ in heapq.nsmallest(20, w.items(), key=lambda kv: (-kv[1], kv[0]))]
                for label, w in sorted(weights.items())}
    return phrases, keywords, col.places
