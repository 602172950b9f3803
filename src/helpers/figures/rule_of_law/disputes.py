"""一(七) 治理能力, mediation and labour disputes: the mediation organisations standing at the year's
end, and the disputes accepted and closed by mediation organisations and the arbitration court.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import (
    Example,
    _register,
    by_year,
    counted,
    distinct,
    examples,
    ratio_of,
)
from helpers.ledgers.load import Ledgers


def active_orgs(L: Ledgers, year: int, org_type: str) -> pd.DataFrame:
    """Organisations standing at the end of 31 December: one dissolved that day is not."""
    o = L["mediation_orgs"]
    end = pd.Timestamp(year=year, month=12, day=31)
    alive = (o["established_date"] <= end) & (
        o["dissolved_date"].isna() | (o["dissolved_date"] > end)
    )
    return o[alive & (o["org_type"] == org_type)]


ORG_COLUMNS = ("org_type", "established_date", "dissolved_date")


@_register(
    "mediation.new_subcenters",
    "新设联调分中心数",
    "家",
    "mediation_orgs",
    "组织类型为“联调分中心”、设立日期在当年的组织数（当年设立又撤销的也计入）",
)
@examples(
    Example(2021, 2, "当年设立又撤销的计入；12月31日设立的计入，上年12月31日设立的和联调中心不计", {
        "mediation_orgs": """
            org_id | org_type   | established_date | dissolved_date
            TJ-01  | 联调分中心 | 2021-01-01       | 2021-11-30
            TJ-02  | 联调分中心 | 2021-12-31       |
            TJ-03  | 联调分中心 | 2020-12-31       |
            TJ-04  | 联调中心   | 2021-05-01       |
        """}, unread=("dissolved_date",)),
)  # fmt: skip
def _new_subcenters(L, year):
    o = by_year(L["mediation_orgs"], "established_date", year)
    return counted("mediation_orgs", o[o["org_type"] == "联调分中心"], "org_type",
                   "established_date")  # fmt: skip


@_register(
    "mediation.street_town_orgs",
    "街镇调解组织数",
    "个",
    "mediation_orgs",
    "截至当年 12 月 31 日已设立且未撤销的街镇调解组织数（12 月 31 日当天撤销的不计）",
)
@examples(
    Example(2021, 3, "12月31日当天撤销的不计，次年1月1日撤销的计入；12月31日设立的计入，"
                     "次年设立的和开发区调解组织不计", {
        "mediation_orgs": """
            org_id | org_type       | established_date | dissolved_date
            TJ-01  | 街镇调解组织   | 2015-01-01       |
            TJ-02  | 街镇调解组织   | 2015-01-01       | 2021-12-31
            TJ-03  | 街镇调解组织   | 2015-01-01       | 2022-01-01
            TJ-04  | 街镇调解组织   | 2021-12-31       |
            TJ-05  | 街镇调解组织   | 2022-01-01       |
            TJ-06  | 开发区调解组织 | 2015-01-01       |
        """}),
)  # fmt: skip
def _street_orgs(L, year):
    return counted("mediation_orgs", active_orgs(L, year, "街镇调解组织"), *ORG_COLUMNS)


@_register(
    "mediation.streets_towns_covered",
    "设有街镇调解组织的街镇数",
    "个",
    "mediation_orgs",
    "机关档案所列街道和镇（organisations.streets、towns）中，截至当年 12 月 31 日至少有一个已设立"
    "且未撤销的街镇调解组织（所在街镇为该街镇）的个数；同一街镇有几个组织只计一个，"
    "所在地不在档案所列街镇的不计",
)
@examples(
    Example(2021, 2, "同一街道两个组织只计一个街道；12月31日撤销的、所在地为开发区的和"
                     "档案以外地名的不计", {
        "mediation_orgs": """
            org_id | org_type       | area       | established_date | dissolved_date
            TJ-21  | 街镇调解组织   | {street_1} | 2015-01-01       |
            TJ-22  | 街镇调解组织   | {street_1} | 2019-01-01       |
            TJ-23  | 街镇调解组织   | {town_1}   | 2021-12-31       |
            TJ-24  | 街镇调解组织   | {street_2} | 2015-01-01       | 2021-12-31
            TJ-25  | 街镇调解组织   | 不存在街道 | 2015-01-01       |
            TJ-26  | 开发区调解组织 | {zone_1}   | 2015-01-01       |
        """}),
)  # fmt: skip
def _streets_towns_covered(L, year):
    places = {*L.profile.organisations.streets, *L.profile.organisations.towns}
    o = active_orgs(L, year, "街镇调解组织")
    o = o[o["area"].isin(places)]
    return distinct("mediation_orgs", o, "area", "area", *ORG_COLUMNS)


@_register(
    "mediation.development_zone_orgs",
    "开发区调解组织数",
    "个",
    "mediation_orgs",
    "截至当年 12 月 31 日已设立且未撤销的开发区调解组织数（12 月 31 日当天撤销的不计）",
)
@examples(
    Example(2021, 2, "12月31日当天撤销的不计；12月31日设立的计入；街镇调解组织不计", {
        "mediation_orgs": """
            org_id | org_type       | established_date | dissolved_date
            TJ-11  | 开发区调解组织 | 2016-03-01       |
            TJ-12  | 开发区调解组织 | 2016-03-01       | 2021-12-31
            TJ-13  | 开发区调解组织 | 2020-05-01       | 2021-12-30
            TJ-14  | 开发区调解组织 | 2021-12-31       |
            TJ-15  | 街镇调解组织   | 2016-01-01       |
        """}),
)  # fmt: skip
def _zone_orgs(L, year):
    return counted("mediation_orgs", active_orgs(L, year, "开发区调解组织"), *ORG_COLUMNS)


def disputes_received(L: Ledgers, year: int) -> pd.DataFrame:
    return by_year(L["disputes"], "received_date", year)


def disputes_closed(L: Ledgers, year: int) -> pd.DataFrame:
    """Cases concluded in the year. A failed mediation is not a conclusion: the dispute moves on to
    the arbitration court, where it is counted when that case closes."""
    d = by_year(L["disputes"], "closed_date", year)
    mediation = d["body_type"] == "调解组织"
    return d[~mediation | (d["outcome"] == "调解成功")]


CLOSED_COLUMNS = ("closed_date", "body_type", "outcome")


@_register(
    "disputes.accepted_total",
    "受理劳动人事争议案件数",
    "件",
    "disputes",
    "受理日期在当年的案件数，调解组织与仲裁院合计（台账每行一件：调解不成转仲裁的争议在调解组织、"
    "仲裁院各有一行，各计一件；仲裁院决定不予受理的案件已登记，也计入）",
)
@examples(
    Example(2021, 4, "调解不成转仲裁的争议在调解组织、仲裁院各一行，各计一件；不予受理的登记案件和"
                     "未结案件计入；上年12月31日受理的不计", {
        "disputes": """
            case_id | received_date | body_type | outcome
            AJ-01   | 2021-01-01    | 调解组织  | 调解不成
            AJ-02   | 2021-02-10    | 仲裁院    | 仲裁裁决
            AJ-03   | 2021-12-31    | 仲裁院    | 不予受理
            AJ-04   | 2021-06-01    | 仲裁院    |
            AJ-05   | 2020-12-31    | 调解组织  | 调解成功
        """}, unread=("body_type", "outcome")),
)  # fmt: skip
def _accepted(L, year):
    return counted("disputes", disputes_received(L, year), "received_date")


@_register(
    "disputes.accepted_by_arbitration",
    "仲裁院受理案件数",
    "件",
    "disputes",
    "受理机构为仲裁院、受理日期在当年的案件数（含结果为“不予受理”的登记案件）",
)
@examples(
    Example(2021, 2, "结果为“不予受理”的登记案件计入；12月31日受理的计入；调解组织的和上年受理的不计", {
        "disputes": """
            case_id | received_date | body_type | outcome
            AJ-01   | 2021-01-01    | 调解组织  | 调解不成
            AJ-02   | 2021-02-10    | 仲裁院    | 仲裁裁决
            AJ-03   | 2021-12-31    | 仲裁院    | 不予受理
            AJ-04   | 2020-12-31    | 仲裁院    | 撤诉
        """}, unread=("outcome",)),
)  # fmt: skip
def _accepted_arbitration(L, year):
    d = disputes_received(L, year)
    return counted("disputes", d[d["body_type"] == "仲裁院"], "received_date", "body_type")


@_register(
    "disputes.accepted_by_mediation_orgs",
    "各级调解组织受理案件数",
    "件",
    "disputes",
    "受理机构为调解组织、受理日期在当年的案件数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日受理的计入当年；次年、上年受理的和仲裁院的不计", {
        "disputes": """
            case_id | received_date | body_type
            AJ-01   | 2021-01-01    | 调解组织
            AJ-02   | 2021-12-31    | 调解组织
            AJ-03   | 2022-01-01    | 调解组织
            AJ-04   | 2021-03-01    | 仲裁院
            AJ-05   | 2020-12-31    | 调解组织
        """}),
)  # fmt: skip
def _accepted_mediation(L, year):
    d = disputes_received(L, year)
    return counted("disputes", d[d["body_type"] == "调解组织"], "received_date", "body_type")


@_register("disputes.closed_total", "办结劳动人事争议案件数", "件", "disputes",
           "结案日期在当年的办结案件数（含上年结转）：调解组织调解成功的案件 + 仲裁院结案的案件；"
           "调解不成的案件转入仲裁，不重复计为办结")  # fmt: skip
@examples(
    Example(2021, 4, "2019年受理、2021年结案的计入；调解成功和仲裁院各类结案（含不予受理、12月31日结案）"
                     "计入；调解不成的不算办结；未结的和上年结案的不计", {
        "disputes": """
            case_id | received_date | closed_date | body_type | outcome
            AJ-01   | 2019-11-20    | 2021-01-04  | 仲裁院    | 仲裁裁决
            AJ-02   | 2021-03-01    | 2021-04-01  | 调解组织  | 调解成功
            AJ-03   | 2021-03-05    | 2021-04-20  | 调解组织  | 调解不成
            AJ-04   | 2021-04-21    | 2021-12-31  | 仲裁院    | 仲裁调解
            AJ-05   | 2021-10-01    | 2021-10-08  | 仲裁院    | 不予受理
            AJ-06   | 2021-12-01    |             | 仲裁院    |
            AJ-07   | 2020-12-01    | 2020-12-31  | 调解组织  | 调解成功
        """}, unread=("received_date",)),
)  # fmt: skip
def _closed(L, year):
    return counted("disputes", disputes_closed(L, year), *CLOSED_COLUMNS)


@_register(
    "disputes.mediated_successfully",
    "调解组织调解成功案件数",
    "件",
    "disputes",
    "受理机构为调解组织、结果为“调解成功”、结案日期在当年的案件数（含上年结转）",
)
@examples(
    Example(2021, 2, "上年受理、当年调解成功的计入；12月31日结案的计入；调解不成的、仲裁调解的和"
                     "次年1月1日结案的不计", {
        "disputes": """
            case_id | received_date | closed_date | body_type | outcome
            AJ-01   | 2020-12-15    | 2021-01-05  | 调解组织  | 调解成功
            AJ-02   | 2021-05-01    | 2021-12-31  | 调解组织  | 调解成功
            AJ-03   | 2021-05-01    | 2021-06-01  | 调解组织  | 调解不成
            AJ-04   | 2021-06-02    | 2021-08-01  | 仲裁院    | 仲裁调解
            AJ-05   | 2021-12-20    | 2022-01-01  | 调解组织  | 调解成功
        """}, unread=("received_date",)),
)  # fmt: skip
def _mediated(L, year):
    d = disputes_closed(L, year)
    return counted("disputes", d[d["body_type"] == "调解组织"], *CLOSED_COLUMNS)


@_register(
    "disputes.closed_by_arbitration",
    "仲裁院结案数",
    "件",
    "disputes",
    "受理机构为仲裁院、结案日期在当年的案件数（含上年结转，各类结案方式，含不予受理）",
)
@examples(
    Example(2021, 3, "2019年受理、2021年结案的计入；不予受理、撤诉也是结案；12月31日结案的计入，"
                     "次年1月1日结案的和调解组织的不计", {
        "disputes": """
            case_id | received_date | closed_date | body_type | outcome
            AJ-01   | 2019-12-20    | 2021-02-01  | 仲裁院    | 仲裁裁决
            AJ-02   | 2021-03-01    | 2021-03-08  | 仲裁院    | 不予受理
            AJ-03   | 2021-04-01    | 2021-12-31  | 仲裁院    | 撤诉
            AJ-04   | 2021-04-01    | 2021-05-01  | 调解组织  | 调解成功
            AJ-05   | 2021-11-01    | 2022-01-01  | 仲裁院    | 终结审理
        """}, unread=("received_date",)),
)  # fmt: skip
def _closed_arbitration(L, year):
    d = disputes_closed(L, year)
    return counted("disputes", d[d["body_type"] == "仲裁院"], *CLOSED_COLUMNS)


@_register("disputes.mediation_to_arbitration_closure_ratio", "调解、仲裁结案比", "比 1", "disputes",
           "调解组织调解成功结案数 ÷ 仲裁院结案数（均按结案日期在当年计），四舍五入保留一位小数，"
           "写作“X 比 1”；仲裁院结案数为 0 时无此比值，报告显示“—”")  # fmt: skip
@examples(
    Example(2021, 0.3, "调解成功1件 ÷ 仲裁院结案4件 = 0.25，四舍五入为0.3（写作0.3比1，不按银行家舍入"
                       "取0.2）；调解不成的和上年结案的不计", {
        "disputes": """
            case_id | closed_date | body_type | outcome
            AJ-01   | 2021-01-01  | 调解组织  | 调解成功
            AJ-02   | 2021-02-01  | 调解组织  | 调解不成
            AJ-03   | 2021-03-01  | 仲裁院    | 仲裁裁决
            AJ-04   | 2021-04-01  | 仲裁院    | 仲裁调解
            AJ-05   | 2021-05-01  | 仲裁院    | 撤诉
            AJ-06   | 2021-12-31  | 仲裁院    | 不予受理
            AJ-07   | 2020-12-31  | 调解组织  | 调解成功
        """}),
    Example(2021, None, "当年仲裁院没有结案（次年1月1日结案的不计）：无此比值，报告显示“—”", {
        "disputes": """
            case_id | closed_date | body_type | outcome
            AJ-01   | 2021-03-01  | 调解组织  | 调解成功
            AJ-02   | 2021-03-02  | 调解组织  | 调解不成
            AJ-03   | 2022-01-01  | 仲裁院    | 仲裁裁决
        """}),
)  # fmt: skip
def _ratio(L, year):
    return ratio_of(_mediated(L, year), _closed_arbitration(L, year))
