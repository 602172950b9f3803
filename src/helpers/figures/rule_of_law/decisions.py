"""一(四) 行政决策 and 一(五) 规范性文件: the bureau's meetings and the topics they decided, fair
competition reviews, and the normative documents issued, reviewed and filed.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import (
    COUNT,
    Example,
    Result,
    Rows,
    _register,
    by_year,
    counted,
    examples,
    rate_of,
)
from helpers.ledgers.load import Ledgers


def bureau_meetings(L: Ledgers, year: int) -> pd.DataFrame:
    m = by_year(L["meetings"], "meeting_date", year)
    return m[m["meeting_type"] == "局务会"]


@_register(
    "decisions.bureau_meetings",
    "召开局务会次数",
    "次",
    "meetings",
    "会议类型为“局务会”、会议日期在当年的会议数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日召开的局务会计入当年；局党组会和上年12月31日的局务会不计", {
        "meetings": """
            meeting_id | meeting_date | meeting_type
            HY-01      | 2021-01-01   | 局务会
            HY-02      | 2021-12-31   | 局务会
            HY-03      | 2021-06-01   | 局党组会
            HY-04      | 2020-12-31   | 局务会
        """}),
)  # fmt: skip
def _meetings(L, year):
    return counted("meetings", bureau_meetings(L, year), "meeting_date", "meeting_type")


@_register(
    "decisions.meeting_topics",
    "局务会研究议题数",
    "个",
    "meetings+meeting_topics",
    "当年局务会上研究的议题数（议题按所属会议的日期归年，不看议题本身；其他类型会议的议题不计）",
)
@examples(
    Example(2021, 2, "议题按所属会议的日期归年：上年12月31日局务会的议题不计；局长办公会的议题不计", {
        "meetings": """
            meeting_id | meeting_date | meeting_type
            HY-01      | 2021-12-31   | 局务会
            HY-02      | 2020-12-31   | 局务会
            HY-03      | 2021-03-01   | 局长办公会
        """,
        "meeting_topics": """
            topic_id | meeting_id
            YT-01    | HY-01
            YT-02    | HY-01
            YT-03    | HY-02
            YT-04    | HY-03
        """}),
)  # fmt: skip
def _topics(L, year):
    meetings = bureau_meetings(L, year)[["meeting_id", "meeting_date", "meeting_type"]]
    topics = L["meeting_topics"]
    hit = topics[topics["meeting_id"].isin(meetings["meeting_id"])]
    # The meeting's date and type travel with each topic, so a reviewer sees why it counts.
    joined = hit.join(meetings.set_index("meeting_id"), on="meeting_id")
    return Result(int(len(hit)),
                  (Rows(COUNT, "meeting_topics", joined, ("meeting_id", "meeting_date", "meeting_type")),),
                  {"meetings": ("meeting_id", "meeting_date", "meeting_type")})  # fmt: skip


@_register(
    "decisions.fair_competition_reviews",
    "公平竞争审查文件数",
    "个",
    "fair_competition_reviews",
    "审查日期在当年的公平竞争审查件数",
)
@examples(
    Example(2021, 2, "1月1日、12月31日审查的计入当年；上年12月31日、次年1月1日审查的不计", {
        "fair_competition_reviews": """
            review_id | review_date
            SC-01     | 2021-01-01
            SC-02     | 2021-12-31
            SC-03     | 2020-12-31
            SC-04     | 2022-01-01
        """}),
)  # fmt: skip
def _fair(L, year):
    r = by_year(L["fair_competition_reviews"], "review_date", year)
    return counted("fair_competition_reviews", r, "review_date")


# -- 一(五) 规范性文件 ------------------------------------------------------------------------


def documents_issued(L: Ledgers, year: int) -> pd.DataFrame:
    return by_year(L["normative_documents"], "issued_date", year)


@_register(
    "normative_docs.issued",
    "出台行政规范性文件数",
    "个",
    "normative_documents",
    "印发日期在当年的规范性文件数",
)
@examples(
    Example(2021, 3, "1月1日、12月31日印发的计入当年；次年1月1日印发的不计", {
        "normative_documents": """
            doc_number          | issued_date
            浦人社规〔2021〕1号 | 2021-01-01
            浦人社规〔2021〕2号 | 2021-07-01
            浦人社规〔2021〕3号 | 2021-12-31
            浦人社规〔2022〕1号 | 2022-01-01
        """}),
)  # fmt: skip
def _docs_issued(L, year):
    return counted("normative_documents", documents_issued(L, year), "issued_date")


@_register(
    "normative_docs.legal_review_rate",
    "规范性文件法制审核率",
    "%",
    "normative_documents",
    "当年印发且经法制审核的文件数 ÷ 当年印发的文件数 × 100%，保留两位小数",
)
@examples(
    Example(2021, 66.67, "当年印发3件、经审核2件：66.666…%四舍五入为66.67%；上年12月31日印发的不计", {
        "normative_documents": """
            doc_number          | issued_date | legal_review
            浦人社规〔2021〕1号 | 2021-01-01  | 是
            浦人社规〔2021〕2号 | 2021-12-31  | 是
            浦人社规〔2021〕3号 | 2021-06-01  | 否
            浦人社规〔2020〕9号 | 2020-12-31  | 否
        """}),
)  # fmt: skip
def _docs_reviewed(L, year):
    d = documents_issued(L, year)
    return rate_of(counted("normative_documents", d[d["legal_review"]], "issued_date", "legal_review"),
                   _docs_issued(L, year))  # fmt: skip


@_register(
    "normative_docs.filed_for_record_rate",
    "规范性文件报备率",
    "%",
    "normative_documents",
    "当年印发且“是否报送备案”为“是”的文件数 ÷ 当年印发的文件数 × 100%，保留两位小数"
    "（以备案标记为准，不看备案日期：次年初报送备案的也计入）",
)
@examples(
    Example(2021, 87.5, "当年印发8件、报送备案7件：87.5%，报告写作87.50%；12月31日印发、"
                        "次年1月才备案的也计入（看备案标记，不看备案日期）", {
        "normative_documents": """
            doc_number          | issued_date | filed_for_record | filing_date
            浦人社规〔2021〕1号 | 2021-01-01  | 是               | 2021-01-20
            浦人社规〔2021〕2号 | 2021-02-15  | 是               | 2021-03-01
            浦人社规〔2021〕3号 | 2021-04-01  | 是               | 2021-04-20
            浦人社规〔2021〕4号 | 2021-06-01  | 是               | 2021-06-18
            浦人社规〔2021〕5号 | 2021-08-01  | 是               | 2021-08-19
            浦人社规〔2021〕6号 | 2021-10-01  | 是               | 2021-10-25
            浦人社规〔2021〕7号 | 2021-11-01  | 否               |
            浦人社规〔2021〕8号 | 2021-12-31  | 是               | 2022-01-14
        """}, unread=("filing_date",)),
)  # fmt: skip
def _docs_filed(L, year):
    d = documents_issued(L, year)
    filed = counted("normative_documents", d[d["filed_for_record"]], "issued_date",
                    "filed_for_record")  # fmt: skip
    return rate_of(filed, _docs_issued(L, year))
