"""Scoring mined phrases: how typical of its section type a phrase is, and whether it is a place's own.

``Words`` segments every unit once; ``ctfidf`` weighs each word by its share of a type's
text against its share of all text (class-based TF-IDF); ``local_terms`` finds the terms
one report alone uses and the dictionary lacks (another place's coined slogan).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from caogao.mining.units import Unit


LENT_AS_IS = ("heading1", "heading2", "set_phrase")  # wording lent as it stands: no other place's terms
HAN_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


def local_terms(units: list[Unit], words: "Words", candidates: set[str]) -> set[str]:
    """Those of ``candidates`` that are another place's own: used by one report alone and missing
    from the dictionary (a coined slogan or programme: 深绿…出硬招, 一改两为, 整体智治). Ordinary
    words one report happens to use alone stay lendable; so do names in the dictionary, which
    the name rules judge (``names``)."""
    from caogao.bank.cache import cached
    from caogao.text.segment import dictionary_tag, segmenter_id

    alone = one_report_terms(units, words, candidates)
    # through the build cache, as the words themselves: a rebuild of unchanged reports loads no segmenter
    known = cached(f"dictionary/{segmenter_id()}", sorted(alone),
                   lambda terms: {t: "1" if dictionary_tag(t) is not None else "0" for t in terms})
    return {t for t in alone if known[t] == "0"}


def one_report_terms(units: list[Unit], words: "Words", candidates: set[str]) -> set[str]:
    """Those of ``candidates`` that one report alone uses (a corpus of one report has none)."""
    used: dict[str, set[str]] = defaultdict(set)  # report id → its words
    for u, text in zip(units, words.texts):
        used[u.report.id].update(words.of[text])
    reports: Counter = Counter()  # term → how many reports use it
    for found in used.values():
        reports.update(candidates.intersection(found))
    return {t for t, n in reports.items() if n == 1} if len(used) > 1 else set()


class Words:
    """The words of each unit (its heading and own text), each distinct text segmented once."""

    def __init__(self, units: list[Unit]) -> None:
        from caogao.text.segment import segment_many

        self.texts = [u.heading + "。" + u.own for u in units]
        unique = list(dict.fromkeys(self.texts))
        self.of = dict(zip(unique, segment_many(unique)))


def ctfidf(units: list[Unit], words: Words, names: set[str]) -> dict[str, dict[str, float]]:
    """Class-based TF-IDF: a word's share of a type's text against its share of all text."""
    from caogao.text.segment import STOPWORDS

    # a big corpus repeats units word for word: count each distinct unit once, times its copies
    copies: dict[str, Counter] = defaultdict(Counter)
    for u, text in zip(units, words.texts):
        copies[u.label or "总述"][text] += 1
    figure = re.compile(r"[0-9XxＸｘ]")
    keep = {t for t in set().union(*words.of.values())
            if len(t) > 1 and t not in STOPWORDS and t not in names and not t.startswith(("<", "{"))
            and not figure.search(t)}
    kept: dict[str, list[str]] = {}  # each distinct text's words that count
    per_class: dict[str, Counter] = defaultdict(Counter)
    for label, groups in copies.items():
        counts = per_class[label]
        for text, n in groups.items():
            toks = kept.get(text)
            if toks is None:
                toks = kept[text] = [t for t in words.of[text] if t in keep]
            if n == 1:
                counts.update(toks)  # counted in C
            else:
                for t in toks:
                    counts[t] += n
    overall: Counter = Counter()
    for counts in per_class.values():
        overall.update(counts)
    avg = sum(overall.values()) / max(1, len(per_class))
    out = {}
    for label, counts in per_class.items():
        size = sum(counts.values()) or 1
        out[label] = {t: n / size * math.log(1 + avg / overall[t]) for t, n in counts.items()}
    return out


