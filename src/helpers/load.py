"""Read ledger files as a Chinese case system exports them, and validate them against the contract.

Files may be UTF-8 (with or without BOM) or GB18030/GBK, with CRLF or LF line ends, or .xlsx;
all give identical frames. Every problem in every file is collected before anything is raised,
so an analyst fixes a ledger in one pass.
"""

from __future__ import annotations

import csv
import difflib
import gc
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .contract import DATE_FORMAT, KIND_EXPECTED, LEDGERS, YES, LedgerSpec, schema_for
from .errors import LedgerError, Problem

ENCODINGS = ("utf-8-sig", "gb18030")
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

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


SYNTHETIC_MARKER = "SYNTHETIC"


def is_synthetic(data_dir: Path) -> bool:
    """Sample ledgers carry a marker file; reports built from them say so on the first page."""
    return (Path(data_dir) / SYNTHETIC_MARKER).exists()


def find_ledger_file(data_dir: Path, name: str) -> Path | None:
    for suffix in (".csv", ".xlsx"):
        candidate = data_dir / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None


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
            problems.append(Problem(
                name, line, None, None,
                f"字段数为 {len(row)}，应为 {width}（与表头一致）/ {len(row)} fields, expected "
                f"{width} as in the header",
            ))  # fmt: skip
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


def _expected(spec: LedgerSpec, column: str, check: str) -> str:
    col = spec.column(column) if column in spec.column_names else None
    if check.startswith("isin") and col is not None:
        return f"应为以下之一 / expected one of: {'、'.join(col.allowed)}"
    if check.startswith("greater_than_or_equal_to") and col is not None:
        return f"不能为负数，应 ≥ {col.minimum} / must be ≥ {col.minimum}"
    if check == "not_nullable":
        return "必填项不能为空 / required, must not be empty"
    if check == "field_uniqueness":
        return "编号重复，每行编号必须唯一 / duplicate id, ids must be unique"
    if col is not None:
        return f"应为{KIND_EXPECTED[col.kind]}"
    return check


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


def _schema_problems(
    raw: RawLedger,
    spec: LedgerSpec,
    error: pa.errors.SchemaErrors,
    flagged: set[tuple[str | None, int | None]],
) -> list[Problem]:
    name = str(raw.path)
    cases = error.failure_cases
    problems: list[Problem] = []
    seen: set[tuple[object, object]] = set()
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
    for case in cases.itertuples(index=False):
        check = str(case.check)
        if check in ("column_in_dataframe", "column_in_schema") or check.startswith("dtype("):
            continue
        index = case.index
        if index is None or pd.isna(index):
            # A check that could not point at a row still must not vanish.
            column = None if pd.isna(case.column) else str(case.column)
            problem = Problem(name, None, column, str(case.failure_case),
                              _expected(spec, column or "", check))  # fmt: skip
        elif check.startswith(("date_order:", "paired:", "dispute_outcome:")):
            _, first, second = check.split(":")
            line = raw.line_of(index)
            if (first, line) in flagged or (second, line) in flagged:
                continue  # the unparsable cell is already reported; its pair is not at fault
            problem = _frame_check_problem(raw, check, index)
        else:
            column = str(case.column)
            if (column, index) in seen:
                continue
            value = raw.frame.at[index, column] if column in raw.frame else case.failure_case
            problem = Problem(name, raw.line_of(index), column,
                              "" if pd.isna(value) else str(value), _expected(spec, column, check))  # fmt: skip
        if (problem.column, index) in seen:
            continue
        seen.add((problem.column, index))
        problems.append(problem)
    problems.sort(key=lambda p: (p.line or 0, p.column or ""))
    return problems


def _to_typed(frame: pd.DataFrame, spec: LedgerSpec) -> pd.DataFrame:
    for column in spec.columns:
        if column.kind == "flag":
            frame[column.name] = (
                (frame[column.name] == YES).astype("boolean").where(frame[column.name].notna())
            )
    return frame


def _convert(raw: RawLedger, spec: LedgerSpec, frame: pd.DataFrame) -> list[Problem]:
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
        for index in text.index[bad]:
            problems.append(Problem(str(raw.path), raw.line_of(index), column.name,
                                    str(raw.frame.at[index, column.name]),
                                    f"应为{KIND_EXPECTED[column.kind]}"))  # fmt: skip
        frame[column.name] = parsed.where(~bad)
    return problems


def validate_raw(raw: RawLedger, spec: LedgerSpec) -> pd.DataFrame:
    schema = schema_for(spec.name)
    frame = raw.frame.copy()
    converted = _convert(raw, spec, frame)
    problems = raw.problems + converted
    try:
        validated = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        seen = {(p.column, p.line) for p in problems}
        flagged = {(p.column, p.line) for p in converted}
        problems += [
            p for p in _schema_problems(raw, spec, error, flagged) if (p.column, p.line) not in seen
        ]
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        raise LedgerError(problems)
    return _to_typed(validated, spec)


def load_ledger(data_dir: Path, name: str, *, keep_personal: bool = False) -> pd.DataFrame:
    """One validated ledger; personal columns are dropped unless a caller needs them."""
    spec = LEDGERS[name]
    path = find_ledger_file(Path(data_dir), name)
    if path is None:
        raise LedgerError([Problem(str(Path(data_dir) / f"{name}.csv"), None, None, None,
                                   f"缺少台账文件 {name}.csv（或 {name}.xlsx）/ ledger file "
                                   "missing")])  # fmt: skip
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
    orphan = topics[~topics["meeting_id"].isin(frames["meetings"]["meeting_id"])]
    return [
        Problem(str(files["meeting_topics"]), int(i), "meeting_id", value,
                "会议台账中没有该会议编号 / no such meeting in the meetings ledger")
        for i, value in orphan["meeting_id"].items()
    ]  # fmt: skip


def load_ledgers(data_dir: Path, names: list[str] | None = None, *,
                 keep_personal: bool = False) -> Ledgers:  # fmt: skip
    """All ledgers, validated together: raises one LedgerError listing every problem found."""
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
            frames[name] = load_ledger(data_dir, name, keep_personal=keep_personal)
            files[name] = find_ledger_file(data_dir, name)  # type: ignore[assignment]
        except LedgerError as error:
            problems.extend(error.problems)
    problems.extend(_cross_ledger_problems(frames, files))
    if problems:
        raise LedgerError(problems)
    return Ledgers(data_dir, frames, files)
