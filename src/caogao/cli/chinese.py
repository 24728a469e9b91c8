"""typer and click, speaking Chinese: help pages and the parser's errors.

typer's vendored click writes most of its words as f-strings, and the few it passes
through gettext use the process-wide default domain: a translation installed there
would change every other program's messages in the process too. So the words are
put into Chinese where they are written: a help formatter for help pages (usage line,
section headings, ``[default: …]``, metavars) and a table for the parser's errors.
The root group (``ChineseGroup``) gives every command below it the formatter and
prints usage errors in Chinese with exit code 2, whoever calls it (the ``caogao``
program, ``python -m caogao`` or a test's ``CliRunner``).
"""

from __future__ import annotations

import re
import sys

import typer
from typer.core import TyperGroup

# What click writes around the help each command gives.
_HEADINGS = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}
_USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))
_METAVARS = {
    "<path>": "<路径>", "<file>": "<文件>", "<str>": "<文字>", "<text>": "<文字>",
    "<int>": "<整数>", "<integer>": "<整数>", "<int range>": "<整数>",
    "<float>": "<数>", "<float range>": "<数>", "<choice>": "<选项值>",
}
# Patterns, compiled (by ``re``) when help is first shown: other commands never need them (0.15 ms).
_METAVAR = "|".join(re.escape(m) for m in _METAVARS)
_EXTRA = r"\s*\[([^\[\]]+)\]$"  # "[default: 20; x>=1]" at the end of a help text
_EXTRA_WORDS = (
    (r"^default: (.*)$", r"默认：\1"),
    (r"^required$", "必填"),
    (r"^env var: (.*)$", r"环境变量：\1"),
    (r"^x>=(\S+)$", r"不小于 \1"),
    (r"^x>(\S+)$", r"大于 \1"),
    (r"^x<=(\S+)$", r"不大于 \1"),
    (r"^x<(\S+)$", r"小于 \1"),
    (r"^(\S+)<=x<=(\S+)$", r"\1 到 \2"),
)
HELP_TEXT = "显示本帮助并退出。"

# The parser's errors, in the order they are tried; each pattern is matched anywhere.
_USAGE_MESSAGES = (
    (r"No such command '([^']+)'\.*", r"没有这个命令：\1。"),
    (r"Did you mean '([^']+)'\?", r"您是不是要用“\1”？"),
    (r"Did you mean (.+)\?", r"您是不是要用 \1？"),
    (r"Missing command\.?", "缺少命令。"),
    (r"Missing argument '([^']+)'\.?", r"缺少参数 \1。"),
    (r"Missing option '([^']+)'(?: / '[^']+')*\.?", r"缺少选项 \1。"),
    (r"Missing parameter:? ?'?([^'.]*)'?\.?", r"缺少参数 \1。"),
    (r"No such option: (\S+)", r"没有这个选项：\1。"),
    (r"\(Possible options: (.*)\)", r"（可用的选项：\1）"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", r"多余的参数：\1。"),
    (r"Invalid value for '([^']+)'(?: / '[^']+')*: (.*)", r"选项 \1 的值无效：\2"),
    (r"Invalid value: (.*)", r"值无效：\1"),
    (r"Option '([^']+)' requires an argument\.?", r"选项 \1 需要一个值。"),
    (r"Option '([^']+)' requires (\d+) arguments\.?", r"选项 \1 需要 \2 个值。"),
    (r"Option '([^']+)' does not take a value\.?", r"选项 \1 不带值。"),
    (r"'([^']*)' is not one of (.*)\.", r"“\1”不是以下之一：\2。"),
    (r"Input should be a valid integer.*", "应为整数。"),
    (r"'([^']*)' is not a valid int(?:eger)?(?: range)?\.?", r"“\1”不是整数。"),
    (r"'([^']*)' is not a valid float(?: range)?\.?", r"“\1”不是数字。"),
    (r"'([^']*)' is not a valid bool(?:ean)?\.?", r"“\1”不是是/否值。"),
    (r"(\S+) is not in the range x>=(\S+?)\.?$", r"\1 太小，至少应为 \2。"),
    (r"(\S+) is not in the range x<=(\S+?)\.?$", r"\1 太大，至多应为 \2。"),
    (r"(\S+) is not in the range (\S+?)<=x<=(\S+?)\.?$", r"\1 不在 \2 到 \3 之间。"),
)


def usage_message(message: str) -> str:
    """A parser error message in Chinese."""
    for pattern, repl in _USAGE_MESSAGES:
        message = re.sub(pattern, repl, message)
    return message


def _help_text(text: str) -> str:
    if text == "Show this message and exit.":
        return HELP_TEXT
    match = re.search(_EXTRA, text)
    if not match:
        return text
    parts = []
    for part in match.group(1).split("; "):
        for pattern, repl in _EXTRA_WORDS:
            part = re.sub(pattern, repl, part)
        parts.append(part)
    return f"{text[:match.start()]}  [{'；'.join(parts)}]"


class ChineseHelpFormatter(typer.Context.formatter_class):
    """click's help formatter, writing its own words in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in _USAGE_WORDS:
            args = args.replace(english, chinese)
        args = re.sub(_METAVAR, lambda m: _METAVARS[m.group()], args)
        super().write_usage(prog, args, prefix=f"{_HEADINGS['Usage']}：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """click's two columns, measured in screen columns: a Chinese character takes two."""
        rows = [(re.sub(_METAVAR, lambda m: _METAVARS[m.group()], first), _help_text(second))
                for first, second in rows]
        first_col = min(max((_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        text_width = max(self.width - first_col - self.current_indent, 10)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if _width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrap(second, text_width)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def _width(text: str) -> int:
    import unicodedata  # only for help pages (0.2 ms of every other command)

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` screen columns, broken at a space where there is one."""
    lines, line = [], ""
    for word in re.findall(r"\S+\s*|\s+", text):
        for piece in (word if _width(word) > width else [word]):
            if line and _width(line + piece.rstrip()) > width:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


class ChineseContext(typer.Context):
    formatter_class = ChineseHelpFormatter


def _speak_chinese(command) -> None:
    command.context_class = ChineseContext
    for sub in getattr(command, "commands", {}).values():
        _speak_chinese(sub)


class ChineseGroup(TyperGroup):
    """The root group: Chinese help for every command below it, Chinese usage errors.

    Exit codes: 0 done, 1 the user's input or what a check found, 2 a usage error
    (``CaogaoError.exit_code`` for the library's own errors), 130 interrupted.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _speak_chinese(self)  # typer builds the commands before the group that holds them

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Exception as exc:  # click's errors carry format_message() and exit_code
            if not hasattr(exc, "format_message") or not hasattr(exc, "exit_code"):
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: show its help
                typer.echo(exc.format_message())
                sys.exit(0)
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else (prog_name or "caogao")
            typer.echo(f"用法错误：{usage_message(exc.format_message())}\n  用 {command} -h 查看用法。", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            typer.echo("已中断。", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)
