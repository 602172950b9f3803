"""The reviewer's work paper (审核底稿, evidence.xlsx): every figure and the ledger rows behind it.

Sheet 汇总 lists each figure once: its value, 上年 and how that was obtained (ledger figures are
recomputed from today's ledgers by the same rule: 按本次台账重新计算), the change and its unit (a
rate's in 个百分点), the rows it counted, and a link to its first row. Each ledger then has a sheet
of its own (named as the ledger, 欠薪线索台账) with the columns the figures read from it and no
other, in the contract's order: a row per record and figure (a figure's rows together, so its
link lands on them), the record's values read from the ledger, and a column per role (计数, 分子,
分母, 合计) marked 是 where the record plays it. Filtering by 编号 thus gives a rate's denominator
rows with its numerator's marked; a distinct count's later rows of a key already counted are
marked 重复不计. Dates are date cells (Excel's date filter works), amounts numbers in 元 as the
ledgers hold them. The rows behind every 上年 follow on sheets of their own (欠薪线索台账（上年）,
roles 上年计数 …). A rule's rows of one year are written once: a trend's earlier point has the
rows of its figure's 上年 (or of the point before), and its 明细位置 names and links that block.
Personal columns never appear. Rows beyond Excel's limit continue on sheets numbered on
(欠薪线索台账2, …). The rows are the figures' own (figures.evidence has them in long form, for the
notebook); this module lays them out as a workbook, an output beside the editions.

Reproducible: with SOURCE_DATE_EPOCH set, the workbook's properties and every zip entry carry
that moment, so the same inputs give a byte-identical file, whether the figures were kept or
evaluated as their rows were written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.figures import catalogue
from helpers.figures.catalogue import (
    CATALOGUE,
    COUNT,
    DENOMINATOR,
    NUMERATOR,
    REPEAT,
    SUMMED,
    Result,
    Rows,
)
from helpers.figures.evidence import personal_names
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers
from helpers.memory import give_back
from helpers.provenance import sha256
from helpers.render import xlsx

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included
# Ledger rows in all up to which the work paper holds every figure's rows at once; above, each
# figure is evaluated when its rows are written (twice a year in all) and its rows then let go.
KEEP_ROWS_BELOW = 2_000_000
MARK = "是"  # the record plays the column's role
ROLES = (COUNT, NUMERATOR, DENOMINATOR, SUMMED)
LAST_YEAR = "上年"
RECOMPUTED = "按本次台账重新计算"

SUMMARY_HEADER = ("编号", "名称", "数值", "单位", "上年", "变化", "变化单位", "上年来源", "口径",
                  "来源台账", "台账文件", "台账文件 SHA-256", "计入行数", "行数构成", "明细位置",
                  "上年计入行数", "上年行数构成", "上年明细位置")  # fmt: skip
SUMMARY_WIDTHS = [38, 30, 10, 6, 10, 8, 10, 30, 60, 24, 24, 66, 10, 24, 36, 10, 24, 36]
SHEET_FIXED = ("编号", "行号", "记录编号")
KEY_HEADER = "去重键"

# Column names several ledgers share, each with its own wording; one label outside its ledger.
SHARED_LABELS = {
    "received_date": "受理/接收/收到日期",
    "closed_date": "结案/办结日期",
    "result": "结果",
    "action_type": "被诉（被申请）行为类别",
    "kind": "类别",
    "meeting_date": "会议日期",
    "meeting_type": "会议类型",
}


def _zh(spec: c.LedgerSpec, name: str) -> str:
    return spec.column(name).zh.split("（")[0]


def column_label(name: str, ledger: str | None = None, *, in_wan: bool = False) -> str:
    """Chinese first, then the contract's column name: 受理机构类型 body_type. On a ledger's own
    sheet its own wording; an amount says its unit (the ledgers hold 元), and that the figure
    adding it up is stated in 万元 where one is: 追回金额（元；指标以万元计） amount_recovered."""
    spec = c.LEDGERS.get(ledger) if ledger else None
    if spec is not None and name in spec.column_names:
        owner: c.LedgerSpec | None = spec
    else:
        owner = next((s for s in (c.LEDGERS | c.LOCAL_LEDGERS).values() if name in s.column_names),
                     None)  # fmt: skip
    if owner is None:
        return name
    zh = SHARED_LABELS[name] if owner is not spec and name in SHARED_LABELS else _zh(owner, name)
    if owner.column(name).kind == "amount":
        zh += "（元；指标以万元计）" if in_wan else "（元）"
    return f"{zh} {name}"


def _cell(value: object) -> object:
    """A 汇总 cell: flags as 是/否, numpy scalars as Python's, blanks empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, bool):
        return c.YES if value else c.NO
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# -- the layout: which ledger sheet holds which figure's rows, and where ----------------------


