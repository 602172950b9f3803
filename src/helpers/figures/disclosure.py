"""The annual government-information disclosure report's figures (国办公开办函〔2021〕30号).

Every cell of the report's three tables is a metric of the shared catalogue, with report
`disclosure`, an id `disclosure_report.<table>.<row>.<column>` and a `Cell` saying where it sits,
so a cell is traced to its rows like any figure of the rule-of-law report. A cell's rule is its
row's rule (which rows, by which date) and its column's rule (which applicants, which outcome);
the tables' layout (labels, merged header cells) is in TABLES, the one place the three renderers
read it from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from helpers.figures.catalogue import (
    DISCLOSURE,
    Cell,
    Example,
    Result,
    Split,
    _register,
    by_year,
    counted,
    examples,
    manual,
    round_half_up,
    shared,
    summed,
)
from helpers.figures.rule_of_law import disclosure_lawsuits, disclosure_reconsiderations
from helpers.ledgers import contract as c

PREFIX = "disclosure_report"


def metric_id(table: str, row: str, column: str) -> str:
    return f"{PREFIX}.{table}.{row}.{column}"


# -- table 三: requests received and handled ----------------------------------------------------

# Columns: applicant types as the format groups them (自然人; 法人或其他组织 ×5; 总计).
REQUEST_COLUMNS: list[tuple[str, str, str | None]] = [
    ("natural_person", "自然人", "自然人"),
    ("business", "商业企业", "商业企业"),
    ("research", "科研机构", "科研机构"),
    ("public_interest", "社会公益组织", "社会公益组织"),
    ("legal_service", "法律服务机构", "法律服务机构"),
    ("other", "其他", "其他"),
    ("total", "总计", None),
]

# Result rows: (row key, group label, item label, contract value). Item labels are the format's.
_GROUPS = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
RESULT_ROWS: list[tuple[str, str, str, str]] = [
    ("disclosed", "（一）予以公开", "", "予以公开"),
    ("partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", "部分公开"),
    ("withheld.state_secret", _GROUPS["withheld"], "1.属于国家秘密", c.DISCLOSURE_RESULTS[2]),
    ("withheld.prohibited_by_law", _GROUPS["withheld"], "2.其他法律行政法规禁止公开",
     c.DISCLOSURE_RESULTS[3]),
    ("withheld.three_securities", _GROUPS["withheld"], "3.危及“三安全一稳定”", c.DISCLOSURE_RESULTS[4]),
    ("withheld.third_party", _GROUPS["withheld"], "4.保护第三方合法权益", c.DISCLOSURE_RESULTS[5]),
    ("withheld.internal_affairs", _GROUPS["withheld"], "5.属于三类内部事务信息",
     c.DISCLOSURE_RESULTS[6]),
    ("withheld.process_info", _GROUPS["withheld"], "6.属于四类过程性信息", c.DISCLOSURE_RESULTS[7]),
    ("withheld.enforcement_files", _GROUPS["withheld"], "7.属于行政执法案卷", c.DISCLOSURE_RESULTS[8]),
    ("withheld.query_matters", _GROUPS["withheld"], "8.属于行政查询事项", c.DISCLOSURE_RESULTS[9]),
    ("unavailable.not_held", _GROUPS["unavailable"], "1.本机关不掌握相关政府信息",
     c.DISCLOSURE_RESULTS[10]),
    ("unavailable.needs_creation", _GROUPS["unavailable"], "2.没有现成信息需要另行制作",
     c.DISCLOSURE_RESULTS[11]),
    ("unavailable.unclear", _GROUPS["unavailable"], "3.补正后申请内容仍不明确",
     c.DISCLOSURE_RESULTS[12]),
    ("not_processed.petition", _GROUPS["not_processed"], "1.信访举报投诉类申请", c.DISCLOSURE_RESULTS[13]),
    ("not_processed.repeated", _GROUPS["not_processed"], "2.重复申请", c.DISCLOSURE_RESULTS[14]),
    ("not_processed.publications", _GROUPS["not_processed"], "3.要求提供公开出版物",
     c.DISCLOSURE_RESULTS[15]),
    ("not_processed.excessive", _GROUPS["not_processed"], "4.无正当理由大量反复申请",
     c.DISCLOSURE_RESULTS[16]),
    ("not_processed.confirmation", _GROUPS["not_processed"],
     "5.要求行政机关确认或重新出具已获取信息", c.DISCLOSURE_RESULTS[17]),
    ("other.no_correction", _GROUPS["other"],
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", c.DISCLOSURE_RESULTS[18]),
    ("other.unpaid_fee", _GROUPS["other"],
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     c.DISCLOSURE_RESULTS[19]),
    ("other.other", _GROUPS["other"], "3.其他", c.DISCLOSURE_RESULTS[20]),
]  # fmt: skip
assert [r[3] for r in RESULT_ROWS] == c.DISCLOSURE_RESULTS, "one row per contract category"


def _received(d: pd.DataFrame, year: int):
    return by_year(d, "received_date", year), ("received_date",)


def _carried_in(d: pd.DataFrame, year: int):
    before = d["received_date"].dt.year < year
    open_at_start = d["reply_date"].isna() | (d["reply_date"].dt.year >= year)
    return d[before & open_at_start], ("received_date", "reply_date")


def _carried_out(d: pd.DataFrame, year: int):
    upto = d["received_date"].dt.year <= year
    still_open = d["reply_date"].isna() | (d["reply_date"].dt.year > year)
    return d[upto & still_open], ("received_date", "reply_date")


def _answered(d: pd.DataFrame, year: int):
    return by_year(d, "reply_date", year), ("reply_date",)


def _by_result(d: pd.DataFrame, year: int) -> Split:
    answered = by_year(d, "reply_date", year)
    return Split(answered, answered["result"])


def _answered_as(category: str):
    def rows(d: pd.DataFrame, year: int):
        # The year's answers, grouped by result once for the rows of every category.
        return shared(_by_result, d, year).rows(category), ("reply_date", "result")

    return rows


Selector = Callable[[pd.DataFrame, int], tuple[pd.DataFrame, tuple[str, ...]]]

# Row rules: (key, label, which requests, 口径 of the row).
REQUEST_ROWS: list[tuple[str, str, Selector, str]] = [
    ("received", "一、本年新收政府信息公开申请数量", _received, "收到申请日期在当年的申请"),
    ("carried_in", "二、上年结转政府信息公开申请数量", _carried_in,
     "以前年度收到、截至上年 12 月 31 日尚未答复的申请"),
    *[(f"result.{key}", f"{group}{item}", _answered_as(value),
       f"答复日期在当年、办理结果为“{value}”的申请") for key, group, item, value in RESULT_ROWS],
    ("result.total", "三、本年度办理结果（七）总计", _answered,
     "答复日期在当年的申请（不论办理结果）"),
    ("carried_out", "四、结转下年度继续办理", _carried_out,
     "当年及以前收到、截至当年 12 月 31 日尚未答复的申请"),
]  # fmt: skip


def _row_requests(L, select: Selector, year: int) -> tuple[pd.DataFrame, tuple[str, ...]]:
    rows, columns = select(L["disclosure_requests"], year)
    # Only the columns a cell's rows show (as `Rows` keeps them), taken once for the row's cells.
    shown = [c.LEDGERS["disclosure_requests"].key, *columns, "applicant_type"]
    return rows[[col for col in dict.fromkeys(shown) if col in rows]], columns


def _by_applicant(L, select: Selector, year: int) -> tuple[Split, tuple[str, ...]]:
    rows, columns = shared(_row_requests, L, select, year)
    return Split(rows, rows["applicant_type"]), columns


def _applicants(L, select: Selector, year: int, column: str):
    """A cell's requests: its row's, all or one applicant type's. The row's are selected once
    for its seven cells, and grouped by applicant type once for its six types."""
    kind = dict((key, value) for key, _, value in REQUEST_COLUMNS)[column]
    if kind is None:
        return shared(_row_requests, L, select, year)
    rows, columns = shared(_by_applicant, L, select, year)
    return rows.rows(kind), (*columns, "applicant_type")


def _request_rule(select: Selector, column: str):
    def rule(L, year: int) -> Result:
        rows, columns = _applicants(L, select, year, column)
        return counted("disclosure_requests", rows, *columns)

    return rule


# Worked examples. Each column's rule is shown on the 本年新收 row and each row's rule on the
# 自然人 column (result categories on a shared pattern: the category itself on 1 January and 31
# December counts; another applicant type, last year's reply and the neighbouring category do
# not), plus hand-made cases for the rows that read two dates.
def _column_example(column: str, kind: str | None) -> Example:
    other = "自然人" if kind != "自然人" else "商业企业"
    target = kind or "科研机构"
    rows = f"""
        request_id | received_date | applicant_type
        GK-01      | 2021-01-01    | {target}
        GK-02      | 2021-12-31    | {target}
        GK-03      | 2021-05-01    | {other}
        GK-04      | 2022-01-01    | {target}
        GK-05      | 2020-12-31    | {other}
    """
    if kind is None:
        return Example(2021, 3, "总计不分申请人类型：当年收到的三件都计；上年、次年收到的不计",
                       {"disclosure_requests": rows.replace("| applicant_type", "").replace(
                           f"| {target}", "").replace(f"| {other}", "")})  # fmt: skip
    return Example(2021, 2, f"只计申请人类型为“{kind}”的：1月1日、12月31日收到的计入；"
                            f"“{other}”的和次年收到的不计", {"disclosure_requests": rows})  # fmt: skip


def _result_example(value: str, neighbour: str) -> Example:
    return Example(2021, 2, f"答复日期在当年（含1月1日、12月31日）、结果为“{value}”的自然人申请计入；"
                            f"商业企业的、上年答复的和结果为“{neighbour}”的不计", {
        "disclosure_requests": f"""
            request_id | reply_date | result | applicant_type
            GK-01      | 2021-01-01 | {value} | 自然人
            GK-02      | 2021-12-31 | {value} | 自然人
            GK-03      | 2021-06-01 | {value} | 商业企业
            GK-04      | 2020-12-31 | {value} | 自然人
            GK-05      | 2021-06-01 | {neighbour} | 自然人
        """})  # fmt: skip


_ROW_EXAMPLES: dict[str, tuple[Example, ...]] = {
    "carried_in": (Example(2021, 2, "2019年收到、2021年答复的和上年收到、至今未答复的计入；"
                                    "商业企业的、上年已答复的和当年收到的不计", {
        "disclosure_requests": """
            request_id | received_date | reply_date | applicant_type
            GK-01      | 2019-05-06    | 2021-01-05 | 自然人
            GK-02      | 2020-12-31    |            | 自然人
            GK-03      | 2020-12-20    | 2021-01-04 | 商业企业
            GK-04      | 2020-06-01    | 2020-12-31 | 自然人
            GK-05      | 2021-01-01    |            | 自然人
        """}),),
    "result.total": (Example(2021, 3, "当年答复的自然人申请不论结果都计入；商业企业的、次年答复的和未答复的不计", {
        "disclosure_requests": """
            request_id | reply_date | result   | applicant_type
            GK-01      | 2021-01-01 | 予以公开 | 自然人
            GK-02      | 2021-12-31 | 部分公开 | 自然人
            GK-03      | 2021-06-01 | 其他处理-其他 | 自然人
            GK-04      | 2021-06-01 | 予以公开 | 商业企业
            GK-05      | 2022-01-01 | 予以公开 | 自然人
            GK-06      |            |          | 自然人
        """}, unread=("result",)),),
    "carried_out": (Example(2021, 2, "12月31日收到、次年答复的和2019年收到、至今未答复的结转；"
                                     "12月31日答复的、商业企业的和次年收到的不结转", {
        "disclosure_requests": """
            request_id | received_date | reply_date | applicant_type
            GK-01      | 2019-05-06    |            | 自然人
            GK-02      | 2021-12-31    | 2022-01-04 | 自然人
            GK-03      | 2021-03-01    | 2021-12-31 | 自然人
            GK-04      | 2021-12-30    |            | 商业企业
            GK-05      | 2022-01-01    |            | 自然人
        """}),),
}  # fmt: skip
for _i, (_key, _, _, _value) in enumerate(RESULT_ROWS):
    _neighbour = c.DISCLOSURE_RESULTS[(_i + 1) % len(c.DISCLOSURE_RESULTS)]
    _ROW_EXAMPLES[f"result.{_key}"] = (_result_example(_value, _neighbour),)

_COLUMN_EXAMPLES = {key: (_column_example(key, kind),) for key, _, kind in REQUEST_COLUMNS}

for _row, _row_label, _select, _row_rule in REQUEST_ROWS:
    for _col, _col_label, _kind in REQUEST_COLUMNS:
        _cases: tuple[Example, ...] = ()
        if _row == "received":
            _cases = _COLUMN_EXAMPLES[_col]
        elif _col == "natural_person":
            _cases = _ROW_EXAMPLES[_row]
        _who = "全部申请人" if _kind is None else f"申请人类型为“{_kind}”"
        _register(metric_id("requests", _row, _col), f"{_row_label}·{_col_label}", "件",
                  "disclosure_requests", f"{_row_rule}中，{_who}的件数",
                  report=DISCLOSURE, cell=Cell("requests", _row, _col))(
            examples(*_cases)(_request_rule(_select, _col)))  # fmt: skip


# -- table 四: reconsideration and litigation about disclosure ----------------------------------

CHALLENGE_ROWS = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼·复议后起诉"),
]
CHALLENGE_COLUMNS = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]
UPHELD = {"reconsideration": ["维持"], "litigation": ["驳回诉讼请求"]}
CORRECTED = {"reconsideration": c.RECONSIDERATION_CORRECTED, "litigation": c.LITIGATION_LOST}


def _challenge_rule(row: str, column: str):
    ledger = "reconsideration_cases" if row == "reconsideration" else "litigation_cases"
    family = "reconsideration" if row == "reconsideration" else "litigation"

    def rule(L, year: int) -> Result:
        # The rule-of-law report's "复议诉讼" figure counts these very cases.
        columns: tuple[str, ...] = ("action_type", "received_date")
        if family == "reconsideration":
            d = shared(disclosure_reconsiderations, L, year)
        else:
            d = shared(disclosure_lawsuits, L, year)
            d = d[d["after_reconsideration"] == (row != "litigation_direct")]
            columns += ("stage", "after_reconsideration")
        if column == "total":
            return counted(ledger, d, *columns)
        decided = d["concluded_date"].notna() & (d["concluded_date"].dt.year <= year)
        if column == "pending":
            return counted(ledger, d[~decided], *columns, "concluded_date")
        upheld, corrected = d["result"].isin(UPHELD[family]), d["result"].isin(CORRECTED[family])
        hit = {"upheld": upheld, "corrected": corrected, "other": ~upheld & ~corrected}[column]
        return counted(ledger, d[decided & hit], *columns, "concluded_date", "result")

    return rule


_OUTCOME_RULES = {
    "upheld": "截至当年 12 月 31 日审结、结果为{upheld}的",
    "corrected": "截至当年 12 月 31 日审结、结果为{corrected}的",
    "other": "截至当年 12 月 31 日审结、结果为其他（如{other}）的",
    "pending": "截至当年 12 月 31 日尚未审结的",
    "total": "全部",
}
_OTHER = {"reconsideration": "驳回复议申请、终止", "litigation": "撤诉、驳回起诉"}

# One table of cases per ledger, each column's expected count stated beside it: the cases are
# shared, the value is the column's.
_REC_ROWS = """
    case_id | action_type | received_date | concluded_date | result
    FY-01   | 信息公开    | 2021-01-01    | 2021-03-01     | 维持
    FY-02   | 信息公开    | 2021-05-01    | 2021-12-31     | 撤销
    FY-03   | 信息公开    | 2021-06-01    | 2021-08-01     | 驳回复议申请
    FY-04   | 信息公开    | 2021-12-31    | 2022-01-20     | 维持
    FY-05   | 工伤认定    | 2021-04-01    | 2021-05-01     | 维持
    FY-06   | 信息公开    | 2020-12-31    | 2021-02-01     | 维持
