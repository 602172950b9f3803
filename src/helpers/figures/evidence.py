"""The reviewer's work paper (审核底稿, evidence.xlsx): every figure and the ledger rows behind it.

Sheet 汇总 lists each figure once; sheet 明细 lists, in long form, every row a figure counted,
with the line of the ledger file it came from and the columns the rule reads, so filtering 明细
by 编号 gives exactly the rows behind that number. Personal columns never appear. Rows beyond
Excel's limit continue on sheets 明细2, 明细3, …

Reproducible: with SOURCE_DATE_EPOCH set, the workbook's properties and every zip entry carry
that moment, so the same inputs give a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.build.provenance import sha256
from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE, COUNT, Result, Rows
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers
from helpers.memory import give_back
from helpers.render import xlsx

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included
# Ledger rows in all up to which the work paper holds every figure's rows at once; above, each
# figure is evaluated when its rows are written (twice in all) and its rows then let go.
KEEP_ROWS_BELOW = 2_000_000
REPEAT = "重复不计"  # a distinct count's later rows of an already counted key

SUMMARY_HEADER = ("编号", "名称", "数值", "单位", "上年", "变化", "口径", "来源台账", "台账文件",
                  "台账文件 SHA-256", "计入行数", "行数构成")  # fmt: skip
DETAIL_FIXED = ("编号", "角色", "台账", "行号", "记录编号", "去重键")

# Column names several ledgers share, each with its own wording; one label for the work paper.
SHARED_LABELS = {
    "received_date": "受理/接收/收到日期",
    "closed_date": "结案/办结日期",
    "result": "结果",
    "action_type": "被诉（被申请）行为类别",
    "kind": "类别",
    "meeting_date": "会议日期",
    "meeting_type": "会议类型",
}


def column_label(name: str) -> str:
    """Chinese first, then the contract's column name: 受理机构类型 body_type."""
    if name in SHARED_LABELS:
        return f"{SHARED_LABELS[name]} {name}"
    for spec in c.LEDGERS.values():
        if name in spec.column_names:
            return f"{spec.column(name).zh.split('（')[0]} {name}"
    return name


def _personal() -> set[str]:
    return {col for spec in c.LEDGERS.values() for col in spec.personal_columns}


def detail_columns(results: dict[str, Result]) -> list[str]:
    """The columns the rules read, never a personal one; the most used first, so that the rows
    of the large ledgers end early and the sheet stays small."""
    personal = _personal()
    used: dict[str, int] = {}
    for result in results.values():
        for part in result.rows:
            for col in part.columns:
                if col not in personal:
                    used[col] = used.get(col, 0) + len(part.frame)
    return sorted(used, key=lambda col: -used[col])


def _cell(value: object) -> object:
    """Dates as YYYY-MM-DD text (filterable, no time part), flags as 是/否, blanks empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return c.YES if value else c.NO
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def part_roles(part: Rows) -> pd.Series:
    """Each row's role; in a distinct count the first row of each key counts, later ones not."""
    roles = pd.Series(part.role, index=part.frame.index, dtype=object)
    if part.key is not None:
        roles[part.frame[part.key].duplicated()] = REPEAT
    return roles