def _by_ledger(result: Result) -> dict[str, list[Rows]]:
    """A figure's non-empty parts, by ledger in the order the rule gave them."""
    out: dict[str, list[Rows]] = {}
    for part in result.rows:
        if not part.frame.empty:
            out.setdefault(part.ledger, []).append(part)
    return out


def _lines(parts: list[Rows]) -> pd.Index:
    """The ledger lines of a figure's parts on one ledger, each once (a rate's numerator rows
    are among its denominator's)."""
    largest, *others = sorted(parts, key=lambda p: -len(p.frame))
    lines = largest.frame.index
    for part in others:
        if not part.frame.index.isin(lines).all():
            lines = lines.union(part.frame.index)
    return lines


@dataclass
class _Sheet:
    """One ledger's rows behind the figures of one year: the roles, the columns read (never a
    personal one), and each figure's row count in the order the rows are written."""

    ledger: str
    roles: set[str] = field(default_factory=set)
    keyed: bool = False
    columns: dict[str, None] = field(default_factory=dict)
    in_wan: set[str] = field(default_factory=set)  # amounts a 万元 figure adds up
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.figures.values())

    def ordered_roles(self) -> list[str]:
        return [role for role in ROLES if role in self.roles]

    def ordered_columns(self) -> list[str]:
        """The ledger's own columns in the contract's order, then any a join brought along."""
        own = c.LEDGERS[self.ledger].column_names
        return [col for col in own if col in self.columns] + [
            col for col in self.columns if col not in own
        ]


@dataclass
class _Layout:
    sheets: dict[str, _Sheet]  # by ledger, in the contract's order
    makeup: dict[str, str]  # each figure's 行数构成
    rows: dict[str, int]  # each figure's rows on the ledger sheets


def _survey(results: Mapping[str, Result]) -> _Layout:
    """One pass over the figures: the sheets' shape and each figure's rows, before any is
    written (汇总, written first, links to them)."""
    personal = personal_names()
    sheets: dict[str, _Sheet] = {}
    makeup: dict[str, str] = {}
    rows: dict[str, int] = {}
    lazy = _lazy(results)
    for metric_id, result in results.items():
        makeup[metric_id] = result.makeup()
        rows[metric_id] = 0
        for ledger, parts in _by_ledger(result).items():
            sheet = sheets.setdefault(ledger, _Sheet(ledger))
            count = len(_lines(parts))
            sheet.figures[metric_id] = count
            rows[metric_id] += count
            for part in parts:
                sheet.roles.add(part.role)
                sheet.keyed |= part.key is not None and part.key not in personal
                sheet.columns.update(dict.fromkeys(
                    col for col in part.columns if col not in personal and col in part.frame
                ))  # fmt: skip
                if part.summed and CATALOGUE[metric_id].unit == "万元":
                    sheet.in_wan.add(part.summed)
        if lazy:
            del result
            _give_back_after(metric_id, results)  # the figure's rows and the copies its rule made
    order = [*c.LEDGERS, *c.LOCAL_LEDGERS]
    return _Layout({k: sheets[k] for k in sorted(sheets, key=order.index)}, makeup, rows)


