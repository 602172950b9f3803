"""The rows behind a figure in long form: a row per part and record, with its role (计数, 分子,
分母, 合计, or 重复不计 for a distinct count's later rows of a key), its ledger line and record
number, and the columns the rule read, never a personal one. The notebook shows them
(`report.evidence(id)`); the work paper (render.workpaper) writes the same rows a row per record.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import Result
from helpers.ledgers import contract as c

# The long form `evidence_frame` gives (the notebook's `report.evidence(id)`).
DETAIL_FIXED = ("编号", "角色", "台账", "行号", "记录编号", "去重键")


def personal_names() -> set[str]:
    """The columns of any ledger that hold personal data: never shown beside a figure."""
    return {col for cols in c.personal_columns().values() for col in cols}


def detail_columns(results: dict[str, Result]) -> list[str]:
    """The columns the rules read, never a personal one, the most used first."""
    personal = personal_names()
    used: dict[str, int] = {}
    for result in results.values():
        for part in result.rows:
            for col in part.columns:
                if col not in personal:
                    used[col] = used.get(col, 0) + len(part.frame)
    return sorted(used, key=lambda col: -used[col])


def evidence_frame(
    metric_id: str, result: Result, columns: list[str] | None = None
) -> pd.DataFrame:
    """A figure's rows in long form, a row per part and record (the notebook's
    `report.evidence(id)`); the work paper shows the same rows a row per record."""
    columns = columns if columns is not None else detail_columns({metric_id: result})
    frames = []
    for part in result.rows:
        spec = c.LEDGERS[part.ledger]
        f = part.frame
        out = pd.DataFrame(
            {
                "编号": metric_id,
                "角色": part.roles(),
                "台账": part.ledger,
                "行号": f.index.astype(int),
                "记录编号": f[spec.key],
                "去重键": f[part.key] if part.key else None,
            },
            index=f.index,
        )
        for col in columns:
            out[col] = f[col] if col in part.columns and col in f else None
        frames.append(_typed(out))
    if not frames:
        return pd.DataFrame(columns=[*DETAIL_FIXED, *columns])
    return pd.concat(frames, ignore_index=True)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the notebook shows them: dates as YYYY-MM-DD text (no time part), flags as 是/否,
    numbers as numbers, blanks empty."""
    out = {}
    for name, col in frame.items():
        if pd.api.types.is_datetime64_any_dtype(col):
            out[name] = col.dt.strftime("%Y-%m-%d").astype(object).where(col.notna(), None)
        elif pd.api.types.is_bool_dtype(col):
            out[name] = col.map({True: c.YES, False: c.NO}).astype(object).where(col.notna(), None)
        else:
            out[name] = col.astype(object).where(col.notna(), None)
    return pd.DataFrame(out, index=frame.index)
