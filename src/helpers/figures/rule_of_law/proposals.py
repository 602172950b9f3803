"""一(八) 监督 by the people's congress and the CPPCC: the proposals the bureau handled, led or
co-handled, revisited, its proposers' satisfaction, and the answers published.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import Example, _register, by_year, counted, examples, rate_of
from helpers.ledgers.load import Ledgers


def proposals_closed(L: Ledgers, year: int) -> pd.DataFrame:
    return by_year(L["proposals"], "closed_date", year)


@_register(
    "proposals.closed_total",
    "办结人大代表建议和政协提案数",
    "件",
    "proposals",
    "办结日期在当年的建议、提案数（主办与会办合计）",
)
@examples(
    Example(2021, 2, "主办、会办合计；1月1日、12月31日办结的计入当年；上年办结的和未办结的不计", {
        "proposals": """
            proposal_id | closed_date | role
            TA-01       | 2021-01-01  | 主办
            TA-02       | 2021-12-31  | 会办
            TA-03       | 2020-12-31  | 主办
            TA-04       |             | 主办
        """}, unread=("role",)),
)  # fmt: skip
def _proposals_total(L, year):
    return counted("proposals", proposals_closed(L, year), "closed_date")


@_register(
    "proposals.lead", "主办建议提案数", "件", "proposals", "当年办结、承办方式为“主办”的件数"
)
@examples(
    Example(2021, 2, "1月1日、12月31日办结的主办件计入；会办件和次年办结的不计", {
        "proposals": """
            proposal_id | closed_date | role
            TA-01       | 2021-01-01  | 主办
            TA-02       | 2021-12-31  | 主办
            TA-03       | 2021-05-01  | 会办
            TA-04       | 2022-01-01  | 主办
        """}),
)  # fmt: skip
def _proposals_lead(L, year):
    p = proposals_closed(L, year)
    return counted("proposals", p[p["role"] == "主办"], "closed_date", "role")


@_register(
    "proposals.co_handled", "会办建议提案数", "件", "proposals", "当年办结、承办方式为“会办”的件数"
)
@examples(
    Example(2021, 2, "1月1日、12月31日办结的会办件计入；主办件和上年办结的不计", {
        "proposals": """
            proposal_id | closed_date | role
            TA-01       | 2021-12-31  | 会办
            TA-02       | 2021-05-01  | 主办
            TA-03       | 2020-12-31  | 会办
            TA-04       | 2021-01-01  | 会办
        """}),
)  # fmt: skip
def _proposals_co(L, year):
    p = proposals_closed(L, year)
    return counted("proposals", p[p["role"] == "会办"], "closed_date", "role")


@_register(
    "proposals.revisits",
    "人大建议“回头看”件数",
    "件",
    "proposals",
    "当年办结、标记为“回头看”的人大代表建议件数",
)
@examples(
    Example(2021, 2, "只计人大代表建议：标记“回头看”的政协提案不计；未标记的和上年办结的不计", {
        "proposals": """
            proposal_id | closed_date | is_revisit | kind
            TA-01       | 2021-03-01  | 是         | 人大代表建议
            TA-02       | 2021-03-01  | 是         | 政协提案
            TA-03       | 2021-04-01  | 否         | 人大代表建议
            TA-04       | 2020-12-31  | 是         | 人大代表建议
            TA-05       | 2021-12-31  | 是         | 人大代表建议
        """}),
)  # fmt: skip
def _revisits(L, year):
    p = proposals_closed(L, year)
    return counted("proposals", p[p["is_revisit"] & (p["kind"] == "人大代表建议")], "closed_date",
                   "is_revisit", "kind")  # fmt: skip


RATINGS = ("closed_date", "attitude_satisfaction", "result_satisfaction")


@_register(
    "proposals.double_satisfaction_rate",
    "建议提案“双满意”率",
    "%",
    "proposals",
    "当年办结且办理态度、办理结果两项评价均已反馈的件数中，两项均为“满意”的比例，保留两位小数"
    "（只反馈了一项的件不进分母也不进分子）",
)
@examples(
    Example(2021, 50.0, "两项均反馈的4件中2件双满意：50%；只反馈一项或都未反馈的不进分子也不进分母；"
                        "上年办结的不计", {
        "proposals": """
            proposal_id | closed_date | attitude_satisfaction | result_satisfaction
            TA-01       | 2021-03-01  | 满意                  | 满意
            TA-02       | 2021-03-02  | 满意                  | 基本满意
            TA-03       | 2021-03-03  | 满意                  | 未反馈
            TA-04       | 2021-03-04  | 未反馈                | 未反馈
            TA-05       | 2021-12-31  | 满意                  | 满意
            TA-06       | 2020-12-31  | 不满意                | 满意
            TA-07       | 2021-05-01  | 不满意                | 不满意
        """}),
)  # fmt: skip
def _double_satisfaction(L, year):
    p = proposals_closed(L, year)
    rated = p[(p["attitude_satisfaction"] != "未反馈") & (p["result_satisfaction"] != "未反馈")]
    both = rated[
        (rated["attitude_satisfaction"] == "满意") & (rated["result_satisfaction"] == "满意")
    ]
    return rate_of(counted("proposals", both, *RATINGS), counted("proposals", rated, *RATINGS))


@_register(
    "proposals.answers_published",
    "主动公开主办答复文书数",
    "件",
    "proposals",
    "当年办结、承办方式为“主办”且答复已主动公开的件数",
)
@examples(
    Example(2021, 2, "当年办结的主办件中答复已公开的计入；未公开的、会办件和次年办结的不计", {
        "proposals": """
            proposal_id | closed_date | role | answer_published
            TA-01       | 2021-01-01  | 主办 | 是
            TA-02       | 2021-12-31  | 主办 | 是
            TA-03       | 2021-06-01  | 主办 | 否
            TA-04       | 2021-06-01  | 会办 | 是
            TA-05       | 2022-01-01  | 主办 | 是
        """}),
)  # fmt: skip
def _answers_published(L, year):
    p = proposals_closed(L, year)
    return counted("proposals", p[(p["role"] == "主办") & p["answer_published"]], "closed_date",
                   "role", "answer_published")  # fmt: skip
