"""Text ledgers read by Arrow in blocks.

The common export (UTF-8 or GB18030, one record a line) is read by Arrow in blocks, straight
into text arrays, and checked block by block; files that need the row-by-row reader (read_text)
for their file lines or messages (UTF-16, NUL bytes, a cell over several lines, a quote error, an
undecodable byte) are handed to it. Both give identical frames and problems.
"""

from __future__ import annotations

import array
import csv
import io
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv

from helpers.errors import Problem
from helpers.ledgers.cells import _clean_text
from helpers.ledgers.files import UTF16_BOMS
from helpers.ledgers.headers import (
    HEADER_SEARCH_ROWS,
    Header,
    HeaderIndex,
    _header_position,
    _is_blank,
    _map_header,
)
from helpers.ledgers.notes import _note
from helpers.ledgers.problems import MAX_PROBLEMS_PER_KIND, RAGGED, more_problem
from helpers.ledgers.read_text import _delimiter

_HEAD_BYTES = 1 << 18


_BLOCK_BYTES = 1 << 24


class _Fallback(Exception):
    """The file needs the row-by-row reader."""


@dataclass
class _Scan:
    """Newlines and the first NUL byte of a file, counted in a thread beside the Arrow reader."""

    path: Path
    newlines: int = 0
    nul: bool = False
    ends_cleanly: bool = True

    def run(self) -> None:
        buffer = bytearray(_BLOCK_BYTES)
        last = b"\n"
        with self.path.open("rb", buffering=0) as handle:
            while size := handle.readinto(buffer):
                view = buffer if size == len(buffer) else buffer[:size]
                self.newlines += view.count(b"\n")
                self.nul = self.nul or view.find(b"\x00") >= 0
                last = bytes(view[-1:])
        self.ends_cleanly = last in (b"\n", b"\r")


@dataclass
class _Head:
    """Where the records start and how they are laid out, read from the top of the file."""

    encoding: str
    delimiter: str
    header: Header
    width: int
    data_line: int  # file line of the first line after the header
    offset: int  # byte offset of that line


def _csv_head(path: Path, index: HeaderIndex) -> _Head | None:
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if head.startswith(UTF16_BOMS) or not head.strip().lstrip(b"\xef\xbb\xbf").strip():
        return None
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    cut = len(head) if len(head) < _HEAD_BYTES else head.rfind(b"\n") + 1
    body = head[bom:cut]
    if cut <= bom or body.count(b"\r") != body.count(b"\r\n"):
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    delimiter = _delimiter(text, index)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    rows, lines, ends = [], [], []
    start = 1
    try:
        for row in reader:
            if not _is_blank(row):
                rows.append(row)
                lines.append(start)
                ends.append(reader.line_num)
            start = reader.line_num + 1
            if len(rows) > HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        return None
    if not rows or (len(rows) <= HEADER_SEARCH_ROWS and cut < len(head)):
        return None
    at = _header_position(rows, index)
    end = ends[at]
    offset = -1
    for _ in range(end):
        offset = body.find(b"\n", offset + 1)
        if offset < 0:
            return None
    header = _map_header(rows[at], lines[at], index, str(path))
    return _Head(encoding, delimiter, header, len(rows[at]), end + 1, bom + offset + 1)


class _Invalid:
    """Rows Arrow found with the wrong number of fields: blank lines skipped silently, the rest
    reported as the row-by-row reader reports them (the first ones listed, the others counted)."""

    def __init__(self, head: _Head, file: str, serial: bool):
        self.head, self.file, self.serial = head, file, serial
        self.numbers = array.array("q")
        self.ragged: list[tuple[int, int]] = []  # (line, fields) of the listed ones
        self.count = 0
        self.first_unlisted = 0
        self.last: tuple[int, int, str] | None = None  # (number, fields, text)
        self.threaded_hit = False
        self.blank = 0  # blank rows skipped (counted here: Arrow may call from its own thread)

    def __call__(self, row) -> str:
        if row.number is None:  # the threaded reader does not number rows
            self.threaded_hit = True
            return "error"
        self.numbers.append(row.number)
        # Text beyond delimiters, quotes and blanks: not a blank row (no need to split it).
        if not row.text.replace(self.head.delimiter, "").replace('"', "").strip():
            try:
                cells = next(csv.reader([row.text], delimiter=self.head.delimiter), [])
            except csv.Error:
                cells = [row.text]
            if _is_blank(cells):
                self.blank += 1
                return "skip"
        line = self.head.data_line - 1 + row.number
        self.count += 1
        if self.count <= MAX_PROBLEMS_PER_KIND:
            self.ragged.append((line, row.actual_columns))
        elif self.count == MAX_PROBLEMS_PER_KIND + 1:
            self.first_unlisted = line
        self.last = (row.number, row.actual_columns, row.text)
        return "skip"

    def lines_of(self, good: np.ndarray) -> np.ndarray:
        """File lines of the good rows with these 0-based positions among good rows."""
        skipped = (
            np.frombuffer(self.numbers, dtype=np.int64)
            if len(self.numbers)
            else np.zeros(0, np.int64)
        )
        skipped = np.sort(skipped)
        before = np.searchsorted(skipped - 1 - np.arange(len(skipped)), good, side="right")
        return self.head.data_line + good + before

    def problems(self, records: int, ends_cleanly: bool) -> list[Problem]:
        name, width = self.file, self.head.width
        problems: list[Problem] = []
        truncated = None
        if self.last is not None and not ends_cleanly:
            number, fields, text = self.last
            if number == records and fields < width:
                truncated = self.last
                if self.count <= MAX_PROBLEMS_PER_KIND:
                    self.ragged.pop()
                self.count -= 1
        for line, fields in self.ragged:
            problems.append(Problem(
                name, line, None, None,
                f"字段数为 {fields}，应为 {width}（与表头一致）/ {fields} fields, expected "
                f"{width} as in the header",
            ))  # fmt: skip
        if truncated is not None:
            number, fields, text = truncated
            row = next(csv.reader([text], delimiter=self.head.delimiter), [])
            header = self.head.header
            position = len(row) - 1 if row else 0
            column = (
                header.names[header.positions.index(position)]
                if position in header.positions
                else None
            )
            line = self.head.data_line - 1 + number
            problems.append(Problem(
                name, line, column, row[-1] if row else "",
                f"末行不完整，文件可能被截断：有 {len(row)} 个字段，应为 {width} 个 / last row is "
                f"incomplete, the file looks truncated: {len(row)} fields, expected {width}",
            ))  # fmt: skip
        if self.count > MAX_PROBLEMS_PER_KIND:
            rest = self.count - MAX_PROBLEMS_PER_KIND
            problems.append(more_problem(name, self.first_unlisted, None, rest, RAGGED))
        return problems


