"""One exception family for users' mistakes.

Library code raises these with a Chinese message that says what is wrong and,
where it can, where (file, line) and what would be right. Only the CLI turns
them into printed messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path


class CaogaoError(Exception):
    """A problem the user can fix: bad input, a missing file, a refused write."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.key = key
        self.hint = hint

    def where(self, *, with_file: bool = True) -> str:
        parts = []
        if self.file and with_file:
            parts.append(f"文件 {self.file}")
        if self.line:
            parts.append(f"第 {self.line} 行" + (f"第 {self.column} 列" if self.column else ""))
        if self.key:
            parts.append(f"键“{self.key}”")
        return "，".join(parts)

    def __str__(self) -> str:
        text = self.message
        where = self.where()
        if where:
            text = f"{where}：{text}"
        if self.hint:
            text = f"{text}\n  建议：{self.hint}"
        return text


class InputError(CaogaoError):
    """An input file (corpus, draft, reference document) cannot be read."""


class FactsError(CaogaoError):
    """The facts file is malformed or inconsistent.

    ``errors`` holds every problem found in one reading (each a FactsError with its
    line), so that a drafter fixes them all in one go rather than one per run.
    """

    def __init__(self, message: str, *, errors: list["FactsError"] | None = None, **where) -> None:
        super().__init__(message, **where)
        self.errors = errors or [self]

    @classmethod
    def all_of(cls, errors: list["FactsError"]) -> "FactsError":
        """One error for several problems of one file (the problem itself when there is one)."""
        if len(errors) == 1:
            return errors[0]
        return cls(f"事实文件有 {len(errors)} 处问题", file=errors[0].file, errors=errors)

    def __str__(self) -> str:
        if len(self.errors) == 1:
            return super().__str__()
        lines = [f"{self.where()}：{self.message}："]
        for e in self.errors:
            where = e.where(with_file=False)
            lines.append(f"  · {where}：{e.message}" if where else f"  · {e.message}")
            if e.hint:
                lines.append(f"    建议：{e.hint}")
        return "\n".join(lines)


class TemplateError(CaogaoError):
    """A report template is broken, unsafe or needs facts that are missing."""


class BankError(CaogaoError):
    """The phrase bank cannot be built, opened or queried as asked."""


class OutputError(CaogaoError):
    """A file cannot be written where the user asked."""


class UsageError(CaogaoError):
    """A command was called with options that do not fit together."""

    exit_code = 2
