"""A ledger file as read, before validation: what every reader returns and what each later check
places its problems by (the file line, the sheet, the header as written).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from helpers.errors import Problem


@dataclass
class RawLedger:
    """A ledger file's cells as text under contract column names, indexed by the file (or sheet)
    line on which each record starts."""

    path: Path
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    header_line: int = 1
    # Contract column -> the header as written in the file, where they differ.
    headings: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None

    def placed(self, problem: Problem) -> Problem:
        """The problem naming the sheet read and the column's header as the file writes it."""
        heading = self.headings.get(problem.column or "")
        if self.sheet is None and heading is None:
            return problem
        return replace(problem, sheet=self.sheet, heading=heading)

    def line_of(self, index: object) -> int | None:
        """The frame's index is the file line, so later checks can still name it."""
        try:
            return int(index)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
