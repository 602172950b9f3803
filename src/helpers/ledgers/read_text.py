"""Text ledgers read row by row: CSV or TSV in UTF-8, GB18030 or UTF-16 with BOM, any line ends.

The reader of last resort: the columnar reader (read_arrow) hands it every file it cannot read
with the same file lines and messages (UTF-16, NUL bytes, a cell over several lines, a quote
error, an undecodable byte).
"""

from __future__ import annotations

import csv
import gc
import io
from pathlib import Path

import pandas as pd

from helpers.errors import LedgerError, Problem
from helpers.ledgers.cells import _halfwidth_ids, _needs_strip
from helpers.ledgers.files import UTF16_BOMS
from helpers.ledgers.headers import (
    HEADER_SEARCH_ROWS,
    HeaderIndex,
    _columns_of,
    _header_position,
    _map_header,
)
from helpers.ledgers.notes import _note
from helpers.ledgers.problems import MAX_PROBLEMS_PER_KIND, RAGGED, more_problem
from helpers.ledgers.raw import RawLedger

ENCODINGS = ("utf-8-sig", "gb18030")


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _cell_at(data: bytes, offset: int) -> tuple[str | None, str | None]:
    """Column and text of the cell holding byte `offset`, for a problem the CSV parser cannot
    place (quotes are not considered: a damaged file is located as well as it can be)."""
    header_end = data.find(b"\n")
    header = data[:header_end].decode("utf-8-sig", "replace").strip().split(",")
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : end if end >= 0 else len(data)]
    index = line[: offset - start].count(b",")
    cells = line.split(b",")
    column = header[index] if index < len(header) else None
    value = cells[index].replace(b"\x00", b"\\0").decode("utf-8", "replace").strip()
    return column, value


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with. A UTF-16 BOM (Excel's "Unicode text") is
    trusted; otherwise UTF-8, then GB18030."""
    encodings = ("utf-16",) if data.startswith(UTF16_BOMS) else ENCODINGS
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            first_error = first_error or error
    assert first_error is not None
    line = _line_at(data, first_error.start)
    raise LedgerError([Problem(
        str(path), line, None, None,
        "无法识别的文字编码，请另存为 UTF-8 或 GB18030 / unreadable text encoding, "
        "save the file as UTF-8 or GB18030",
    )])  # fmt: skip


def _delimiter(text: str, index: HeaderIndex) -> str:
    """Comma or TAB (Excel's "Unicode text", TSV): the one whose top rows hold the better
    header; on a tie, the more frequent one."""
    head = text[:65536]
    top = "\n".join(head.splitlines()[: HEADER_SEARCH_ROWS * 2])
    scores = {}
    for delimiter in (",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(top), delimiter=delimiter))
        except csv.Error:
            rows = []
        scores[delimiter] = max((index.score(row) for row in rows), default=0)
    if scores[","] != scores["\t"]:
        return max(scores, key=scores.__getitem__)
    return "\t" if head.count("\t") > head.count(",") else ","


def _nul_problem(name: str, data: bytes, text: str | None) -> Problem | None:
    if text is None:
        nul = data.find(b"\x00")
        if nul < 0:
            return None
        column, value = _cell_at(data, nul)
        line = _line_at(data, nul)
    else:  # UTF-16: NUL bytes are part of the encoding, a NUL character is not
        nul = text.find("\x00")
        if nul < 0:
            return None
        column, value, line = None, None, text.count("\n", 0, nul) + 1
    return Problem(name, line, column, value,
                   "含有空字符（NUL），文件可能已损坏 / contains a NUL byte, the file may be corrupt")  # fmt: skip


def _read_csv(path: Path, index: HeaderIndex) -> RawLedger:
    data = path.read_bytes()
    name = str(path)
    if not data.strip().lstrip(b"\xef\xbb\xbf").strip():
        raise LedgerError([Problem(name, None, None, None, "文件为空 / the file is empty")])
    utf16 = data.startswith(UTF16_BOMS)
    nul = None if utf16 else _nul_problem(name, data, None)
    if nul is not None:
        raise LedgerError([nul])
    text, encoding = _decode(path, data)
    if utf16 and (nul := _nul_problem(name, data, text)) is not None:
        raise LedgerError([nul])
    ends_cleanly = text.endswith(("\n", "\r"))
    delimiter = _delimiter(text, index)
    needs_strip = _needs_strip(text)
    # The reader decodes the bytes again as it goes: a StringIO of the whole text would hold a
    # copy at four bytes a character, more than twice the file, next to the rows being built.
    del text
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, strict=True, delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    start = 1
    # A million rows are a million new lists, none of them in a cycle: the cyclic collector
    # would walk all the rows read so far again and again, for nothing.
    collecting = gc.isenabled()
    gc.disable()
    blank = 0
    try:
        for row in reader:
            # Blank and whitespace-only lines are skipped, as blank rows of a workbook are.
            if row and ((row[0] and not row[0].isspace()) or any(c.strip() for c in row)):
                rows.append(row)
                lines.append(start)
            else:
                blank += 1
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(
            name, start, None, None,
            f"CSV 格式错误（引号不成对或多余）/ malformed CSV, unbalanced quote: {error}",
        ))  # fmt: skip
    finally:
        if collecting:
            gc.enable()
    if not rows:
        raise LedgerError(problems or [Problem(name, None, None, None, "文件为空 / empty file")])
    _note("blank_rows", blank)
    at = _header_position(rows, index)
    header = _map_header(rows[at], lines[at], index, name)
    width = len(rows[at])
    del data, stream, reader
    good_rows, good_lines = [], []
    ragged, first_unlisted = 0, 0
    for row, line in zip(rows[at + 1 :], lines[at + 1 :], strict=True):
        if len(row) == width:
            good_rows.append(row)
            good_lines.append(line)
            continue
        if line == lines[-1] and len(row) < width and not ends_cleanly:
            position = len(row) - 1 if row else 0
            column = (
                header.names[header.positions.index(position)]
                if position in header.positions
                else None
            )
            problems.append(Problem(
                name, line, column, row[-1] if row else "",
                f"末行不完整，文件可能被截断：有 {len(row)} 个字段，应为 {width} 个 / last row is "
                f"incomplete, the file looks truncated: {len(row)} fields, expected {width}",
            ))  # fmt: skip
        else:
            ragged += 1
            if ragged == MAX_PROBLEMS_PER_KIND + 1:
                first_unlisted = line
            if ragged <= MAX_PROBLEMS_PER_KIND:
                problems.append(Problem(
                    name, line, None, None,
                    f"字段数为 {len(row)}，应为 {width}（与表头一致）/ {len(row)} fields, expected "
                    f"{width} as in the header",
                ))  # fmt: skip
    if ragged > MAX_PROBLEMS_PER_KIND:
        rest = ragged - MAX_PROBLEMS_PER_KIND
        problems.append(more_problem(name, first_unlisted, None, rest, RAGGED))
    del rows, lines
    frame = pd.DataFrame(good_rows, index=good_lines, dtype=object, columns=range(width))
    del good_rows
    if needs_strip:
        frame = frame.apply(lambda s: s.str.strip())
    frame = frame.mask(frame == "")
    frame = _columns_of(frame, header, name)
    return RawLedger(path, _halfwidth_ids(frame, index.spec), header.problems + problems,
                     header_line=header.line, headings=header.headings)  # fmt: skip
