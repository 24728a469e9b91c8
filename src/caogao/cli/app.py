"""The ``caogao`` command: each command a few lines over the library."""

# No ``from __future__ import annotations`` here: typer reads the commands' annotations, and
# evaluating them from strings took 1.9 ms of every command.

import typer

from caogao.cli.bank import app as bank_app
from caogao.cli.chinese import ChineseGroup
from caogao.cli.serve import serve as serve_command
from caogao.cli.corpus import app as corpus_app

app = typer.Typer(
    name="caogao",
    help="草稿：乡镇（街道）政府工作报告起草助手。",
    cls=ChineseGroup,  # help and usage errors in Chinese, for every command
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(bank_app, name="bank")
app.command("serve")(serve_command)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"caogao {version('caogao')}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                 help="显示版本号并退出。"),
) -> None:
    """草稿：乡镇（街道）政府工作报告起草助手。"""


def main() -> None:
    """The console entry point; usage errors are told in Chinese by ``ChineseGroup``."""
    app(prog_name="caogao")


def run() -> None:
    """The ``caogao`` program.

    Before the interpreter shuts down, every object is moved out of the cyclic garbage
    collector's reach (``gc.freeze``): shutdown otherwise collects all of them once more,
    0.03 s of a 0.2 s draft and 0.1 s of a bank build (``make bench``). Objects are still
    freed and files closed as usual; only the last, pointless cycle search is skipped.

    While a command runs, the collector looks at new objects after every 50,000 allocations
    instead of every 700: a draft makes a few hundred thousand short-lived objects, nearly
    all freed by reference counting, and the frequent young-generation passes over them cost
    8 ms of a 0.2 s draft; a bank build, which makes millions, spends no more time on them
    than with the collector paused (timed on the 10 MB corpus). Cycles are still collected;
    garbage waiting for the next pass is at most those 50,000 objects, a few MB.
    """
    import gc

    gc.set_threshold(50_000)
    try:
        main()
    finally:
        gc.freeze()


# The commands below import their library modules inside the function body:
# a command pays only for what it uses.
from pathlib import Path  # noqa: E402
from typing import Optional  # noqa: E402

from caogao.cli.common import print_json, user_errors  # noqa: E402

PERIODS = ("上半年", "全年")


