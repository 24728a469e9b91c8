"""What every command shares: turning library errors into messages and exit codes.

Commands import their library modules inside the function body, so that a
command loads only what it needs (jieba and scikit-learn are slow to import).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable

import typer

from caogao.errors import CaogaoError


def err(message: str) -> None:
    typer.echo(message, err=True)


def warn(message: str) -> None:
    typer.echo(f"警告：{message}", err=True)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def user_errors(fn: Callable) -> Callable:
    """Run a command; a CaogaoError becomes a Chinese message and its exit code.

    Anything else is a bug in caogao: it is reported in one line (no traceback
    unless CAOGAO_DEBUG is set) with exit code 3.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CaogaoError as exc:
            err(f"错误：{exc}")
            raise typer.Exit(exc.exit_code)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            err("已中断。")
            raise typer.Exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0)
        except OSError as exc:  # disk full, read-only, name too long: the user's situation, not a bug
            from caogao.fsutil import os_error_message

            why = os_error_message(exc)
            if why is None:
                _internal_error(exc)
            where = f"文件 {exc.filename}：" if exc.filename else ""
            err(f"错误：{where}{why}")
            raise typer.Exit(1)
        except Exception as exc:  # a bug, not a user mistake
            _internal_error(exc)

    return wrapper


def _internal_error(exc: Exception) -> None:
    if os.environ.get("CAOGAO_DEBUG"):
        raise exc
    err(f"内部错误（{type(exc).__name__}）：{exc}\n  这是 caogao 的缺陷，不是您的操作问题；设置 CAOGAO_DEBUG=1 可看到详细信息。")
    raise typer.Exit(3)
