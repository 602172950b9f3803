"""Read ledger files as a Chinese case system exports them, and validate them against the contract.

Files may be UTF-8 (with or without BOM) or GB18030/GBK, with CRLF or LF line ends, or .xlsx;
all give identical frames. Every problem in every file is collected before anything is raised,
so an analyst fixes a ledger in one pass; a file broken on every row is reported with the first
problems of each kind and a count of the rest, quickly and in little memory.
"""

from __future__ import annotations

import copy
import csv
import difflib
import gc
import io
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .bureau import BureauProfile, default_profile, profile_key
from .contract import DATE_FORMAT, KIND_EXPECTED, LEDGERS, YES, LedgerSpec, ledgers_for, schema_of
from .errors import LedgerError, Problem

ENCODINGS = ("utf-8-sig", "gb18030")
# Problems of one kind (one check on one column) listed one by one per file; the rest are counted
# in one summary entry. A ledger exported wrongly breaks the same rule on every row, and a million
# copies of one message help nobody and cost minutes and gigabytes.
MAX_PROBLEMS_PER_KIND = 200
_DATE_SEPARATORS = re.compile(r"[/.]")
_TIME_SUFFIX = re.compile(r"[ T]00:00(:00)?$")
# Cells with surrounding blanks are rare in exports; stripping every cell costs more than reading,
# and plain substring tests are far faster than a regex over the whole file.
_BLANK = re.compile(r"[^\S\r\n]")


def _needs_strip(text: str) -> bool:
    """Any blank besides line ends anywhere in the file (Chinese exports usually have none)."""
    return _BLANK.search(text) is not None


@dataclass
class RawLedger:
    """A ledger file's cells as text, indexed by the file line on which each record starts."""

    path: Path
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

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

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


SYNTHETIC_MARKER = "SYNTHETIC"


def is_synthetic(data_dir: Path) -> bool:
    """Sample ledgers carry a marker file; reports built from them say so on the first page."""
    return (Path(data_dir) / SYNTHETIC_MARKER).exists()


LEDGER_SUFFIXES = (".csv", ".xlsx")
# What a second copy of a file is called by Windows, browsers and chat downloads:
# "X (1).xlsx", "X(1).csv", "X - 副本.csv", "X - Copy (2).csv", "X副本.csv"; any letter case.
_COPY_MARK = r"(?:\s*[(（]\d+[)）]|\s*-\s*(?:副本|copy)(?:\s*[(（]\d+[)）])?|\s*副本)?"
_VARIANT_SUFFIX = r"\.(?:csv|xlsx|xls)"