def sheet_names(base: str, rows: int, per_sheet: int) -> list[str]:
    """A ledger's sheet, then its continuations past Excel's row limit: 台账, 台账2, 台账3, …"""
    return [base if n == 1 else f"{base}{n}" for n in range(1, -(-max(rows, 1) // per_sheet) + 1)]


def _base_name(ledger: str, last_year: bool) -> str:
    name = c.LEDGERS[ledger].zh
    for char in "[]:*?/\\":
        name = name.replace(char, "、")
    return f"{name[:25]}（{LAST_YEAR}）" if last_year else name[:29]


@dataclass
class _Placed:
    """Where each figure's rows are: per ledger, (sheet, first row, last row) spans."""

    names: dict[str, list[str]]  # the sheets of each ledger
    spans: dict[str, list[tuple[str, int, str, int]]]  # id → (sheet, row, last sheet, row)

    def first(self, metric_id: str) -> tuple[str, int] | None:
        spans = self.spans.get(metric_id)
        return (spans[0][0], spans[0][1]) if spans else None

    def where(self, metric_id: str) -> str:
        texts = []
        for sheet, row, last_sheet, last in self.spans.get(metric_id, []):
            if sheet == last_sheet:
                texts.append(f"{sheet} 第 {row}–{last} 行")
            else:
                texts.append(f"{sheet} 第 {row} 行至 {last_sheet} 第 {last} 行")
        return "；".join(texts) if texts else "无（计入 0 行）"


def _place(layout: _Layout, last_year: bool, per_sheet: int) -> _Placed:
    names: dict[str, list[str]] = {}
    spans: dict[str, list[tuple[str, int, str, int]]] = {}
    for ledger, sheet in layout.sheets.items():
        names[ledger] = sheet_names(_base_name(ledger, last_year), sheet.total, per_sheet)
        offset = 0
        for metric_id, count in sheet.figures.items():
            first, last = divmod(offset, per_sheet), divmod(offset + count - 1, per_sheet)
            spans.setdefault(metric_id, []).append(
                (names[ledger][first[0]], first[1] + 2, names[ledger][last[0]], last[1] + 2)
            )
            offset += count
    return _Placed(names, spans)


# -- 汇总 --------------------------------------------------------------------------------------


def _own_year(metric: catalogue.Metric, year: int) -> int:
    """The year a figure states: the report's, or a trend point's own (`<id>@2020`)."""
    own = getattr(metric, "year", None)
    return year if own is None else own


def change_unit(unit: str, change: object) -> str | None:
    """The unit a change is stated in: a rate's difference is in 百分点, not %."""
    if change is None:
        return None
    return {"%": "个百分点", "比 1": "（比值之差）"}.get(unit, unit)


def previous_source(metric: catalogue.Metric, entry: dict, year: int, ledgers: Ledgers) -> str:
    """How 上年 was obtained: ledger figures are recomputed from today's ledgers with the same
    rule (catalogue.compute), manual ones come from last year's params file."""
    last = _own_year(metric, year) - 1
    if metric.is_manual:
        if entry["previous"] is None:
            return f"{last} 年参数文件未填报，不比较"
        return f"{last} 年参数文件（人工填报）"
    if entry["previous"] is not None:
        return f"{RECOMPUTED}（{last} 年，同一口径）"
    if not catalogue.covers(ledgers, metric, last):
        return f"台账未完整覆盖 {last} 年，不比较"
    if metric.unit in ("%", "比 1"):
        return f"{RECOMPUTED}（{last} 年）：分母为 0，无法计算"
    return f"{RECOMPUTED}（{last} 年）：无数值"


# -- rows shared: a rule's rows of one year are written once ----------------------------------


def _block_key(metric_id: str, year: int, last_year: bool) -> tuple[object, int]:
    """A figure's rows are its rule's for one year: `<id>@2020` in a 2021 report has the rows
    of `<id>`'s 上年, and `<id>@2020`'s 上年 the rows of `<id>@2019`."""
    metric = CATALOGUE[metric_id]
    return (metric.rule, _own_year(metric, year) - (1 if last_year else 0))


@dataclass
class _Shared:
    """Figures whose rows another figure's block already holds: id → (on a 上年 sheet?, the
    figure whose block it is), for this year's sheets and for the 上年 sheets."""

    now: dict[str, tuple[bool, str]]
    then: dict[str, tuple[bool, str]]


def _share(year: int, now_ids: list[str], then_ids: list[str]) -> _Shared:
    owners: dict[tuple[bool, tuple[object, int]], str] = {}

    def owner(metric_id: str, last_year: bool) -> tuple[bool, str] | None:
        key = _block_key(metric_id, year, last_year)
        for side in (True, False):
            if (side, key) in owners:
                return side, owners[side, key]
        owners[last_year, key] = metric_id
        return None

    # The 上年 blocks of the report year's own figures first: a trend's last-year point then
    # points at its figure's 上年 rows rather than repeating them.
    then = {id: o for id in then_ids if CATALOGUE[id].year is None
            if (o := owner(id, True)) is not None}  # fmt: skip
    now = {id: o for id in now_ids if (o := owner(id, False)) is not None}
    then |= {id: o for id in then_ids if CATALOGUE[id].year is not None
             if (o := owner(id, True)) is not None}  # fmt: skip
    return _Shared(now, then)


class _Only(Mapping[str, Result]):
    """Some of the figures of `results`, as lazy as `results` is."""

    def __init__(self, results: Mapping[str, Result], ids: list[str]):
        self.results, self.ids = results, ids
        self.L = getattr(results, "L", None)

    def __getitem__(self, metric_id: str) -> Result:
        if metric_id not in self.ids:
            raise KeyError(metric_id)
        return self.results[metric_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _without(results: Mapping[str, Result], shared: dict[str, tuple[bool, str]]):
    ids = [id for id in results if id not in shared]
    return _Only(results, ids) if _lazy(results) else {id: results[id] for id in ids}


@dataclass
class _Where:
    """Both years' layouts and places, and the figures whose rows stand in another's block."""

    now: _Layout
    then: _Layout
    here: _Placed
    before: _Placed
    shared: _Shared

    def block(self, metric_id: str, last_year: bool) -> tuple[_Layout, _Placed, str] | None:
        """The layout, places and id of the block holding a figure's rows (or its 上年's)."""
        owner = (self.shared.then if last_year else self.shared.now).get(metric_id)
        side, id = owner if owner is not None else (last_year, metric_id)
        layout, placed = (self.then, self.before) if side else (self.now, self.here)
        return (layout, placed, id) if id in layout.makeup else None

    def cells(self, metric_id: str, last_year: bool) -> list[object]:
        """计入行数, 行数构成 and 明细位置 (or their 上年 columns)."""
        found = self.block(metric_id, last_year)
        if found is None:
            return [None, "", None]
        layout, placed, id = found
        where = placed.where(id)
        if id != metric_id or found[0] is not (self.then if last_year else self.now):
            where += f"（即 {id} {'的上年' if layout is self.then else ''}的明细）"
        return [layout.rows[id], layout.makeup[id], where]

    def first(self, metric_id: str, last_year: bool) -> tuple[str, int] | None:
        found = self.block(metric_id, last_year)
        return None if found is None else found[1].first(found[2])


def summary_records(stats: dict, ledgers: Ledgers, where: _Where) -> list[list]:
    hashes = {name: sha256(path) for name, path in ledgers.files.items()}
    rows = []
    for metric_id, entry in stats["metrics"].items():
        metric = CATALOGUE[metric_id]
        files = [ledgers.files[name].name for name in metric.ledgers if name in ledgers.files]
        rows.append([
            metric_id, entry["name"], _cell(entry["value"]), entry["unit"],
            _cell(entry["previous"]), _cell(entry["change"]),
            change_unit(entry["unit"], entry["change"]),
            previous_source(metric, entry, stats["year"], ledgers), entry["definition"],
            "人工填报（参数文件）" if metric.is_manual else "、".join(metric.ledgers),
            "\n".join(files), "\n".join(hashes[n] for n in metric.ledgers if n in hashes),
            *where.cells(metric_id, False),
            *(where.cells(metric_id, True) if entry["previous"] is not None else [None, "", None]),
        ])  # fmt: skip
    return rows


def _summary_sheet(book: xlsx.Book, records: list[list], where: _Where) -> None:
    """汇总, its 明细位置 and 上年明细位置 linked to the first row of the figure's block."""
    frame = pd.DataFrame(records, columns=list(SUMMARY_HEADER))
    columns = {name: book.cells(col.astype(object)) for name, col in frame.items()}
    targets = {name: [where.first(metric_id, last) if frame.at[n, name] is not None else None
                      for n, metric_id in enumerate(frame["编号"])]
               for name, last in (("明细位置", False), ("上年明细位置", True))}  # fmt: skip
    for name, places in targets.items():
        linked = pa.array([place is not None for place in places], type=pa.bool_())
        columns[name] = pc.if_else(linked, xlsx.styled(columns[name], xlsx.LINK), columns[name])
    letters = {name: xlsx.column_letter(SUMMARY_HEADER.index(name) + 1) for name in targets}
    links = [
        (f"{letters[name]}{n + 2}", f"'{place[0].replace(QUOTE, QUOTE * 2)}'!A{place[1]}")
        for n in range(len(frame))
        for name, places in targets.items()
        if (place := places[n]) is not None
    ]
    rows = xlsx.row_xml(list(columns.values()), len(frame))
    book.add_sheet("汇总", list(SUMMARY_HEADER), rows, SUMMARY_WIDTHS, links)


QUOTE = "'"  # doubled inside a quoted sheet name of a link


# -- the ledger sheets -------------------------------------------------------------------------


def _moment() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class LastYear(Mapping[str, Result]):
    """The rows behind each 上年 value, as catalogue.compute got it: each figure's rule for the
    year before its own (a trend's `<id>@2020` → 2019). Lazy as catalogue.Evaluated: each
    figure evaluated when asked for and not kept."""

    def __init__(self, L: Ledgers, year: int, ids: list[str]):
        self.L, self.year, self.ids = L, year, ids

    def __getitem__(self, metric_id: str) -> Result:
        if metric_id not in self.ids:
            raise KeyError(metric_id)
        metric = CATALOGUE[metric_id]
        return metric.rule(self.L, _own_year(metric, self.year) - 1)  # type: ignore[misc]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _lazy(results: Mapping[str, Result]) -> bool:
    if isinstance(results, _Only):
        return _lazy(results.results)
    return isinstance(results, (catalogue.Evaluated, LastYear))


# Ledger rows from which a figure's evaluation is worth giving memory back after: a full
# collection costs about 40 ms whatever the figure, hundreds of figures take tens of seconds.
GIVE_BACK_ABOVE = 500_000


def _give_back_after(metric_id: str, results: Mapping[str, Result]) -> None:
    L: Ledgers = results.L  # type: ignore[attr-defined]
    if any(len(L[name]) > GIVE_BACK_ABOVE for name in CATALOGUE[metric_id].ledgers):
        give_back()


def _with_previous(stats: dict, ids: Iterable[str]) -> list[str]:
    """The figures among `ids` whose previous value stats holds: those with rows of last year."""
    metrics = stats["metrics"]
    return [i for i in ids if metrics.get(i, {}).get("previous") is not None]


def last_year_results(stats: dict, results: Mapping[str, Result],
                      ledgers: Ledgers) -> Mapping[str, Result]:  # fmt: skip
    """The figures of `results` whose previous value stats holds, for the year before: kept
    (a dict) or lazy (`LastYear`) as `results` is."""
    earlier = LastYear(ledgers, stats["year"], _with_previous(stats, results))
    return earlier if _lazy(results) else dict(earlier.items())


def write_workbook(path: Path, stats: dict, results: Mapping[str, Result], ledgers: Ledgers,
                   *, previous: Mapping[str, Result] | None = None,
                   max_rows: int = EXCEL_MAX_ROWS) -> dict[str, int]:  # fmt: skip
    """Write evidence.xlsx; returns the data rows written per sheet. `previous` holds the
    figures of the year before (default: `last_year_results`)."""
    if previous is None:
        previous = last_year_results(stats, results, ledgers)
    book = xlsx.Book(f"{stats['year']} 年度法治政府建设情况报告审核底稿", _moment())
    # One pass to learn the sheets' shape, one to write their rows: `results` may evaluate each
    # figure when asked (catalogue.Evaluated), so that only one figure's rows are held at a time.
    # A rule's rows of one year are written once: a trend's earlier points are the rows of
    # their figure's 上年, or of the point before.
    shared = _share(stats["year"], list(results), list(previous))
    results, previous = _without(results, shared.now), _without(previous, shared.then)
    now, then = _survey(results), _survey(previous)
    per_sheet = max_rows - 1
    here, before = _place(now, False, per_sheet), _place(then, True, per_sheet)
    where = _Where(now, then, here, before, shared)
    _summary_sheet(book, summary_records(stats, ledgers, where), where)
    written = {"汇总": len(stats["metrics"])}
    for layout, placed, figures, prefix in ((now, here, results, ""),
                                            (then, before, previous, LAST_YEAR)):  # fmt: skip
        for ledger, sheet in layout.sheets.items():
            header, widths = _header(sheet, prefix)
            # Rows are made a block at a time while the file is written, never all at once: at
            # a hundred times the sample's volume a ledger runs to millions of rows.
            rows = _Rows(_sheet_blocks(book, sheet, figures, ledgers))
            for n, name in enumerate(placed.names[ledger]):
                count = min(per_sheet, sheet.total - n * per_sheet)
                book.add_sheet_stream(name, header, count, rows.take(count), widths)
                written[name] = count
    book.save(path)
    return written


def _header(sheet: _Sheet, prefix: str) -> tuple[list[str], list[float]]:
    columns = sheet.ordered_columns()
    header = [*SHEET_FIXED, *(prefix + role for role in sheet.ordered_roles()),
              *([KEY_HEADER] if sheet.keyed else []),
              *(column_label(col, sheet.ledger, in_wan=col in sheet.in_wan) for col in columns)]  # fmt: skip
    widths = [38, 8, 18, *([8] * len(sheet.roles)), *([16] * sheet.keyed), *([16] * len(columns))]
    return header, widths


# Rows of one figure turned into XML at a time.
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


def _sheet_blocks(book: xlsx.Book, sheet: _Sheet, results: Mapping[str, Result],
                  ledgers: Ledgers) -> Iterator[pa.Array]:  # fmt: skip
    lazy = _lazy(results)
    # Every figure's rows at hand: each record's cells are made once for the sheet and taken for
    # each figure it counts in (a case counts in a dozen figures). Lazily, made block by block.
    records = _Records(book, sheet, ledgers[sheet.ledger], keep=not lazy)
    for metric_id in sheet.figures:
        # A figure over several ledgers is evaluated again for each in the lazy path.
        rows = _Merged(_by_ledger(results[metric_id])[sheet.ledger], sheet)
        for start in range(0, len(rows.lines), DETAIL_BLOCK):
            yield rows.xml(book, records, metric_id, start, start + DETAIL_BLOCK)
        if lazy:  # the figure's rows are let go before the next figure is evaluated
            rows = None  # type: ignore[assignment]
            _give_back_after(metric_id, results)


class _Records:
    """The cells of ledger records as a sheet shows them, read from the ledger itself: its line
    and record number (head) and the ledger's columns the sheet shows (tail).

    Kept, each record's cells are made when it first appears and then taken: the records new to
    a block are made in the block's order, so the shared strings are numbered as when every
    block is made anew (the lazy path), and both paths give the same bytes."""

    def __init__(self, book: xlsx.Book, sheet: _Sheet, frame: pd.DataFrame, *, keep: bool):
        self.book, self.frame = book, frame
        self.key = c.LEDGERS[sheet.ledger].key
        self.columns = [col for col in sheet.ordered_columns() if col in frame.columns]
        self.at: np.ndarray | None = None  # line → place among the kept records, -1 if none
        if keep and len(frame):
            self.at = np.full(int(frame.index.max()) + 1, -1, dtype=np.int64)
        self.kept: list[list[pa.Array]] = []
        self.made: list[list[pa.Array]] = []  # made since the last take

    def _make(self, lines: np.ndarray) -> list[pa.Array]:
        rows = self.frame.loc[lines, [self.key, *self.columns]].reset_index(drop=True)
        head = pc.binary_join_element_wise(
            self.book.cells(pd.Series(lines)), self.book.cells(rows[self.key]), ""
        )
        tail = [self.book.cells(rows[col]) for col in self.columns]
        if len(tail) > 1:
            tail = [pc.binary_join_element_wise(*tail, "")]
        return [head, *tail]

    def cells(self, lines: np.ndarray) -> list[pa.Array]:
        if self.at is None:
            return self._make(lines)
        new = lines[self.at[lines] < 0]
        if len(new):
            count = sum(len(made[0]) for made in self.kept + self.made)
            self.made.append(self._make(new))
            self.at[new] = np.arange(count, count + len(new))
        if self.made:
            self.kept = [[pa.concat_arrays(list(column)) for column in
                          zip(*self.kept, *self.made, strict=True)]]  # fmt: skip
            self.made = []
        at = pa.array(self.at[lines])
        return [column.take(at) for column in self.kept[0]]


def _gather(series: list[pd.Series], lines: pd.Index) -> pd.Series | None:
    """One column over `lines` from the parts that hold it (the same ledger row in each)."""
    if not series:
        return None
    for one in series:
        if one.index.equals(lines):
            return one
    joined = pd.concat(series) if len(series) > 1 else series[0]
    if len(series) > 1:
        joined = joined[~joined.index.duplicated()]
    return joined.reindex(lines)


class _Merged:
    """A figure's rows on one ledger, a row per record: the roles it plays (是, or 重复不计),
    its distinct key, and the columns a join brought from another ledger."""

    def __init__(self, parts: list[Rows], sheet: _Sheet):
        self.lines = lines = _lines(parts)
        # Per role: None where no part plays it, True where every row plays it, else a code per
        # row (0 blank, 1 是, 2 重复不计).
        self.roles: list[np.ndarray | bool | None] = []
        for role in sheet.ordered_roles():
            playing = [p for p in parts if p.role == role]
            if not playing:
                self.roles.append(None)
            elif (len(playing) == 1 and playing[0].key is None
                  and playing[0].frame.index.equals(lines)):  # fmt: skip
                self.roles.append(True)
            else:
                code = np.zeros(len(lines), dtype=np.int8)
                for p in playing:
                    at = lines.get_indexer(p.frame.index)
                    mark = np.ones(len(at), dtype=np.int8)
                    if p.key is not None:
                        mark[p.frame[p.key].duplicated().to_numpy()] = 2
                    keep = code[at] == 0  # a row another part marked keeps its mark
                    code[at[keep]] = mark[keep]
                self.roles.append(code)
        self.key = (_gather([p.frame[p.key] for p in parts if p.key], lines)
                    if sheet.keyed else None)  # fmt: skip
        own = c.LEDGERS[sheet.ledger].column_names
        self.foreign = [
            _gather([p.frame[col] for p in parts if col in p.columns and col in p.frame], lines)
            for col in sheet.ordered_columns() if col not in own
        ]  # fmt: skip

    def xml(self, book: xlsx.Book, records: _Records, metric_id: str,
            start: int, stop: int) -> pa.Array:  # fmt: skip
        """Rows start:stop as row XML, never a personal column."""
        lines = self.lines[start:stop]
        marks = pa.array(["<c/>", book.constant(MARK, 1)[0].as_py(),
                          book.constant(REPEAT, 1)[0].as_py()])  # fmt: skip
        head, *tail = records.cells(lines.to_numpy(np.int64))
        pieces: list[pa.Array | str] = [f"<row>{book.constant(metric_id, 1)[0].as_py()}", head]
        for code in self.roles:
            if code is None:
                pieces.append("<c/>")
            elif code is True:
                pieces.append(marks[1].as_py())
            else:
                pieces.append(marks.take(pa.array(code[start:stop])))
        if self.key is not None:
            pieces.append(book.cells(self.key.iloc[start:stop].reset_index(drop=True)))
        pieces += tail
        for col in self.foreign:
            pieces.append("<c/>" if col is None
                          else book.cells(col.iloc[start:stop].reset_index(drop=True)))  # fmt: skip
        pieces.append("</row>")
        return pc.binary_join_element_wise(*pieces, "")


def write_evidence(path: Path, stats: dict, ledgers: Ledgers,
                   kept: catalogue.Kept | None = None) -> dict[str, int]:  # fmt: skip
    """The year's work paper, from the same rules that computed `stats`; with `kept` (what
    `catalogue.compute` ran, see there), from their very results rather than running them
    again."""
    report = stats.get("report", catalogue.RULE_OF_LAW)
    if kept is not None:
        results = _kept_results(kept, ledgers, stats["year"], report)
        earlier = _kept_results(kept, ledgers, stats["year"], report, last_year=True)
        previous = {i: earlier[i] for i in _with_previous(stats, results)}
        return write_workbook(path, stats, results, ledgers, previous=previous)
    if ledgers.rows > KEEP_ROWS_BELOW:
        # Millions of rows: each figure is evaluated twice rather than all held at once.
        results: Mapping[str, Result] = catalogue.Evaluated(ledgers, stats["year"], report)
    else:
        results = catalogue.evaluate(ledgers, stats["year"], report)
    return write_workbook(path, stats, results, ledgers)


def _kept_results(kept: catalogue.Kept, ledgers: Ledgers, year: int, report: str,
                  last_year: bool = False) -> dict[str, Result]:  # fmt: skip
    """The results `catalogue.evaluate` (or, last year's, `LastYear`) would give, from `kept`:
    each ledger figure's rule in its own year (or the year before, where compute ran it)."""
    out = {}
    for metric in catalogue.figures_for(ledgers, year, report):
        if metric.is_manual:
            continue
        key = (metric.rule, _own_year(metric, year) - (1 if last_year else 0))
        if key in kept:
            out[metric.id] = kept[key]
    return out
