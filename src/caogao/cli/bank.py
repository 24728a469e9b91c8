"""``caogao bank …``: build and query the phrase bank.

Each command parses options, calls ``caogao.bank`` and prints. ``bank`` is
imported inside the commands so ``caogao --help`` stays quick; searching a
built bank never loads jieba or scikit-learn.
"""

# No ``from __future__ import annotations`` here: typer reads the commands' annotations, and
# evaluating them from strings took 1.9 ms of every command.

import sys
from pathlib import Path
from typing import List, Optional

import typer

from caogao.cli.common import err, print_json, user_errors, warn

app = typer.Typer(help="短语库：构建、检索、分类、导出。", no_args_is_help=True)

DB_HELP = "短语库文件（默认：$CAOGAO_HOME/bank.sqlite，或用户缓存目录下的 caogao/bank.sqlite）"
DbOption = typer.Option(None, "--db", help=DB_HELP, dir_okay=False)
JsonOption = typer.Option(False, "--json", help="以 JSON 输出（字段固定，供脚本使用）")


class _StageProgress:
    """Build progress on stderr: on a terminal one line rewritten in place, else a line a message."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = False

    def __call__(self, message: str) -> None:
        self.shown = True
        if self.tty:
            sys.stderr.write(f"\r  {message}\033[K")
            sys.stderr.flush()
        else:
            err(f"  {message}")

    def finish(self) -> None:
        if self.shown and self.tty:
            err("")


def open_bank_for_cli(db: Optional[Path]):
    """The bank at ``db`` (default: the per-user one), (re)built first with a notice and progress."""
    from caogao.bank.build import bank_state, is_own_bank, open_bank
    from caogao.paths import default_bank_path

    target = db or default_bank_path()
    state = bank_state(target)
    if state in ("missing", "old", "stale") or (state == "damaged" and is_own_bank(target)):
        why = {"missing": "尚未构建", "old": "格式版本已过时", "stale": "语料已变化", "damaged": "已损坏"}[state]
        again = "" if state == "missing" else "按原来的语料重新"
        warn(f"短语库{why}，正在{again}构建 {target}（只需几秒钟，之后直接使用）")
    progress = _StageProgress()
    try:
        return open_bank(target, progress=progress, state=state, notify=warn)
    finally:
        progress.finish()


def _hit_lines(hits) -> None:
    if not hits:
        err("没有找到符合条件的短语。")
        return
    for i, h in enumerate(hits, 1):
        tag = "通用" if h.generic else "专用"
        src = h.sources[0]["report"] if h.sources else ""
        more = f" 等{h.n_reports}篇" if h.n_reports > 1 else ""
        office = "［本单位］" if h.origin == "office" else ""
        typer.echo(f"{i:>3}. {office}{h.text}")
        typer.echo(f"     {h.section}｜{h.kind}｜{tag}｜{h.score:.3f}｜{src}{more}")


@app.command("build")
@user_errors
def build(
    paths: Optional[List[Path]] = typer.Argument(None, metavar="[路径]...", help="本单位的报告（.docx/.txt/.md 文件或文件夹），加入随附语料；省略时沿用短语库上次用过的本单位报告"),
    db: Optional[Path] = DbOption,
    only: bool = typer.Option(False, "--only", help="只用给出的本单位报告，不用随附语料"),
    refit: bool = typer.Option(False, "--refit", help="重新训练段落分类模型（默认在训练文本变动不到 1% 时沿用原模型）"),
    as_json: bool = JsonOption,
) -> None:
    """从语料挖掘短语，构建短语库。本单位报告中的表述排在前面。"""
    from caogao.bank.build import build_bank

    progress = _StageProgress()
    try:
        stats = build_bank(paths or None, db=db, only=only, progress=progress, refit=refit)
    finally:
        progress.finish()
    for w in stats.warnings:
        warn(w)
    if as_json:
        print_json(stats.to_dict())
        return
    kinds = "，".join(f"{k} {n}" for k, n in stats.by_kind.items())
    typer.echo(f"已构建短语库：{stats.path}")
    typer.echo(f"  报告 {stats.reports} 篇（本单位 {stats.office_reports} 篇）；"
               f"短语 {stats.phrases} 条，其中通用 {stats.generic} 条；类别 {stats.sections} 个")
    typer.echo(f"  {kinds}；用时 {stats.seconds:.1f} 秒")
    if stats.classifier.get("reused"):
        share = stats.classifier.get("training_rows_changed", 0.0)
        changed = f"{share:.2%}" if share >= 0.0001 else "不到 0.01%"
        typer.echo(f"  段落分类模型沿用上次训练的结果（训练文本变动 {changed}）；要重新训练请加 --refit")


@app.command("search")
@user_errors
def search(
    query: Optional[str] = typer.Argument(None, metavar="[关键词]", help="要包含的文字（空格分隔多个词，须同时包含）；省略则按类别列出"),
    section: Optional[str] = typer.Option(None, "--section", "-s", help="类别，如 生态环境、民生保障、致谢"),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help="种类：heading1、heading2、item、figure、set_phrase"),
    generic_only: bool = typer.Option(False, "--generic-only", help="只要通用表述（不含地名、人名、数字）"),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="最多显示几条"),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """检索短语库：按文字、类别、种类筛选，最合适的排在前面。"""
    with open_bank_for_cli(db) as bank:
        hits = bank.search(query, section=section, kind=kind, generic_only=generic_only, limit=limit)
    if as_json:
        print_json([h.to_dict() for h in hits])
    else:
        _hit_lines(hits)


@app.command("sections")
@user_errors
def sections(db: Optional[Path] = DbOption, as_json: bool = JsonOption) -> None:
    """列出各类别的短语数量和关键词。"""
    with open_bank_for_cli(db) as bank:
        rows = bank.sections()
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['section']:　<6}{row['count']:>6} 条　{'、'.join(row['keywords'][:8])}")


def _texts(texts: List[str]) -> List[str]:
    out: List[str] = []
    for t in texts:
        if t == "-":  # one text a line from stdin, blank lines skipped, order kept
            out += [line.strip() for line in sys.stdin if line.strip()]
        elif t.strip():
            out.append(t.strip())
    return out


@app.command("classify")
@user_errors
def classify(
    texts: List[str] = typer.Argument(..., metavar="文字...", help="要判断类别的文字（标题或句子）；用 - 从标准输入逐行读取"),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """判断一段文字属于报告的哪一类（生态环境、民生保障……）。"""
    from caogao.errors import UsageError

    items = _texts(texts)
    if not items:
        raise UsageError("没有要分类的文字", hint="例如：caogao bank classify 河长制工作扎实推进")
    with open_bank_for_cli(db) as bank:
        rows = bank.classify(items)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['section']}\t{row['confidence']:.2f}\t{row['text']}")


@app.command("similar")
@user_errors
def similar(
    text: str = typer.Argument(..., metavar="文字", help="一句话或一个标题"),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="最多显示几条"),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """找出短语库中与给定文字意思相近的表述。"""
    with open_bank_for_cli(db) as bank:
        hits = bank.similar(text, limit=limit)
    if as_json:
        print_json([h.to_dict() for h in hits])
    else:
        _hit_lines(hits)


@app.command("export")
@user_errors
def export(
    fmt: str = typer.Option(..., "--format", "-f", help="csv（Excel/WPS 可直接打开）、json 或 docx（按类别分组的素材本）"),
    output: Path = typer.Option(..., "--output", "-o", help="输出文件", dir_okay=True),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件"),
    db: Optional[Path] = DbOption,
) -> None:
    """导出整个短语库。"""
    from caogao.bank.export import check_export_format, export_bank
    from caogao.fsutil import check_target

    check_export_format(fmt.lower())
    check_target(output, force=force)  # refuse before a possibly slow build, not after
    with open_bank_for_cli(db) as bank:
        n = export_bank(bank, fmt.lower(), output, force=force)
    typer.echo(f"已导出 {n} 条短语：{output}")
