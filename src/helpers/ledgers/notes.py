"""What intake did to a ledger file beyond reading it: blank rows dropped, sheets passed over, dates
and numbers normalised, cells written full-width. Counted by the readers and the cell parsers while
a file is read (a context variable: no counter is passed down), and shown in the review edition's
data-quality section.
"""

from __future__ import annotations

import contextvars
from collections import Counter
from pathlib import Path

import pandas as pd

# What intake did to one ledger file beyond reading it (cells normalised, blank rows dropped,
# sheets passed over), counted while it is read and shown in the review edition's data-quality
# section: an analyst sees what the validator changed, not only what it refused.
_NOTES: contextvars.ContextVar[Counter | None] = contextvars.ContextVar(
    "intake_notes", default=None
)


def _note(kind: str, count: int = 1) -> None:
    notes = _NOTES.get()
    if notes is not None and count:
        notes[kind] += int(count)


def _noted_fixes(text: pd.Series, parsed: pd.Series, kind: str) -> None:
    """Count the retried cells that read after normalising, and those written full-width."""
    if _NOTES.get() is None:
        return
    _note(kind, parsed.notna().sum())
    _note("fullwidth", (text.str.normalize("NFKC") != text).sum())


def _intake_notes(notes: dict | None, path: Path, header_line: int, headings: dict[str, str],
                  sheet: str | None, counts: Counter, frame: pd.DataFrame) -> None:  # fmt: skip
    """What intake did to one file, for the review edition (see `_NOTES`)."""
    if notes is None:
        return
    notes.update({
        "file": path.name, "sheet": sheet, "rows": len(frame), "header_line": header_line,
        "headings": {column: heading for column, heading in headings.items()},
        "blank_rows": counts["blank_rows"], "other_sheets": counts["other_sheets"],
        "dates": counts["dates"], "numbers": counts["numbers"], "fullwidth": counts["fullwidth"],
    })  # fmt: skip
