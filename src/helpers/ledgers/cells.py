"""Cell text as exports write it, made into values: blanks around a cell, full-width digits and
letters, dates written 2021/3/5 or 2021年3月5日 (with a time of day), numbers with thousands
separators. Plain cells take the fast path; only those that fail are normalised and parsed again.
The same rules come in two forms: over pandas text (`parse_dates`, `parse_numbers`) and over the
Arrow text arrays the columnar reader and validator work on, vectorised on the UTF-8 bytes.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.ledgers.contract import DATE_FORMAT, LedgerSpec
from helpers.ledgers.notes import _noted_fixes

_DATE_SEPARATORS = re.compile(r"[/.]")


_CHINESE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")


_TIME_SUFFIX = re.compile(r"(?:[ T]+|(?<=日))\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


# Full-width ASCII forms and the ideographic space, as a Chinese input method types them.
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


_WIDE_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


_NARROW_ALNUM = {code: code - 0xFEE0 for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                 *range(0xFF41, 0xFF5B)]}  # fmt: skip


_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


DATE_FORMS = "2021-03-05、2021/3/5、2021.3.5、2021年3月5日"


# Cells with surrounding blanks are rare in exports; stripping every cell costs more than reading,
# and plain substring tests are far faster than a regex over the whole file.
_BLANK = re.compile(r"[^\S\r\n]")


_ANY_BLANK = re.compile(r"\s")


def _needs_strip(text: str) -> bool:
    """Any blank besides line ends anywhere in the file (Chinese exports usually have none)."""
    return _BLANK.search(text) is not None


def _halfwidth_ids(frame: pd.DataFrame, spec: LedgerSpec) -> pd.DataFrame:
    """Full-width digits and letters in ids made half-width, so ＺＣ２０２１ and ZC2021 are one id;
    full-width brackets and signs stay, as 浦人社复（2021）3号 writes them. One scan of the column
    when it has none."""
    for column in spec.columns:
        if column.kind != "id" or column.name not in frame:
            continue
        ids = frame[column.name]
        if _WIDE_ALNUM.search("".join(ids.dropna().to_numpy())) is None:
            continue
        wide = ids.str.contains(_WIDE_ALNUM, na=False)
        frame[column.name] = ids.where(~wide, ids[wide].str.translate(_NARROW_ALNUM))
    return frame


def _halfwidth(text: pd.Series) -> pd.Series:
    """Full-width digits, letters and signs as ASCII (NFKC), for the few cells that failed."""
    return text.str.normalize("NFKC").str.strip()


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO dates fast; only cells that fail are normalised (full-width digits, 2021/3/5,
    2021.3.5, 2021年3月5日, any time of day after the date) and parsed again. Unparsable cells
    become NaT."""
    parsed = pd.to_datetime(text, format=DATE_FORMAT, errors="coerce")
    retry = text.notna() & parsed.isna()
    if retry.any():
        fixed = _halfwidth(text[retry])
        fixed = fixed.str.replace(_CHINESE_DATE, r"\1-\2-\3", regex=True)
        fixed = fixed.str.replace(_TIME_SUFFIX, "", regex=True).str.strip()
        fixed = fixed.str.replace(_DATE_SEPARATORS, "-", regex=True)
        parsed[retry] = pd.to_datetime(fixed, format=DATE_FORMAT, errors="coerce")
        _noted_fixes(text[retry], parsed[retry], "dates")
    return parsed


def parse_numbers(text: pd.Series) -> pd.Series:
    """Plain numbers fast; only cells that fail are normalised (full-width digits, thousands
    separators as in 12,345.00) and parsed again. Unparsable cells become NaN."""
    parsed = pd.to_numeric(text, errors="coerce")
    retry = text.notna() & parsed.isna()
    if retry.any():
        fixed = _halfwidth(text[retry])
        grouped = fixed.str.fullmatch(_THOUSANDS)
        fixed = fixed.where(~grouped, fixed.str.replace(",", "", regex=False))
        parsed = parsed.astype("float64")
        parsed[retry] = pd.to_numeric(fixed, errors="coerce")
        _noted_fixes(text[retry], parsed[retry], "numbers")
    return parsed


# Every character Python's str.strip() removes (those for which str.isspace() is true), by the
# UTF-8 bytes that encode it. Listed rather than found at import, which would take 0.3 s.
_SPACES = [chr(code).encode() for code in (*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0,
                                          0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
                                          0x205F, 0x3000)]  # fmt: skip


