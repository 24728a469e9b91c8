"""``caogao corpus …``: read the corpus into structured reports."""

from __future__ import annotations

import typer

app = typer.Typer(help="语料：读取并查看报告的结构。", no_args_is_help=True)