def default_output(facts) -> Path:
    """output/{年份}年{时段}{单位}政府工作报告.docx, safe as a file name.

    Characters that would be invisible or reorder the name (control, bidi and
    zero-width marks: Unicode categories Cc and Cf) are dropped, and the 单位 is
    cut so that the name fits the file system's 255 bytes.
    """
    import unicodedata

    from caogao.fsutil import NAME_MAX

    unit = "".join(ch for ch in facts.unit
                   if ch not in '\\/:*?"<>|' and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip() or "本单位"
    head, tail = f"{facts.year}年{facts.period}", "政府工作报告.docx"
    room = NAME_MAX - len(head.encode()) - len(tail.encode())
    unit = unit.encode("utf-8")[:room].decode("utf-8", "ignore")
    return Path("output") / f"{head}{unit}{tail}"


@app.command()
@user_errors
def init(
    output: Path = typer.Option(Path("事实.yaml"), "-o", "--output", help="事实文件写到哪里。"),
    period: str = typer.Option("上半年", "--period", help="时段：上半年 或 全年。"),
    force: bool = typer.Option(False, "--force", help="文件已存在时覆盖。"),
) -> None:
    """写出一份带中文注释的事实文件骨架，填好后用 caogao build 成稿。"""
    from caogao.errors import UsageError
    from caogao.drafting.facts import skeleton
    from caogao.fsutil import atomic_path

    if period not in PERIODS:
        raise UsageError(f"时段只能是 上半年 或 全年，而不是“{period}”")
    with atomic_path(output, force=force) as tmp:
        tmp.write_text(skeleton(period), encoding="utf-8")
    typer.echo(f"已写出事实文件骨架：{output}\n填好后运行：caogao build {output}")


@app.command()
@user_errors
def build(
    facts_file: Path = typer.Argument(..., metavar="事实文件", help="事实文件（YAML）。"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="草稿写到哪里；默认 output/{年份}年{时段}{单位}政府工作报告.docx。"),
    force: bool = typer.Option(False, "--force", help="草稿已存在时覆盖（原子替换）。"),
    seed: int = typer.Option(0, "--seed", help="选词的随机种子：同样的事实文件和种子得到同样的草稿。"),
    template: Optional[Path] = typer.Option(None, "--template", help="自己的模板文件夹（含 上半年.j2 / 全年.j2）。"),
    reference_doc: Optional[Path] = typer.Option(None, "--reference-doc", help="取用这份 Word 文件的样式（如单位自己的模板）。"),
    db: Optional[Path] = typer.Option(None, "--db", help="短语库文件；默认在 $CAOGAO_HOME。"),
    indicators: Optional[Path] = typer.Option(None, "--indicators", help="指标表（.xlsx/.xls）：其中的指标取代事实文件里的“主要指标”。"),
) -> None:
    """按事实文件起草报告，写出公文格式的 .docx 草稿。"""
    from caogao.cli.bank import open_bank_for_cli
    from caogao.drafting.compose import compose_draft
    from caogao.errors import UsageError
    from caogao.drafting.facts import load_facts
    from caogao.fsutil import check_target
    from caogao.drafting.outline import count_placeholders
    from caogao.docx.write import write_draft

    facts = load_facts(facts_file, indicators=indicators)
    target = output or default_output(facts)
    check_target(target, force=force)  # fail before the work, not after
    if target.suffix.lower() != ".docx":
        raise UsageError("草稿文件名应以 .docx 结尾", file=target, hint=f"例如 -o {target.with_suffix('.docx')}")
    bank = open_bank_for_cli(db)  # built on first use, with the same progress as `bank build`
    blocks, notes = compose_draft(facts, bank, seed=seed, template_dir=template)
    from caogao.drafting.figures import figure_texts

    path = write_draft(blocks, target, reference_doc=reference_doc,
                       title=blocks[0].text if blocks else "", force=force, figures=figure_texts(facts))
    _warn_examples(facts_file)
    from caogao.cli.common import warn

    for note in notes:
        warn(note)
    n = count_placeholders(blocks)
    typer.echo(f"草稿已写出：{path}")
    typer.echo(f"还有 {n} 处【待补充】需要填写。" if n else "没有待补充的占位符。")


def _warn_examples(facts_file: Path) -> None:
    """The skeleton marks its example values 【示例】: say when some were never replaced."""
    from caogao.cli.common import warn
    from caogao.drafting.facts import read_facts_bytes
    from caogao.errors import FactsError

    try:
        raw = read_facts_bytes(facts_file)
    except FactsError:
        return
    marks = ("【示例】".encode(), b"\xa1\xbe\xca\xbe\xc0\xfd\xa1\xbf")  # and in GB18030, without loading its codec
    lines = [n for n, line in enumerate(raw.splitlines(), 1)
             if not line.lstrip().startswith(b"#") and any(m in line for m in marks)]
    if lines:
        shown = "、".join(map(str, lines[:8])) + ("……" if len(lines) > 8 else "")
        warn(f"{facts_file} 里还有 {len(lines)} 行标着【示例】（第 {shown} 行），"
             "那些是骨架里的示范内容；请换成本单位的实际情况，并删去“【示例】”标记。")


@app.command()
@user_errors
def check(
    draft: Path = typer.Argument(..., metavar="草稿", help="要检查的 .docx 草稿（可以是在 Word/WPS 里改过的）。"),
    facts_file: Optional[Path] = typer.Option(None, "--facts", help="事实文件：核对稿中数字与之是否一致。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
    annotate: bool = typer.Option(False, "--annotate", help="把每条问题写成 Word 批注，存成一份副本（原稿不动）。"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="批注副本写到哪里；默认在原稿旁，文件名加“-批注”。"),
    force: bool = typer.Option(False, "--force", help="批注副本已存在时覆盖。"),
) -> None:
    """检查改过的草稿：占位符、数字、措辞、标点、编号、重复句。发现问题时退出码为 1。"""
    from caogao.checking.rules import check_document
    from caogao.errors import UsageError

    if output is not None and not annotate:
        raise UsageError("-o 只和 --annotate 一起用", hint="加上 --annotate，把问题写成批注存到 -o 指定的文件")
    facts, annotated = None, None
    if facts_file is not None:
        from caogao.drafting.facts import load_facts

        facts = load_facts(facts_file)
    findings = check_document(draft, facts=facts)  # an unreadable draft is the user's input: exit 1
    if annotate:
        from caogao.docx.annotate import annotate as write_comments, default_output as annotated_name

        annotated = write_comments(draft, findings, output or annotated_name(draft), force=force)
    if as_json:
        print_json([f.to_dict() for f in findings])
    elif not findings:
        typer.echo("未发现问题。")
    else:
        for f in findings:
            where = f"第{f.paragraph}段" + (f"（{f.heading}）" if f.heading else "")
            typer.echo(f"{where} [{f.kind}] {f.message}" + (f"\n    建议：{f.suggestion}" if f.suggestion else ""))
        typer.echo(f"共发现 {len(findings)} 处问题。")
    if annotated is not None and not as_json:
        typer.echo(f"批注稿已写出：{annotated}（{len(findings)} 条批注）")
    raise typer.Exit(1 if findings else 0)


@app.command()
@user_errors
def update(
    draft: Path = typer.Argument(..., metavar="草稿", help="caogao 写出、又在 Word/WPS 里改过的 .docx 草稿。"),
    facts_file: Path = typer.Option(..., "--facts", help="新的事实文件（YAML）。"),
    indicators: Optional[Path] = typer.Option(None, "--indicators", help="指标表（.xlsx/.xls）：其中的指标取代事实文件里的“主要指标”。"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="更新后的草稿写到哪里；不写则替换原稿（须加 --force）。"),
    force: bool = typer.Option(False, "--force", help="替换原稿，或覆盖已有的输出文件。"),
) -> None:
    """按新的事实文件改写草稿里 caogao 写的数字，其余内容原样保留。"""
    from caogao.docx.update import update_draft
    from caogao.drafting.facts import load_facts
    from caogao.drafting.figures import figure_texts
    from caogao.errors import UsageError

    if output is None and not force:
        raise UsageError("不写 -o 时会替换原稿，须加 --force", hint=f"例如 -o {draft.with_name(draft.stem + '-更新.docx')}")
    facts = load_facts(facts_file, indicators=indicators)
    changes = update_draft(draft, figure_texts(facts), output or draft, force=force)
    for c in changes:
        line = f"{c.where} {c.indicator}（{c.place}）：{c.old} → {c.new}"
        typer.echo(line if c.status == "已更新" else f"{line}  [{c.status}]")
    edited = sum(c.status == "手改未动" for c in changes)
    typer.echo(f"已写出：{output or draft}；改了 {len(changes) - edited} 处数字"
               + (f"，{edited} 处您改过的没有动，请对照新值自行决定。" if edited else "。"))


if __name__ == "__main__":  # python -m caogao.cli.app
    run()
