"""A stretch of a paragraph's text as whole runs: what a comment or a bookmark is anchored on.

Word anchors comments and bookmarks between runs, and a user's editing splits and joins
runs anywhere. ``isolate`` finds characters ``start:end`` of the text of a paragraph's
own runs and splits the runs at both ends, each piece keeping its run's formatting, so
that the stretch is exactly a sequence of runs.
"""

from __future__ import annotations

import copy

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run


# What ``Run.text`` reads: text, tabs, breaks and no-break hyphens, each as its own text.
_TEXT_TAGS = frozenset(qn(f"w:{tag}") for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def run_text(run: Run) -> str:
    """``run.text``, read from the run's children: python-docx evaluates an XPath expression
    for every run it reads, and a draft's bookmarks read 300 runs (3 ms)."""
    return "".join(str(child) for child in run._r if child.tag in _TEXT_TAGS)


def runs_text(paragraph: Paragraph) -> str:
    """The text of the paragraph's own runs (what ``isolate`` counts in)."""
    return "".join(run_text(r) for r in paragraph.runs)


def _split(run: Run, at: int) -> Run:
    """Split ``run`` (plain text only) after ``at`` characters; the second half is returned."""
    text = run_text(run)
    twin = copy.deepcopy(run._r)
    run._r.addnext(twin)
    run.text, second = text[:at], Run(twin, run._parent)
    second.text = text[at:]
    return second


def _plain(run: Run) -> bool:
    """A run holding only text (no tab, break, drawing or field char) can be split safely."""
    return all(child.tag in (qn("w:rPr"), qn("w:t")) for child in run._r)


def isolate(paragraph: Paragraph, start: int, end: int) -> list[Run]:
    """The runs that hold exactly characters ``start:end`` of ``runs_text``, splitting runs
    at both ends where they can be split; a run that cannot be split is taken whole."""
    pos, chosen = 0, []
    for run in list(paragraph.runs):
        text = run_text(run)
        a, b = pos, pos + len(text)
        pos = b
        if b <= start or a >= end or not text:
            continue
        if a < start and _plain(run):
            run, a = _split(run, start - a), start
        if b > end and _plain(run):
            _split(run, end - a)
        chosen.append(run)
    return chosen