_SPACE_BYTES = {size: np.array([list(s) for s in _SPACES if len(s) == size], dtype=np.uint8)
                for size in (1, 2, 3)}  # fmt: skip


# Full-width forms (U+FF01-U+FF5E) are encoded EF BC xx or EF BD xx.
_WIDE_LEAD = 0xEF


# Earliest and latest day pandas holds as datetime64[ns].
_FIRST_DAY, _LAST_DAY = np.datetime64("1677-09-22"), np.datetime64("2262-04-11")


def _string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (one per row, plus one) and UTF-8 bytes of a string array, without copying."""
    offsets_buffer, data_buffer = arr.buffers()[1:3]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    return offsets, data


def _matches_at(data: np.ndarray, at: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether the bytes starting at each position equal one of the rows of `table`."""
    hit = np.zeros(len(at), dtype=bool)
    if not len(at) or not len(table):
        return hit
    width = table.shape[1]
    window = np.stack([data[np.minimum(at + k, len(data) - 1)] for k in range(width)], axis=1)
    for row in table:
        hit |= (window == row).all(axis=1)
    return hit


def _lookup(values) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(values)] = True
    return table


# Each byte of the blanks' encodings, by its place in the blank (one, two and three bytes long).
_ONE = _lookup(_SPACE_BYTES[1][:, 0])


_TWO = [_lookup(_SPACE_BYTES[2][:, k]) for k in range(2)]


_THREE = [_lookup(_SPACE_BYTES[3][:, k]) for k in range(3)]


_FIRST_BYTE = _lookup([blank[0] for blank in _SPACES])


_LAST_BYTE = _lookup([blank[-1] for blank in _SPACES])


def _blank_char(data: np.ndarray, start: np.ndarray, length: np.ndarray, size: int) -> np.ndarray:
    """Whether the `size` bytes at each start (within a cell of `length` bytes) encode a blank.
    A byte-by-byte sieve first (nearly every Chinese character fails it), exact matching after."""
    if size == 1:
        return _ONE[data[start]]
    top = len(data) - 1
    sieve = _TWO if size == 2 else _THREE
    maybe = length >= size
    for k in range(size):
        maybe &= sieve[k][data[np.clip(start + k, 0, top)]]
    hit = np.zeros(len(start), dtype=bool)
    at = np.flatnonzero(maybe)
    if len(at):
        hit[at] = _matches_at(data, start[at], _SPACE_BYTES[size])
    return hit


def _blank_edged(arr: pa.Array) -> np.ndarray:
    """Rows whose text starts or ends with a blank (as str.strip() sees it), vectorised on the
    UTF-8 bytes; most files have none, and the few that do are stripped in Python."""
    edged = np.zeros(len(arr), dtype=bool)
    if arr.null_count == len(arr):
        return edged
    offsets, data = _string_buffers(arr)
    starts, ends = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    filled = np.flatnonzero(ends > starts)
    if not len(filled):
        return edged
    s, e = starts[filled], ends[filled]
    # Only cells whose first or last byte can belong to a blank are looked at closely.
    maybe = np.flatnonzero(_FIRST_BYTE[data[s]] | _LAST_BYTE[data[e - 1]])
    if not len(maybe):
        return edged
    filled, s, e = filled[maybe], s[maybe], e[maybe]
    length = e - s
    hit = np.zeros(len(filled), dtype=bool)
    for size in (1, 2, 3):
        hit |= _blank_char(data, s, length, size)
        hit |= _blank_char(data, e - size, length, size)
    edged[filled[hit]] = True
    return edged


def _replace_rows(arr: pa.Array, rows: np.ndarray, values: list) -> pa.Array:
    """`arr` with the given rows set to `values` (None or "" for null)."""
    if not len(rows):
        return arr
    cells = arr.to_pylist()
    for row, value in zip(rows.tolist(), values, strict=True):
        cells[row] = value or None
    return pa.array(cells, type=pa.string())


def _clean_text(arr: pa.Array) -> pa.Array:
    """Cells stripped of surrounding blanks; cells left empty become null."""
    edged = np.flatnonzero(_blank_edged(arr))
    if not len(edged):
        return arr
    texts = arr.take(pa.array(edged)).to_pylist()
    return _replace_rows(arr, edged, [text.strip() for text in texts])


