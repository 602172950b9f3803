"""Read ledger files as a Chinese case system or Excel exports them, and validate them against the
contract.

Files may be CSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16 with BOM (Excel's
"Unicode text", TAB-separated), with CRLF or LF line ends, or .xlsx/.xls workbooks. Headers may
be the contract's names, its Chinese labels or a caller's aliases, in any order, below title
rows; all give identical frames. A frame's index is the file (or sheet) line of each record, so
problems found later still name the line an analyst sees. Every problem in every file is
collected before anything is raised, so an analyst fixes a ledger in one pass; a file broken on
every row is reported with the first problems of each kind and a count of the rest, quickly and
in little memory.
"""

from __future__ import annotations

import array
import contextvars
import csv
import difflib
import gc
import io
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import python_calamine

from helpers.bureau import BureauProfile, default_profile, profile_key
from helpers.errors import LedgerError, Problem
from helpers.ledgers.contract import (
    DATE_FORMAT,
    KIND_EXPECTED,
    LEDGERS,
    YES,
    LedgerSpec,
    ledgers_for,
    schema_of,
)
from helpers.memory import give_back, map_large_allocations
from helpers.progress import rows as show_rows

# Blocks of a large ledger are read and dropped one after another: their arrays are mapped on
# their own, so that what is freed goes back to the system.
map_large_allocations()

ENCODINGS = ("utf-8-sig", "gb18030")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The header is looked for among this many non-blank rows at the top of a file or sheet:
# exports put a title, a unit or a date range above it.
HEADER_SEARCH_ROWS = 10
# Problems of one kind (one check on one column) listed one by one per file; the rest are counted
# in one summary entry. A ledger exported wrongly breaks the same rule on every row, and a million
# copies of one message help nobody and cost minutes and gigabytes.
MAX_PROBLEMS_PER_KIND = 200
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
# What an unreadable cell should hold, (Chinese, English), by kind.
_UNPARSABLE_EXPECTED = {
    **{kind: tuple(part.strip() for part in text.split("/ ", 1)) for kind, text in KIND_EXPECTED.items()},
    "date": (f"日期，可写作 {DATE_FORMS}，可带时间（如 2021-03-05 14:30，只取日期）",
             "a date: 2021-03-05, 2021/3/5, 2021.3.5 or 2021年3月5日, with or without a time of day"),
}  # fmt: skip
# Cells with surrounding blanks are rare in exports; stripping every cell costs more than reading,
# and plain substring tests are far faster than a regex over the whole file.
_BLANK = re.compile(r"[^\S\r\n]")
_ANY_BLANK = re.compile(r"\s")


def _needs_strip(text: str) -> bool:
    """Any blank besides line ends anywhere in the file (Chinese exports usually have none)."""
    return _BLANK.search(text) is not None


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


@dataclass
class Ledgers:
    """Validated ledgers of one data directory, keyed by ledger name."""

    data_dir: Path
    frames: dict[str, pd.DataFrame]
    files: dict[str, Path] = field(default_factory=dict)
    # The bureau whose names the ledgers use; metrics read its programmes (e.g. the lecture brand).
    profile: BureauProfile = field(default_factory=default_profile)
    # Per ledger, what intake did to its file (load_ledger's `notes`), for the review edition.
    intake: dict[str, dict] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


SYNTHETIC_MARKER = "SYNTHETIC"


def is_synthetic(data_dir: Path) -> bool:
    """Sample ledgers carry a marker file; reports built from them say so on the first page."""
    return (Path(data_dir) / SYNTHETIC_MARKER).exists()


LEDGER_SUFFIXES = (".csv", ".xlsx", ".xls")
WORKBOOK_SUFFIXES = (".xlsx", ".xls")
# What a second copy of a file is called by Windows, browsers and chat downloads:
# "X (1).xlsx", "X(1).csv", "X - 副本.csv", "X - Copy (2).csv", "X副本.csv"; any letter case.
_COPY_MARK = r"(?:\s*[(（]\d+[)）]|\s*-\s*(?:副本|copy)(?:\s*[(（]\d+[)）])?|\s*副本)?"
_VARIANT_SUFFIX = r"\.(?:csv|xlsx|xls)"


def find_ledger_file(data_dir: Path, name: str) -> Path | None:
    """The file a ledger is read from: `name.csv`, else `name.xlsx`, else `name.xls`, in any
    letter case (Windows does not tell X.XLSX from X.xlsx). Whether it is the only candidate in
    the folder is checked by the loader (`ledger_candidates`)."""
    data_dir = Path(data_dir)
    exact = [data_dir / f"{name}{suffix}" for suffix in LEDGER_SUFFIXES]
    found = [path for path in exact if path.is_file()]
    if not found:
        pattern = re.compile(re.escape(name) + _VARIANT_SUFFIX, re.IGNORECASE)
        found = [p for p in _files(data_dir) if pattern.fullmatch(p.name)]
        found.sort(key=lambda p: LEDGER_SUFFIXES.index(p.suffix.lower()))
    return found[0] if found else None


def _files(data_dir: Path) -> list[Path]:
    """The folder's files, without hidden ones and Excel's lock files (~$X.xlsx, made while
    X.xlsx is open)."""
    return sorted(p for p in Path(data_dir).iterdir()
                  if p.is_file() and not p.name.startswith(("~$", ".")))  # fmt: skip


def ledger_candidates(data_dir: Path, name: str) -> list[Path]:
    """Every file in the folder that looks like this ledger: `name.csv`, `name.xlsx`, and their
    case and copy variants. More than one means the analyst must say which one is current."""
    pattern = re.compile(re.escape(name) + _COPY_MARK + _VARIANT_SUFFIX, re.IGNORECASE)
    return [p for p in _files(data_dir) if pattern.fullmatch(p.name)]