def find_ledger_file(data_dir: Path, name: str) -> Path | None:
    """The file a ledger is read from: `name.csv`, else `name.xlsx`. Whether it is the only
    candidate in the folder is checked by the loader (`ledger_candidates`)."""
    for suffix in LEDGER_SUFFIXES:
        candidate = Path(data_dir) / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None


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
    files = [p for p in _files(data_dir) if p.name not in others]
    stems = {p.stem.lower(): p for p in files}
    close = difflib.get_close_matches(name.lower(), list(stems), n=3, cutoff=0.75)
    near = list(dict.fromkeys([*candidates, *(stems[stem] for stem in close)]))
    expected = f"缺少台账文件 {name}.csv（或 {name}.xlsx）/ ledger file missing"
    if near:
        names = "、".join(p.name for p in near)
        expected = (f"缺少台账文件 {name}.csv（或 {name}.xlsx）；目录中有相近的文件：{names}，"
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


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with."""
    first_error: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
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


def _read_csv(path: Path) -> RawLedger:
    data = path.read_bytes()
    name = str(path)
    if not data.strip().lstrip(b"\xef\xbb\xbf").strip():
        raise LedgerError([Problem(name, None, None, None, "文件为空 / the file is empty")])
    nul = data.find(b"\x00")
    if nul >= 0:
        column, value = _cell_at(data, nul)
        raise LedgerError([Problem(
            name, _line_at(data, nul), column, value,
            "含有空字符（NUL），文件可能已损坏 / contains a NUL byte, the file may be corrupt",
        )])  # fmt: skip
    text, encoding = _decode(path, data)
    ends_cleanly = text.endswith(("\n", "\r"))
    needs_strip = _needs_strip(text)
    # The reader decodes the bytes again as it goes: a StringIO of the whole text would hold a
    # copy at four bytes a character, more than twice the file, next to the rows being built.
    del text
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    start = 1
    # A million rows are a million new lists, none of them in a cycle: the cyclic collector
    # would walk all the rows read so far again and again, for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for row in reader:
            if row and (row[0] or any(cell.strip() for cell in row)):
                rows.append(row)
                lines.append(start)
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
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    width = len(header)
    del data, stream, reader
    good_rows, good_lines = [], []
    ragged, first_unlisted = 0, 0
    for row, line in zip(rows[1:], lines[1:], strict=True):
        if len(row) == width:
            good_rows.append(row)
            good_lines.append(line)
            continue
        if line == lines[-1] and len(row) < width and not ends_cleanly:
            column = header[len(row) - 1] if row else header[0]
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
    frame = pd.DataFrame(good_rows, columns=header, index=good_lines, dtype=object)
    del good_rows
    if needs_strip:
        frame = frame.apply(lambda s: s.str.strip())
    return RawLedger(path, frame.mask(frame == ""), problems)


def _read_xlsx(path: Path) -> RawLedger:
    try:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, na_values=[""])
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise LedgerError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    f"无法读取 Excel 文件 / unreadable workbook: {error}",
                )
            ]
        ) from None
    if frame.empty and not len(frame.columns):
        raise LedgerError([Problem(str(path), None, None, None, "文件为空 / the file is empty")])
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = range(2, len(frame) + 2)  # workbook row numbers, header on row 1
    frame = frame.astype(object).apply(lambda s: s.str.strip())
    frame = frame.mask(frame == "").dropna(how="all")  # blank rows, as the CSV reader skips them
    return RawLedger(path, frame)


def read_raw(path: Path) -> RawLedger:
    """Cells as stripped text, empty cells as NA; the shape every encoding must agree on."""
    return _read_xlsx(path) if path.suffix == ".xlsx" else _read_csv(path)


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO dates fast; only cells that fail are normalised (2021/3/5, 2021.3.5, Excel's
    '2021-03-05 00:00:00') and parsed again. Unparsable cells become NaT."""
    parsed = pd.to_datetime(text, format=DATE_FORMAT, errors="coerce")
    retry = text.notna() & parsed.isna()
    if retry.any():
        fixed = text[retry].str.replace(_DATE_SEPARATORS, "-", regex=True)
        fixed = fixed.str.replace(_TIME_SUFFIX, "", regex=True)
        parsed[retry] = pd.to_datetime(fixed, format=DATE_FORMAT, errors="coerce")
    return parsed


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


def _frame_check_problem(raw: RawLedger, check: str, index: object) -> Problem:
    kind, first, second = check.split(":")
    row = raw.frame.loc[index]
    line = raw.line_of(index)
    name = str(raw.path)
    if kind == "date_order":
        return Problem(name, line, second, row[second],
                       f"{second} 不能早于 {first}（{row[first]}）/ "
                       f"{second} must not precede {first}")  # fmt: skip
    if kind == "paired":
        return Problem(name, line, second, row[second] if pd.notna(row[second]) else "",
                       f"{first} 与 {second} 须同时填写或同时留空 / "
                       f"{first} and {second} must be filled in together")  # fmt: skip
    return Problem(name, line, second, row[second],
                   "调解组织的结果应为“调解成功/调解不成”，仲裁院的结果应为仲裁类结果 / "
                   "outcome does not match body_type")  # fmt: skip


class _Reported:
    """Cells already reported, per column, as one boolean per frame row: a cell is reported once
    (an unparsable date is not also a missing one), and the test is vectorised."""

    def __init__(self, frame: pd.DataFrame):
        self.index = frame.index
        self.cells: dict[str, np.ndarray] = {}

    def positions(self, labels: pd.Index | pd.Series) -> np.ndarray:
        return self.index.get_indexer(labels)

    def hit(self, column: str, positions: np.ndarray) -> np.ndarray:
        cells = self.cells.get(column)
        if cells is None:
            return np.zeros(len(positions), dtype=bool)
        return cells[positions]

    def add(self, column: str, positions: np.ndarray) -> None:
        cells = self.cells.setdefault(column, np.zeros(len(self.index), dtype=bool))
        cells[positions] = True


def _column_problems(raw: RawLedger, spec: LedgerSpec, cases: pd.DataFrame) -> list[Problem]:
    """Missing, misspelt and unknown columns: at most one problem per column of the contract."""
    name = str(raw.path)
    problems: list[Problem] = []
    missing = [str(c) for c in cases.loc[cases["check"] == "column_in_dataframe", "failure_case"]]
    unknown = [str(c) for c in cases.loc[cases["check"] == "column_in_schema", "failure_case"]]
    for column in missing:
        guess = difflib.get_close_matches(column, unknown, n=1, cutoff=0.6)
        if guess:
            unknown.remove(guess[0])
            problems.append(Problem(name, 1, guess[0], guess[0],
                                    f"列名疑似拼写错误，应为 “{column}” / misspelt column, "
                                    f"expected “{column}”"))  # fmt: skip
        else:
            problems.append(
                Problem(
                    name, 1, column, None, f"缺少必需的列 “{column}” / missing column “{column}”"
                )
            )
    for column in unknown:
        problems.append(Problem(name, 1, column, column,
                                f"未知的列，合同中的列为：{', '.join(spec.column_names)} / "
                                "unknown column"))  # fmt: skip
    return problems


def _schema_problems(
    raw: RawLedger, spec: LedgerSpec, error: pa.errors.SchemaErrors, reported: _Reported
) -> list[Problem]:
    """Pandera's failure cases, one kind (check, column) at a time and in pandera's order, each
    filtered, counted and sorted as whole arrays; only the listed ones become Problems."""
    name = str(raw.path)
    cases = error.failure_cases
    problems = _column_problems(raw, spec, cases)
    kinds = cases.groupby([cases["check"].astype(str), cases["column"].astype(str)], sort=False)
    for (check, column), positions in kinds.indices.items():
        if check in ("column_in_dataframe", "column_in_schema") or check.startswith("dtype("):
            continue
        cells = cases.iloc[positions]
        at = reported.positions(cells["index"])
        # A check that could not point at a row still must not vanish.
        unplaced = at < 0
        for case in cells[unplaced].head(MAX_PROBLEMS_PER_KIND).itertuples(index=False):
            problems.append(Problem(name, None, None if pd.isna(case.column) else column,
                                    str(case.failure_case), _expected(spec, column, check)))  # fmt: skip
        if unplaced.sum() > MAX_PROBLEMS_PER_KIND:
            rest = int(unplaced.sum()) - MAX_PROBLEMS_PER_KIND
            problems.append(more_problem(name, None, None, rest, _kind_of(check)))
        at = np.sort(at[~unplaced])
        at = at[~reported.hit(column, at)]
        reported.add(column, at)

        def make(index, column=column, check=check) -> Problem:
            value = raw.frame.at[index, column] if column in raw.frame else None
            shown = "" if pd.isna(value) else str(value)
            return Problem(name, raw.line_of(index), column, shown,
                           _expected(spec, column, check, shown))  # fmt: skip

        problems += _bounded(raw, column, raw.frame.index[at], _kind_of(check), make)
    return problems


def _row_check_problems(
    raw: RawLedger, frame: pd.DataFrame, checks: list[pa.Check], reported: _Reported,
    converted: _Reported,
) -> list[Problem]:  # fmt: skip
    """The contract's row rules (date order, paired columns, outcome by body), each evaluated
    as one boolean mask: pandera would turn every failing row into a case per column."""
    problems: list[Problem] = []
    for check in checks:
        _, first, second = check.name.split(":")
        passed = check(frame).check_output
        at = np.flatnonzero(~passed.to_numpy(dtype=bool, na_value=False))
        # An unparsable cell is already reported; its pair is not at fault.
        at = at[~(converted.hit(first, at) | converted.hit(second, at) | reported.hit(second, at))]
        reported.add(second, at)
        problems += _bounded(raw, second, frame.index[at], _kind_of(check.name),
                             lambda i, c=check.name: _frame_check_problem(raw, c, i))  # fmt: skip
    return problems


def duplicate_problems(raw: RawLedger, spec: LedgerSpec, reported: _Reported) -> list[Problem]:
    """A repeated id, at each later line, naming the line of its first occurrence. Done here
    with `duplicated` rather than by pandera, whose check materialises every repeat."""
    problems: list[Problem] = []
    for column in spec.columns:
        if column.kind != "id" or column.name not in raw.frame:
            continue
        ids = raw.frame[column.name]
        filled = ids.notna().to_numpy()
        repeat = ids.duplicated(keep="first").to_numpy() & filled
        if not repeat.any():
            continue
        at = np.flatnonzero(repeat)
        at = at[~reported.hit(column.name, at)]
        reported.add(column.name, at)
        firsts = ids[filled & ~repeat]
        first_of = pd.Index(firsts.to_numpy())
        listed = ids.iloc[at[:MAX_PROBLEMS_PER_KIND]]
        first_lines = dict(
            zip(listed.index, firsts.index[first_of.get_indexer(listed)], strict=True)
        )

        def make(index, column=column.name, first_lines=first_lines) -> Problem:
            first = raw.line_of(first_lines[index])
            return Problem(str(raw.path), raw.line_of(index), column, str(raw.frame.at[index, column]),
                           f"编号重复：与第 {first} 行相同 / duplicate id, same as line {first}")  # fmt: skip

        problems += _bounded(raw, column.name, ids.index[at], DUPLICATE, make)
    return problems


def _to_typed(frame: pd.DataFrame, spec: LedgerSpec) -> pd.DataFrame:
    for column in spec.columns:
        if column.kind == "flag":
            frame[column.name] = (
                (frame[column.name] == YES).astype("boolean").where(frame[column.name].notna())
            )
    return frame


def _convert(
    raw: RawLedger, spec: LedgerSpec, frame: pd.DataFrame, converted: _Reported
) -> list[Problem]:
    """Parse dates and numbers before the schema runs, so one unparsable cell neither hides the
    other problems of its column nor stops the range and date-order checks."""
    problems = []
    for column in spec.columns:
        if column.name not in frame or column.kind not in ("date", "int", "amount"):
            continue
        text = frame[column.name]
        if column.kind == "date":
            parsed = parse_dates(text)
            bad = text.notna() & parsed.isna()
        else:
            parsed = pd.to_numeric(text, errors="coerce")
            bad = text.notna() & (parsed.isna() | parsed.isin([float("inf"), float("-inf")]))
            if column.kind == "int":
                bad |= parsed.notna() & (parsed % 1 != 0)
                parsed = parsed.where(~bad).astype("Int64")
        converted.add(column.name, np.flatnonzero(bad.to_numpy()))

        def make(index, column=column) -> Problem:
            return Problem(str(raw.path), raw.line_of(index), column.name,
                           str(raw.frame.at[index, column.name]),
                           f"应为{KIND_EXPECTED[column.kind]}")  # fmt: skip

        problems += _bounded(raw, column.name, text.index[bad.to_numpy()], UNPARSABLE, make)
        frame[column.name] = parsed.where(~bad)
    return problems


def validate_raw(raw: RawLedger, spec: LedgerSpec) -> pd.DataFrame:
    """Cells first (pandera's column checks), then the row rules, then repeated ids; a cell
    reported by an earlier step is not reported again. `spec` carries the bureau's names
    (contract.ledgers_for)."""
    schema = copy.copy(schema_of(spec))
    row_checks, schema.checks = schema.checks, []
    frame = raw.frame.copy()
    converted = _Reported(frame)
    problems = raw.problems + _convert(raw, spec, frame, converted)
    reported = _Reported(frame)
    reported.cells = {column: cells.copy() for column, cells in converted.cells.items()}
    try:
        validated = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        problems += _schema_problems(raw, spec, error, reported)
    problems += _row_check_problems(raw, frame, row_checks, reported, converted)
    problems += duplicate_problems(raw, spec, reported)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise LedgerError(problems)
    return _to_typed(validated, spec)


def load_ledger(data_dir: Path, name: str, *, keep_personal: bool = False,
                profile: BureauProfile | None = None) -> pd.DataFrame:  # fmt: skip
    """One validated ledger; personal columns are dropped unless a caller needs them. Stops when
    the folder holds several files for the ledger: which one is current is the analyst's call.
    Organisation names are checked against the bureau profile (the sample bureau's by default)."""
    spec = ledgers_for(profile)[name]
    data_dir = Path(data_dir)
    candidates = ledger_candidates(data_dir, name)
    if len(candidates) > 1:
        raise LedgerError([_several_files_problem(data_dir, name, candidates)])
    path = find_ledger_file(data_dir, name)
    if path is None:
        raise LedgerError([_missing_file_problem(data_dir, name, candidates)])
    frame = validate_raw(read_raw(path), spec)
    if not keep_personal:
        frame = frame.drop(columns=spec.personal_columns)
    return frame


def _cross_ledger_problems(
    frames: dict[str, pd.DataFrame], files: dict[str, Path]
) -> list[Problem]:
    """Every agenda topic must belong to a meeting in the meetings ledger."""
    if "meeting_topics" not in frames or "meetings" not in frames:
        return []
    topics = frames["meeting_topics"]
    orphan = topics["meeting_id"][~topics["meeting_id"].isin(frames["meetings"]["meeting_id"])]
    raw = RawLedger(files["meeting_topics"], topics)
    return _bounded(raw, "meeting_id", orphan.index, ORPHAN, lambda i: Problem(
        str(raw.path), int(i), "meeting_id", orphan[i],
        "会议台账中没有该会议编号 / no such meeting in the meetings ledger"))  # fmt: skip


def load_ledgers(data_dir: Path, names: list[str] | None = None, *,
                 keep_personal: bool = False, profile: BureauProfile | None = None) -> Ledgers:  # fmt: skip
    """All ledgers, validated together: raises one LedgerError listing every problem found.

    `profile` is the bureau whose organisation names the ledgers must use (default: the sample
    bureau). Its intake options, profile.aliases and profile.sheets, are to be handed to the
    readers here once they accept header aliases and sheet names.
    """
    profile = profile or default_profile()
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
    for name in names or list(LEDGERS):
        try:
            frames[name] = load_ledger(data_dir, name, keep_personal=keep_personal, profile=profile)
            files[name] = find_ledger_file(data_dir, name)  # type: ignore[assignment]
        except LedgerError as error:
            problems.extend(error.problems)
    problems.extend(_cross_ledger_problems(frames, files))
    if problems:
        raise LedgerError(problems)
    return Ledgers(data_dir, frames, files, profile)
