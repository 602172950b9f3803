"""The work paper as a reviewer opens it in Excel (read here with openpyxl): a sheet per ledger
that filters by 编号 to a figure's rows, real dates, amounts in 元, a rate's change in 百分点,
links from 汇总 to each figure's rows, and last year's rows behind every 上年."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE
from helpers.ledgers import contract as c

EPOCH = "1643500800"
CLOSURE = "wage_arrears.closure_rate"
LEADS = "欠薪线索台账"


@pytest.fixture(scope="module")
def stats(figures_2021):
    return figures_2021


@pytest.fixture(scope="module")
def built(workpaper_2021):
    return workpaper_2021


@pytest.fixture(scope="module")
def book(built):
    wb = openpyxl.load_workbook(built, read_only=True)
    yield wb
    wb.close()


def rows_of(ws, metric_id: str) -> tuple[tuple, list[tuple]]:
    header, *rows = ws.iter_rows(values_only=True)
    return header, [row for row in rows if row[0] == metric_id]


def summary(book) -> dict[str, dict[str, object]]:
    header, *rows = book["汇总"].iter_rows(values_only=True)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_a_rate_filters_to_its_denominator_with_the_numerator_marked(book, stats):
    header, rows = rows_of(book[LEADS], CLOSURE)
    numerator, denominator = header.index("分子"), header.index("分母")
    assert len(rows) == 4055
    assert all(row[denominator] == "是" for row in rows)
    assert sum(row[numerator] == "是" for row in rows) == 3903
    assert {row[numerator] for row in rows} == {"是", None}
    assert catalogue.rate(3903, 4055) == stats["metrics"][CLOSURE]["value"] == 96.25
    lines = [row[header.index("行号")] for row in rows]
    assert len(set(lines)) == len(lines)  # one row per record, not one per role
    assert summary(book)[CLOSURE]["计入行数"] == 4055


def test_a_distinct_counts_repeated_keys_stay_marked(ledgers, tmp_path):
    """A second record of an institution already counted is on the sheet, marked 重复不计."""
    import pandas as pd

    from helpers.render.workpaper import REPEAT, write_workbook

    approved = "licensing.private_training_institutions_approved"
    result = CATALOGUE[approved].evaluate(ledgers, 2021)
    (part,) = result.rows
    other = ledgers["training_approvals"].drop(part.frame.index).iloc[[0]]
    again = other.assign(institution_key=part.frame["institution_key"].iloc[0])
    doubled = catalogue.Result(result.value, (catalogue.Rows(
        part.role, part.ledger, pd.concat([part.frame, again]), part.columns, key=part.key),))  # fmt: skip
    stats = {"year": 2021, "metrics": {approved: catalogue.compute(ledgers, 2021)[approved]}}
    path = tmp_path / "e.xlsx"
    write_workbook(path, stats, {approved: doubled}, ledgers, previous={})
    wb = openpyxl.load_workbook(path, read_only=True)
    header, rows = rows_of(wb["职业培训机构审批台账"], approved)
    counted = [row[header.index("计数")] for row in rows]
    assert counted.count(REPEAT) == 1 and counted.count("是") == result.value
    assert rows[-1][header.index("记录编号")] == other.iloc[0]["approval_id"]
    assert "去重键" in header


def test_dates_are_date_cells_and_amounts_say_yuan(book):
    ws = book[LEADS]
    header = [cell.value for cell in next(ws.iter_rows(max_row=1))]
    first = next(ws.iter_rows(min_row=2, max_row=2))
    received = header.index("接收日期 received_date")
    assert isinstance(first[received].value, dt.datetime)
    assert first[received].is_date and first[received].number_format == "yyyy-mm-dd"
    assert "追回金额（元；指标以万元计） amount_recovered" in header
    for name in book.sheetnames[1:]:
        spec = next(s for s in c.LEDGERS.values() if name.startswith(s.zh))
        heads = [cell.value for cell in next(book[name].iter_rows(max_row=1))]
        for head in heads:
            column = head.rsplit(" ", 1)[-1]
            if column in spec.column_names and spec.column(column).kind == "amount":
                assert "（元" in head, (name, head)
    disputes = [cell.value for cell in next(book["劳动人事争议案件台账"].iter_rows(max_row=1))]
    assert "受理日期 received_date" in disputes


def test_a_rates_change_is_in_percentage_points(book, stats):
    rows = summary(book)
    assert rows[CLOSURE]["变化"] == 0.91 and rows[CLOSURE]["变化单位"] == "个百分点"
    for metric_id, entry in stats["metrics"].items():
        unit = rows[metric_id]["变化单位"]
        if entry["change"] is None:
            assert unit is None
        elif entry["unit"] == "%":
            assert unit == "个百分点", metric_id
        else:
            assert "百分点" not in unit, metric_id


def test_last_year_says_how_it_was_obtained(book, stats):
    rows = summary(book)
    assert rows["disputes.accepted_total"]["上年"] == 30100
    for metric_id, entry in stats["metrics"].items():
        source = rows[metric_id]["上年来源"]
        if entry["previous"] is not None and not CATALOGUE[metric_id].is_manual:
            assert source.startswith("按本次台账重新计算"), metric_id
            assert rows[metric_id]["上年明细位置"] is not None, metric_id


def test_last_years_rows_reproduce_a_previous_rate(book, stats):
    """Last year's closure rate from its rows on 欠薪线索台账（上年）; every figure's 上年 is
    reproduced in test_evidence (read from the package: openpyxl needs minutes for all sheets)."""
    header, rows = rows_of(book[f"{LEADS}（上年）"], CLOSURE)
    numerator = sum(row[header.index("上年分子")] == "是" for row in rows)
    denominator = sum(row[header.index("上年分母")] == "是" for row in rows)
    assert denominator == len(rows)
    assert catalogue.rate(numerator, denominator) == stats["metrics"][CLOSURE]["previous"] == 95.34
    assert {row[header.index("接收日期 received_date")].year for row in rows} == {2020}
    assert summary(book)[CLOSURE]["上年计入行数"] == len(rows)


def test_no_personal_column_on_any_sheet(book):
    personal = {col for spec in c.LEDGERS.values() for col in spec.personal_columns}
    labels = {spec.column(col).zh.split("（")[0] for spec in c.LEDGERS.values()
              for col in spec.personal_columns}  # fmt: skip
    for ws in book.worksheets:
        header = next(ws.iter_rows(max_row=1, values_only=True))
        names = {str(h).rsplit(" ", 1)[-1] for h in header}
        assert not names & personal, ws.title
        assert not {str(h).split(" ")[0] for h in header} & labels, ws.title


def test_each_summary_link_lands_on_its_figures_first_row(ledgers, stats, tmp_path):
    """Opened as Excel shows it (not read-only, so that links are read): a rate, a figure over two
    ledgers, a sum and a distinct count, with a row limit small enough to continue sheets."""
    from helpers.render.workpaper import write_workbook

    ids = ["wage_arrears.leads_received", CLOSURE, "wage_arrears.amount_recovered",
           "supervision.lost_or_corrected_total", "mediation.streets_towns_covered",
           "decisions.meeting_topics"]  # fmt: skip
    figures = {metric_id: CATALOGUE[metric_id].evaluate(ledgers, 2021) for metric_id in ids}
    path = tmp_path / "links.xlsx"
    write_workbook(path, stats, figures, ledgers, max_rows=3000)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    header = [cell.value for cell in ws[1]]
    landed = 0
    for row in ws.iter_rows(min_row=2):
        metric_id = row[0].value
        for column, count in (("明细位置", "计入行数"), ("上年明细位置", "上年计入行数")):
            cell, rows = row[header.index(column)], row[header.index(count)].value
            if not rows:
                assert cell.hyperlink is None, (metric_id, column)
                continue
            sheet, line = re.fullmatch(r"'(.+)'!A(\d+)", cell.hyperlink.location).groups()
            target = wb[sheet]
            assert target.cell(int(line), 1).value == metric_id
            assert int(line) == 2 or target.cell(int(line) - 1, 1).value != metric_id
            assert cell.value.startswith(f"{sheet} 第 {line}")
            assert cell.font.u == "single"
            landed += 1
    assert landed >= len(ids) + 3
    assert "欠薪线索台账2" in wb.sheetnames  # the leads' rows continue past 3,000