def _halfwidth_array(arr: pa.Array) -> pa.Array:
    """Full-width digits and letters in ids made half-width (see _halfwidth_ids)."""
    offsets, data = _string_buffers(arr)
    if arr.null_count == len(arr) or not (data == _WIDE_LEAD).any():
        return arr
    wide = pc.match_substring_regex(arr, _WIDE_ALNUM.pattern)
    rows = np.flatnonzero(wide.to_numpy(zero_copy_only=False) == True)  # noqa: E712 (nulls)
    texts = arr.take(pa.array(rows)).to_pylist()
    return _replace_rows(arr, rows, [text.translate(_NARROW_ALNUM) for text in texts])


def _texts(arr: pa.Array, rows: np.ndarray) -> list:
    return arr.take(pa.array(rows, type=pa.int64())).to_pylist() if len(rows) else []


def _iso_dates(arr: pa.Array, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days of the cells written YYYY-MM-DD, read straight from the bytes: the dates as
    datetime64[D] (NaT elsewhere) and which cells were such valid dates."""
    n = len(arr)
    days = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = np.zeros(n, dtype=bool)
    offsets, data = _string_buffers(arr)
    starts = offsets[:-1].astype(np.int64)
    ten = filled & (offsets[1:] - offsets[:-1] == 10)
    rows = np.flatnonzero(ten)
    if not len(rows):
        return days, ok
    cells = data[starts[rows][:, None] + np.arange(10)]
    digits = cells.astype(np.int16) - 48
    shape_ok = (cells[:, 4] == 45) & (cells[:, 7] == 45)
    shape_ok &= (
        (digits[:, [0, 1, 2, 3, 5, 6, 8, 9]] >= 0) & (digits[:, [0, 1, 2, 3, 5, 6, 8, 9]] <= 9)
    ).all(axis=1)
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 5] * 10 + digits[:, 6]
    day = digits[:, 8] * 10 + digits[:, 9]
    shape_ok &= (month >= 1) & (month <= 12) & (day >= 1)
    month_start = ((year.astype(np.int64) - 1970) * 12 + np.clip(month, 1, 12) - 1).astype(
        "datetime64[M]"
    )
    length = (
        (month_start + 1).astype("datetime64[D]") - month_start.astype("datetime64[D]")
    ).astype(int)
    shape_ok &= day <= length
    value = month_start.astype("datetime64[D]") + (day.astype(np.int64) - 1)
    shape_ok &= (value >= _FIRST_DAY) & (value <= _LAST_DAY)
    days[rows[shape_ok]] = value[shape_ok]
    ok[rows[shape_ok]] = True
    return days, ok


def _parse_date_array(arr: pa.Array, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dates as datetime64[ns] (NaT when empty or unreadable) and the unreadable cells. ISO
    dates are read from the bytes; only other spellings go through `parse_dates`."""
    days, ok = _iso_dates(arr, filled)
    values = days.astype("datetime64[ns]")
    rest = np.flatnonzero(filled & ~ok)
    bad = np.zeros(len(arr), dtype=bool)
    if len(rest):
        parsed = parse_dates(pd.Series(_texts(arr, rest), dtype=object))
        parsed = pd.to_datetime(parsed, errors="coerce")
        in_range = (
            parsed.notna()
            & (parsed >= pd.Timestamp(_FIRST_DAY))
            & (parsed <= pd.Timestamp(_LAST_DAY))
        )
        values[rest[in_range.to_numpy()]] = parsed[in_range].to_numpy(dtype="datetime64[ns]")
        bad[rest[~in_range.to_numpy()]] = True
    return values, bad


_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _parse_number_array(
    arr: pa.Array, filled: np.ndarray, whole: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers as float64 (NaN when empty or unreadable) and the unreadable cells: plain
    numbers by Arrow, the rest (full-width digits, 12,345.00) through `parse_numbers`."""
    try:
        values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        rest = np.zeros(0, dtype=np.int64)
    except pa.ArrowInvalid:
        plain = pc.match_substring_regex(arr, _PLAIN_NUMBER).to_numpy(zero_copy_only=False)
        plain = plain == True  # noqa: E712 (nulls)
        values = np.full(len(arr), np.nan)
        at = np.flatnonzero(plain)
        values[at] = pc.cast(arr.take(pa.array(at)), pa.float64()).to_numpy(zero_copy_only=False)
        rest = np.flatnonzero(filled & ~plain)
    values = np.array(values, dtype=np.float64)
    if len(rest):
        values[rest] = parse_numbers(pd.Series(_texts(arr, rest), dtype=object)).to_numpy(
            dtype=np.float64
        )
    with np.errstate(invalid="ignore"):
        bad = filled & ~np.isfinite(values)
        if whole:
            bad |= filled & np.isfinite(values) & (np.mod(values, 1) != 0)
    values[bad] = np.nan
    return values, bad
