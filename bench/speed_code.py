"""Count the lines of code that exist only for speed (``make bench`` reports the total).

Each entry names a module, or functions and classes in one, whose only purpose is to
make a command faster; ``LINES`` finds single lines inside other code that do (a cache
decorator, a cache lookup in a function that does more). Two counts are given: lines of
code (as ``cloc`` counts them: no blank lines, comments or docstrings), and every
non-blank line, docstrings and comments included.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
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
# single lines elsewhere: in-process memos, build-cache lookups, jieba's dictionary read whole
LINES = re.compile(r"lru_cache|memory\(|cached\(|default_cache\(\)|shipped_model\(|shipped_tags\(\)|MODEL_DRIFT|drift\("
                   r"|deepcopy\(model\)|add_text\(piece\)|marshal|tok\.initialized")


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


def _code_lines(text: str) -> set[int]:
    """The lines that hold code: not blank, not only a comment, not part of a docstring."""
    tree = ast.parse(text)
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docs.update(range(first.lineno, first.end_lineno + 1))
    code = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                            tokenize.ENDMARKER):
            code.update(range(tok.start[0], tok.end[0] + 1))
    return code - docs


def count() -> list[tuple[str, int, int]]:
    """(what, lines of code, non-blank lines) of each piece of speed-only code, and of the single lines elsewhere."""
    rows, counted = [], {}
    for module, names in SPEED_ONLY.items():
        text = (SRC / module).read_text(encoding="utf-8")
        lines, code = text.splitlines(), _code_lines(text)
        spans = {None: (1, len(lines))} if names is None else _spans(ast.parse(text))
        mine = set()
        for name in names or [None]:
            first, last = spans[name]  # a KeyError: the entry names code that is gone
            span = range(first, last + 1)
            mine.update(span)
            rows.append((module if name is None else f"{module}: {name}", sum(1 for n in span if n in code),
                         sum(1 for n in span if lines[n - 1].strip())))
        counted[module] = mine
    loose = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        code = _code_lines(text)
        loose += [n for n, line in enumerate(text.splitlines(), 1)
                  if n in code and n not in counted.get(module, set()) and LINES.search(line)
                  and not line.lstrip().startswith(("from", "import"))]
    rows.append(("single lines elsewhere (memos, cache lookups)", len(loose), len(loose)))
    return rows


if __name__ == "__main__":
    rows = count()
    for what, code, lines in rows:
        print(f"{code:5d} {lines:5d}  {what}")
    print(f"{sum(r[1] for r in rows):5d} {sum(r[2] for r in rows):5d}  in all (lines of code; with docstrings and comments)")
