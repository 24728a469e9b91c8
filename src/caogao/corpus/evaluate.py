"""How well the reader recovers hand-written outlines (tests/data/real/, ``make bench``).

Each real report ``NN_*.txt`` has an outline ``NN_*.outline.yaml`` written by
hand: its parts with their kinds, and under each part its first-level
sections. The reader is scored on the top two levels of headings (part
headings and section headings: recall and precision) and on the part kinds
it finds (recall). Headings are compared without their ordinal marker, spaces
and closing punctuation, and a heading the reader cut short (the first
clauses of a heading that ran into its body) still counts as found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from caogao.corpus.parse import parse_file
from caogao.corpus.report import Report

# Kinds an outline may name that the reader folds into one of its own parts.
_SAME_KIND = {"政府自身建设": {"计划"}}

_MARKER = re.compile(r"^(?:第?[一二三四五六七八九十]{1,3}(?:[、是要]|部分[：、]?)|（[一二三四五六七八九十]{1,3}）"
                     r"|\d{1,2}[.．、]|（\d{1,2}）)")
_HALF = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"})
_SHORTEST_PREFIX = 6  # a cut-short heading must keep at least this much to count


@dataclass
class Gold:
    """One hand-written outline: its file, set (dev / held-out), headings, part kinds, section types."""

    name: str
    text_path: Path
    held_out: bool
    headings: list[str]
    kinds: list[str]
    types: list[tuple[str, str]] = field(default_factory=list)   # (section heading, type)


@dataclass
class Score:
    gold: int = 0          # headings in the outlines
    found: int = 0         # of them, read by the reader
    read: int = 0          # headings the reader read
    right: int = 0         # of them, in the outlines
    kinds: int = 0         # part kinds in the outlines
    kinds_found: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.read if self.read else 1.0

    @property
    def part_recall(self) -> float:
        return self.kinds_found / self.kinds if self.kinds else 1.0

    def add(self, other: "Score") -> None:
        for name in ("gold", "found", "read", "right", "kinds", "kinds_found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missed += other.missed
        self.extra += other.extra


def held_out_names(folder: Path) -> set[str]:
    """Stems of the files INDEX.md marks **held-out**."""
    index = (folder / "INDEX.md").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^\| (\S+)\.txt \|.*\*\*held-out\*\*", index, re.M)}


def load_outlines(folder: str | Path, *, held_out: bool | None = False) -> list[Gold]:
    """The outlines of ``folder``: dev ones (``held_out=False``), held-out ones (True) or all (None)."""
    import yaml

    folder = Path(folder)
    kept = held_out_names(folder)
    out = []
    for path in sorted(folder.glob("*.outline.yaml")):
        stem = path.name[: -len(".outline.yaml")]
        is_held = stem in kept
        if held_out is not None and is_held != held_out:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        headings, kinds, types = [], [], []
        for part in data.get("parts") or []:
            kinds.append(part["kind"])
            if part.get("heading"):
                headings.append(part["heading"])
            for section in part.get("sections") or []:
                headings.append(section["heading"])
                if section.get("type"):
                    types.append((section["heading"], section["type"]))
        out.append(Gold(stem, folder / f"{stem}.txt", is_held, headings, kinds, types))
    return out


def normalize(heading: str) -> str:
    """A heading without spaces, ordinal marker and closing punctuation, in full-width punctuation."""
    h = re.sub(r"\s+", "", heading).translate(_HALF)
    h = _MARKER.sub("", h)
    return h.rstrip("。！；：，、")


def same_heading(a: str, b: str) -> bool:
    a, b = normalize(a), normalize(b)
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= _SHORTEST_PREFIX and long.startswith(short))


def read_headings(reports: list[Report]) -> tuple[list[str], set[str]]:
    """The reader's top two levels of headings (part headings, first-level sections) and its part kinds."""
    headings, kinds = [], set()
    for report in reports:
        for part in report.parts:
            kinds.add(part.name)
            if part.heading:
                headings.append(part.heading)
            headings.extend(s.heading for s in part.sections)
    return headings, kinds


def score(gold: Gold, reports: list[Report]) -> Score:
    """Recall and precision of one outline's headings, each heading matched at most once."""
    read, kinds = read_headings(reports)
    s = Score(gold=len(gold.headings), read=len(read), kinds=len(set(gold.kinds)))
    unmatched = list(read)
    for h in gold.headings:
        hit = next((r for r in unmatched if same_heading(h, r)), None)
        if hit is None:
            s.missed.append(f"{gold.name}: {h}")
        else:
            unmatched.remove(hit)
            s.found += 1
    s.right = len(read) - len(unmatched)
    s.extra = [f"{gold.name}: {r}" for r in unmatched]
    s.kinds_found = sum(1 for k in set(gold.kinds) if k in kinds or _SAME_KIND.get(k, set()) & kinds)
    return s


def read_gold(gold: Gold) -> list[Report]:
    from caogao.corpus.decode import decode_bytes

    return parse_file(decode_bytes(gold.text_path.read_bytes(), gold.text_path), gold.text_path.name)


def evaluate(golds: list[Gold]) -> Score:
    """The reader's heading and part-kind score over ``golds``, summed."""
    total = Score()
    for gold in golds:
        total.add(score(gold, read_gold(gold)))
    return total