def _describe(path: Path) -> str:
    stat = path.stat()
    size = stat.st_size
    shown = f"{size} B" if size < 1024 else (
        f"{size / 1024:.1f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB")  # fmt: skip
    modified = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    return f"{path.name}（{shown}，{modified}）"


def _several_files_problem(data_dir: Path, name: str, candidates: list[Path]) -> Problem:
    chosen = find_ledger_file(data_dir, name) or candidates[0]
    listed = "；".join(_describe(p) for p in candidates)
    names = ", ".join(p.name for p in candidates)
    return Problem(str(chosen), None, None, names,
                   f"同一台账有 {len(candidates)} 个候选文件：{listed}。请只保留一个（删除或移走其余的）"
                   f"/ {len(candidates)} files for one ledger ({names}), keep only one of them "
                   "(delete or move the others away)")  # fmt: skip


def _missing_file_problem(data_dir: Path, name: str, candidates: list[Path]) -> Problem:
    """Names near-miss files (a copy, other case, a typo) so a misnamed export is found."""
    others = {f"{other}{suffix}" for other in LEDGERS for suffix in LEDGER_SUFFIXES}
    files = [p for p in _files(data_dir) if p.name.lower() not in others]
    stems = {p.stem.lower(): p for p in files}
    close = difflib.get_close_matches(name.lower(), list(stems), n=3, cutoff=0.75)
    near = list(dict.fromkeys([*candidates, *(stems[stem] for stem in close)]))
    expected = f"缺少台账文件 {name}.csv（或 {name}.xlsx、{name}.xls）/ ledger file missing"
    if near:
        names = "、".join(p.name for p in near)
        expected = (f"缺少台账文件 {name}.csv（或 {name}.xlsx、{name}.xls）；目录中有相近的文件：{names}，"
                    f"请把要使用的文件改名或另存为 {name}.csv 或 {name}.xlsx / ledger file missing; "
                    f"similar files in the folder: {', '.join(p.name for p in near)}, rename or "
                    f"save the right one as {name}.csv or {name}.xlsx")  # fmt: skip
    return Problem(str(Path(data_dir) / f"{name}.csv"), None, None, None, expected)


# Short names of each kind of problem, for the entry that counts the ones not listed.
RAGGED = ("字段数与表头不一致", "wrong number of fields")
UNPARSABLE = ("无法识别的值", "unreadable value")
DUPLICATE = ("编号重复", "duplicate id")
ORPHAN = ("会议台账中没有该会议编号", "no such meeting")
_CHECK_KINDS = {
    "isin": ("不在允许的取值之内", "value outside the allowed set"),
    "greater_than_or_equal_to": ("小于允许的最小值", "below the minimum"),
    "not_nullable": ("必填项为空", "required value missing"),
    "date_order": ("日期先后颠倒", "dates out of order"),
    "paired": ("两列未同时填写或同时留空", "columns not filled in together"),
    "dispute_outcome": ("处理结果与受理机构不符", "outcome does not match body_type"),
    "court_name": ("仲裁院名称与机关档案不符", "not the profile's arbitration court"),
}


def more_problem(file: str, line: int | None, column: str | None, count: int,
                 kind: tuple[str, str]) -> Problem:  # fmt: skip
    """The entry standing for `count` further problems of one kind, from `line` on."""
    zh, en = kind
    return Problem(file, line, column, None,
                   f"…及另外 {count} 处同类问题（{zh}，自本行起）/ and {count} more of the same "
                   f"kind ({en}, from this line on)", more=count)  # fmt: skip


def _bounded(raw: RawLedger, column: str | None, where: pd.Index | list,
             kind: tuple[str, str], make: Callable[[Hashable], Problem]) -> list[Problem]:  # fmt: skip
    """Problems for the rows `where` (frame index labels in file order): the first
    MAX_PROBLEMS_PER_KIND one by one, the others in one counting entry."""
    listed = [make(index) for index in where[:MAX_PROBLEMS_PER_KIND]]
    rest = len(where) - MAX_PROBLEMS_PER_KIND
    if rest > 0:
        line = raw.line_of(where[MAX_PROBLEMS_PER_KIND])
        listed.append(more_problem(str(raw.path), line, column, rest, kind))
    return listed


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


# -- headers -----------------------------------------------------------------------------------


def heading_key(text: str) -> str:
    """A header cell as compared: blanks anywhere (an export writes 未收取填0 where the contract
    writes 未收取填 0, or pads a label), full-width forms and ASCII case ignored. NFKC first, so
    that the ideographic space counts as a blank too."""
    return _ANY_BLANK.sub("", unicodedata.normalize("NFKC", text.lstrip("\ufeff"))).casefold()


