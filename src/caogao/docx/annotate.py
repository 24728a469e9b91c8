"""Findings of ``check`` as Word comments (批注) in a copy of the draft, where the work happens.

Each comment is anchored on the text the finding quotes when it is found in its
paragraph, else on the whole paragraph; the draft itself is never written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Protocol

from docx.text.paragraph import Paragraph

from caogao.docx.runs import isolate, runs_text

AUTHOR, INITIALS = "caogao 检查", "CG"
_QUOTED = re.compile(r"“([^”]{2,})”")


class FindingLike(Protocol):
    kind: str
    message: str
    paragraph: int
    suggestion: str


def default_output(draft: Path) -> Path:
    """报告.docx → 报告-批注.docx beside it."""
    return draft.with_name(f"{draft.stem}-批注.docx")


def _span(paragraph: Paragraph, message: str) -> tuple[int, int] | None:
    """The longest text the message quotes that the paragraph holds (“同比增长-3.2%” over “增长”)."""
    text = runs_text(paragraph)
    pieces = [piece for quoted in _QUOTED.findall(message) for piece in quoted.split("…")]
    for piece in sorted(pieces, key=len, reverse=True):
        at = text.find(piece) if len(piece) >= 2 else -1
        if at >= 0:
            return at, at + len(piece)
    return None


def comment_text(f: FindingLike) -> str:
    return f"[{f.kind}] {f.message}" + (f"\n建议：{f.suggestion}" if f.suggestion else "")


def add_comments(document, findings: Iterable[FindingLike]) -> int:
    """Add a comment for each finding (numbered as ``document.paragraphs``); the count added."""
    paragraphs = document.paragraphs
    n = 0
    for f in findings:
        if not paragraphs:
            break
        paragraph = paragraphs[min(max(f.paragraph, 1), len(paragraphs)) - 1]
        span = _span(paragraph, f.message)
        runs = isolate(paragraph, *span) if span else paragraph.runs
        if not runs:
            runs = [paragraph.add_run("")]
        document.add_comment(runs, text=comment_text(f), author=AUTHOR, initials=INITIALS)
        n += 1
    return n


def annotate(draft: Path, findings: list, output: Path, *, force: bool = False) -> Path:
    """Write a copy of ``draft`` with each finding as a comment (atomically; never the draft)."""
    from caogao.corpus.docx_in import open_docx
    from caogao.docx.write import save
    from caogao.errors import OutputError

    if output.resolve() == draft.resolve():
        raise OutputError("批注稿不能覆盖原稿", file=output, hint="换一个文件名，或不写 -o 用默认的“-批注.docx”")
    document = open_docx(draft)
    add_comments(document, findings)
    return save(document, output, force=force)