"""
_LIT_ROWS = """
    case_id | stage | action_type | after_reconsideration | received_date | concluded_date | result
    XS-01   | 一审  | 信息公开    | 否 | 2021-01-01 | 2021-03-01 | 驳回诉讼请求
    XS-02   | 一审  | 信息公开    | 否 | 2021-12-31 |            |
    XS-03   | 一审  | 信息公开    | 是 | 2021-05-01 | 2021-07-01 | 确认违法
    XS-04   | 一审  | 信息公开    | 是 | 2021-06-01 | 2021-09-01 | 撤诉
    XS-05   | 二审  | 信息公开    | 否 | 2021-07-01 | 2021-09-01 | 驳回上诉
    XS-06   | 一审  | 工伤认定    | 否 | 2021-04-01 | 2021-06-01 | 驳回诉讼请求
    XS-07   | 一审  | 信息公开    | 是 | 2020-12-31 | 2021-02-01 | 驳回诉讼请求
"""
_CHALLENGE_VALUES = {
    "reconsideration": {"upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4},
    "litigation_direct": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
    "litigation_after_reconsideration": {"upheld": 0, "corrected": 1, "other": 1, "pending": 0,
                                         "total": 2},
}  # fmt: skip
_CHALLENGE_NOTES = {
    "reconsideration": "当年收到的信息公开复议案件 FY-01 至 FY-04 按截至12月31日的结果分列（次年审结的为尚未审结）；"
                       "其他行为类别的和上年收到的不计",
    "litigation_direct": "未经复议直接起诉的一审信息公开案件 XS-01、XS-02；二审、复议后起诉、其他类别和上年收到的不计",
    "litigation_after_reconsideration": "复议后起诉的一审信息公开案件 XS-03、XS-04（确认违法为纠正，撤诉为其他）；"
                                        "上年收到的 XS-07 不计",
}  # fmt: skip

for _row, _row_label in CHALLENGE_ROWS:
    _family = "reconsideration" if _row == "reconsideration" else "litigation"
    _ledger = "reconsideration_cases" if _family == "reconsideration" else "litigation_cases"
    _scope = ("收到答复通知日期在当年、被申请行为类别为“信息公开”的行政复议案件" if _family == "reconsideration"
              else "收到应诉通知日期在当年、被诉行为类别为“信息公开”、"
                   f"{'未经' if _row == 'litigation_direct' else '经'}行政复议起诉的一审行政诉讼案件"
                   "（二审、再审是同一案件的后续程序，不另计）")  # fmt: skip
    for _col, _col_label in CHALLENGE_COLUMNS:
        _outcome = _OUTCOME_RULES[_col].format(
            upheld="、".join(UPHELD[_family]), corrected="、".join(CORRECTED[_family]),
            other=_OTHER[_family])  # fmt: skip
        _case_rows = _REC_ROWS if _family == "reconsideration" else _LIT_ROWS
        if _col == "total":
            _case_rows = "\n".join(
                "|".join(_line.split("|")[: -2 if _family == "reconsideration" else -2])
                for _line in _case_rows.strip().splitlines()
            )
        elif _col == "pending":
            _case_rows = "\n".join(
                "|".join(_line.split("|")[:-1]) for _line in _case_rows.strip().splitlines()
            )
        _example = Example(2021, _CHALLENGE_VALUES[_row][_col], _CHALLENGE_NOTES[_row],
                           {_ledger: _case_rows})  # fmt: skip
        _register(metric_id("challenges", _row, _col), f"{_row_label}·{_col_label}", "件", _ledger,
                  f"{_scope}中{_outcome}件数", report=DISCLOSURE,
                  cell=Cell("challenges", _row, _col))(
            examples(_example)(_challenge_rule(_row, _col)))  # fmt: skip


# -- table 二: information disclosed on the bureau's own initiative ---------------------------


def _documents_issued(L, year):
    return counted("normative_documents", by_year(L["normative_documents"], "issued_date", year),
                   "issued_date")  # fmt: skip


def _documents_repealed(L, year):
    d = L["normative_documents"]
    return counted("normative_documents", d[d["repealed_date"].dt.year == year], "repealed_date")


def _documents_in_force(L, year):
    d = L["normative_documents"]
    end = pd.Timestamp(year, 12, 31)
    live = ((d["issued_date"] <= end) & (d["repealed_date"].isna() | (d["repealed_date"] > end))
            & (d["expiry_date"].isna() | (d["expiry_date"] >= end)))  # fmt: skip
    return counted("normative_documents", d[live], "issued_date", "repealed_date", "expiry_date")


def _decisions(kind: str):
    def rule(L, year):
        d = by_year(L["administrative_decisions"], "decision_date", year)
        return counted("administrative_decisions", d[d["decision_type"] == kind], "decision_date",
                       "decision_type")  # fmt: skip

    return rule


def _decision_example(kind: str) -> Example:
    other = "行政处罚" if kind != "行政处罚" else "行政许可"
    return Example(2021, 2, f"决定日期在当年（含1月1日、12月31日）的{kind}决定计入；{other}和上年的不计", {
        "administrative_decisions": f"""
            decision_id | decision_date | decision_type
            JD-01       | 2021-01-01    | {kind}
            JD-02       | 2021-12-31    | {kind}
            JD-03       | 2021-06-01    | {other}
            JD-04       | 2020-12-31    | {kind}
        """})  # fmt: skip


@dataclass(frozen=True)
class ProactiveRow:
    key: str
    clause: str  # the article of 条例第二十条 the row reports under
    label: str
    columns: tuple[tuple[str, str, str], ...]  # (key, header, unit)


PROACTIVE_ROWS = [
    ProactiveRow("rules", "第二十条第（一）项", "规章",
                 (("issued", "本年制发件数", "件"), ("repealed", "本年废止件数", "件"),
                  ("in_force", "现行有效件数", "件"))),
    ProactiveRow("normative_documents", "第二十条第（一）项", "行政规范性文件",
                 (("issued", "本年制发件数", "件"), ("repealed", "本年废止件数", "件"),
                  ("in_force", "现行有效件数", "件"))),
    ProactiveRow("licensing", "第二十条第（五）项", "行政许可",
                 (("decisions", "本年处理决定数量", "件"),)),
    ProactiveRow("penalty", "第二十条第（六）项", "行政处罚",
                 (("decisions", "本年处理决定数量", "件"),)),
    ProactiveRow("coercion", "第二十条第（六）项", "行政强制",
                 (("decisions", "本年处理决定数量", "件"),)),
    ProactiveRow("fees", "第二十条第（八）项", "行政事业性收费",
                 (("amount", "本年收费金额（单位：万元）", "万元"),)),
]  # fmt: skip


def _proactive_cell(row: str, column: str) -> Cell:
    return Cell("proactive", row, column)


# 规章 are made by governments with rule-making power, which a district bureau is not, and the
# 行政事业性收费 total is kept by the finance system, not a case ledger: both are params figures.
for _column, _header, _ in PROACTIVE_ROWS[0].columns:
    manual(metric_id("proactive", "rules", _column), f"规章·{_header}", "件",
           f"人工填报：本机关{_header.replace('件数', '')}的规章件数（区级部门无规章制定权的填 0），见年度参数文件"
           " disclosure.manual_figures", report=DISCLOSURE, cell=_proactive_cell("rules", _column))  # fmt: skip
manual(metric_id("proactive", "fees", "amount"), "行政事业性收费·本年收费金额", "万元",
       "人工填报：当年实际收取的行政事业性收费金额（万元，取自财务非税收入记录；未收取填 0），见年度参数文件"
       " disclosure.manual_figures", report=DISCLOSURE, cell=_proactive_cell("fees", "amount"))  # fmt: skip

_register(metric_id("proactive", "normative_documents", "issued"), "行政规范性文件·本年制发件数", "件",
          "normative_documents", "印发日期在当年的行政规范性文件件数（与法治政府建设报告的规范性文件制发数同一口径）",
          report=DISCLOSURE, cell=_proactive_cell("normative_documents", "issued"))(examples(
    Example(2021, 2, "1月1日、12月31日印发的计入；上年12月31日和次年1月1日印发的不计", {
        "normative_documents": """
            doc_number | issued_date
            WJ-01      | 2020-12-31
            WJ-02      | 2021-01-01
            WJ-03      | 2021-12-31
            WJ-04      | 2022-01-01
        """}))(_documents_issued))  # fmt: skip
_register(metric_id("proactive", "normative_documents", "repealed"), "行政规范性文件·本年废止件数", "件",
          "normative_documents", "废止日期在当年的行政规范性文件件数（不论印发年份；到期自然失效的不计）",
          report=DISCLOSURE, cell=_proactive_cell("normative_documents", "repealed"))(examples(
    Example(2021, 2, "2019年印发、当年废止的也计入；上年废止的、未废止的和有效期届满失效的不计", {
        "normative_documents": """
            doc_number | issued_date | repealed_date | expiry_date
            WJ-01      | 2019-03-01  | 2021-01-01    | 2024-03-01
            WJ-02      | 2021-02-01  | 2021-12-31    |
            WJ-03      | 2019-05-01  | 2020-12-31    |
            WJ-04      | 2016-06-01  |               | 2021-05-31
            WJ-05      | 2021-03-01  |               |
        """}, unread=("issued_date", "expiry_date")))(_documents_repealed))  # fmt: skip
_register(metric_id("proactive", "normative_documents", "in_force"), "行政规范性文件·现行有效件数", "件",
          "normative_documents", "截至当年 12 月 31 日已印发、未废止且未过有效期的行政规范性文件件数"
          "（有效期至 12 月 31 日的仍有效）", report=DISCLOSURE,
          cell=_proactive_cell("normative_documents", "in_force"))(examples(
    Example(2021, 3, "以前年度印发仍有效的、有效期至12月31日的和12月31日印发的计入；当年废止的、"
                     "有效期已届满的和次年印发的不计", {
        "normative_documents": """
            doc_number | issued_date | repealed_date | expiry_date
            WJ-01      | 2018-03-01  |               | 2023-03-01
            WJ-02      | 2017-01-01  |               | 2021-12-31
            WJ-03      | 2021-12-31  |               |
            WJ-04      | 2019-05-01  | 2021-06-30    | 2024-05-01
            WJ-05      | 2016-06-01  |               | 2021-05-31
            WJ-06      | 2022-01-01  |               |
        """}))(_documents_in_force))  # fmt: skip
for _row, _kind in (("licensing", "行政许可"), ("penalty", "行政处罚"), ("coercion", "行政强制")):
    _register(metric_id("proactive", _row, "decisions"), f"{_kind}·本年处理决定数量", "件",
              "administrative_decisions", f"决定日期在当年的{_kind}决定件数（准予、不予均计）",
              report=DISCLOSURE, cell=_proactive_cell(_row, "decisions"))(
        examples(_decision_example(_kind))(_decisions(_kind)))  # fmt: skip


# -- part 六: the information-processing fee actually charged -----------------------------------


@_register(f"{PREFIX}.fees_charged", "实际收取的信息处理费", "元", "disclosure_requests",
           "答复日期在当年的申请实际收取的信息处理费之和（元）", report=DISCLOSURE)  # fmt: skip
@examples(
    Example(2021, 300, "100 + 200 = 300：当年答复的申请所收费用相加；上年答复的不计", {
        "disclosure_requests": """
            request_id | reply_date | fee_charged
            GK-01      | 2021-03-01 | 100
            GK-02      | 2021-12-31 | 200
            GK-03      | 2021-05-01 | 0
            GK-04      | 2020-12-31 | 50
        """}),
)  # fmt: skip
def _fees_charged(L, year):
    d = by_year(L["disclosure_requests"], "reply_date", year)
    return summed("disclosure_requests", d, "fee_charged",
                  round_half_up(float(d["fee_charged"].sum()), 2), "reply_date", "fee_charged")  # fmt: skip


# -- stats.json ------------------------------------------------------------------------------


def stats_tables(metrics: dict[str, dict]) -> dict[str, dict]:
    """The three tables as rows × columns: {key: {title, columns: [{key, label}], rows: [{key,
    label, cells: {column key: {value, metric}}}]}}."""

    def cell(id: str) -> dict:
        return {"value": metrics[id]["value"], "metric": id}

    proactive_rows = []
    for row in PROACTIVE_ROWS:
        proactive_rows.append({
            "key": row.key, "label": row.label, "clause": row.clause,
            "cells": {k: cell(metric_id("proactive", row.key, k)) for k, _, _ in row.columns},
        })  # fmt: skip
    proactive_columns = {k: h for r in PROACTIVE_ROWS for k, h, _ in r.columns}
    return {
        "proactive": {
            "title": "主动公开政府信息情况",
            "columns": [{"key": k, "label": v} for k, v in proactive_columns.items()],
            "rows": proactive_rows,
        },
        "requests": {
            "title": "收到和处理政府信息公开申请情况",
            "columns": [{"key": k, "label": label} for k, label, _ in REQUEST_COLUMNS],
            "rows": [
                {"key": row, "label": label,
                 "cells": {col: cell(metric_id("requests", row, col)) for col, _, _ in REQUEST_COLUMNS}}
                for row, label, _, _ in REQUEST_ROWS
            ],
        },
        "challenges": {
            "title": "政府信息公开行政复议、行政诉讼情况",
            "columns": [{"key": k, "label": label} for k, label in CHALLENGE_COLUMNS],
            "rows": [
                {"key": row, "label": label,
                 "cells": {col: cell(metric_id("challenges", row, col)) for col, _ in CHALLENGE_COLUMNS}}
                for row, label in CHALLENGE_ROWS
            ],
        },
    }  # fmt: skip
