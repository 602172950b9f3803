"""一(七) 治理能力, wage arrears: the year's cohort of leads, closed and resolved by the year's end,
and the amounts recovered.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import (
    Example,
    _register,
    by_year,
    counted,
    examples,
    rate_of,
    round_half_up,
    summed,
)
from helpers.ledgers.load import Ledgers


def wage_cohort(L: Ledgers, year: int) -> pd.DataFrame:
    return by_year(L["wage_arrears_leads"], "received_date", year)


def closed_by_year_end(leads: pd.DataFrame, year: int) -> pd.Series:
    return leads["closed_date"].notna() & (leads["closed_date"].dt.year <= year)


def _wage_closed(L: Ledgers, year: int) -> pd.DataFrame:
    w = wage_cohort(L, year)
    return w[closed_by_year_end(w, year)]


def _wage_resolved(L: Ledgers, year: int) -> pd.DataFrame:
    w = _wage_closed(L, year)
    return w[w["result"] == "已解决"]


@_register(
    "wage_arrears.leads_received",
    "接收欠薪线索数",
    "起",
    "wage_arrears_leads",
    "接收日期在当年的线索数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日接收的计入当年；上年12月31日、次年1月1日接收的不计", {
        "wage_arrears_leads": """
            lead_id | received_date
            QX-01   | 2021-01-01
            QX-02   | 2021-12-31
            QX-03   | 2020-12-31
            QX-04   | 2022-01-01
        """}),
)  # fmt: skip
def _leads(L, year):
    return counted("wage_arrears_leads", wage_cohort(L, year), "received_date")


@_register(
    "wage_arrears.leads_closed",
    "欠薪线索办结数",
    "起",
    "wage_arrears_leads",
    "当年接收、截至 12 月 31 日已办结的线索数",
)
@examples(
    Example(2021, 2, "当年接收、12月31日办结的计入；12月31日接收、次年办结的不计；上年接收、当年办结的不计", {
        "wage_arrears_leads": """
            lead_id | received_date | closed_date
            QX-01   | 2021-01-01    | 2021-12-31
            QX-02   | 2021-12-31    | 2022-01-04
            QX-03   | 2020-12-31    | 2021-01-05
            QX-04   | 2021-06-01    |
            QX-05   | 2021-03-01    | 2021-03-05
        """}),
)  # fmt: skip
def _leads_closed(L, year):
    return counted("wage_arrears_leads", _wage_closed(L, year), "received_date", "closed_date")


@_register(
    "wage_arrears.leads_resolved",
    "欠薪线索解决数",
    "起",
    "wage_arrears_leads",
    "当年接收、截至 12 月 31 日已办结且结果为“已解决”的线索数",
)
@examples(
    Example(2021, 2, "当年接收、年底前办结且“已解决”的计入；不属实的、次年办结的和上年接收的不计", {
        "wage_arrears_leads": """
            lead_id | received_date | closed_date | result
            QX-01   | 2021-01-01    | 2021-12-31  | 已解决
            QX-02   | 2021-02-01    | 2021-03-01  | 不属实
            QX-03   | 2021-12-31    | 2022-01-04  | 已解决
            QX-04   | 2020-12-31    | 2021-01-05  | 已解决
            QX-05   | 2021-04-01    | 2021-04-20  | 已解决
        """}),
)  # fmt: skip
def _leads_resolved(L, year):
    return counted("wage_arrears_leads", _wage_resolved(L, year), "received_date", "closed_date",
                   "result")  # fmt: skip


@_register(
    "wage_arrears.closure_rate",
    "欠薪线索办结率",
    "%",
    "wage_arrears_leads",
    "当年接收、截至 12 月 31 日已办结的线索数 ÷ 当年接收的线索数 × 100%，保留两位小数",
)
@examples(
    Example(2021, 83.33, "当年接收6起、年底前办结5起：83.333…%四舍五入为83.33%；12月31日接收、"
                         "次年办结的只进分母；上年接收的不计", {
        "wage_arrears_leads": """
            lead_id | received_date | closed_date
            QX-01   | 2021-01-01    | 2021-01-10
            QX-02   | 2021-02-01    | 2021-02-20
            QX-03   | 2021-03-01    | 2021-05-01
            QX-04   | 2021-07-01    | 2021-12-31
            QX-05   | 2021-09-01    | 2021-09-30
            QX-06   | 2021-12-31    | 2022-01-04
            QX-07   | 2020-12-20    | 2021-01-05
        """}),
)  # fmt: skip
def _closure_rate(L, year):
    return rate_of(_leads_closed(L, year), _leads(L, year))


@_register(
    "wage_arrears.resolution_rate",
    "欠薪线索解决率",
    "%",
    "wage_arrears_leads",
    "当年接收、截至 12 月 31 日已办结且已解决的线索数 ÷ 当年接收的线索数 × 100%，保留两位小数",
)
@examples(
    Example(2021, 16.67, "当年接收6起、年底前已解决1起：16.666…%四舍五入为16.67%；其他结果、未办结的和"
                         "次年才解决的只进分母；上年接收的不计", {
        "wage_arrears_leads": """
            lead_id | received_date | closed_date | result
            QX-01   | 2021-01-01    | 2021-02-01  | 已解决
            QX-02   | 2021-02-01    | 2021-03-01  | 不属实
            QX-03   | 2021-03-01    | 2021-03-20  | 移送公安
            QX-04   | 2021-04-01    |             |
            QX-05   | 2021-06-01    | 2021-06-30  | 终止处理
            QX-06   | 2021-12-31    | 2022-01-04  | 已解决
            QX-07   | 2020-12-31    | 2021-01-04  | 已解决
        """}),
)  # fmt: skip
def _resolution_rate(L, year):
    return rate_of(_leads_resolved(L, year), _leads(L, year))


@_register(
    "wage_arrears.amount_recovered",
    "追回欠薪金额",
    "万元",
    "wage_arrears_leads",
    "当年接收、截至 12 月 31 日已解决线索的追回金额（元）合计 ÷ 10000，四舍五入保留两位小数；"
    "追回金额空白的线索按 0 元计",
)
@examples(
    Example(2021, 2.68, "12345.00元 + 14405.00元 = 26750元 = 2.675万元，四舍五入为2.68（不是2.67）；"
                        "追回金额空白的按0元计；不属实的和次年办结的不计", {
        "wage_arrears_leads": """
            lead_id | received_date | closed_date | result | amount_recovered
            QX-01   | 2021-01-05    | 2021-02-01  | 已解决 | 12345.00
            QX-02   | 2021-01-06    | 2021-02-01  | 已解决 |
            QX-03   | 2021-01-07    | 2021-02-01  | 不属实 | 500.00
            QX-04   | 2021-12-31    | 2022-01-04  | 已解决 | 8000.00
            QX-05   | 2021-03-01    | 2021-12-31  | 已解决 | 14405.00
        """}),
)  # fmt: skip
def _amount_recovered(L, year):
    done = _wage_resolved(L, year)
    value = round_half_up(float(done["amount_recovered"].sum()) / 10000, 2)
    return summed("wage_arrears_leads", done, "amount_recovered", value, "received_date",
                  "closed_date", "result", "amount_recovered")  # fmt: skip
