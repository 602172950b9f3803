"""The rule-of-law report's figures (法治政府建设情况报告), registered into the shared catalogue.

Each figure is a function of the ledgers and the year, decorated with its id, Chinese name, unit,
source ledger and 口径 (`_register`), and with worked examples that the tests run (`@examples`).
Row selections that several figures share (disputes received, wage-arrears cohort, …) are plain
functions here, so the charts and the reviewers' tables cut the very rows the figures count.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from helpers.figures.catalogue import (
    CATALOGUE,
    COUNT,
    RULE_OF_LAW,
    Cell,
    Example,
    Result,
    Rows,
    Split,
    _register,
    also_stated,
    at_year,
    by_year,
    combined,
    counted,
    covers,
    distinct,
    examples,
    ledger_years,
    manual,
    once_per_ledgers,
    rate_of,
    ratio_of,
    round_half_up,
    summed,
)
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers

# -- 一(三) 政府职能转变 -----------------------------------------------------------------------


def institution_key(names: pd.Series) -> pd.Series:
    """Institution names compared as one: full-width and half-width forms (（）/()) alike, blanks
    ignored; otherwise the exact name."""
    return names.map(lambda s: "".join(unicodedata.normalize("NFKC", s).split()))


def _approved(L: Ledgers, year: int, ownership: str) -> Result:
    a = by_year(L["training_approvals"], "decision_date", year)
    hit = a[(a["ownership"] == ownership) & (a["item"] == "设立") & (a["decision"] == "准予")]
    hit = hit.assign(institution_key=institution_key(hit["institution_name"]))
    return distinct("training_approvals", hit, "institution_key", "decision_date", "ownership",
                    "item", "decision", "institution_name")  # fmt: skip


@_register("licensing.private_training_institutions_approved", "民办职业培训机构设立审批发证数", "家",
           "training_approvals",
           "决定日期在当年、审批事项为“设立”、决定为“准予”的民办机构数（按机构名称去重；名称比较时"
           "全角半角视为相同、忽略空格）")  # fmt: skip
@examples(
    Example(2021, 2, "同一机构当年两次准予设立（全角、半角括号，多一个空格）只计一家；"
                     "1月1日、12月31日的决定计入当年；变更、不予、外资和上年的不计", {
        "training_approvals": """
            approval_id | decision_date | ownership | item | decision | institution_name
            SP-01       | 2021-01-01    | 民办      | 设立 | 准予     | 上海启航（东区）职业培训学校
            SP-02       | 2021-06-01    | 民办      | 设立 | 准予     | 上海启航 (东区)职业培训学校
            SP-03       | 2021-12-31    | 民办      | 设立 | 准予     | 上海新起点职业技能培训中心
            SP-04       | 2021-05-01    | 民办      | 变更 | 准予     | 上海远航职业培训学校
            SP-05       | 2021-05-01    | 民办      | 设立 | 不予     | 上海远航职业培训学校
            SP-06       | 2020-12-31    | 民办      | 设立 | 准予     | 上海明德职业培训学校
            SP-07       | 2021-03-01    | 外资      | 设立 | 准予     | 上海环球职业技能培训中心
        """}),
)  # fmt: skip
def _private_approved(L, year):
    return _approved(L, year, "民办")


@_register("licensing.foreign_training_institutions_approved", "外资职业培训机构设立审批发证数", "家",
           "training_approvals",
           "决定日期在当年、审批事项为“设立”、决定为“准予”的外资机构数（按机构名称去重；名称比较时"
           "全角半角视为相同、忽略空格）")  # fmt: skip
@examples(
    Example(2021, 1, "同一外资机构当年两次准予设立（全角、半角括号）只计一家；次年1月1日的决定和民办机构不计", {
        "training_approvals": """
            approval_id | decision_date | ownership | item | decision | institution_name
            SP-11       | 2021-01-01    | 外资      | 设立 | 准予     | 上海环球（中外合作）职业技能培训中心
            SP-12       | 2021-09-30    | 外资      | 设立 | 准予     | 上海环球(中外合作)职业技能培训中心
            SP-13       | 2022-01-01    | 外资      | 设立 | 准予     | 上海太平洋职业培训中心
            SP-14       | 2021-04-01    | 民办      | 设立 | 准予     | 上海明德职业培训学校
        """}),
)  # fmt: skip
def _foreign_approved(L, year):
    return _approved(L, year, "外资")


manual(
    "service.window_items_moved",
    "“科室代窗口”事项下沉窗口数",
    "个",
    "人工填报：当年统一下沉至政务服务窗口办理的“科室代窗口”事项数（见年度参数文件）",
)
manual(
    "service.windows_reformed",
    "完成统一预约服务改造的窗口数",
    "个",
    "人工填报：当年完成统一预约服务改造的政务服务窗口数（见年度参数文件）",
)


def _disclosure_answered(L: Ledgers, year: int) -> pd.DataFrame:
    return by_year(L["disclosure_requests"], "reply_date", year)


@_register(
    "disclosure.requests_received",
    "收到政府信息公开申请数",
    "件",
    "disclosure_requests",
    "收到申请日期在当年的申请数（本年新收，不含上年结转）",
)
@examples(
    Example(2021, 2, "1月1日、12月31日收到的计入当年；上年12月31日、次年1月1日收到的不计", {
        "disclosure_requests": """
            request_id | received_date
            GK-01      | 2020-12-31
            GK-02      | 2021-01-01
            GK-03      | 2021-12-31
            GK-04      | 2022-01-01
        """}),
)  # fmt: skip
def _disclosure_received(L, year):
    d = by_year(L["disclosure_requests"], "received_date", year)
    return counted("disclosure_requests", d, "received_date")


@_register(
    "disclosure.requests_answered",
    "答复政府信息公开申请数",
    "件",
    "disclosure_requests",
    "答复日期在当年的申请数（含上年结转至本年答复的申请）",
)
@examples(
    Example(2021, 2, "按答复日期归年：12月31日答复的计入当年，次年1月1日答复的和尚未答复的不计", {
        "disclosure_requests": """
            request_id | reply_date
            GK-01      | 2021-01-04
            GK-02      | 2021-12-31
            GK-03      | 2020-12-31
            GK-04      |
            GK-05      | 2022-01-01
        """}),
)  # fmt: skip
def _disclosure_answered_count(L, year):
    return counted("disclosure_requests", _disclosure_answered(L, year), "reply_date")


@_register(
    "disclosure.carried_in",
    "上年结转的信息公开申请数",
    "件",
    "disclosure_requests",
    "以前任一年度收到、截至上年 12 月 31 日尚未答复的申请数（不限于上一年收到的申请）",
)
@examples(
    Example(2021, 3, "2019年收到、2021年才答复或至今未答复的也计入2021年的上年结转；"
                     "上年12月31日已答复的和当年收到的不计", {
        "disclosure_requests": """
            request_id | received_date | reply_date
            GK-01      | 2019-05-06    | 2021-01-05
            GK-02      | 2019-03-01    |
            GK-03      | 2020-12-31    | 2021-01-04
            GK-04      | 2020-06-01    | 2020-12-31
            GK-05      | 2021-01-01    |
        """}),
)  # fmt: skip
def _disclosure_carried_in(L, year):
    d = L["disclosure_requests"]
    before = d["received_date"].dt.year < year
    open_at_start = d["reply_date"].isna() | (d["reply_date"].dt.year >= year)
    return counted("disclosure_requests", d[before & open_at_start], "received_date", "reply_date")


@_register(
    "disclosure.carried_in_answered",
    "上年结转并于当年答复的信息公开申请数",
    "件",
    "disclosure_requests",
    "以前年度收到、答复日期在当年的申请数（是当年答复数的一部分；上年结转而当年仍未答复的不计）",
)
@examples(
    Example(2021, 2, "2019年、2020年收到并于2021年答复的计入；上年结转、至今未答复的，"
                     "上年已答复的和当年收到的不计", {
        "disclosure_requests": """
            request_id | received_date | reply_date
            GK-01      | 2019-05-06    | 2021-01-05
            GK-02      | 2020-12-31    | 2021-12-31
            GK-03      | 2020-11-01    |
            GK-04      | 2020-06-01    | 2020-12-31
            GK-05      | 2021-01-01    | 2021-02-01
        """}),
)  # fmt: skip
def _disclosure_carried_in_answered(L, year):
    d = _disclosure_answered(L, year)
    return counted("disclosure_requests", d[d["received_date"].dt.year < year], "received_date",
                   "reply_date")  # fmt: skip


@_register(
    "disclosure.carried_out",
    "结转下年度继续办理的信息公开申请数",
    "件",
    "disclosure_requests",
    "当年及以前收到、截至当年 12 月 31 日尚未答复的申请数",
)
@examples(
    Example(2021, 2, "12月31日收到、次年答复的结转；2019年收到、至今未答复的仍结转；"
                     "12月31日答复的和次年收到的不结转", {
        "disclosure_requests": """
            request_id | received_date | reply_date
            GK-01      | 2019-05-06    |
            GK-02      | 2021-12-31    | 2022-01-04
            GK-03      | 2021-03-01    | 2021-12-31
            GK-04      | 2022-01-01    |
            GK-05      | 2020-02-01    | 2021-06-01
        """}),
)  # fmt: skip
def _disclosure_carried_out(L, year):
    d = L["disclosure_requests"]
    upto = d["received_date"].dt.year <= year
    still_open = d["reply_date"].isna() | (d["reply_date"].dt.year > year)
    return counted("disclosure_requests", d[upto & still_open], "received_date", "reply_date")


def disclosure_reconsiderations(L: Ledgers, year: int) -> pd.DataFrame:
    """Reconsideration cases about disclosure received in the year, whichever year the reply
    was (the national format's table 四 counts the same cases)."""
    rec = L["reconsideration_cases"]
    return by_year(rec[rec["action_type"] == c.DISCLOSURE_ACTION], "received_date", year)


def disclosure_lawsuits(L: Ledgers, year: int) -> pd.DataFrame:
    """First-instance lawsuits about disclosure received in the year, whichever year the reply
    was; an appeal or retrial continues the same case and is not counted again."""
    lit = L["litigation_cases"]
    lit = by_year(lit[lit["action_type"] == c.DISCLOSURE_ACTION], "received_date", year)
    return lit[lit["stage"] == "一审"]


@_register(
    "disclosure.reconsideration_or_litigation",
    "因政府信息公开被申请行政复议、被提起行政诉讼的案件数",
    "件",
    "reconsideration_cases+litigation_cases",
    "收到日期在当年、被申请（被诉）行为类别为“信息公开”的行政复议案件和一审行政诉讼案件数，"
    "不论所涉申请在哪一年答复（与政府信息公开工作年度报告表四各行“总计”之和口径相同）",
)
@examples(
    Example(2022, 2, "2022年收到的信息公开复议案件和一审诉讼都计入（2月11日起诉的是上年答复的申请）；"
                     "二审、其他行为类别和上年收到的不计", {
        "reconsideration_cases": """
            case_id | received_date | action_type
            FY-01   | 2022-03-01    | 信息公开
            FY-02   | 2021-12-31    | 信息公开
            FY-03   | 2022-05-01    | 工伤认定
        """,
        "litigation_cases": """
            case_id | received_date | action_type | stage
            XS-01   | 2022-02-11    | 信息公开    | 一审
            XS-02   | 2022-06-01    | 信息公开    | 二审
            XS-03   | 2021-11-01    | 信息公开    | 一审
            XS-04   | 2022-04-01    | 行政处罚    | 一审
        """}),
)  # fmt: skip
def _disclosure_challenged(L, year):
    return combined(
        counted("reconsideration_cases", disclosure_reconsiderations(L, year), "received_date",
                "action_type"),
        counted("litigation_cases", disclosure_lawsuits(L, year), "received_date", "action_type",
                "stage"))  # fmt: skip


# -- 一(四) 行政决策 --------------------------------------------------------------------------


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


# -- 一(六) 行政执法 --------------------------------------------------------------------------


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


# -- 一(七) 治理能力：调解组织、劳动人事争议、欠薪 -----------------------------------------------


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


# -- 一(八) 监督 ---------------------------------------------------------------------------------


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


# -- 一(十) 普法 ---------------------------------------------------------------------------------


def enforcement_trainings(L: Ledgers, year: int) -> pd.DataFrame:
    e = by_year(L["outreach_events"], "event_date", year)
    trainer = L.profile.programmes.enforcement_trainer
    return e[(e["organiser"] == trainer) & (e["event_type"] == "企业普法培训")]


EVENT_COLUMNS = ("event_date", "organiser", "event_type")


@_register(
    "outreach.enforcement_trainings",
    "执法机构面向企业普法培训场次",
    "场",
    "outreach_events",
    "组织单位为机关档案所定的执法机构（programmes.enforcement_trainer）、类型为“企业普法培训”、"
    "活动日期在当年的场次",
)
@examples(
    Example(2021, 2, "档案所定执法机构的企业普法培训（含1月1日、12月31日）计入；政策宣讲、仲裁院办的和上年的不计", {
        "outreach_events": """
            event_id | event_date | organiser            | event_type
            HD-01    | 2021-01-01 | {enforcement_trainer} | 企业普法培训
            HD-02    | 2021-12-31 | {enforcement_trainer} | 企业普法培训
            HD-03    | 2021-05-01 | {enforcement_trainer} | 政策宣讲
            HD-04    | 2021-05-01 | 劳动人事争议仲裁院   | 企业普法培训
            HD-05    | 2020-12-31 | {enforcement_trainer} | 企业普法培训
        """}),
)  # fmt: skip
def _trainings(L, year):
    return counted("outreach_events", enforcement_trainings(L, year), *EVENT_COLUMNS)


@_register(
    "outreach.enforcement_training_units",
    "参加普法培训的单位数（累计）",
    "家",
    "outreach_events",
    "上述培训各场参加单位数之和（按场次累计，不去重）",
)
@examples(
    Example(2021, 55, "30 + 25 = 55：同一批单位参加两场也按场次累计；仲裁院办的和上年的不计", {
        "outreach_events": """
            event_id | event_date | organiser            | event_type   | units
            HD-01    | 2021-03-01 | {enforcement_trainer} | 企业普法培训 | 30
            HD-02    | 2021-06-01 | {enforcement_trainer} | 企业普法培训 | 25
            HD-03    | 2021-06-01 | 劳动人事争议仲裁院   | 企业普法培训 | 40
            HD-04    | 2020-12-31 | {enforcement_trainer} | 企业普法培训 | 12
        """}),
)  # fmt: skip
def _training_units(L, year):
    t = enforcement_trainings(L, year)
    return summed("outreach_events", t, "units", int(t["units"].sum()), *EVENT_COLUMNS, "units")


@_register(
    "outreach.enforcement_training_participants",
    "参加普法培训的企业人事人数（累计）",
    "位",
    "outreach_events",
    "上述培训各场参加人数之和（按场次累计，不去重）",
)
@examples(
    Example(2021, 150, "86 + 64 = 150，按场次累计；政策宣讲的和次年1月1日的不计", {
        "outreach_events": """
            event_id | event_date | organiser            | event_type   | participants
            HD-01    | 2021-03-01 | {enforcement_trainer} | 企业普法培训 | 86
            HD-02    | 2021-12-31 | {enforcement_trainer} | 企业普法培训 | 64
            HD-03    | 2021-06-01 | {enforcement_trainer} | 政策宣讲     | 200
            HD-04    | 2022-01-01 | {enforcement_trainer} | 企业普法培训 | 50
        """}),
)  # fmt: skip
def _training_people(L, year):
    t = enforcement_trainings(L, year)
    return summed("outreach_events", t, "participants", int(t["participants"].sum()),
                  *EVENT_COLUMNS, "participants")  # fmt: skip


@_register(
    "outreach.policy_video_episodes",
    "政策短视频栏目推出期数",
    "期",
    "publicity_posts",
    "栏目为机关档案所定的政策短视频栏目（programmes.policy_video_column）、"
    "发布日期在当年的期数：同一期（标题相同）在多个平台发布只计一期",
)
@examples(
    Example(2021, 2, "同一期（标题相同）在公众号、视频号各发一次只计一期；其他栏目同名的和上年的不计", {
        "publicity_posts": """
            post_id | publish_date | column_name | title          | channel
            TS-01   | 2021-03-01   | {policy_video_column} | 第1期 稳岗补贴 | 公众号
            TS-02   | 2021-03-02   | {policy_video_column} | 第1期 稳岗补贴 | 视频号
            TS-03   | 2021-12-31   | {policy_video_column} | 第2期 工伤认定 | 公众号
            TS-04   | 2021-05-01   | 案说工伤              | 第2期 工伤认定 | 公众号
            TS-05   | 2020-12-31   | {policy_video_column} | 年终特辑       | 公众号
        """}),
)  # fmt: skip
def _videos(L, year):
    p = by_year(L["publicity_posts"], "publish_date", year)
    column = L.profile.programmes.policy_video_column
    return distinct("publicity_posts", p[p["column_name"] == column], "title", "publish_date",
                    "column_name", "title", "channel")  # fmt: skip


@_register(
    "outreach.lecture_hall_offline_sessions",
    "普法讲堂品牌线下培训场次",
    "场",
    "outreach_events",
    "组织单位为机关档案所定的讲堂品牌（programmes.lecture_brand）、类型为“线下培训”、"
    "活动日期在当年的场次",
)
@examples(
    Example(2021, 2, "大讲堂的线下培训（含1月1日、12月31日）计入；政策宣讲、其他单位办的和次年的不计", {
        "outreach_events": """
            event_id | event_date | organiser      | event_type
            HD-01    | 2021-01-01 | {lecture_brand} | 线下培训
            HD-02    | 2021-12-31 | {lecture_brand} | 线下培训
            HD-03    | 2021-06-01 | {lecture_brand} | 政策宣讲
            HD-04    | 2021-06-01 | 人才服务中心    | 线下培训
            HD-05    | 2022-01-01 | {lecture_brand} | 线下培训
        """}),
)  # fmt: skip
def _lectures(L, year):
    e = by_year(L["outreach_events"], "event_date", year)
    brand = L.profile.programmes.lecture_brand
    hit = e[(e["organiser"] == brand) & (e["event_type"] == "线下培训")]
    return counted("outreach_events", hit, *EVENT_COLUMNS)


manual(
    "leadership.accountability_assessment_score",
    "全区法治责任制考核得分",
    "分",
    "人工填报：区法治建设责任制考核中本局的得分（见年度参数文件）",
)


# -- 图表数据 The charts' data ----------------------------------------------------------------
#
# Every value a chart draws is a figure: the year's figures above, or the elements of a series
# below, each with its id, 口径, worked examples and rows, so a chart's bar is traced like a number
# of the text. A series element's id is its whole-year figure's id, the split and the key:
# `disputes.accepted_total.by_month.03`, `disputes.closed_by_arbitration.by_outcome.award`,
# `disputes.closed_total.share_by_outcome.award`; a trend's earlier years are the figure in that
# year, `disputes.accepted_total@2019` (see catalogue.at_year). A series cuts one selection,
# grouped once (catalogue.Split), so its twelve months cost one pass over the ledger.


def by_month(metric_id: str, month: int) -> str:
    """The id of a figure's month: `disputes.accepted_total.by_month.03`."""
    return f"{metric_id}.by_month.{month:02d}"


def _month_bounds(year: int, month: int) -> tuple[str, str, str, str]:
    """First and last day of the month, the day before it and the day after it (ISO dates)."""
    first = pd.Timestamp(year, month, 1)
    last = first + pd.offsets.MonthEnd(0)
    return tuple(d.strftime("%Y-%m-%d") for d in  # type: ignore[return-value]
                 (first, last, first - pd.Timedelta(days=1), last + pd.Timedelta(days=1)))  # fmt: skip


def _only(frame: pd.DataFrame, ledger: str, *columns: str) -> pd.DataFrame:
    """The record id and the columns a series reads (those the frame has): all its elements'
    rows are cut from this, so it holds no copy of columns nobody reads."""
    return frame[[col for col in (c.LEDGERS[ledger].key, *columns) if col in frame]]


def _received_by_month(L: Ledgers, year: int) -> Split:
    d = _only(disputes_received(L, year), "disputes", "received_date", "body_type")
    return Split(d, d["received_date"].dt.month)


# (受理机构类型 or None for both, whole-year figure, its name)
INTAKE_SERIES = [
    (None, "disputes.accepted_total", "受理劳动人事争议案件数"),
    ("调解组织", "disputes.accepted_by_mediation_orgs", "各级调解组织受理案件数"),
    ("仲裁院", "disputes.accepted_by_arbitration", "仲裁院受理案件数"),
]


def _intake_rule(body: str | None, month: int):
    def rule(L, year):
        d = once_per_ledgers(L, year, _received_by_month).rows(month)
        if body is None:
            return counted("disputes", d, "received_date")
        return counted("disputes", d[d["body_type"] == body], "received_date", "body_type")

    return rule


def _intake_example(body: str | None, month: int) -> Example:
    first, last, before, after = _month_bounds(2021, month)
    other = "仲裁院" if body == "调解组织" else "调解组织"
    shown = body or "调解组织"
    rows = [("AJ-01", first, shown), ("AJ-02", last, shown), ("AJ-03", before, shown),
            ("AJ-04", after, shown), ("AJ-05", first, other)]  # fmt: skip
    table = "case_id | received_date | body_type\n" + "\n".join(" | ".join(r) for r in rows)
    if body is None:
        return Example(2021, 3, f"{first}、{last}受理的计入{month}月，调解组织与仲裁院合计；"
                                f"{before}、{after}受理的不计", {"disputes": table},
                       unread=("body_type",))  # fmt: skip
    return Example(2021, 2, f"{first}、{last}受理的计入{month}月；{before}、{after}受理的和"
                            f"{other}的不计", {"disputes": table})  # fmt: skip


for _month in range(1, 13):
    for _n, (_body, _parent, _name) in enumerate(INTAKE_SERIES):
        _who = "调解组织与仲裁院合计" if _body is None else f"受理机构为{_body}"
        _register(by_month(_parent, _month), f"{_name}（{_month}月）", "件", "disputes",
                  f"受理日期在当年 {_month} 月的案件数，{_who}（口径同 {_parent}，按受理月份分列，"
                  "12 个月之和即全年数）", cell=Cell("dispute_intake", f"{_month:02d}", _parent))(
            examples(*([_intake_example(_body, _month)] if _n == _month % 3 else []))(
                _intake_rule(_body, _month)))  # fmt: skip


# 结案方式 → key of its element; the mediation organisations' one closure is 调解成功.
OUTCOME_KEYS = {"调解成功": "mediated", "仲裁调解": "arbitral_mediation", "仲裁裁决": "award",
                "撤诉": "withdrawn", "不予受理": "not_accepted", "终结审理": "terminated"}  # fmt: skip


def by_outcome(outcome: str) -> str:
    """The id of the arbitration court's closures with one outcome (调解成功 is a figure)."""
    if outcome == "调解成功":
        return "disputes.mediated_successfully"
    return f"disputes.closed_by_arbitration.by_outcome.{OUTCOME_KEYS[outcome]}"


def share_by_outcome(outcome: str) -> str:
    return f"disputes.closed_total.share_by_outcome.{OUTCOME_KEYS[outcome]}"


def _closed_by_outcome(L: Ledgers, year: int) -> Split:
    d = _only(disputes_closed(L, year), "disputes", *CLOSED_COLUMNS)
    return Split(d, d["outcome"])


def _outcome_rows(L: Ledgers, year: int, outcome: str) -> Result:
    d = once_per_ledgers(L, year, _closed_by_outcome).rows(outcome)
    body = "调解组织" if outcome == "调解成功" else "仲裁院"
    return counted("disputes", d[d["body_type"] == body], *CLOSED_COLUMNS)


def _outcome_rule(outcome: str):
    def rule(L, year):
        return _outcome_rows(L, year, outcome)

    return rule


def _share_rule(outcome: str):
    def rule(L, year):
        closed = once_per_ledgers(L, year, _closed_by_outcome).frame
        return rate_of(
            _outcome_rows(L, year, outcome), counted("disputes", closed, *CLOSED_COLUMNS)
        )

    return rule


def _outcome_example(outcome: str) -> Example:
    other = "撤诉" if outcome != "撤诉" else "仲裁裁决"
    return Example(2021, 2, f"当年结案、结果为“{outcome}”的计入（含1月1日、12月31日）；结果为“{other}”的、"
                            "上年和次年结案的不计", {"disputes": f"""
        case_id | closed_date | body_type | outcome
        AJ-01   | 2021-01-01  | 仲裁院    | {outcome}
        AJ-02   | 2021-12-31  | 仲裁院    | {outcome}
        AJ-03   | 2021-06-01  | 仲裁院    | {other}
        AJ-04   | 2020-12-31  | 仲裁院    | {outcome}
        AJ-05   | 2022-01-01  | 仲裁院    | {outcome}
    """})  # fmt: skip


for _outcome in c.ARBITRATION_OUTCOMES:
    _register(by_outcome(_outcome), f"仲裁院结案数（{_outcome}）", "件", "disputes",
              f"受理机构为仲裁院、结果为“{_outcome}”、结案日期在当年的案件数（含上年结转；口径同 "
              "disputes.closed_by_arbitration，按结案方式分列，各方式之和即仲裁院结案数）",
              cell=Cell("dispute_outcomes", OUTCOME_KEYS[_outcome], "cases"))(
        examples(_outcome_example(_outcome))(_outcome_rule(_outcome)))  # fmt: skip

_SHARE_EXAMPLE = Example(
    2021, 33.33, "调解成功1件 ÷ 办结3件 = 33.333…%，四舍五入为33.33%；调解不成的不算办结，"
                 "上年结案的不计", {"disputes": """
        case_id | closed_date | body_type | outcome
        AJ-01   | 2021-03-01  | 调解组织  | 调解成功
        AJ-02   | 2021-04-01  | 调解组织  | 调解不成
        AJ-03   | 2021-05-01  | 仲裁院    | 仲裁裁决
        AJ-04   | 2021-12-31  | 仲裁院    | 撤诉
        AJ-05   | 2020-12-31  | 调解组织  | 调解成功
    """})  # fmt: skip

for _outcome in OUTCOME_KEYS:
    _body = "调解组织" if _outcome == "调解成功" else "仲裁院"
    _register(share_by_outcome(_outcome), f"办结案件中{_outcome}的占比", "%", "disputes",
              f"受理机构为{_body}、结果为“{_outcome}”、结案日期在当年的案件数 ÷ 办结劳动人事争议案件数"
              "（disputes.closed_total）× 100%，保留两位小数",
              cell=Cell("dispute_outcomes", OUTCOME_KEYS[_outcome], "share"))(
        examples(*([_SHARE_EXAMPLE] if _outcome == "调解成功" else []))(_share_rule(_outcome)))  # fmt: skip


def _cohort_by_month(L: Ledgers, year: int) -> Split:
    w = _only(wage_cohort(L, year), "wage_arrears_leads", "received_date", "closed_date", "result")
    return Split(w, w["received_date"].dt.month)


# (measure, whole-year figure, its name, its 口径 per month)
WAGE_SERIES = [
    ("received", "wage_arrears.leads_received", "接收欠薪线索数", "接收日期在当年 {m} 月的线索数"),
    ("closed", "wage_arrears.leads_closed", "欠薪线索办结数",
     "当年 {m} 月接收、截至 12 月 31 日已办结的线索数"),
    ("resolved", "wage_arrears.leads_resolved", "欠薪线索解决数",
     "当年 {m} 月接收、截至 12 月 31 日已办结且结果为“已解决”的线索数"),
]  # fmt: skip


def _wage_rule(measure: str, month: int):
    def rule(L, year):
        w = once_per_ledgers(L, year, _cohort_by_month).rows(month)
        if measure == "received":
            return counted("wage_arrears_leads", w, "received_date")
        w = w[closed_by_year_end(w, year)]
        if measure == "closed":
            return counted("wage_arrears_leads", w, "received_date", "closed_date")
        return counted("wage_arrears_leads", w[w["result"] == "已解决"], "received_date",
                       "closed_date", "result")  # fmt: skip

    return rule


def _wage_example(measure: str, month: int) -> Example:
    first, last, before, after = _month_bounds(2021, month)
    mid = f"2021-{month:02d}-10"
    if measure == "received":
        return Example(2021, 2, f"{first}、{last}接收的计入{month}月；{before}、{after}接收的不计", {
            "wage_arrears_leads": f"""
                lead_id | received_date
                QX-01   | {first}
                QX-02   | {last}
                QX-03   | {before}
                QX-04   | {after}
            """})  # fmt: skip
    if measure == "closed":
        return Example(2021, 2, f"{month}月接收、12月31日前办结的计入；{last}接收、次年办结的，未办结的和"
                                f"{before}接收的不计", {"wage_arrears_leads": f"""
                lead_id | received_date | closed_date
                QX-01   | {first}       | 2021-12-31
                QX-02   | {last}        | 2022-01-04
                QX-03   | {mid}         | {last}
                QX-04   | {mid}         |
                QX-05   | {before}      | {first}
            """})  # fmt: skip
    return Example(2021, 2, f"{month}月接收、年底前办结且“已解决”的计入；不属实的、次年办结的和{before}接收的"
                            "不计", {"wage_arrears_leads": f"""
            lead_id | received_date | closed_date | result
            QX-01   | {first}       | 2021-12-31  | 已解决
            QX-02   | {mid}         | {last}      | 不属实
            QX-03   | {last}        | 2022-01-04  | 已解决
            QX-04   | {before}      | {first}     | 已解决
            QX-05   | {mid}         | {last}      | 已解决
        """})  # fmt: skip


for _month in range(1, 13):
    for _n, (_measure, _parent, _name, _rule) in enumerate(WAGE_SERIES):
        _register(by_month(_parent, _month), f"{_name}（{_month}月）", "起", "wage_arrears_leads",
                  f"{_rule.format(m=_month)}（口径同 {_parent}，按接收月份分列，12 个月之和即全年数）",
                  cell=Cell("wage_arrears", f"{_month:02d}", _parent))(
            examples(*([_wage_example(_measure, _month)] if _n == _month % 3 else []))(
                _wage_rule(_measure, _month)))  # fmt: skip


# The other stages' hearings and conclusions, drawn beside the first instance's.
LITIGATION_STAGE_KEYS = {"一审": "first_instance", "二审": "second_instance", "再审": "retrial",
                         "行政案件监督": "supervision"}  # fmt: skip
LITIGATION_MEASURES = {"received_date": ("cases", "案件数", "收到应诉通知日期"),
                       "hearing_date": ("heard", "开庭审理案件数", "开庭日期"),
                       "concluded_date": ("concluded", "审结案件数", "审结日期")}  # fmt: skip


def litigation_figure(stage: str, column: str) -> str:
    """The id of a stage's cases received, heard or concluded in the year."""
    return f"litigation.{LITIGATION_STAGE_KEYS[stage]}_{LITIGATION_MEASURES[column][0]}"


def _stage_rule(stage: str, column: str):
    def rule(L, year):
        return _staged(L, year, stage, column)

    return rule


def _stage_example(stage: str, column: str) -> Example:
    other = "一审" if stage != "一审" else "二审"
    what = LITIGATION_MEASURES[column][2]
    return Example(2021, 2, f"{stage}案件{what}为1月1日、12月31日的计入；{other}的、上年的和空白的不计", {
        "litigation_cases": f"""
            case_id | stage | {column}
            XS-01   | {stage} | 2021-01-01
            XS-02   | {stage} | 2021-12-31
            XS-03   | {other} | 2021-06-01
            XS-04   | {stage} | 2020-12-31
            XS-05   | {stage} |
        """})  # fmt: skip


for _stage in c.LITIGATION_STAGES[1:]:
    for _column in ("hearing_date", "concluded_date"):
        _key, _what, _date = LITIGATION_MEASURES[_column]
        _register(litigation_figure(_stage, _column), f"{_stage}{_what}", "件", "litigation_cases",
                  f"审级为{_stage}、{_date}在当年的案件数（含上年受理）")(
            examples(_stage_example(_stage, _column))(_stage_rule(_stage, _column)))  # fmt: skip


# Figures charted over the years, with the short label a chart legend uses.
TREND_FIGURES: dict[str, str] = {
    "disputes.accepted_total": "争议案件受理",
    "disputes.closed_total": "争议案件办结",
    "disputes.mediated_successfully": "调解成功",
    "wage_arrears.leads_received": "欠薪线索接收",
    "litigation.first_instance_cases": "一审行政诉讼",
    "reconsideration.received": "行政复议收到",
}


def trend_years(L: Ledgers, until: int | None = None) -> list[int]:
    """Years any trend ledger covers in full, up to `until` (a report shows no later year)."""
    years: set[int] = set()
    for metric_id in TREND_FIGURES:
        for name in CATALOGUE[metric_id].ledgers:
            years.update(ledger_years(L, name))
    return sorted(y for y in years if until is None or y <= until)


# A trend needs two years: one year is a single dot under a title like "2021—2021年".
MIN_TREND_YEARS = 2


@also_stated(RULE_OF_LAW)
def trend_points(L: Ledgers, year: int) -> list[str]:
    """The trend chart's earlier years, each figure in each year its ledgers cover in full
    (`disputes.accepted_total@2019`); none when the chart has fewer than two years."""
    years = trend_years(L, until=year)
    if len(years) < MIN_TREND_YEARS:
        return []
    return [at_year(metric_id, y) for metric_id in TREND_FIGURES for y in years
            if y < year and covers(L, CATALOGUE[metric_id], y)]  # fmt: skip