def _arrow_records(path: Path, head: _Head, encoding: str, serial: bool, invalid: _Invalid):
    """Arrow's text batches of the records after the header, every field as nullable text."""
    names = [f"f{i}" for i in range(head.width)]
    source = pa.OSFile(str(path))
    source.seek(head.offset)
    read = pv.ReadOptions(use_threads=not serial, block_size=_BLOCK_BYTES, column_names=names,
                          encoding="utf8" if encoding == "utf-8" else encoding)  # fmt: skip
    parse = pv.ParseOptions(delimiter=head.delimiter, newlines_in_values=True,
                            ignore_empty_lines=False, invalid_row_handler=invalid)  # fmt: skip
    convert = pv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[""],
                                strings_can_be_null=True, quoted_strings_can_be_null=True)  # fmt: skip
    with source:
        yield from pv.open_csv(
            source, read_options=read, parse_options=parse, convert_options=convert
        )


def _read_csv_columnar(path: Path, index: HeaderIndex, checker_for, progress) -> tuple:
    """(header, reading problems, checker) for a CSV read by Arrow; raises _Fallback when the
    file needs the row-by-row reader."""
    head = _csv_head(path, index)
    if head is None:
        raise _Fallback
    scan = _Scan(path)
    scanner = threading.Thread(target=scan.run, daemon=True)
    if path.stat().st_size < _BLOCK_BYTES * 4:
        scan.run()  # a small file is scanned at once; a thread would cost more than the scan
    else:
        scanner.start()
    encoding, serial = head.encoding, False
    try:
        while True:
            try:
                return _arrow_pass(
                    path, head, encoding, serial, checker_for, progress, scan, scanner
                )
            except _Retry:
                if serial:
                    raise _Fallback from None
                serial = True
            except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                if "utf8" in str(error).lower() and encoding == "utf-8":
                    encoding, serial = "gb18030", False
                    continue
                raise _Fallback from None
    finally:
        if scanner.ident is not None:
            scanner.join()


class _Retry(Exception):
    """Read again serially: the threaded reader cannot number an invalid row."""


def _arrow_pass(path, head, encoding, serial, checker_for, progress, scan, scanner):
    name = str(path)
    invalid = _Invalid(head, name, serial)
    header = head.header
    checker = checker_for(header.names)
    unnamed_filled = dict.fromkeys(header.unnamed, False)
    records = 0  # rows Arrow returned (blank ones included)
    good = 0
    dropped = 0  # blank rows Arrow returned
    try:
        for batch in _arrow_records(path, head, encoding, serial, invalid):
            n = batch.num_rows
            cells = [_clean_text(column) for column in batch.columns]
            blank = np.ones(n, dtype=bool)
            for column in cells:
                if column.null_count < n:
                    blank &= column.is_null().to_numpy(zero_copy_only=False)
            keep = np.flatnonzero(~blank)
            dropped += n - len(keep)
            if len(keep) < n:
                taken = pa.array(keep, type=pa.int64())
                cells = [column.take(taken) for column in cells]
            positions = np.arange(good, good + n, dtype=np.int64)[keep]
            lines = (
                invalid.lines_of(positions) if len(invalid.numbers) else head.data_line + positions
            )
            good += n
            records += n
            for position in header.unnamed:
                if position < len(cells) and cells[position].null_count < len(keep):
                    unnamed_filled[position] = True
            checker.batch({column: cells[p] for p, column in zip(header.positions, header.names, strict=True)},
                          lines.astype(np.int64))  # fmt: skip
            if progress is not None:
                progress(checker.rows)
    except pa.ArrowInvalid:
        if invalid.threaded_hit:
            raise _Retry from None
        raise
    if scanner.ident is not None:
        scanner.join()
    total = records + len(invalid.numbers)
    physical = scan.newlines + (0 if scan.ends_cleanly else 1)
    if scan.nul or physical != head.data_line - 1 + total:
        raise _Fallback
    _note("blank_rows", dropped + invalid.blank)
    problems = [Problem(name, header.line, f"第 {p + 1} 列", None,
                        "该列有数据但没有表头，请补上表头或删除该列 / the column holds data but has no "
                        "header: name it or delete it")
                for p, filled in unnamed_filled.items() if filled]  # fmt: skip
    return header, header.problems + problems + invalid.problems(total, scan.ends_cleanly), checker
