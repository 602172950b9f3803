"""一(八) 监督 by the courts, the procuratorate and reconsideration bodies: administrative
litigation by stage, appearances of the bureau's head, suggestions received, reconsideration
cases, and the cases lost or corrected.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import (
    Example,
    Result,
    _register,
    by_year,
    combined,
    counted,
    examples,
    rate_of,
)
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers


def litigation_stage(L: Ledgers, stage: str) -> pd.DataFrame:
    lit = L["litigation_cases"]
    return lit[lit["stage"] == stage]


def _staged(L: Ledgers, year: int, stage: str, column: str) -> Result:
    return counted("litigation_cases", by_year(litigation_stage(L, stage), column, year), "stage",
                   column)  # fmt: skip


@_register(
    "litigation.first_instance_cases",
    "一审行政诉讼案件数",
    "件",
    "litigation_cases",
    "审级为一审、收到应诉通知日期在当年的案件数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日收到应诉通知的一审案件计入；二审的和上年收到的不计", {
        "litigation_cases": """
            case_id | stage | received_date
            XS-01   | 一审  | 2021-01-01
            XS-02   | 一审  | 2021-12-31
            XS-03   | 二审  | 2021-05-01
            XS-04   | 一审  | 2020-12-31
        """}),
)  # fmt: skip
def _first_cases(L, year):
    return _staged(L, year, "一审", "received_date")


@_register(
    "litigation.first_instance_heard",
    "一审开庭审理案件数",
    "件",
    "litigation_cases",
    "审级为一审、开庭日期在当年的案件数（含上年受理）",
)
@examples(
    Example(2021, 2, "上年受理、当年开庭的计入；12月31日开庭的计入；次年开庭、未开庭的和二审的不计", {
        "litigation_cases": """
            case_id | stage | received_date | hearing_date
            XS-01   | 一审  | 2020-11-01    | 2021-01-05
            XS-02   | 一审  | 2021-03-01    | 2021-12-31
            XS-03   | 一审  | 2021-11-01    | 2022-01-04
            XS-04   | 二审  | 2021-02-01    | 2021-04-01
            XS-05   | 一审  | 2021-06-01    |
        """}, unread=("received_date",)),
)  # fmt: skip
def _first_heard(L, year):
    return _staged(L, year, "一审", "hearing_date")


@_register(
    "litigation.first_instance_concluded",
    "一审审结案件数",
    "件",
    "litigation_cases",
    "审级为一审、审结日期在当年的案件数（含上年受理）",
)
@examples(
    Example(2021, 2, "2019年受理、2021年审结的计入；12月31日审结的计入；未审结的、二审的和上年审结的不计", {
        "litigation_cases": """
            case_id | stage | received_date | concluded_date
            XS-01   | 一审  | 2019-10-10    | 2021-02-01
            XS-02   | 一审  | 2021-01-05    | 2021-12-31
            XS-03   | 一审  | 2021-06-01    |
            XS-04   | 二审  | 2021-03-01    | 2021-08-01
            XS-05   | 一审  | 2020-05-01    | 2020-12-31
        """}, unread=("received_date",)),
)  # fmt: skip
def _first_concluded(L, year):
    return _staged(L, year, "一审", "concluded_date")


@_register(
    "litigation.first_instance_concluded_carried",
    "一审审结案件中以前年度受理的件数",
    "件",
    "litigation_cases",
    "审级为一审、审结日期在当年、收到应诉通知日期在以前年度的案件数",
)
@examples(
    Example(2021, 2, "2019年、上年12月31日受理而当年审结的计入；当年1月1日受理的不算以前年度；"
                     "二审的和上年审结的不计", {
        "litigation_cases": """
            case_id | stage | received_date | concluded_date
            XS-01   | 一审  | 2019-10-10    | 2021-02-01
            XS-02   | 一审  | 2020-12-31    | 2021-06-01
            XS-03   | 一审  | 2021-01-01    | 2021-12-31
            XS-04   | 二审  | 2020-06-01    | 2021-03-01
            XS-05   | 一审  | 2020-03-01    | 2020-12-31
        """}),
)  # fmt: skip
def _first_concluded_carried(L, year):
    d = by_year(litigation_stage(L, "一审"), "concluded_date", year)
    return counted("litigation_cases", d[d["received_date"].dt.year < year], "stage",
                   "concluded_date", "received_date")  # fmt: skip


@_register(
    "litigation.leader_appearances",
    "行政机关负责人出庭应诉案件数",
    "件",
    "litigation_cases",
    "当年开庭审理的一审案件中，行政机关负责人出庭应诉的件数",
)
@examples(
    Example(2021, 2, "当年开庭的一审案件中负责人出庭的计入（含1月、12月31日开庭）；未出庭的、"
                     "二审的和上年开庭的不计", {
        "litigation_cases": """
            case_id | stage | hearing_date | leader_appeared
            XS-01   | 一审  | 2021-01-05   | 是
            XS-02   | 一审  | 2021-12-31   | 是
            XS-03   | 一审  | 2021-04-01   | 否
            XS-04   | 二审  | 2021-05-01   | 是
            XS-05   | 一审  | 2020-12-31   | 是
        """}),
)  # fmt: skip
def _appearances(L, year):
    heard = by_year(litigation_stage(L, "一审"), "hearing_date", year)
    hit = heard[heard["leader_appeared"].fillna(False).astype(bool)]
    return counted("litigation_cases", hit, "stage", "hearing_date", "leader_appeared")


@_register(
    "litigation.leader_appearance_rate",
    "行政机关负责人出庭应诉率",
    "%",
    "litigation_cases",
    "行政机关负责人出庭应诉的一审案件数 ÷ 当年开庭审理的一审案件数 × 100%，保留两位小数",
)
@examples(
    Example(2021, 71.43, "当年开庭的一审案件7件、负责人出庭5件：71.428…%四舍五入为71.43%；"
                         "二审出庭的不计", {
        "litigation_cases": """
            case_id | stage | hearing_date | leader_appeared
            XS-01   | 一审  | 2021-01-01   | 是
            XS-02   | 一审  | 2021-03-01   | 是
            XS-03   | 一审  | 2021-05-01   | 是
            XS-04   | 一审  | 2021-07-01   | 是
            XS-05   | 一审  | 2021-09-01   | 是
            XS-06   | 一审  | 2021-11-01   | 否
            XS-07   | 一审  | 2021-12-31   | 否
            XS-08   | 二审  | 2021-06-01   | 是
        """}),
)  # fmt: skip
def _appearance_rate(L, year):
    return rate_of(_appearances(L, year), _first_heard(L, year))


@_register(
    "litigation.second_instance_cases",
    "二审行政诉讼案件数",
    "件",
    "litigation_cases",
    "审级为二审、收到应诉通知日期在当年的案件数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日收到通知的二审案件计入；一审的和次年收到的不计", {
        "litigation_cases": """
            case_id | stage | received_date
            XS-01   | 二审  | 2021-01-01
            XS-02   | 二审  | 2021-12-31
            XS-03   | 一审  | 2021-05-01
            XS-04   | 二审  | 2022-01-01
        """}),
)  # fmt: skip
def _second(L, year):
    return _staged(L, year, "二审", "received_date")


@_register(
    "litigation.retrial_cases",
    "再审行政案件数",
    "件",
    "litigation_cases",
    "审级为再审、收到应诉通知日期在当年的案件数",
)
@examples(
    Example(2021, 2, "当年收到通知的再审案件计入（含12月31日）；上年12月31日收到的和二审的不计", {
        "litigation_cases": """
            case_id | stage | received_date
            XS-01   | 再审  | 2021-06-01
            XS-02   | 再审  | 2020-12-31
            XS-03   | 二审  | 2021-06-01
            XS-04   | 再审  | 2021-12-31
        """}),
)  # fmt: skip
def _retrial(L, year):
    return _staged(L, year, "再审", "received_date")


@_register(
    "litigation.supervision_cases",
    "行政案件监督数",
    "件",
    "litigation_cases",
    "审级为行政案件监督、收到通知日期在当年的案件数",
)
@examples(
    Example(2021, 1, "当年收到通知的行政案件监督计入；再审的和次年1月1日收到的不计", {
        "litigation_cases": """
            case_id | stage        | received_date
            XS-01   | 行政案件监督 | 2021-01-01
            XS-02   | 再审         | 2021-03-01
            XS-03   | 行政案件监督 | 2022-01-01
        """}),
)  # fmt: skip
def _supervision(L, year):
    return _staged(L, year, "行政案件监督", "received_date")


@_register(
    "litigation.lost_or_corrected",
    "行政诉讼败诉和纠错案件数",
    "件",
    "litigation_cases",
    "审结日期在当年的各审级案件中，结果为撤销、确认违法、变更或责令履行的件数",
)
@examples(
    Example(2021, 3, "各审级都计：一审撤销、二审确认违法（12月31日审结）、再审责令履行；"
                     "驳回诉讼请求的和上年审结的不计", {
        "litigation_cases": """
            case_id | stage | concluded_date | result
            XS-01   | 一审  | 2021-03-01     | 撤销
            XS-02   | 二审  | 2021-12-31     | 确认违法
            XS-03   | 再审  | 2021-06-01     | 责令履行
            XS-04   | 一审  | 2021-06-01     | 驳回诉讼请求
            XS-05   | 一审  | 2020-12-31     | 变更
        """}, unread=("stage",)),
)  # fmt: skip
def _lost(L, year):
    lit = by_year(L["litigation_cases"], "concluded_date", year)
    return counted("litigation_cases", lit[lit["result"].isin(c.LITIGATION_LOST)],
                   "concluded_date", "result")  # fmt: skip


def _suggestions(L: Ledgers, year: int, kind: str) -> Result:
    s = by_year(L["suggestions"], "received_date", year)
    return counted("suggestions", s[s["kind"] == kind], "received_date", "kind")


@_register(
    "litigation.procuratorial_suggestions",
    "收到检察建议书数",
    "件",
    "suggestions",
    "类别为检察建议、收到日期在当年的件数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日收到的检察建议计入；司法建议和上年收到的不计", {
        "suggestions": """
            suggestion_id | kind     | received_date
            JY-01         | 检察建议 | 2021-01-01
            JY-02         | 司法建议 | 2021-03-01
            JY-03         | 检察建议 | 2020-12-31
            JY-04         | 检察建议 | 2021-12-31
        """}),
)  # fmt: skip
def _procuratorial(L, year):
    return _suggestions(L, year, "检察建议")


@_register(
    "litigation.judicial_suggestions",
    "收到司法建议书数",
    "件",
    "suggestions",
    "类别为司法建议、收到日期在当年的件数",
)
@examples(
    Example(2021, 1, "12月31日收到的司法建议计入；检察建议和次年1月1日收到的不计", {
        "suggestions": """
            suggestion_id | kind     | received_date
            JY-01         | 司法建议 | 2021-12-31
            JY-02         | 检察建议 | 2021-05-01
            JY-03         | 司法建议 | 2022-01-01
        """}),
)  # fmt: skip
def _judicial(L, year):
    return _suggestions(L, year, "司法建议")


@_register(
    "reconsideration.received",
    "收到行政复议案件数",
    "件",
    "reconsideration_cases",
    "收到答复通知日期在当年的案件数",
)
@examples(
    Example(2021, 3, "1月1日、12月31日收到的计入当年；上年12月31日收到的不计", {
        "reconsideration_cases": """
            case_id | received_date
            FY-01   | 2021-01-01
            FY-02   | 2021-12-31
            FY-03   | 2020-12-31
            FY-04   | 2021-07-01
        """}),
)  # fmt: skip
def _rec_received(L, year):
    r = by_year(L["reconsideration_cases"], "received_date", year)
    return counted("reconsideration_cases", r, "received_date")


@_register(
    "reconsideration.concluded",
    "行政复议审结案件数",
    "件",
    "reconsideration_cases",
    "审结日期在当年的案件数（含上年收到）",
)
@examples(
    Example(2021, 2, "上年收到、当年审结的计入；12月31日审结的计入；次年审结的和未审结的不计", {
        "reconsideration_cases": """
            case_id | received_date | concluded_date
            FY-01   | 2020-12-20    | 2021-01-15
            FY-02   | 2021-03-01    | 2021-12-31
            FY-03   | 2021-11-01    | 2022-01-04
            FY-04   | 2021-05-01    |
        """}, unread=("received_date",)),
)  # fmt: skip
def _rec_concluded(L, year):
    r = by_year(L["reconsideration_cases"], "concluded_date", year)
    return counted("reconsideration_cases", r, "concluded_date")


@_register(
    "reconsideration.concluded_carried",
    "行政复议审结案件中以前年度收到的件数",
    "件",
    "reconsideration_cases",
    "审结日期在当年、收到日期在以前年度的案件数",
)
@examples(
    Example(2021, 2, "2019年、上年12月31日收到而当年审结的计入；当年收到的和上年审结的不计", {
        "reconsideration_cases": """
            case_id | received_date | concluded_date
            FY-01   | 2019-12-20    | 2021-01-15
            FY-02   | 2020-12-31    | 2021-02-01
            FY-03   | 2021-01-01    | 2021-03-01
            FY-04   | 2020-10-01    | 2020-12-31
        """}),
)  # fmt: skip
def _rec_concluded_carried(L, year):
    r = by_year(L["reconsideration_cases"], "concluded_date", year)
    return counted("reconsideration_cases", r[r["received_date"].dt.year < year],
                   "concluded_date", "received_date")  # fmt: skip


@_register(
    "reconsideration.corrected",
    "行政复议纠错案件数",
    "件",
    "reconsideration_cases",
    "审结日期在当年、结果为撤销、变更、确认违法或责令履行的件数",
)
@examples(
    Example(2021, 3, "撤销、责令履行、确认违法都计入，不论行为类别（工伤认定也计）；维持的和"
                     "上年审结的不计", {
        "reconsideration_cases": """
            case_id | concluded_date | result   | action_type
            FY-01   | 2021-01-01     | 撤销     | 工伤认定
            FY-02   | 2021-12-31     | 责令履行 | 行政处罚
            FY-03   | 2021-06-01     | 维持     | 行政处罚
            FY-04   | 2020-12-31     | 变更     | 行政处罚
            FY-05   | 2021-08-01     | 确认违法 | 信息公开
        """}, unread=("action_type",)),
)  # fmt: skip
def _rec_corrected(L, year):
    r = by_year(L["reconsideration_cases"], "concluded_date", year)
    return counted("reconsideration_cases", r[r["result"].isin(c.RECONSIDERATION_CORRECTED)],
                   "concluded_date", "result")  # fmt: skip


@_register(
    "supervision.lost_or_corrected_total",
    "行政诉讼败诉与行政复议纠错合计",
    "件",
    "litigation_cases+reconsideration_cases",
    "当年审结的行政诉讼败诉和纠错案件数 + 当年审结的行政复议纠错案件数",
)
@examples(
    Example(2021, 2, "诉讼败诉1件 + 复议纠错1件（12月31日审结）；驳回、维持的和上年、次年审结的不计", {
        "litigation_cases": """
            case_id | concluded_date | result
            XS-01   | 2021-03-01     | 撤销
            XS-02   | 2021-05-01     | 驳回诉讼请求
            XS-03   | 2020-12-31     | 确认违法
        """,
        "reconsideration_cases": """
            case_id | concluded_date | result
            FY-01   | 2021-12-31     | 变更
            FY-02   | 2021-04-01     | 维持
            FY-03   | 2022-01-01     | 撤销
        """}),
)  # fmt: skip
def _lost_total(L, year):
    return combined(_lost(L, year), _rec_corrected(L, year))
