"""一(六) 行政执法: enforcement officers newly certified, and enforcement cases corrected on
reconsideration or lost in court.
"""

from __future__ import annotations

from helpers.figures.catalogue import Example, _register, by_year, combined, counted, examples
from helpers.ledgers import contract as c


@_register(
    "enforcement.new_officers_trained",
    "参加执法资格培训考试的新上岗人员数",
    "名",
    "enforcement_officers",
    "执法资格培训考试日期在当年、考试结果不是“缺考”、上岗日期在当年或上一年的人员数"
    "（缺考者未参加考试；更早上岗的人员复考不算新上岗）",
)
@examples(
    Example(2021, 2, "上年1月1日上岗、当年考试不合格的计入；缺考的、2019年12月31日上岗复考的、"
                     "次年才上岗的、上年考试的和尚未考试的不计", {
        "enforcement_officers": """
            officer_id | onboard_date | exam_date  | exam_result
            ZF-01      | 2021-02-01   | 2021-04-09 | 合格
            ZF-02      | 2020-01-01   | 2021-01-15 | 不合格
            ZF-03      | 2021-03-01   | 2021-04-09 | 缺考
            ZF-04      | 2019-12-31   | 2021-04-09 | 合格
            ZF-05      | 2020-11-20   | 2020-12-31 | 合格
            ZF-06      | 2021-10-01   |            |
            ZF-07      | 2022-01-10   | 2021-12-20 | 合格
        """}),
)  # fmt: skip
def _new_officers(L, year):
    o = by_year(L["enforcement_officers"], "exam_date", year)
    new = o[(o["exam_result"] != "缺考") & o["onboard_date"].dt.year.between(year - 1, year)]
    return counted("enforcement_officers", new, "exam_date", "exam_result", "onboard_date")


@_register("enforcement.cases_corrected_or_lost", "行政执法案件被纠错或败诉数", "件",
           "litigation_cases+reconsideration_cases",
           "当年审结的行政诉讼（各审级）和行政复议案件中，被诉（被申请）行为属行政执法"
           "（行政处罚、行政检查、行政强制、投诉举报处理），且结果为撤销、变更、确认违法或责令履行的件数")  # fmt: skip
@examples(
    Example(2021, 3, "诉讼、复议合计：执法行为被撤销、确认违法、责令履行的计入（含12月31日、1月1日审结）；"
                     "工伤认定等非执法行为、维持或驳回的、上年和次年审结的不计", {
        "litigation_cases": """
            case_id | concluded_date | action_type | result
            XS-01   | 2021-03-01     | 行政处罚    | 撤销
            XS-02   | 2021-12-31     | 行政检查    | 确认违法
            XS-03   | 2021-05-01     | 工伤认定    | 撤销
            XS-04   | 2021-05-01     | 行政处罚    | 驳回诉讼请求
            XS-05   | 2020-12-31     | 行政强制    | 变更
        """,
        "reconsideration_cases": """
            case_id | concluded_date | action_type  | result
            FY-01   | 2021-01-01     | 投诉举报处理 | 责令履行
            FY-02   | 2021-06-01     | 行政处罚     | 维持
            FY-03   | 2022-01-01     | 行政处罚     | 撤销
        """}),
)  # fmt: skip
def _enforcement_lost(L, year):
    lit = by_year(L["litigation_cases"], "concluded_date", year)
    rec = by_year(L["reconsideration_cases"], "concluded_date", year)
    lost = lit["action_type"].isin(c.ENFORCEMENT_ACTIONS) & lit["result"].isin(c.LITIGATION_LOST)
    corrected = rec["action_type"].isin(c.ENFORCEMENT_ACTIONS) & rec["result"].isin(
        c.RECONSIDERATION_CORRECTED
    )
    columns = ("concluded_date", "action_type", "result")
    return combined(counted("litigation_cases", lit[lost], *columns),
                    counted("reconsideration_cases", rec[corrected], *columns))  # fmt: skip
