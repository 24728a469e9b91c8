"""``caogao serve``: the web pages (起草, 素材, 校对) on this machine, for people who do not use a terminal.

The command opens the bank first (building it, with progress, when needed), so the
first page is quick; then it serves ``caogao.web.app`` on 127.0.0.1 only and opens
the browser. Starlette and uvicorn are imported here, never by other commands.
"""

# No ``from __future__ import annotations`` here: typer reads the commands' annotations, and
# evaluating them from strings took 1.9 ms of every command.

from pathlib import Path
from typing import Optional

import typer

from caogao.cli.common import user_errors

DEFAULT_PORT = 8719
HOST = "127.0.0.1"


def _listen(port: int | None):
    """A socket bound to 127.0.0.1: the port asked for, or the default, or any free one when the default is taken."""
    import socket

    from caogao.errors import UsageError

    for candidate in ([port] if port is not None else [DEFAULT_PORT, 0]):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((HOST, candidate))
        except OSError:
            sock.close()
            continue
        # each answer goes out at once: without this, a reply written in two pieces (headers, body)
        # waits for the browser's delayed acknowledgement, 40 ms on every other request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.listen(64)
        return sock
    raise UsageError(f"端口 {port} 已被占用（可能 caogao serve 已经在运行）",
                     hint="换一个端口，如 --port 8720；或不写 --port，自动找一个空闲端口")


@user_errors
def serve(
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help=f"端口；默认 {DEFAULT_PORT}，被占用时自动换一个。"),
    no_browser: bool = typer.Option(False, "--no-browser", help="不自动打开浏览器。"),
    db: Optional[Path] = typer.Option(None, "--db", help="短语库文件；默认在 $CAOGAO_HOME。", dir_okay=False),
) -> None:
    """在本机浏览器里使用 caogao：起草报告、查找素材、校对草稿。按 Ctrl+C 停止。"""
    import threading
    import time
    import webbrowser

    import uvicorn

    from caogao.cli.bank import open_bank_for_cli
    from caogao.web.app import create_app

    open_bank_for_cli(db).close()  # build it now, with progress, rather than on the first search
    sock = _listen(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(db=db), log_level="warning", lifespan="off"))

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            typer.echo(f"caogao 已在本机启动：{url}\n用浏览器打开这个地址；用完后在这里按 Ctrl+C 停止。")
            if not no_browser:
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    typer.echo("caogao 已停止。")
