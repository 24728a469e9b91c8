"""The ``caogao`` command: each command a few lines over the library."""

from __future__ import annotations

import typer

from .cli_bank import app as bank_app
from .cli_corpus import app as corpus_app

app = typer.Typer(
    name="caogao",
    help="草稿：乡镇（街道）政府工作报告起草助手。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(bank_app, name="bank")


def main() -> None:
    app()
