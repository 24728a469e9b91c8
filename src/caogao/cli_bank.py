"""``caogao bank …``: build and query the phrase bank."""

from __future__ import annotations

import typer

app = typer.Typer(help="短语库：构建、检索、分类、导出。", no_args_is_help=True)