def _label_stem(label: str) -> str:
    """A label without its bracketed note: 结案日期（未结案留空） is headed 结案日期 in exports."""
    return re.split(r"[（(]", label, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class HeaderIndex:
    """Every accepted spelling of a ledger's column headers, by `heading_key`."""

    spec: LedgerSpec
    columns: dict[str, str]  # heading key -> contract column name
    spellings: dict[str, list[str]]  # contract column -> accepted headers, as written

    @property
    def dates(self) -> set[str]:
        return set(self.spec.date_columns)

    def column_of(self, heading: object) -> str | None:
        return self.columns.get(heading_key(heading)) if isinstance(heading, str) else None

    def score(self, row: list) -> int:
        """Contract columns a row names: the header is the row that names the most."""
        return len({self.column_of(cell) for cell in row} - {None})

    def closest(self, heading: str) -> str | None:
        """The contract column whose name, label or alias is nearest to an unknown header."""
        match = difflib.get_close_matches(heading_key(heading), list(self.columns), n=1, cutoff=0.6)
        return self.columns[match[0]] if match else None

    def likeness(self, heading: str, column: str) -> float:
        key = heading_key(heading)
        return max(difflib.SequenceMatcher(None, key, heading_key(spelling)).ratio()
                   for spelling in self.spellings[column])  # fmt: skip

    def described(self, column: str) -> str:
        return f"{column}（{self.spec.column(column).zh}）"


def header_index(spec: LedgerSpec, aliases: Mapping[str, str] | None = None) -> HeaderIndex:
    """Names, labels, labels without their bracketed note (when unambiguous) and the caller's
    aliases, each mapped to its contract column."""
    columns: dict[str, str] = {}
    spellings: dict[str, list[str]] = {c.name: [c.name, c.zh] for c in spec.columns}
    for column in spec.columns:
        columns[heading_key(column.name)] = column.name
        columns[heading_key(column.zh)] = column.name
    for column in spec.columns:
        stem = _label_stem(column.zh)
        if stem and heading_key(stem) not in columns:
            columns[heading_key(stem)] = column.name
            spellings[column.name].append(stem)
    for heading, column in (aliases or {}).items():
        columns[heading_key(heading)] = column
        spellings[column].append(heading)
    return HeaderIndex(spec, columns, spellings)


def _option_problems(data_dir: Path, aliases: Mapping[str, Mapping[str, str]],
                     sheets: Mapping[str, str]) -> list[Problem]:  # fmt: skip
    """Aliases and sheets naming a ledger or a column the contract does not have (a profile's
    typo). Checked here rather than when the profile is read: the contract reads the profile."""
    problems = [Problem(str(data_dir), None, None, name,
                        f"工作表设置中的台账名 “{name}” 不存在，台账为：{'、'.join(LEDGERS)} / "
                        f"sheets name an unknown ledger “{name}”")
                for name in sheets if name not in LEDGERS]  # fmt: skip
    for name, mapping in aliases.items():
        if name not in LEDGERS:
            problems.append(Problem(str(data_dir), None, None, name,
                                    f"表头别名中的台账名 “{name}” 不存在，台账为：{'、'.join(LEDGERS)} / "
                                    f"aliases name an unknown ledger “{name}”"))  # fmt: skip
            continue
        known = LEDGERS[name].column_names
        for heading, column in mapping.items():
            if column not in known:
                problems.append(Problem(str(data_dir), None, None, heading,
                                        f"台账 {name} 的表头别名 “{heading}” 指向合同中没有的列 “{column}”，"
                                        f"应为以下之一：{'、'.join(known)} / alias “{heading}” of {name} maps "
                                        f"to “{column}”, which is not a column of the contract"))  # fmt: skip
    return problems


def _is_blank(row: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _header_position(rows: list[list], index: HeaderIndex) -> int:
    """Among the first HEADER_SEARCH_ROWS non-blank rows, the one naming the most contract
    columns (the earliest on a tie); the first non-blank row when none names any."""
    best, best_score, seen = None, 0, 0
    for position, row in enumerate(rows):
        if seen == HEADER_SEARCH_ROWS:
            break
        if _is_blank(row):
            continue
        seen += 1
        best = position if best is None else best
        score = index.score(row)
        if score > best_score:
            best, best_score = position, score
    return 0 if best is None else best


@dataclass
class Header:
    """The header row as mapped: which cells to keep, under which contract names."""

    line: int
    positions: list[int]
    names: list[str]
    headings: dict[str, str]  # contract column -> header as written, where they differ
    problems: list[Problem]
    unnamed: list[int]  # positions of cells without a header; kept only if they hold data


def _map_header(cells: list, line: int, index: HeaderIndex, file: str) -> Header:
    header = Header(line, [], [], {}, [], [])
    first_of: dict[str, str] = {}
    for position, cell in enumerate(cells):
        written = "" if cell is None else str(cell).lstrip("\ufeff").strip()
        if not written:
            header.unnamed.append(position)
            continue
        column = index.column_of(written) or written
        if column in first_of:
            header.problems.append(Problem(
                file, line, written, written,
                f"列重复：“{first_of[column]}” 与 “{written}” 都对应 {index.described(column)}，"
                f"请只保留一列 / duplicate column: “{first_of[column]}” and “{written}” are both "
                f"{column}, keep one of them",
            ))  # fmt: skip
            continue
        first_of[column] = written
        header.positions.append(position)
        header.names.append(column)
        if written != column:
            header.headings[column] = written
    return header


def _columns_of(frame: pd.DataFrame, header: Header, file: str) -> pd.DataFrame:
    """The frame (columns by position) under the header's names. A column without a header is
    dropped: silently when empty (a trailing comma, a merged title's width), else reported."""
    for position in header.unnamed:
        if position < frame.shape[1] and frame[position].notna().any():
            header.problems.append(Problem(
                file, header.line, f"第 {position + 1} 列", None,
                "该列有数据但没有表头，请补上表头或删除该列 / the column holds data but has no "
                "header: name it or delete it",
            ))  # fmt: skip
    if header.positions != list(range(frame.shape[1])):
        frame = frame.iloc[:, header.positions]
    frame.columns = header.names
    return frame


# -- text files --------------------------------------------------------------------------------


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


# -- text files, columnar ----------------------------------------------------------------------
#
# The common export (UTF-8 or GB18030, one record a line) is read by Arrow in blocks, straight
# into text arrays, and checked block by block; files that need the row-by-row reader above for
# their file lines or messages (UTF-16, NUL bytes, a cell over several lines, a quote error, an
# undecodable byte) are handed to it. Both give identical frames and problems.

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


# -- workbooks ---------------------------------------------------------------------------------


def _content_kind(path: Path) -> str:
    """What the file holds, whatever its name says: xlsx (a zip), xls (OLE2), html or text."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(UTF16_BOMS):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype", b"<html", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    return "text"


def _mismatch_problem(path: Path, kind: str) -> Problem | None:
    """A file whose content is not what its extension says (a CSV renamed .xlsx, a workbook
    renamed .csv, a web page a case system calls .xls). .xls and .xlsx swapped still load."""
    suffix = path.suffix.lower()
    workbook = suffix in WORKBOOK_SUFFIXES
    if kind == "html":
        expected = (f"扩展名为 {path.suffix}，但内容是网页（HTML/XML）表格，不是真正的 Excel 工作簿"
                    "（有些系统的“导出 Excel”就是这样）；请用 Excel 打开后另存为“Excel 工作簿（.xlsx）” / "
                    f"named {path.suffix} but holds an HTML or XML table, not a workbook; open it in "
                    "Excel and save it as an Excel workbook (.xlsx)")  # fmt: skip
    elif workbook and kind == "text":
        expected = (f"扩展名为 {path.suffix}，但内容是文本（CSV），不是 Excel 工作簿；请改名为 "
                    f"{path.stem}.csv / named {path.suffix} but holds text (CSV), not a workbook; "
                    f"rename it to {path.stem}.csv")  # fmt: skip
    elif not workbook and kind in ("xlsx", "xls"):
        expected = (f"扩展名为 {path.suffix}，但内容是 Excel 工作簿；请改名为 {path.stem}.{kind} / "
                    f"named {path.suffix} but holds an Excel workbook; rename it to "
                    f"{path.stem}.{kind}")  # fmt: skip
    else:
        return None
    return Problem(str(path), None, None, None, expected)


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


def read_raw(path: Path, spec: LedgerSpec, *, aliases: Mapping[str, str] | None = None,
             sheet: str | None = None) -> RawLedger:  # fmt: skip
    """Cells as stripped text under contract column names, empty cells as NA, indexed by file
    (or sheet) line; the shape every encoding and file format must agree on."""
    index = header_index(spec, aliases)
    mismatch = _mismatch_problem(path, _content_kind(path))
    if mismatch is not None:
        raise LedgerError([mismatch])
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, index, sheet)
    return _read_csv(path, index)


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


def _unparsable_expected(kind: str, value: str) -> str:
    """What a cell of this kind should hold, saying so when the value was typed full-width or
    looks like an Excel serial date, the two causes an analyst cannot see."""
    zh, en = _UNPARSABLE_EXPECTED[kind]
    if _FULLWIDTH.search(value):
        zh += "；该值含全角字符，按半角读取后仍无法识别"
        en += "; the value contains full-width characters and is unreadable even as half-width"
    elif kind == "date" and _SERIAL.match(value):
        zh += "；该值像是 Excel 的日期序号，请在 Excel 中把该列设为日期格式后再导出"
        en += "; this looks like an Excel serial date: format the column as a date, then export"
    return f"应为{zh} / {en}"


def _expected(spec: LedgerSpec, column: str, check: str, value: object = None) -> str:
    col = spec.column(column) if column in spec.column_names else None
    if check.startswith("isin") and col is not None and col.allowed_from:
        # A misspelt organisation name: the nearest names of the bureau profile come first.
        near = difflib.get_close_matches(str(value), col.allowed, n=3, cutoff=0.5) if value else []
        where = f"机关档案 {profile_key(col.allowed_from)}"
        if near:
            return (f"不是{where}所列的名称，最接近的是：{'、'.join(near)} / not a name listed in "
                    f"the bureau profile; closest: {', '.join(near)}")  # fmt: skip
        return f"应为{where}所列名称之一 / expected a name of the bureau profile: {'、'.join(col.allowed)}"
    if check.startswith("isin") and col is not None:
        return f"应为以下之一 / expected one of: {'、'.join(col.allowed)}"
    if check.startswith("greater_than_or_equal_to") and col is not None:
        return f"不能为负数，应 ≥ {col.minimum} / must be ≥ {col.minimum}"
    if check == "not_nullable":
        return "必填项不能为空 / required, must not be empty"
    if col is not None:
        return f"应为{KIND_EXPECTED[col.kind]}"
    return check


def _kind_of(check: str) -> tuple[str, str]:
    return _CHECK_KINDS.get(re.split(r"[(:]", check, maxsplit=1)[0], (check, check))


def _frame_check_problem(name: str, check: str, line: int | None, second_text: object,
                         first_text: object) -> Problem:  # fmt: skip
    """A row rule broken on one line, showing the cells as the file writes them."""
    kind, first, second = check.split(":")
    if kind == "date_order":
        return Problem(name, line, second, second_text,
                       f"{second} 不能早于 {first}（{first_text}）/ "
                       f"{second} must not precede {first}")  # fmt: skip
    if kind == "paired":
        return Problem(name, line, second, "" if second_text is None else second_text,
                       f"{first} 与 {second} 须同时填写或同时留空 / "
                       f"{first} and {second} must be filled in together")  # fmt: skip
    if kind == "court_name":
        return Problem(name, line, second, second_text,
                       "受理机构类型为“仲裁院”的，名称应为机关档案 organisations.arbitration_court "
                       "所写的仲裁院名称 / the arbitration court as the profile names it")  # fmt: skip
    return Problem(name, line, second, second_text,
                   "调解组织的结果应为“调解成功/调解不成”，仲裁院的结果应为仲裁类结果 / "
                   "outcome does not match body_type")  # fmt: skip


def _column_problems(name: str, line: int, index: HeaderIndex, missing: list[str],
                     unknown: list[str]) -> list[Problem]:  # fmt: skip
    """Missing, misspelt and unknown columns: at most one problem per column of the contract.
    A missing column and an unknown header close to one of its spellings are one misspelling."""
    problems: list[Problem] = []
    unknown = list(unknown)
    for column in missing:
        likeness = {heading: index.likeness(heading, column) for heading in unknown}
        guess = max(likeness, key=likeness.__getitem__, default=None)
        described = index.described(column)
        if guess is not None and likeness[guess] >= 0.6:
            unknown.remove(guess)
            problems.append(Problem(name, line, guess, guess,
                                    f"列名疑似拼写错误，应为 “{column}”（{index.spec.column(column).zh}）/ "
                                    f"misspelt column, expected “{column}”"))  # fmt: skip
        else:
            problems.append(Problem(name, line, column, None,
                                    f"缺少必需的列 “{column}”（表头可写 {described}）/ missing column "
                                    f"“{column}”"))  # fmt: skip
    expected = "、".join(index.described(c) for c in index.spec.column_names)
    for heading in unknown:
        closest = index.closest(heading)
        hint = f"最接近的是 {index.described(closest)}；" if closest else ""
        hint_en = f"closest: {closest}; " if closest else ""
        problems.append(Problem(name, line, heading, heading,
                                f"未知的列，{hint}表头应为合同中的列名或中文名：{expected} / unknown "
                                f"column, {hint_en}headers are the contract's names or Chinese labels"))  # fmt: skip
    return problems


# -- columnar validation -----------------------------------------------------------------------
#
# A ledger is checked batch by batch, each batch being its cells as Arrow text arrays (empty cells
# null) and the file line of each row. Every rule but unique ids is local to a row, so a batch is
# checked on its own, cells reported by an earlier step are not reported again, and only the
# first MAX_PROBLEMS_PER_KIND failures of each kind keep their line and text; the rest are
# counted. Typed columns are kept in compact form (categories, dates, numbers) as they are made.

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


@dataclass
class _Found:
    """One kind of problem (check, column) in one file: the first ones with the file line and
    what their message shows, and how many there are."""

    lines: list[int] = field(default_factory=list)
    shown: list = field(default_factory=list)
    count: int = 0


class _Checker:
    """Validates one ledger batch by batch and assembles its typed frame."""

    def __init__(self, spec: LedgerSpec, file: str, present: list[str], keep: list[str]):
        self.spec = spec
        self.file = file
        self.present = [c.name for c in spec.columns if c.name in present]
        self.keep = [c for c in keep if c in self.present]
        schema = schema_of(spec)
        self.row_checks = list(schema.checks)
        self.found: dict[tuple[str, str], _Found] = {}
        self.parts: dict[str, list] = {column: [] for column in self.present}
        # Recurring text: each value seen, by the code it was given (first seen, first code).
        self.seen: dict[str, dict[str, int]] = {}
        # File lines per batch: (first, count) when consecutive, as most are, else the array.
        self.lines: list[np.ndarray | tuple[int, int]] = []
        self.rows = 0

    @property
    def failed(self) -> bool:
        return bool(self.found)

    def _add(self, check: str, column: str, rows: np.ndarray, lines: np.ndarray,
             shown: Callable[[np.ndarray], list]) -> None:  # fmt: skip
        if not len(rows):
            return
        found = self.found.setdefault((check, column), _Found())
        room = MAX_PROBLEMS_PER_KIND + 1 - len(found.lines)
        if room > 0:
            taken = rows[:room]
            found.lines += lines[taken].tolist()
            found.shown += shown(taken)
        found.count += len(rows)

    def batch(self, cells: dict[str, pa.Array], lines: np.ndarray) -> None:
        """Check one batch (its cells already stripped, empty ones null) and keep its columns."""
        spec = self.spec
        n = len(lines)
        if not n:
            return
        converted: dict[str, np.ndarray] = {}
        reported: dict[str, np.ndarray] = {}
        typed: dict[str, object] = {}
        for column in spec.columns:
            name = column.name
            if name not in self.present:
                continue
            arr = cells[name]
            if column.kind == "id":
                arr = _halfwidth_array(arr)
                cells[name] = arr
            null = arr.is_null().to_numpy(zero_copy_only=False)
            filled = ~null
            kind = column.kind
            bad = None
            if kind == "date":
                values, bad = _parse_date_array(arr, filled)
            elif kind in ("int", "amount"):
                values, bad = _parse_number_array(arr, filled, kind == "int")
            if bad is not None:
                rows = np.flatnonzero(bad)
                self._add("unparsable", name, rows, lines, lambda r, a=arr: _texts(a, r))
                converted[name] = bad
            done = bad.copy() if bad is not None else np.zeros(n, dtype=bool)
            if column.required:
                self._add(
                    "not_nullable", name, np.flatnonzero(null), lines, lambda r: [""] * len(r)
                )
                done |= null
            if kind in ("enum", "flag"):
                codes = pc.index_in(arr, value_set=pa.array(list(column.allowed), type=pa.string()))
                small = np.int8 if len(column.allowed) < 127 else np.int16
                codes = codes.fill_null(-1).to_numpy(zero_copy_only=False).astype(small)
                outside = filled & (codes < 0)
                self._add(
                    "isin", name, np.flatnonzero(outside), lines, lambda r, a=arr: _texts(a, r)
                )
                done |= outside
                values = codes
            elif kind in ("int", "amount"):
                minimum = column.minimum if kind == "int" else 0
                with np.errstate(invalid="ignore"):
                    below = ~np.isnan(values) & (values < minimum)
                self._add("greater_than_or_equal_to", name, np.flatnonzero(below), lines,
                          lambda r, a=arr: _texts(a, r))  # fmt: skip
                done |= below
            elif kind != "date":
                values = pc.dictionary_encode(arr) if column.repeated else arr
            reported[name] = done
            typed[name] = (kind, arr, values)
        self._row_rules(typed, converted, reported, lines)
        self.rows += n
        if lines[-1] - lines[0] == n - 1:
            self.lines.append((int(lines[0]), n))
        else:
            self.lines.append(lines)
        for name in self.present:
            if name in self.keep or spec.column(name).kind == "id":
                kind, arr, values = typed[name]
                if not self.failed or kind == "id":
                    self.parts[name].append(self._kept(spec.column(name), values))
        if self.failed:  # the frame will not be returned: keep only what the id check needs
            for name in self.keep:
                if spec.column(name).kind != "id":
                    self.parts[name] = []

    def _kept(self, column, values):
        """A batch's column in the form it is kept in until the frame is made: whole numbers as
        int64 and a mask, recurring text as codes of the values seen so far."""
        if column.kind == "int":
            missing = np.isnan(values)
            return np.where(missing, 0, values).astype(np.int64), missing
        if column.repeated:
            seen = self.seen.setdefault(column.name, {})
            found = [seen.setdefault(text, len(seen)) for text in values.dictionary.to_pylist()]
            indices = values.indices
            codes = np.asarray(found, dtype=np.int32)[
                indices.fill_null(0).to_numpy(zero_copy_only=False)
            ]
            if indices.null_count:
                codes[indices.is_null().to_numpy(zero_copy_only=False)] = -1
            return codes
        return values

    def _row_rules(self, typed: dict, converted: dict, reported: dict, lines: np.ndarray) -> None:
        """The contract's row rules on the batch, typed as the schema sees them: each rule's
        failures that no earlier step reported."""
        n = len(lines)
        needed = {part for check in self.row_checks for part in check.name.split(":")[1:]}
        frame = pd.DataFrame(
            {name: _as_checked(*typed[name]) for name in needed if name in typed},
            index=pd.RangeIndex(n),
        )
        none = np.zeros(n, dtype=bool)
        for check in self.row_checks:
            _, first, second = check.name.split(":")
            # The contract's own rule, called directly: pandera's wrapper costs more than the rule.
            rule = getattr(check, "_check_fn", None)
            passed = rule(frame) if rule is not None else check(frame).check_output
            at = np.flatnonzero(~passed.to_numpy(dtype=bool, na_value=False))
            if not len(at):
                continue
            skip = (converted.get(first, none) | converted.get(second, none)
                    | reported.get(second, none))[at]  # fmt: skip
            at = at[~skip]
            if second in reported:
                reported[second][at] = True
            first_arr, second_arr = typed[first][1], typed[second][1]
            self._add(check.name, second, at, lines,
                      lambda r, f=first_arr, s=second_arr: list(zip(_texts(s, r), _texts(f, r), strict=True)))  # fmt: skip

    def problems(self) -> list[Problem]:
        """The collected problems, the first of each kind one by one and the rest counted."""
        spec, file = self.spec, self.file
        problems: list[Problem] = []
        for (check, column), found in self.found.items():
            listed = min(len(found.lines), MAX_PROBLEMS_PER_KIND)
            col = spec.column(column)
            for line, shown in zip(found.lines[:listed], found.shown[:listed], strict=True):
                if check == "unparsable":
                    problems.append(Problem(file, line, column, str(shown),
                                            _unparsable_expected(col.kind, str(shown))))  # fmt: skip
                elif ":" in check:
                    problems.append(_frame_check_problem(file, check, line, shown[0], shown[1]))
                else:
                    value = "" if shown is None else str(shown)
                    problems.append(Problem(file, line, column, value,
                                            _expected(spec, column, check, value)))  # fmt: skip
            rest = found.count - MAX_PROBLEMS_PER_KIND
            if rest > 0:
                kind = UNPARSABLE if check == "unparsable" else _kind_of(check)
                problems.append(
                    more_problem(file, found.lines[MAX_PROBLEMS_PER_KIND], column, rest, kind)
                )
        return problems + self._duplicates()

    def _all_lines(self) -> np.ndarray:
        parts = [np.arange(p[0], p[0] + p[1], dtype=np.int64) if isinstance(p, tuple) else p
                 for p in self.lines]  # fmt: skip
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _line_range(self) -> pd.RangeIndex | None:
        """The lines as one range when every batch continues the one before, as is usual."""
        start = None
        end = None
        for part in self.lines:
            if not isinstance(part, tuple) or (end is not None and part[0] != end):
                return None
            start = part[0] if start is None else start
            end = part[0] + part[1]
        return pd.RangeIndex(start, end) if start is not None else None

    def _duplicates(self) -> list[Problem]:
        """A repeated id, at each later line, naming the line of its first occurrence; counted
        by Arrow, and located only when there is one."""
        problems: list[Problem] = []
        for column in self.spec.columns:
            if column.kind != "id" or column.name not in self.present:
                continue
            ids = pa.chunked_array(self.parts[column.name], type=pa.string())
            filled = len(ids) - ids.null_count
            if (
                not filled
                or _increasing(ids)
                or pc.count_distinct(ids, mode="only_valid").as_py() == filled
            ):
                continue
            series = pd.Series(
                ids.to_numpy(zero_copy_only=False), index=self._all_lines(), dtype=object
            )
            problems += _duplicate_problems(self.file, column.name, series)
        return problems

    def frame(self) -> pd.DataFrame:
        """The typed frame of the kept columns, in contract order, indexed by file line."""
        columns = {}
        for name in self.keep:
            column = self.spec.column(name)
            parts = self.parts[name]
            self.parts[name] = []
            columns[name] = _final_column(column, parts, self.seen.get(name, {}))
        index = self._line_range()
        if index is None:
            lines = self._all_lines()
            if len(lines) and lines[-1] - lines[0] == len(lines) - 1:
                index = pd.RangeIndex(int(lines[0]), int(lines[-1]) + 1)
            else:
                index = pd.Index(lines, dtype=np.int64)
        self.lines = []
        return pd.DataFrame(columns, index=index, copy=False)


def _increasing(ids: pa.ChunkedArray) -> bool:
    """Ids in strictly increasing order (exports are usually sorted by id) repeat none: one
    comparison of neighbours instead of a hash of every id."""
    if ids.null_count or len(ids) < 2:
        return False
    previous = None
    for chunk in ids.iterchunks():
        if not len(chunk):
            continue
        if previous is not None and not previous < chunk[0].as_py():
            return False
        if (
            len(chunk) > 1
            and not pc.all(pc.less(chunk.slice(0, len(chunk) - 1), chunk.slice(1))).as_py()
        ):
            return False
        previous = chunk[-1].as_py()
    return True


def _as_checked(kind: str, arr: pa.Array, values) -> pd.Series:
    """A batch column as the row rules see it: dates and numbers parsed (NaT/NaN when
    unreadable), every other kind its text (invalid values included)."""
    if kind in ("date", "int", "amount"):
        return pd.Series(values)
    return pd.Series(arr.to_pandas(), dtype="str")


def _final_column(column, parts: list, seen: dict[str, int]):
    """One kept column from its batches, in the dtype the notebook works with: categories of the
    allowed values for enumerations, nullable booleans for flags, datetime64 for dates,
    Int64 and float64 for numbers, Arrow-backed text for ids and text."""
    kind = column.kind
    if column.repeated:
        return _categories_found(parts, seen)
    if kind in ("id", "text"):
        if not any(len(part) for part in parts):
            # One empty chunk, not none: pandas cannot join on a text index without chunks.
            return pd.array([], dtype="str")
        return pa.chunked_array(parts, type=pa.string()).to_pandas().array
    if kind == "enum":
        codes = _joined(parts, np.int8 if len(column.allowed) < 127 else np.int16)
        return pd.Categorical.from_codes(codes, categories=list(column.allowed))
    if kind == "flag":
        codes = _joined(parts, np.int8)
        yes = list(column.allowed).index(YES)
        return pd.arrays.BooleanArray(codes == yes, codes < 0)
    if kind == "int":
        data = _joined([part[0] for part in parts], np.int64)
        missing = _joined([part[1] for part in parts], bool)
        parts.clear()
        return pd.arrays.IntegerArray(data, missing)
    if kind == "date":
        return _joined(parts, "datetime64[ns]")
    return _joined(parts, np.float64)


def _joined(parts: list, dtype) -> np.ndarray:
    """The batches' arrays end to end, each let go once copied: the column is never held twice."""
    out = np.empty(sum(len(part) for part in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        out[at : at + len(part)] = part
        at += len(part)
    return out


def _categories_found(parts: list, seen: dict[str, int]) -> pd.Categorical:
    """Codes of first-seen values as one Categorical whose categories are the values found, in
    sorted order (the same for every file that holds the same values)."""
    values = list(seen)
    order = (
        np.argsort(np.asarray(values, dtype=object), kind="stable") if values else np.zeros(0, int)
    )
    rank = np.empty(len(order) + 1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    rank[-1] = -1  # code -1 (an empty cell) stays -1
    dtype = np.int8 if len(values) < 127 else np.int16 if len(values) < 32767 else np.int32
    codes = np.empty(sum(len(part) for part in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        codes[at : at + len(part)] = rank[part]
        at += len(part)
    categories = pd.Index([values[i] for i in order], dtype="str")
    return pd.Categorical.from_codes(codes, categories=categories)


def _duplicate_problems(file: str, column: str, ids: pd.Series) -> list[Problem]:
    """Repeats of ids (a Series indexed by file line), each naming its first occurrence."""
    filled = ids.notna().to_numpy()
    repeat = ids.duplicated(keep="first").to_numpy() & filled
    at = np.flatnonzero(repeat)
    firsts = ids[filled & ~repeat]
    first_of = pd.Index(firsts.to_numpy())
    listed = ids.iloc[at[:MAX_PROBLEMS_PER_KIND]]
    first_lines = firsts.index[first_of.get_indexer(listed)]
    problems = []
    for line, value, first in zip(listed.index, listed.to_numpy(), first_lines, strict=True):
        problems.append(Problem(file, int(line), column, str(value),
                                f"编号重复：与第 {first} 行相同 / duplicate id, same as line {first}"))  # fmt: skip
    rest = len(at) - MAX_PROBLEMS_PER_KIND
    if rest > 0:
        problems.append(
            more_problem(file, int(ids.index[at[MAX_PROBLEMS_PER_KIND]]), column, rest, DUPLICATE)
        )
    return problems


def _check_raw(raw: RawLedger, checker: _Checker) -> _Checker:
    """Check the text frame of the row-by-row reader (or a workbook) as one batch."""
    frame = raw.frame
    cells = {}
    for column in frame.columns:
        if column in checker.present:
            values = frame[column]
            cells[column] = pa.array(values.astype(object).where(values.notna(), None).tolist(),
                                     type=pa.string())  # fmt: skip
    checker.batch(cells, frame.index.to_numpy(dtype=np.int64))
    return checker


def _finish(path: Path, index: HeaderIndex, header_line: int, headings: dict[str, str],
            sheet: str | None, names: list[str], problems: list[Problem],
            checker: _Checker) -> pd.DataFrame:  # fmt: skip
    """The typed frame, or one LedgerError with every problem of the file, in line order."""
    spec = index.spec
    missing = [c for c in spec.column_names if c not in names]
    unknown = [c for c in names if c not in spec.column_names]
    problems = problems + _column_problems(str(path), header_line, index, missing, unknown)
    problems += checker.problems()
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        placing = RawLedger(path, pd.DataFrame(), headings=headings, sheet=sheet)
        raise LedgerError([placing.placed(problem) for problem in problems])
    return checker.frame()


def validate_raw(raw: RawLedger, spec: LedgerSpec,
                 aliases: Mapping[str, str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Cells first (parsing, allowed values, required cells), then the row rules, then repeated
    ids; a cell reported by an earlier step is not reported again. Columns come back in
    contract order; `spec` carries the bureau's names (contract.ledgers_for)."""
    names = list(raw.frame.columns)
    checker = _check_raw(raw, _Checker(spec, str(raw.path), names, spec.column_names))
    return _finish(raw.path, header_index(spec, aliases), raw.header_line, raw.headings,
                   raw.sheet, names, raw.problems, checker)  # fmt: skip


def load_ledger(data_dir: Path, name: str, *, keep_personal: bool = False,
                aliases: Mapping[str, str] | None = None, sheet: str | None = None,
                profile: BureauProfile | None = None,
                progress: Callable[[str, int], None] | None = None,
                notes: dict | None = None) -> pd.DataFrame:  # fmt: skip
    """One validated ledger; personal columns are checked but not kept unless a caller needs
    them. Stops when the folder holds several files for the ledger: which one is current is the
    analyst's call. Organisation names are checked against the bureau profile (the sample
    bureau's by default).

    `aliases` maps further header spellings to contract columns ({"受理日期": "received_date"});
    `sheet` names the workbook sheet to read instead of the one whose header fits best.
    `progress`, when given, is called as `progress(name, rows_read_so_far)` after each block of
    rows of a large CSV is checked (a hook for a progress display). `notes`, when given, is
    filled with what intake did to the file (`_intake_notes`)."""
    spec = ledgers_for(profile)[name]
    data_dir = Path(data_dir)
    candidates = ledger_candidates(data_dir, name)
    if len(candidates) > 1:
        raise LedgerError([_several_files_problem(data_dir, name, candidates)])
    path = find_ledger_file(data_dir, name)
    if path is None:
        raise LedgerError([_missing_file_problem(data_dir, name, candidates)])
    index = header_index(spec, aliases)
    mismatch = _mismatch_problem(path, _content_kind(path))
    if mismatch is not None:
        raise LedgerError([mismatch])
    keep = [c for c in spec.column_names if keep_personal or c not in spec.personal_columns]

    def checker_for(names: list[str]) -> _Checker:
        return _Checker(spec, str(path), names, keep)

    report = None if progress is None else (lambda rows: progress(name, rows))
    counts: Counter = Counter()
    token = _NOTES.set(counts)
    try:
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            try:
                header, problems, checker = _read_csv_columnar(path, index, checker_for, report)
            except _Fallback:
                counts.clear()
                raw = _read_csv(path, index)
            else:
                frame = _finish(path, index, header.line, header.headings, None, header.names,
                                problems, checker)  # fmt: skip
                _intake_notes(notes, path, header.line, header.headings, None, counts, frame)
                return frame
        else:
            raw = _read_workbook(path, index, sheet)
        checker = _check_raw(raw, checker_for(list(raw.frame.columns)))
        frame = _finish(path, index, raw.header_line, raw.headings, raw.sheet,
                        list(raw.frame.columns), raw.problems, checker)  # fmt: skip
    finally:
        _NOTES.reset(token)
    _intake_notes(notes, path, raw.header_line, raw.headings, raw.sheet, counts, frame)
    if report is not None:
        report(len(frame))
    return frame


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


def _cross_ledger_problems(
    frames: dict[str, pd.DataFrame], files: dict[str, Path]
) -> list[Problem]:
    """Every agenda topic must belong to a meeting in the meetings ledger. A meetings ledger
    with no rows at all is said once, not as a missing meeting on every topic's line."""
    if "meeting_topics" not in frames or "meetings" not in frames:
        return []
    topics = frames["meeting_topics"]
    if frames["meetings"].empty and not topics.empty:
        topics_file = files["meeting_topics"].name
        return [Problem(str(files["meetings"]), None, None, None,
                        f"会议台账只有表头，没有数据行，而 {topics_file} 中有 {len(topics)} 条议题引用会议编号；"
                        "请导出含会议记录的台账 / the meetings ledger has no data rows, while "
                        f"{len(topics)} topics in {topics_file} refer to meetings")]  # fmt: skip
    orphan = topics["meeting_id"][~topics["meeting_id"].isin(frames["meetings"]["meeting_id"])]
    raw = RawLedger(files["meeting_topics"], topics)
    return _bounded(raw, "meeting_id", orphan.index, ORPHAN, lambda i: Problem(
        str(raw.path), int(i), "meeting_id", orphan[i],
        "会议台账中没有该会议编号 / no such meeting in the meetings ledger"))  # fmt: skip


def load_ledgers(data_dir: Path, names: list[str] | None = None, *, keep_personal: bool = False,
                 profile: BureauProfile | None = None,
                 aliases: Mapping[str, Mapping[str, str]] | None = None,
                 sheets: Mapping[str, str] | None = None,
                 progress: Callable[[str, int], None] | None = None) -> Ledgers:  # fmt: skip
    """All ledgers, validated together: raises one LedgerError listing every problem found.

    `profile` is the bureau whose organisation names the ledgers must use (default: the sample
    bureau); its intake options are used unless given here. `aliases` gives, per ledger,
    further header spellings and the contract column each stands for, on top of the contract's
    names and Chinese labels (a bureau's own export headers): {"disputes": {"受理日期":
    "received_date"}}. `sheets` names, per ledger, the workbook sheet to read ({"disputes":
    "数据"}); without it the sheet whose header fits the contract best is read. `progress` is
    passed to `load_ledger` (rows read per ledger); by default the rows read go to the terminal's
    progress line, which is silent without a terminal."""
    progress = progress or show_rows
    profile = profile or default_profile()
    aliases = profile.aliases if aliases is None else aliases
    sheets = profile.sheets if sheets is None else sheets
    data_dir = Path(data_dir)
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise LedgerError(
            [
                Problem(
                    str(data_dir),
                    None,
                    None,
                    None,
                    "台账目录不存在 / data directory does not exist",
                )
            ]
        )
    option_problems = _option_problems(data_dir, aliases, sheets)
    if option_problems:
        raise LedgerError(option_problems)
    intake: dict[str, dict] = {}
    for name in names or list(LEDGERS):
        try:
            frames[name] = load_ledger(data_dir, name, keep_personal=keep_personal,
                                       aliases=aliases.get(name), sheet=sheets.get(name),
                                       profile=profile, progress=progress,
                                       notes=intake.setdefault(name, {}))  # fmt: skip
            files[name] = find_ledger_file(data_dir, name)  # type: ignore[assignment]
        except LedgerError as error:
            problems.extend(error.problems)
    problems.extend(_cross_ledger_problems(frames, files))
    give_back()
    if problems:
        raise LedgerError(problems)
    return Ledgers(data_dir, frames, files, profile, intake)
