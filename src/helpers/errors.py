"""Named errors. The CLI turns each into one readable message without a traceback."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from dataclasses import dataclass


class ReportError(Exception):
    """Base of every error a user can fix without touching the code."""


# Control characters (a NUL, a stray escape) are shown escaped, never sent to the terminal.
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]} | {0: "\\0"}


def _visible(text: str) -> str:
    return text.translate(_CONTROL)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a ledger file, located as precisely as the input allows."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    # A summary entry stands for this many further problems of one kind, not listed one by one.
    more: int = 0
    # The workbook sheet read, for a problem in an .xlsx/.xls file.
    sheet: str | None = None
    # The column's header as the file writes it, when it differs from the contract's name.
    heading: str | None = None

    @property
    def stands_for(self) -> int:
        """How many problems this entry counts as: one, or the number a summary stands for."""
        return self.more or 1

    @property
    def source(self) -> str:
        """The file, and the sheet read when it is a workbook."""
        return self.file if self.sheet is None else f"{self.file}（工作表 {self.sheet}）"

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"第 {self.line} 行 (line {self.line})")
        if self.column:
            heading = f"（表头 “{self.heading}”）" if self.heading else ""
            where.append(f"列 {self.column}{heading} (column)")
        shown = "" if self.value is None else f"值 “{self.value}”: "
        return _visible(f"{', '.join(where)}: {shown}{self.expected}")


class LedgerError(ReportError):
    """Raised when one or more ledger files are missing, unreadable or break the data contract."""

    MAX_SHOWN_PER_FILE = 30

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.render())

    @property
    def total(self) -> int:
        """Problems found, counting those a summary entry stands for."""
        return sum(problem.stands_for for problem in self.problems)

    def render(self) -> str:
        lines = [f"台账校验失败，共 {self.total} 个问题 / ledger validation failed "
                 f"with {self.total} problem(s):"]  # fmt: skip
        shown: dict[str, int] = {}
        hidden: dict[str, int] = {}
        for problem in self.problems:
            count = shown.get(problem.source, 0)
            if count < self.MAX_SHOWN_PER_FILE:
                shown[problem.source] = count + 1
                lines.append(f"  - {problem}")
            else:
                hidden[problem.source] = hidden.get(problem.source, 0) + problem.stands_for
        for file, count in hidden.items():
            lines.append(f"  - {file}: 另有 {count} 个问题未列出 / {count} more not shown")
        return "\n".join(lines)


class ParamsError(ReportError):
    """Raised when a year's params file is missing, malformed or has unknown or missing keys."""


class RenderError(ReportError):
    """Raised when a report notebook fails to execute or render; names the failing cell."""


_OS_CAUSES = {
    errno.ENOSPC: "磁盘空间不足 / no space left on the disk",
    errno.EDQUOT: "超出磁盘配额 / disk quota exceeded",
    errno.EACCES: "没有权限 / permission denied",
    errno.EPERM: "没有权限 / operation not permitted",
    errno.EROFS: "只读文件系统 / read-only file system",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹 / a part of the path is a file, not a folder",
    errno.EISDIR: "应为文件，却是文件夹 / a folder where a file was expected",
    errno.ENOENT: "文件或文件夹不存在 / no such file or folder",
    errno.EEXIST: "已存在同名文件 / a file of that name already exists",
    errno.EMFILE: "打开的文件过多 / too many open files",
}


def os_cause(error: OSError) -> str:
    """Why a file operation failed, Chinese first, without the path."""
    return _OS_CAUSES.get(error.errno or 0, f"系统错误 / system error: {error.strerror or error}")


@contextlib.contextmanager
def gathering(found: list[ReportError]) -> Iterator[None]:
    """Keep a failed check's error in `found` and go on with the next, independent check."""
    try:
        yield
    except ReportError as error:
        found.append(error)


def raise_gathered(found: list[ReportError]) -> None:
    """All failed checks in one message: an analyst who scaffolded a year is told that its
    ledgers hold no rows of it together with the passages still to write, not after writing
    them. One error is raised as it is."""
    if len(found) == 1:
        raise found[0]
    if found:
        raise ReportError("\n".join(str(error) for error in found))
