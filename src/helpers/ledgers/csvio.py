"""Writing CSV files that are safe to open in Excel or WPS.

A text cell starting with =, +, - or @ is run as a formula by spreadsheet programs (CSV
injection); such cells get a leading apostrophe, which the programs show as plain text.
Numbers and dates are left alone, so a negative amount stays a number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False)
        numeric = pd.to_numeric(text.where(risky), errors="coerce").notna()
        flagged = risky & ~numeric
        if flagged.any():
            out[column] = values.astype(object).where(~flagged, "'" + text)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, LF line ends, no index, formula-like text neutralised."""
    neutralise(frame).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
