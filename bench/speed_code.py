"""Count the lines of code that exist only for speed (``make bench`` reports the total).

Each entry names a module, or functions and classes in one, whose only purpose is to
make a command faster; ``LINES`` names single lines inside other code that do
(a cache decorator, a cache lookup in a function that does more). Docstrings and
comments count: they are part of what a reader must get through.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "caogao"

# module → None (all of it) or the functions and classes (Class.method) that are only for speed
SPEED_ONLY: dict[str, list[str] | None] = {
    "bank/cache.py": None,  # the build cache
    "bank/ship.py": None,  # `make model`: the shipped model and tags
    "bank/sources.py": ["_namespace", "_section_to", "_section_from", "encode", "decode", "_key", "load"],
    "text/names.py": ["remembered_clauses", "_encode_tags", "_decode_tags", "_tags_of", "prefetch_names"],
    "text/postag.py": ["tags_file", "shipped_tags"],
    "text/segment.py": ["segment_many"],
    "mining/labelling.py": ["_model_key", "_encode_rows", "drift", "_load_weights", "_checked", "shipped_model",
                            "fitted_on", "model_to_ship", "Labelling._known", "Labelling._remember"],
    "mining/miner.py": ["_bodies"],
    "mining/slots.py": ["GenericCheck.judge_many"],
    "docx/write.py": ["_style_ids", "_styled", "_style_element"],
    "docx/runs.py": ["run_text"],
    "drafting/wording.py": ["Picker._phrases"],
    "mining/taxonomy.py": ["_seed_index"],
    "cli/app.py": ["run"],
}
# single lines elsewhere: in-process memos and build-cache lookups inside functions that do more
LINES = re.compile(r"lru_cache|memory\(|cached\(|default_cache\(\)|shipped_model\(|shipped_tags\(\)|MODEL_DRIFT|drift\("
                   r"|deepcopy\(model\)|add_text\(piece\)")


def _spans(tree: ast.Module) -> dict[str, tuple[int, int]]:
    spans = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            spans[node.name] = (first, node.end_lineno)
            if isinstance(node, ast.ClassDef):
                for sub in node.body:
                    if isinstance(sub, ast.FunctionDef):
                        first = min([sub.lineno] + [d.lineno for d in sub.decorator_list])
                        spans[f"{node.name}.{sub.name}"] = (first, sub.end_lineno)
    return spans


def count() -> list[tuple[str, int]]:
    """(what, lines) of each piece of speed-only code, and of the single lines elsewhere."""
    rows, counted = [], {}
    for module, names in SPEED_ONLY.items():
        text = (SRC / module).read_text(encoding="utf-8")
        lines = text.splitlines()
        if names is None:
            rows.append((module, sum(1 for line in lines if line.strip())))
            counted[module] = set(range(1, len(lines) + 1))
            continue
        spans, mine = _spans(ast.parse(text)), set()
        for name in names:
            first, last = spans[name]  # a KeyError: the entry names code that is gone
            mine.update(range(first, last + 1))
            rows.append((f"{module}: {name}", sum(1 for n in range(first, last + 1) if lines[n - 1].strip())))
        counted[module] = mine
    loose = 0
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        skip = counted.get(module, set())
        loose += sum(1 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if n not in skip and LINES.search(line) and not line.lstrip().startswith(("#", "from", "import")))
    rows.append(("single lines elsewhere (memos, cache lookups)", loose))
    return rows


if __name__ == "__main__":
    rows = count()
    for what, n in rows:
        print(f"{n:5d}  {what}")
    print(f"{sum(n for _, n in rows):5d}  in all")
