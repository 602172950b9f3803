"""一(三) 政府职能转变: licensing of training institutions, the service windows (manual figures),
and information disclosure requests, reconsiderations and lawsuits (the disclosure report counts
the same cases).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from helpers.figures.catalogue import (
    Example,
    Result,
    _register,
    by_year,
    combined,
    counted,
    distinct,
    examples,
    manual,
)
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers


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