def evidence_frame(
    metric_id: str, result: Result, columns: list[str] | None = None
) -> pd.DataFrame:
    """A figure's rows in the work paper's long form (what `report.evidence(id)` shows)."""
    columns = columns if columns is not None else detail_columns({metric_id: result})
    frames = []
    for part in result.rows:
        spec = c.LEDGERS[part.ledger]
        f = part.frame
        out = pd.DataFrame(
            {
                "编号": metric_id,
                "角色": part_roles(part),
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


def row_makeup(result: Result) -> str:
    counts: dict[str, int] = {}
    for part in result.rows:
        for role, n in part_roles(part).value_counts(sort=False).items():
            counts[role] = counts.get(role, 0) + int(n)
    return " + ".join(f"{role} {n}" for role, n in counts.items())


def _survey(results: Mapping[str, Result]) -> tuple[dict[str, tuple[int, str]], list[str], int]:
    """One pass over the figures: each one's rows and their make-up, the columns the rules read
    (as `detail_columns`), and the rows of 明细 in all."""
    personal = _personal()
    facts: dict[str, tuple[int, str]] = {}
    used: dict[str, int] = {}
    lazy = isinstance(results, catalogue.Evaluated)
    for metric_id, result in results.items():
        facts[metric_id] = (sum(len(p.frame) for p in result.rows), row_makeup(result))
        for part in result.rows:
            for col in part.columns:
                if col not in personal:
                    used[col] = used.get(col, 0) + len(part.frame)
        if lazy:
            del result
            give_back()  # the figure's rows and the copies its rule made
    total = sum(rows for rows, _ in facts.values())
    return facts, sorted(used, key=lambda col: -used[col]), total


def summary_records(stats: dict, results: Mapping[str, Result], ledgers: Ledgers,
                    facts: dict[str, tuple[int, str]] | None = None) -> list[list]:  # fmt: skip
    facts = facts if facts is not None else _survey(results)[0]
    hashes = {name: sha256(path) for name, path in ledgers.files.items()}
    rows = []
    for metric_id, entry in stats["metrics"].items():
        metric = CATALOGUE[metric_id]
        result = facts.get(metric_id)
        files = [ledgers.files[name].name for name in metric.ledgers if name in ledgers.files]
        change = entry["change"]
        rows.append([
            metric_id, entry["name"], _cell(entry["value"]), entry["unit"],
            _cell(entry["previous"]), _cell(change), entry["definition"],
            "人工填报（参数文件）" if metric.is_manual else "、".join(metric.ledgers),
            "\n".join(files), "\n".join(hashes[n] for n in metric.ledgers if n in hashes),
            result[0] if result else None,
            result[1] if result else "",
        ])  # fmt: skip
    return rows


def counted_rows(result: Result) -> int:
    """Rows of 明细 that carry the role 计数 (a distinct count's repeats excluded)."""
    return sum(int((part_roles(p) == COUNT).sum()) for p in result.rows)


def _moment() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def write_workbook(path: Path, stats: dict, results: Mapping[str, Result], ledgers: Ledgers,
                   *, max_rows: int = EXCEL_MAX_ROWS) -> dict[str, int]:  # fmt: skip
    """Write evidence.xlsx; returns the data rows written per sheet."""
    book = xlsx.Book(f"{stats['year']} 年度法治政府建设情况报告审核底稿", _moment())
    # One pass to learn the sheets' shape, one to write their rows: `results` may evaluate each
    # figure when asked (catalogue.Evaluated), so that only one figure's rows are held at a time.
    facts, columns, total = _survey(results)
    summary = pd.DataFrame(summary_records(stats, results, ledgers, facts),
                           columns=list(SUMMARY_HEADER))  # fmt: skip
    written = {"汇总": book.add_sheet("汇总", list(SUMMARY_HEADER), book.rows(summary),
                                      [38, 30, 10, 6, 10, 8, 60, 24, 24, 66, 10, 24])}  # fmt: skip
    header = [*DETAIL_FIXED, *(column_label(col) for col in columns)]
    widths = [38, 8, 20, 8, 14, 16] + [14] * len(columns)
    per_sheet = max_rows - 1
    # Rows are made a block at a time while the file is written, never all at once: at a
    # hundred times the sample's volume 明细 runs to millions of rows over many sheets.
    rows = _Rows(_detail_blocks(book, results, columns))
    for n, start in enumerate(range(0, max(total, 1), per_sheet), start=1):
        name = "明细" if n == 1 else f"明细{n}"
        count = min(per_sheet, total - start) if total else 0
        book.add_sheet_stream(name, header, count, rows.take(count), widths)
        written[name] = count
    book.save(path)
    return written


# Rows of one part turned into XML at a time.
DETAIL_BLOCK = 100_000


class _Rows:
    """Row XML from consecutive blocks, handed out sheet by sheet."""

    def __init__(self, blocks: Iterator[pa.Array]):
        self.blocks = blocks
        self.left: pa.Array = pa.array([], type=pa.string())

    def take(self, count: int) -> Iterator[pa.Array]:
        while count > 0:
            if not len(self.left):
                self.left = next(self.blocks)
                continue
            part, self.left = self.left[:count], self.left[count:]
            count -= len(part)
            yield part


def _detail_blocks(
    book: xlsx.Book, results: Mapping[str, Result], columns: list[str]
) -> Iterator[pa.Array]:
    lazy = isinstance(results, catalogue.Evaluated)
    for metric_id, result in results.items():
        for part in result.rows:
            if part.frame.empty:
                continue
            roles = part_roles(part).reset_index(drop=True)
            for start in range(0, len(part.frame), DETAIL_BLOCK):
                yield _detail_rows(
                    book, metric_id, part, columns, roles, start, start + DETAIL_BLOCK
                )
        if lazy:  # the figure's rows are let go before the next figure is evaluated
            result = part = roles = None
            give_back()


def _detail_rows(book: xlsx.Book, metric_id: str, part: Rows, columns: list[str],
                 roles: pd.Series, start: int, stop: int) -> pa.Array:  # fmt: skip
    """Rows start:stop of one part as row XML: the fixed columns, then its own columns in their
    places of the work paper's column list (the others left empty), never a personal column."""
    f = part.frame.iloc[start:stop]
    spec = c.LEDGERS[part.ledger]
    n = len(f)
    empty = pa.array(["<c/>"] * n, type=pa.string()) if n else pa.array([], type=pa.string())
    fixed = [
        book.cells(pd.Series([metric_id] * n, dtype=object)),
        book.cells(roles.iloc[start:stop].reset_index(drop=True)),
        book.cells(pd.Series([part.ledger] * n, dtype=object)),
        book.cells(pd.Series(f.index.astype(np.int64))),
        book.cells(f[spec.key].reset_index(drop=True)),
        book.cells(f[part.key].reset_index(drop=True)) if part.key else empty,
    ]
    own = [col for col in columns if col in part.columns and col in f]
    last = max((columns.index(col) for col in own), default=-1)
    tail = [
        book.cells(f[col].reset_index(drop=True)) if col in own else empty
        for col in columns[: last + 1]
    ]
    return xlsx.row_xml([*fixed, *tail], n)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the work paper shows them: dates as YYYY-MM-DD text (filterable, no time part),
    flags as 是/否, numbers as numbers, blanks empty."""
    out = {}
    for name, col in frame.items():
        if pd.api.types.is_datetime64_any_dtype(col):
            out[name] = col.dt.strftime("%Y-%m-%d").astype(object).where(col.notna(), None)
        elif pd.api.types.is_bool_dtype(col):
            out[name] = col.map({True: c.YES, False: c.NO}).astype(object).where(col.notna(), None)
        else:
            out[name] = col.astype(object).where(col.notna(), None)
    return pd.DataFrame(out, index=frame.index)


def write_evidence(path: Path, stats: dict, ledgers: Ledgers) -> dict[str, int]:
    """The year's work paper, from the same rules that computed `stats`."""
    report = stats.get("report", catalogue.RULE_OF_LAW)
    if sum(len(frame) for frame in ledgers.frames.values()) > KEEP_ROWS_BELOW:
        # Millions of rows: each figure is evaluated twice rather than all held at once.
        results: Mapping[str, Result] = catalogue.Evaluated(ledgers, stats["year"], report)
    else:
        results = catalogue.evaluate(ledgers, stats["year"], report)
    return write_workbook(path, stats, results, ledgers)
