"""The disclosure report's three tables as the national format draws them, and the checks the
format implies.

A table is a grid of cells: label cells (th, may span rows and columns) and figure cells (td,
one metric each). The HTML written here carries the spans and each figure's `data-metric`; the
PDF and the Word edition are set from that HTML (helpers.render.typeset), so all three draw the same
grid. stats.json holds the same tables as rows × columns (figures.disclosure.stats_tables).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from helpers.figures.catalogue import CATALOGUE, ledger_years
from helpers.figures.disclosure import (
    CHALLENGE_COLUMNS,
    CHALLENGE_ROWS,
    PROACTIVE_ROWS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    RESULT_ROWS,
    metric_id,
)
from helpers.ledgers import contract as c
from helpers.report.document import year_figures
from helpers.report.narrative import Figure, fig


@dataclass(frozen=True)
class Label:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Value:
    metric: str
    colspan: int = 1


GridRow = list[Label | Value]


@dataclass(frozen=True)
class Grid:
    key: str
    title: str
    columns: int
    head: list[GridRow]  # header rows (repeated on a new page)
    body: list[GridRow]
    widths: tuple[float, ...] = ()  # relative column widths for the PDF and Word editions


def proactive_grid() -> Grid:
    body: list[GridRow] = []
    clause = None
    for row in PROACTIVE_ROWS:
        if row.clause != clause or row.key == "fees":
            clause = row.clause
            body.append([Label(row.clause, colspan=4)])
            if len(row.columns) == 3:
                body.append([Label("信息内容"), *[Label(h) for _, h, _ in row.columns]])
            else:
                body.append([Label("信息内容"), Label(row.columns[0][1], colspan=3)])
        if len(row.columns) == 3:
            body.append([Label(row.label),
                         *[Value(metric_id("proactive", row.key, k)) for k, _, _ in row.columns]])  # fmt: skip
        else:
            body.append([Label(row.label),
                         Value(metric_id("proactive", row.key, row.columns[0][0]), colspan=3)])  # fmt: skip
    return Grid("proactive", "主动公开政府信息情况", 4, [], body, (4, 3, 3, 3))


def requests_grid() -> Grid:
    head: list[GridRow] = [
        [Label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3),
         Label("申请人情况", colspan=7)],
        [Label("自然人", rowspan=2), Label("法人或其他组织", colspan=5), Label("总计", rowspan=2)],
        [Label(label) for _, label, _ in REQUEST_COLUMNS[1:6]],
    ]  # fmt: skip

    def values(row: str) -> list[Label | Value]:
        return [Value(metric_id("requests", row, col)) for col, _, _ in REQUEST_COLUMNS]

    labels = {key: label for key, label, _, _ in REQUEST_ROWS}
    body: list[GridRow] = [
        [Label(labels["received"], colspan=3), *values("received")],
        [Label(labels["carried_in"], colspan=3), *values("carried_in")],
    ]
    result_rows = len(RESULT_ROWS) + 1
    group_sizes: dict[str, int] = {}
    for _, group, item, _ in RESULT_ROWS:
        if item:
            group_sizes[group] = group_sizes.get(group, 0) + 1
    seen: set[str] = set()
    for n, (key, group, item, _) in enumerate(RESULT_ROWS):
        row: GridRow = [Label("三、本年度办理结果", rowspan=result_rows)] if n == 0 else []
        if not item:
            row.append(Label(group, colspan=2))
        else:
            if group not in seen:
                seen.add(group)
                row.append(Label(group, rowspan=group_sizes[group]))
            row.append(Label(item))
        body.append(row + values(f"result.{key}"))
    body.append([Label("（七）总计", colspan=2), *values("result.total")])
    body.append([Label(labels["carried_out"], colspan=3), *values("carried_out")])
    return Grid(
        "requests",
        "收到和处理政府信息公开申请情况",
        10,
        head,
        body,
        (1.4, 2.4, 5.4, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2),
    )


def challenges_grid() -> Grid:
    outcome = [Label(label) for _, label in CHALLENGE_COLUMNS]
    head: list[GridRow] = [
        [Label("行政复议", colspan=5), Label("行政诉讼", colspan=10)],
        [*[Label(label, rowspan=2) for _, label in CHALLENGE_COLUMNS],
         Label("未经复议直接起诉", colspan=5), Label("复议后起诉", colspan=5)],
        [*outcome, *outcome],
    ]  # fmt: skip
    body: list[GridRow] = [
        [Value(metric_id("challenges", row, col)) for row, _ in CHALLENGE_ROWS
         for col, _ in CHALLENGE_COLUMNS]
    ]  # fmt: skip
    return Grid("challenges", "政府信息公开行政复议、行政诉讼情况", 15, head, body, (1,) * 15)


GRIDS = {"proactive": proactive_grid, "requests": requests_grid, "challenges": challenges_grid}


def _span_attrs(cell: Label | Value) -> Markup:
    out = ""
    if cell.colspan > 1:
        out += f' colspan="{cell.colspan}"'
    if isinstance(cell, Label) and cell.rowspan > 1:
        out += f' rowspan="{cell.rowspan}"'
    return Markup(out)


def _cell_html(cell: Label | Value, figures: dict[str, Figure]) -> Markup:
    if isinstance(cell, Label):
        return Markup("<th{}>{}</th>").format(_span_attrs(cell), cell.text)
    figure = figures[cell.metric]
    if figure.value is None:
        raise ValueError(f"{cell.metric}: 表格数字缺失 / a table cell has no value")
    return Markup('<td{} data-metric="{}">{}</td>').format(_span_attrs(cell), cell.metric,
                                                         fig(figure))  # fmt: skip


def table_title(key: str) -> str:
    """A table's heading without its number: the report's outline numbers it where it stands."""
    return GRIDS[key]().title


def table_html(key: str, figures: dict[str, Figure], heading: Markup | None = None) -> Markup:
    """One table: its heading (numbered by the caller's outline), then the grid with merged
    header cells; every figure traced."""
    grid = GRIDS[key]()
    head = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(_cell_html(c, figures) for c in row))
        for row in grid.head
    )
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(_cell_html(c, figures) for c in row))
        for row in grid.body
    )
    thead = Markup("<thead>{}</thead>").format(head) if grid.head else Markup("")
    return Markup(
        '<section class="disclosure-table">{}'
        '<table class="national-table" data-table="{}" data-columns="{}" data-widths="{}">{}'
        "<tbody>{}</tbody></table></section>"
    ).format(
        heading or Markup("<h2>{}</h2>").format(grid.title),
        key,
        grid.columns,
        ",".join(f"{w:g}" for w in grid.widths),
        thead,
        body,
    )


# -- checks the format implies ---------------------------------------------------------------


def _v(metrics: dict, id: str):
    return metrics[id]["value"]


@dataclass(frozen=True)
class Side:
    """One side of a check: the figures added up, and the year each is taken from."""

    ids: tuple[str, ...]
    year_offset: int = 0


def checks(
    stats: dict, rule_of_law: dict | None = None, next_year: dict | None = None
) -> pd.DataFrame:
    """Each rule of the format as a row: what is compared, both sides, and whether it holds.

    `rule_of_law` is the same year's rule-of-law figures (shared facts must agree); `next_year`
    the next year's disclosure figures when the ledgers hold that year (carried out of N equals
    carried into N + 1). The figures behind each side are kept in the frame's `attrs["sides"]`,
    so a failed check can name the rows behind both values (`explain`)."""
    m = stats["metrics"]
    req = lambda row, col: _v(m, metric_id("requests", row, col))  # noqa: E731
    rid = lambda row, col: metric_id("requests", row, col)  # noqa: E731
    rows, sides = [], {}

    def add(name: str, left, right, left_ids=(), right_ids=(), right_offset: int = 0) -> None:
        rows.append({"检查 check": name, "左边 left": left, "右边 right": right,
                     "结果 result": "通过" if left == right else "不符"})  # fmt: skip
        sides[name] = (Side(tuple(left_ids)), Side(tuple(right_ids), right_offset))

    columns = [(k, label) for k, label, _ in REQUEST_COLUMNS]
    for col, label in columns:
        add(f"{label}：一 + 二 = 三（七） + 四", req("received", col) + req("carried_in", col),
            req("result.total", col) + req("carried_out", col),
            [rid("received", col), rid("carried_in", col)],
            [rid("result.total", col), rid("carried_out", col)])  # fmt: skip
        parts = [rid(f"result.{key}", col) for key, _, _, _ in RESULT_ROWS]
        add(f"{label}：三（七）总计 = （一）至（六）之和", req("result.total", col),
            sum(_v(m, i) for i in parts), [rid("result.total", col)], parts)  # fmt: skip
    for row, label, _, _ in REQUEST_ROWS:
        parts = [rid(row, col) for col, _ in columns[:-1]]
        add(f"{label}：总计列 = 各类申请人之和", req(row, "total"),
            sum(_v(m, i) for i in parts), [rid(row, "total")], parts)  # fmt: skip
    for row, label in CHALLENGE_ROWS:
        ids = [metric_id("challenges", row, col) for col, _ in CHALLENGE_COLUMNS]
        add(f"{label}：总计 = 维持 + 纠正 + 其他 + 尚未审结", _v(m, ids[-1]),
            sum(_v(m, i) for i in ids[:-1]), ids[-1:], ids[:-1])  # fmt: skip
    if next_year is not None:
        add(f"{stats['year']}年结转下年度 = {stats['year'] + 1}年上年结转", req("carried_out", "total"),
            _v(next_year["metrics"], rid("carried_in", "total")), [rid("carried_out", "total")],
            [rid("carried_in", "total")], right_offset=1)  # fmt: skip
    if rule_of_law is not None:
        r = rule_of_law["metrics"]
        shared = [
            ("本年新收申请 = 法治政府建设报告“收到信息公开申请”", rid("received", "total"),
             "disclosure.requests_received"),
            ("上年结转 = 法治政府建设报告“上年结转”", rid("carried_in", "total"),
             "disclosure.carried_in"),
            ("结转下年度 = 法治政府建设报告“结转下年度”", rid("carried_out", "total"),
             "disclosure.carried_out"),
            ("本年度办理结果总计 = 法治政府建设报告“答复申请”", rid("result.total", "total"),
             "disclosure.requests_answered"),
            ("规范性文件本年制发 = 法治政府建设报告“出台规范性文件”",
             metric_id("proactive", "normative_documents", "issued"), "normative_docs.issued"),
        ]  # fmt: skip
        for name, own, theirs in shared:
            add(name, _v(m, own), _v(r, theirs), [own], [theirs])
        ids = [metric_id("challenges", row, "total") for row, _ in CHALLENGE_ROWS]
        add("表四复议诉讼总计 = 法治政府建设报告“因政府信息公开被申请复议、被起诉”",
            sum(_v(m, i) for i in ids), _v(r, "disclosure.reconsideration_or_litigation"), ids,
            ["disclosure.reconsideration_or_litigation"])  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.attrs["sides"] = sides
    return frame


def failed(frame: pd.DataFrame) -> list[str]:
    """The checks that do not hold, each with both values."""
    broken = frame[frame["结果 result"] != "通过"]
    return [
        f"{row['检查 check']}：左边为 {row['左边 left']}，右边为 {row['右边 right']}"
        for _, row in broken.iterrows()
    ]


# How many record ids of each ledger a failed check lists; the review edition has them all.
SHOWN_RECORDS = 20


def _side_text(side: Side, ledgers, year: int) -> list[str]:
    """The figures of one side and the ledger records behind them."""
    out = []
    for metric_id_ in side.ids:
        metric = CATALOGUE[metric_id_]
        at = year + side.year_offset
        if metric.is_manual:
            out.append(f"{metric_id_}（{metric.name}，{at}年）为人工填报，见年度参数文件")
            continue
        result = metric.evaluate(ledgers, at)
        records = []
        for part in result.rows:
            if part.frame.empty:
                continue
            key = part.frame[c.LEDGERS[part.ledger].key].astype(str).tolist()
            shown = "、".join(key[:SHOWN_RECORDS]) + (
                f" 等 {len(key)} 条" if len(key) > SHOWN_RECORDS else ""
            )
            file = ledgers.files.get(part.ledger)
            name = file.name if file is not None else part.ledger
            records.append(f"{name}：{shown}")
        rows = "；".join(records) if records else "台账中没有计入的记录"
        out.append(f"{metric_id_}（{metric.name}，{at}年）= {result.value}，计入 {rows}")
    return out


def explain(frame: pd.DataFrame, ledgers, year: int) -> list[str]:
    """Each failed check with both values, the figures on each side, the ledger records behind
    them, and what to do."""
    sides = frame.attrs.get("sides", {})
    out = []
    for text, (_, row) in zip(failed(frame), frame[frame["结果 result"] != "通过"].iterrows(),
                              strict=True):  # fmt: skip
        left, right = sides.get(row["检查 check"], (Side(()), Side(())))
        lines = [text]
        lines += [f"    左边 {line}" for line in _side_text(left, ledgers, year)]
        lines += [f"    右边 {line}" for line in _side_text(right, ledgers, year)]
        lines.append(
            "    处理：两边应由同一批记录得出。核对上列记录的日期、类别和结果各列（口径见数据合同中"
            "这些编号的定义），改正台账后重新生成；人工填报的数字在年度参数文件中改正。"
        )
        out.append("\n".join(lines))
    return out


def format_checks(stats: dict, ledgers, params_file, data_dir) -> pd.DataFrame:
    """checks() with the same year's rule-of-law figures and, when the ledgers hold the next
    year, its carried-in requests."""
    year = stats["year"]
    rule_of_law = year_figures(year, data_dir, params_file, ledgers)
    next_year = None
    if year + 1 in ledger_years(ledgers, "disclosure_requests"):
        carried = metric_id("requests", "carried_in", "total")
        next_year = {"metrics": {carried: {"value": CATALOGUE[carried].compute(ledgers, year + 1)}}}
    return checks(stats, rule_of_law, next_year)
