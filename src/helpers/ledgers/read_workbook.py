""".xlsx and .xls ledgers (python-calamine): the sheet whose header fits the contract best, or the
one named, read as the text a CSV export of it would hold.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import python_calamine

from helpers.errors import LedgerError, Problem
from helpers.ledgers.cells import _ANY_BLANK, _halfwidth_ids
from helpers.ledgers.headers import (
    HEADER_SEARCH_ROWS,
    HeaderIndex,
    _columns_of,
    _header_position,
    _is_blank,
    _map_header,
)
from helpers.ledgers.notes import _note
from helpers.ledgers.raw import RawLedger


def _sheet_head(sheet) -> list[list]:
    return sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS * 5)


def _choose_sheet(workbook, path: Path, index: HeaderIndex, wanted: str | None):
    """The sheet named by the caller, else the one whose header names the most contract
    columns (the first on a tie): a 填表说明 sheet before the data is passed over."""
    names = list(workbook.sheet_names)
    if wanted is not None:
        if wanted not in names:
            listed = "、".join(names)
            raise LedgerError([Problem(str(path), None, None, wanted,
                                       f"工作簿中没有名为 “{wanted}” 的工作表，现有：{listed} / no sheet "
                                       f"named “{wanted}”; the workbook has: {', '.join(names)}")])  # fmt: skip
        return workbook.get_sheet_by_name(wanted)
    if not names:
        raise LedgerError([Problem(str(path), None, None, None, "工作簿没有工作表 / no sheet")])
    best, best_score = None, -1
    for name in names:
        sheet = workbook.get_sheet_by_name(name)
        head = _sheet_head(sheet)
        score = index.score(head[_header_position(head, index)]) if head else -1
        if score > best_score:
            best, best_score = sheet, score
    return best


_EXCEL_EPOCH = date(1899, 12, 30)


_EXCEL_LAST_DAY = 2958465  # 9999-12-31


def _cell_text(value: object, is_date: bool) -> object:
    """A workbook cell as the text a CSV export would hold: whole numbers without ".0", dates
    as ISO (a date column takes the date of a date-time, and of a serial number whose date
    format was lost)."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if is_date or value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        if is_date and 0 < value <= _EXCEL_LAST_DAY:
            return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        return str(int(value)) if isinstance(value, float) else str(value)
    return "" if value is None else str(value)


def _read_workbook(path: Path, index: HeaderIndex, wanted: str | None) -> RawLedger:
    name = str(path)
    try:
        with path.open("rb") as handle:
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
        sheet = _choose_sheet(workbook, path, index, wanted)
        rows = sheet.to_python(skip_empty_area=False)
    except LedgerError:
        raise
    except Exception as error:  # calamine raises its own kinds on a damaged workbook
        raise LedgerError([Problem(name, None, None, None,
                                   f"无法读取 Excel 文件 / unreadable workbook: {error}")]) from None  # fmt: skip
    if all(_is_blank(row) for row in rows):
        raise LedgerError([Problem(name, None, None, None, "工作表为空 / the sheet is empty",
                                   sheet=sheet.name)])  # fmt: skip
    at = _header_position(rows, index)
    header = _map_header(rows[at], at + 1, index, name)
    frame = pd.DataFrame(rows[at + 1 :], index=range(at + 2, len(rows) + 1), dtype=object,
                         columns=range(len(rows[at])))  # fmt: skip
    del rows
    dates = {p for p, c in zip(header.positions, header.names, strict=True) if c in index.dates}
    for position in frame.columns:
        values = frame[position].to_numpy()
        if pd.api.types.infer_dtype(values, skipna=False) != "string":
            frame[position] = [_cell_text(value, position in dates) for value in values]
    for position in frame.columns:
        # Stripping every cell costs more than the test; workbook cells rarely need it.
        if _ANY_BLANK.search("\x1f".join(frame[position].to_numpy())) is not None:
            frame[position] = frame[position].str.strip()
    # Blank rows are dropped as the CSV reader skips blank lines.
    before = len(frame)
    frame = frame.mask(frame == "").dropna(how="all")
    _note("blank_rows", before - len(frame))
    _note("other_sheets", len(workbook.sheet_names) - 1)
    frame = _columns_of(frame, header, name)
    return RawLedger(path, _halfwidth_ids(frame, index.spec), header.problems,
                     header_line=header.line, headings=header.headings, sheet=sheet.name)  # fmt: skip
