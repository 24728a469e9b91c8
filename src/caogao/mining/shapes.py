"""Heading shapes: the coarse signature that tells which headings form a parallel set.

``抓项目、稳经济，…`` and ``优环境、美生态，…`` share ``3、3，*``; ``致力稳进提质，…``
and ``致力统筹兼顾，…`` share ``致力4，*``. The miner stores a shape with every
heading and drafting compares them, so this module is string rules only:
no segmenter, and only three small patterns to compile.
"""

from __future__ import annotations

import re

_SEP = re.compile(r"[、，,；;：:]")
QUOTES_RE = re.compile(r"[“”\"‘’'「」『』]")
_ORDINAL = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．是]|"
    r"[0-9]+[、.．](?![0-9])|[（(][0-9]+[）)]|——|第[一二三四五六七八九十]+[，,、])\s*"
)


def strip_ordinal(heading: str) -> str:
    return _ORDINAL.sub("", heading.strip()).strip().rstrip("。；;")


def breaks(heading: str) -> str:
    """The marks between a heading's segments, full-width: ``抓项目、稳经济，…`` → ``、，``.

    :func:`shape` counts ``、`` and ``，`` alike, as the corpus's parallel sets do;
    a check that one heading of a set is punctuated like the others needs them.
    """
    marks = "".join(_SEP.findall(QUOTES_RE.sub("", strip_ordinal(heading))))
    return marks.translate(str.maketrans(",;:", "，；："))


def shared_prefix(headings: list[str]) -> str:
    """Leading characters (1–4) that every heading of a parallel set repeats."""
    firsts = [_SEP.split(QUOTES_RE.sub("", strip_ordinal(h)))[0] for h in headings]
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
    segs = [s for s in _SEP.split(QUOTES_RE.sub("", strip_ordinal(heading))) if s]
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
