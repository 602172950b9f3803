"""The charts' data.

Every value a chart draws is a figure: the year's figures of the other modules, or the elements of
a series here, each with its id, 口径, worked examples and rows, so a chart's bar is traced like a
number of the text. A series element's id is its whole-year figure's id, the split and the key:
`disputes.accepted_total.by_month.03`, `disputes.closed_by_arbitration.by_outcome.award`,
`disputes.closed_total.share_by_outcome.award`; a trend's earlier years are the figure in that
year, `disputes.accepted_total@2019` (see catalogue.at_year). A series cuts one selection,
grouped once (catalogue.Split), so its twelve months cost one pass over the ledger.
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import (
    CATALOGUE,
    RULE_OF_LAW,
    Cell,
    Example,
    Result,
    Split,
    _register,
    also_stated,
    at_year,
    counted,
    covers,
    examples,
    ledger_years,
    once_per_ledgers,
    rate_of,
)
from helpers.figures.rule_of_law.disputes import CLOSED_COLUMNS, disputes_closed, disputes_received
from helpers.figures.rule_of_law.litigation import _staged
from helpers.figures.rule_of_law.wage_arrears import closed_by_year_end, wage_cohort
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers


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
