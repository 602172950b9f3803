"""The reviewers' data-quality section: what the ledgers hold, which rows the year's figures count
and why the others are left out, and whether the figures agree with one another.

Everything here returns a DataFrame; nothing raises on bad data, because a reviewer needs to see
every problem in one table rather than the first one as an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from helpers.figures import catalogue
from helpers.figures import rule_of_law as m
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers

LEDGER = "台账"
FILE = "文件"
DATE_BASIS = "归年日期"
NO_DATE = "无日期"
EARLIER = "更早"
LATER = "更晚"
TOTAL = "合计"

BASIS = "计数口径"
ROWS = "台账行数"
COUNTED = "计入当年"
REASON = "未计入原因"
EXCLUDED = "未计入行数"
NOTHING_EXCLUDED = "—"
UNEXPLAINED = "其他（未能归类，请核查）"

CHECK = "检查项"
LEFT = "左边"
RELATION = "关系"
RIGHT = "右边"
RESULT = "结果"
NOTE = "说明"
PASS, FAIL, NOT_CHECKED = "通过", "未通过", "无法检查"


# -- rows per ledger and year ----------------------------------------------------------------


def _year_dates(ledgers: Ledgers, name: str) -> tuple[pd.Series, str]:
    """The date that puts each row in a year, and its Chinese name."""
    frame = ledgers[name]
    if name == "meeting_topics":
        # Topics carry no date: a topic belongs to the year of its meeting.
        meetings = ledgers["meetings"].set_index("meeting_id")["meeting_date"]
        return frame["meeting_id"].map(meetings), "所属会议的会议日期"
    spec = c.LEDGERS[name]
    return frame[spec.year_column], spec.column(spec.year_column).zh


def row_counts(ledgers: Ledgers, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Rows of each ledger per calendar year of the date that assigns it to a year.

    Rows dated outside `years` are summed as 更早 / 更晚, so a ledger with a long history
    (officers' exam dates go back many years) does not widen the table past what a notebook
    shows untruncated. By default the years are those most ledgers cover in full.
    """
    names = [n for n in [*c.LEDGERS, *c.LOCAL_LEDGERS] if n in ledgers.frames]
    shown = sorted(years) if years is not None else default_years(ledgers)
    rows = []
    for name in names:
        dates, basis = _year_dates(ledgers, name)
        year = dates.dt.year
        row: dict[object, object] = {LEDGER: c.LEDGERS[name].zh, FILE: _file_name(ledgers, name),
                                     DATE_BASIS: _date_basis_label(basis)}  # fmt: skip
        row[EARLIER] = int((year < shown[0]).sum()) if shown else 0
        for y in shown:
            row[y] = int((year == y).sum())
        row[LATER] = int((year > shown[-1]).sum()) if shown else 0
        row[NO_DATE] = int(year.isna().sum())
        row[TOTAL] = len(dates)
        rows.append(row)
    return pd.DataFrame(rows)


def default_years(ledgers: Ledgers) -> list[int]:
    """Years that at least half of the ledgers cover in full (see metrics.ledger_years)."""
    names = [n for n in [*c.LEDGERS, *c.LOCAL_LEDGERS] if n in ledgers.frames]
    covering: dict[int, int] = {}
    for name in names:
        for y in catalogue.ledger_years(ledgers, name):
            covering[y] = covering.get(y, 0) + 1
    return sorted(y for y, n in covering.items() if 2 * n >= len(names))


def _file_name(ledgers: Ledgers, name: str) -> str:
    # The file name only: the report must not carry the machine's directory layout.
    path = ledgers.files.get(name)
    return path.name if path is not None else f"{name}.csv"


def _date_basis_label(zh: str) -> str:
    # Contract labels carry a filling hint, e.g. 结案日期（未结案留空）; the table needs the name.
    return zh.split("（")[0]


# -- rows left out of the year's figures -----------------------------------------------------

# (rows, reason) in the order they are tried: a row left out is explained by the first that fits.
Reasons = list[tuple[pd.Series, str]]


@dataclass(frozen=True)
class _Basis:
    ledger: str
    label: str
    counted: Callable[[Ledgers, int], pd.Index]
    reasons: Callable[[Ledgers, pd.DataFrame, int], Reasons]


def _dated(dates: pd.Series, year: int, zh: str, missing: str | None = None) -> Reasons:
    rules: Reasons = [(dates.dt.year != year, f"{zh}不在当年")]
    if missing is not None:
        rules.insert(0, (dates.isna(), missing))
    return rules


def _value_is_not(frame: pd.DataFrame, column: str, kept: Iterable[str], reason: str) -> Reasons:
    return [(~frame[column].isin(list(kept)), reason)]


def _idx(frame: pd.DataFrame) -> pd.Index:
    return frame.index


def _received(ledger: str) -> Callable[[Ledgers, int], pd.Index]:
    return lambda L, y: _idx(catalogue.by_year(L[ledger], "received_date", y))


def _received_reasons(zh: str) -> Callable[[Ledgers, pd.DataFrame, int], Reasons]:
    return lambda L, f, y: _dated(f["received_date"], y, zh)


def _wage_closed(L: Ledgers, y: int) -> pd.Index:
    cohort = m.wage_cohort(L, y)
    return _idx(cohort[m.closed_by_year_end(cohort, y)])


def _wage_resolved(L: Ledgers, y: int) -> pd.Index:
    cohort = m.wage_cohort(L, y)
    return _idx(cohort[m.closed_by_year_end(cohort, y) & (cohort["result"] == "已解决")])


def _wage_closed_reasons(L: Ledgers, f: pd.DataFrame, y: int) -> Reasons:
    return _dated(f["received_date"], y, "接收日期") + [
        (f["closed_date"].isna(), "至今未办结"),
        (f["closed_date"].dt.year > y, "结转下年（次年及以后办结）"),
    ]


def _topic_meetings(L: Ledgers) -> pd.DataFrame:
    meetings = L["meetings"].set_index("meeting_id")
    topics = L["meeting_topics"]
    return pd.DataFrame(
        {
            "date": topics["meeting_id"].map(meetings["meeting_date"]),
            "type": topics["meeting_id"].map(meetings["meeting_type"]),
        },
        index=topics.index,
    )


def _topics_counted(L: Ledgers, y: int) -> pd.Index:
    ids = m.bureau_meetings(L, y)["meeting_id"]
    topics = L["meeting_topics"]
    return _idx(topics[topics["meeting_id"].isin(ids)])


def _topic_reasons(L: Ledgers, f: pd.DataFrame, y: int) -> Reasons:
    meeting = _topic_meetings(L)
    return _dated(meeting["date"], y, "所属会议日期", missing="所属会议不在会议台账中") + [
        (meeting["type"] != "局务会", "所属会议不是局务会")
    ]


def _approvals_counted(L: Ledgers, y: int) -> pd.Index:
    a = catalogue.by_year(L["training_approvals"], "decision_date", y)
    return _idx(a[(a["item"] == "设立") & (a["decision"] == "准予")])


def _active_orgs_counted(L: Ledgers, y: int) -> pd.Index:
    kinds = ("街镇调解组织", "开发区调解组织")
    return pd.Index([]).append([_idx(m.active_orgs(L, y, kind)) for kind in kinds])


def _active_orgs_reasons(L: Ledgers, f: pd.DataFrame, y: int) -> Reasons:
    end = pd.Timestamp(year=y, month=12, day=31)
    return [
        (f["established_date"] > end, "当年年末尚未设立"),
        (f["dissolved_date"].notna() & (f["dissolved_date"] <= end), "已于当年年末前撤销"),
    ] + _value_is_not(
        f, "org_type", ("街镇调解组织", "开发区调解组织"), "组织类型不是街镇或开发区调解组织"
    )


def _subcenters_counted(L: Ledgers, y: int) -> pd.Index:
    o = catalogue.by_year(L["mediation_orgs"], "established_date", y)
    return _idx(o[o["org_type"] == "联调分中心"])


def _counted_events(L: Ledgers) -> set[tuple[str, str]]:
    """(organiser, kind) of the events the outreach figures count; both organisers are the
    bureau profile's."""
    return {
        (L.profile.programmes.enforcement_trainer, "企业普法培训"),
        (L.profile.programmes.lecture_brand, "线下培训"),
    }


def _events_counted(L: Ledgers, y: int) -> pd.Index:
    lectures = catalogue.by_year(L["outreach_events"], "event_date", y)
    brand = L.profile.programmes.lecture_brand
    lectures = lectures[(lectures["organiser"] == brand) & (lectures["event_type"] == "线下培训")]
    return _idx(m.enforcement_trainings(L, y)).append(_idx(lectures))


def _event_reasons(L: Ledgers, f: pd.DataFrame, y: int) -> Reasons:
    pairs = pd.Series(list(zip(f["organiser"], f["event_type"], strict=True)), index=f.index)
    return _dated(f["event_date"], y, "活动日期") + [
        (~pairs.isin(_counted_events(L)), "不是执法机构企业普法培训或讲堂品牌线下培训")
    ]


def _posts_counted(L: Ledgers, y: int) -> pd.Index:
    p = catalogue.by_year(L["publicity_posts"], "publish_date", y)
    return _idx(p[p["column_name"] == L.profile.programmes.policy_video_column])


def _by_date(ledger: str, column: str) -> Callable[[Ledgers, int], pd.Index]:
    return lambda L, y: _idx(catalogue.by_year(L[ledger], column, y))


def _first_instance(column: str) -> Callable[[Ledgers, int], pd.Index]:
    return lambda L, y: _idx(catalogue.by_year(m.litigation_stage(L, "一审"), column, y))


_BASES: list[_Basis] = [
    _Basis("disputes", "受理（受理日期在当年）",
           lambda L, y: _idx(m.disputes_received(L, y)), _received_reasons("受理日期")),
    _Basis("disputes", "办结（结案日期在当年，调解不成不计）",
           lambda L, y: _idx(m.disputes_closed(L, y)),
           lambda L, f, y: _dated(f["closed_date"], y, "结案日期", missing="未结案")
           + [(f["outcome"] == "调解不成", "调解不成，转入仲裁（不计为办结）")]),
    _Basis("wage_arrears_leads", "接收（接收日期在当年）",
           lambda L, y: _idx(m.wage_cohort(L, y)), _received_reasons("接收日期")),
    _Basis("wage_arrears_leads", "办结（当年接收、年底前办结）", _wage_closed,
           _wage_closed_reasons),
    _Basis("wage_arrears_leads", "解决（当年接收、年底前办结且已解决）", _wage_resolved,
           lambda L, f, y: _wage_closed_reasons(L, f, y)
           + _value_is_not(f, "result", ("已解决",), "办结结果不是“已解决”")),
    _Basis("disclosure_requests", "新收（收到申请日期在当年）",
           _received("disclosure_requests"), _received_reasons("收到申请日期")),
    _Basis("disclosure_requests", "答复（答复日期在当年）",
           _by_date("disclosure_requests", "reply_date"),
           lambda L, f, y: _dated(f["reply_date"], y, "答复日期", missing="未答复")),
    _Basis("litigation_cases", "收到（收到应诉通知日期在当年，各审级）",
           _received("litigation_cases"),
           _received_reasons("收到应诉通知日期")),
    _Basis("litigation_cases", "一审开庭（开庭日期在当年）", _first_instance("hearing_date"),
           lambda L, f, y: _value_is_not(f, "stage", ("一审",), "不是一审案件")
           + _dated(f["hearing_date"], y, "开庭日期", missing="未开庭")),
    _Basis("litigation_cases", "审结（审结日期在当年，各审级）",
           _by_date("litigation_cases", "concluded_date"),
           lambda L, f, y: _dated(f["concluded_date"], y, "审结日期", missing="未审结")),
    _Basis("suggestions", "收到（收到日期在当年）", _received("suggestions"),
           _received_reasons("收到日期")),
    _Basis("reconsideration_cases", "收到（收到答复通知日期在当年）",
           _received("reconsideration_cases"),
           _received_reasons("收到答复通知日期")),
    _Basis("reconsideration_cases", "审结（审结日期在当年）",
           _by_date("reconsideration_cases", "concluded_date"),
           lambda L, f, y: _dated(f["concluded_date"], y, "审结日期", missing="未审结")),
    _Basis("proposals", "办结（办结日期在当年）", lambda L, y: _idx(m.proposals_closed(L, y)),
           lambda L, f, y: _dated(f["closed_date"], y, "办结日期", missing="未办结")),
    _Basis("meetings", "局务会（会议日期在当年）", lambda L, y: _idx(m.bureau_meetings(L, y)),
           lambda L, f, y: _dated(f["meeting_date"], y, "会议日期")
           + _value_is_not(f, "meeting_type", ("局务会",), "会议类型不是局务会")),
    _Basis("meeting_topics", "局务会议题（所属会议日期在当年）", _topics_counted,
           _topic_reasons),
    _Basis("fair_competition_reviews", "审查（审查日期在当年）",
           _by_date("fair_competition_reviews", "review_date"),
           lambda L, f, y: _dated(f["review_date"], y, "审查日期")),
    _Basis("normative_documents", "印发（印发日期在当年）", lambda L, y: _idx(m.documents_issued(L, y)),
           lambda L, f, y: _dated(f["issued_date"], y, "印发日期")),
    _Basis("enforcement_officers", "执法资格培训考试（考试日期在当年）",
           _by_date("enforcement_officers", "exam_date"),
           lambda L, f, y: _dated(f["exam_date"], y, "考试日期", missing="未参加执法资格培训考试")),
    _Basis("training_approvals", "设立准予（决定日期在当年）", _approvals_counted,
           lambda L, f, y: _dated(f["decision_date"], y, "决定日期")
           + _value_is_not(f, "item", ("设立",), "审批事项不是“设立”")
           + _value_is_not(f, "decision", ("准予",), "审批决定不是“准予”")),
    _Basis("mediation_orgs", "年末存续的街镇、开发区调解组织", _active_orgs_counted,
           _active_orgs_reasons),
    _Basis("mediation_orgs", "新设联调分中心（设立日期在当年）", _subcenters_counted,
           lambda L, f, y: _dated(f["established_date"], y, "设立日期")
           + _value_is_not(f, "org_type", ("联调分中心",), "组织类型不是联调分中心")),
    _Basis("outreach_events", "执法机构企业普法培训、讲堂品牌线下培训（活动日期在当年）",
           _events_counted, _event_reasons),
    _Basis("publicity_posts", "政策短视频栏目推送（发布日期在当年）", _posts_counted,
           lambda L, f, y: _dated(f["publish_date"], y, "发布日期")
           + _value_is_not(f, "column_name", (L.profile.programmes.policy_video_column,),
                           "栏目不是政策短视频栏目")),
]  # fmt: skip


def _explain(basis: _Basis, ledgers: Ledgers, year: int) -> list[dict]:
    frame = ledgers[basis.ledger]
    counted = frame.index.isin(basis.counted(ledgers, year))
    unexplained = ~counted
    found: list[tuple[str, int]] = []
    for mask, why in basis.reasons(ledgers, frame, year):
        hit = mask.fillna(False).to_numpy(dtype=bool) & unexplained
        if hit.any():
            found.append((why, int(hit.sum())))
            unexplained &= ~hit
    if unexplained.any():
        found.append((UNEXPLAINED, int(unexplained.sum())))
    head = {LEDGER: c.LEDGERS[basis.ledger].zh, BASIS: basis.label, ROWS: len(frame),
            COUNTED: int(counted.sum())}  # fmt: skip
    found = found or [(NOTHING_EXCLUDED, 0)]
    return [{**head, REASON: why, EXCLUDED: n} for why, n in found]


def exclusions(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """Per ledger and counting rule: rows in the ledger, rows the year's figures count, and the
    rows left out, grouped by the first reason that applies (so each row is explained once)."""
    rows: list[dict] = []
    for basis in _BASES:
        if basis.ledger in ledgers.frames:
            rows += _explain(basis, ledgers, year)
    return pd.DataFrame(rows, columns=[LEDGER, BASIS, ROWS, COUNTED, REASON, EXCLUDED])


# -- consistency between figures -------------------------------------------------------------

# A rate is undefined when its denominator is zero; a None then is expected, not missing.
_DENOMINATORS = {
    "normative_docs.legal_review_rate": "normative_docs.issued",
    "normative_docs.filed_for_record_rate": "normative_docs.issued",
    "wage_arrears.closure_rate": "wage_arrears.leads_received",
    "wage_arrears.resolution_rate": "wage_arrears.leads_received",
    "litigation.leader_appearance_rate": "litigation.first_instance_heard",
    "disputes.mediation_to_arbitration_closure_ratio": "disputes.closed_by_arbitration",
    # Rated proposals are not a figure; none closed is the case the document can show.
    "proposals.double_satisfaction_rate": "proposals.closed_total",
}


_PARTS = [
    ("litigation.first_instance_concluded_carried", "litigation.first_instance_concluded",
     "一审审结案件中以前年度受理数 ≤ 一审审结案件数"),
    ("reconsideration.concluded_carried", "reconsideration.concluded",
     "行政复议审结案件中以前年度收到数 ≤ 行政复议审结案件数"),
]  # fmt: skip


# The figures a check compares (not a column of the table).
IDS = "figures"


def _check(name: str, left, relation: str, right, note: str = "") -> dict:
    if left is None or right is None or pd.isna(left) or pd.isna(right):
        result = NOT_CHECKED
    elif relation == "=":
        result = PASS if left == right else FAIL
    else:
        result = PASS if left <= right else FAIL
    return {CHECK: name, LEFT: left, RELATION: relation, RIGHT: right, RESULT: result,
            NOTE: note or NOTHING_EXCLUDED}  # fmt: skip


def _sum(*values):
    return None if any(v is None for v in values) else sum(values)


def _ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return None
    return catalogue.round_half_up(numerator / denominator, 1)


def _same_rate(name: str, value, numerator, denominator, note: str) -> dict:
    """A stated rate against the one its counts give, None on both sides when undefined."""
    if numerator is None or denominator is None:
        expected = None
    else:
        expected = catalogue.rate(numerator, denominator)
    if value is None and expected is None and denominator == 0:
        return {CHECK: name, LEFT: None, RELATION: "=", RIGHT: None, RESULT: PASS,
                NOTE: "分母为 0，比率不适用"}  # fmt: skip
    return _check(name, value, "=", expected, note)


def consistency_checks(stats: dict, ledgers: Ledgers | None = None,
                       stated: set[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Invariants of the 口径 between the year's figures, one row each, with the values compared.

    With `ledgers`, a computed figure whose ledgers do not cover the year in full may be empty;
    without, every computed figure is expected. With `stated` (the figures the report's sections
    state, as its notebook shapes it), a check none of whose figures the report states is left
    out: a bureau that leaves a section out is not asked to reconcile its figures.
    """
    metrics = stats.get("metrics", {})
    year = stats.get("year")

    read: list[str] = []  # the figures the check being made has read

    def v(metric_id: str):
        read.append(metric_id)
        value = metrics.get(metric_id, {}).get("value")
        return None if value is None or pd.isna(value) else value

    def traced(row: dict) -> dict:
        """The row with the figures its arguments read (they are read before it is made)."""
        row[IDS] = read[:]
        read.clear()
        return row

    def check(*args) -> dict:
        return traced(_check(*args))

    def same_rate(*args) -> dict:
        return traced(_same_rate(*args))

    rows = [
        check("各级调解组织受理数 + 仲裁院受理数 = 受理劳动人事争议案件数",
               _sum(v("disputes.accepted_by_mediation_orgs"), v("disputes.accepted_by_arbitration")),
               "=", v("disputes.accepted_total")),
        check("调解组织调解成功数 + 仲裁院结案数 = 办结劳动人事争议案件数",
               _sum(v("disputes.mediated_successfully"), v("disputes.closed_by_arbitration")),
               "=", v("disputes.closed_total")),
        check("调解、仲裁结案比 = 调解成功数 ÷ 仲裁院结案数",
               v("disputes.mediation_to_arbitration_closure_ratio"), "=",
               _ratio(v("disputes.mediated_successfully"), v("disputes.closed_by_arbitration")),
               "四舍五入保留一位小数"),
        check("欠薪线索办结数 ≤ 接收欠薪线索数",
               v("wage_arrears.leads_closed"), "≤", v("wage_arrears.leads_received")),
        check("欠薪线索解决数 ≤ 欠薪线索办结数",
               v("wage_arrears.leads_resolved"), "≤", v("wage_arrears.leads_closed")),
        same_rate("欠薪线索办结率 = 办结数 ÷ 接收数", v("wage_arrears.closure_rate"),
                   v("wage_arrears.leads_closed"), v("wage_arrears.leads_received"),
                   "百分比，保留两位小数"),
        same_rate("欠薪线索解决率 = 解决数 ÷ 接收数", v("wage_arrears.resolution_rate"),
                   v("wage_arrears.leads_resolved"), v("wage_arrears.leads_received"),
                   "百分比，保留两位小数"),
        check("主办件数 + 会办件数 = 办结建议提案数",
               _sum(v("proposals.lead"), v("proposals.co_handled")), "=",
               v("proposals.closed_total")),
        check("主动公开主办答复文书数 ≤ 主办件数",
               v("proposals.answers_published"), "≤", v("proposals.lead")),
        check("人大建议“回头看”件数 ≤ 办结建议提案数",
               v("proposals.revisits"), "≤", v("proposals.closed_total")),
        check("信息公开申请：本年新收 + 上年结转 = 本年答复 + 结转下年",
               _sum(v("disclosure.requests_received"), v("disclosure.carried_in")), "=",
               _sum(v("disclosure.requests_answered"), v("disclosure.carried_out")),
               "国家年报格式“一 + 二 = 三 + 四”"),
        check("行政机关负责人出庭应诉数 ≤ 一审开庭审理数",
               v("litigation.leader_appearances"), "≤", v("litigation.first_instance_heard")),
        same_rate("行政机关负责人出庭应诉率 = 出庭应诉数 ÷ 一审开庭审理数",
                   v("litigation.leader_appearance_rate"), v("litigation.leader_appearances"),
                   v("litigation.first_instance_heard"), "百分比，保留两位小数"),
        check("行政复议纠错数 ≤ 行政复议审结数",
               v("reconsideration.corrected"), "≤", v("reconsideration.concluded")),
        check("诉讼败诉和纠错数 + 复议纠错数 = 败诉与纠错合计",
               _sum(v("litigation.lost_or_corrected"), v("reconsideration.corrected")), "=",
               v("supervision.lost_or_corrected_total")),
        check("行政执法案件被纠错或败诉数 ≤ 败诉与纠错合计",
               v("enforcement.cases_corrected_or_lost"), "≤",
               v("supervision.lost_or_corrected_total")),
    ]  # fmt: skip
    # Carried-over parts of a count: checked when the document holds them.
    for part, whole, name in _PARTS:
        if part in metrics and whole in metrics:
            rows.append(check(name, v(part), "≤", v(whole)))
    rows += _rate_ranges(metrics)
    rows += _presence(metrics, year, ledgers)
    if stated is not None:
        rows = [row for row in rows if not row.get(IDS) or stated & set(row[IDS])]
    # Object columns keep counts as integers beside rates and the 0–100 range text.
    return pd.DataFrame(rows, columns=[CHECK, LEFT, RELATION, RIGHT, RESULT, NOTE], dtype=object)


def _rate_ranges(metrics: dict) -> list[dict]:
    rows = []
    for metric_id, entry in metrics.items():
        if entry.get("unit") != "%":
            continue
        value = entry.get("value")
        name = f"{entry.get('name', metric_id)}在 0 至 100 之间"
        if value is None:
            undefined = _zero_denominator(metric_id, metrics)
            rows.append({CHECK: name, LEFT: None, RELATION: "∈", RIGHT: "[0, 100]",
                         RESULT: PASS if undefined else NOT_CHECKED,
                         NOTE: "分母为 0，比率不适用" if undefined else "无数值"})  # fmt: skip
            continue
        ok = 0 <= value <= 100
        rows.append({CHECK: name, LEFT: value, RELATION: "∈", RIGHT: "[0, 100]",
                     RESULT: PASS if ok else FAIL, NOTE: NOTHING_EXCLUDED})  # fmt: skip
    return rows


def _zero_denominator(metric_id: str, metrics: dict) -> bool:
    denominator = _DENOMINATORS.get(metric_id)
    return denominator is not None and metrics.get(denominator, {}).get("value") == 0


def _excused(metric_id: str, metrics: dict, year, ledgers: Ledgers | None) -> bool:
    if _zero_denominator(metric_id, metrics):
        return True
    metric = catalogue.CATALOGUE.get(metric_id)
    if ledgers is not None and metric is not None and year is not None:
        return not catalogue.covers(ledgers, metric, int(year))
    return False


def _presence(metrics: dict, year, ledgers: Ledgers | None) -> list[dict]:
    """Every figure the report states has a value; manual figures are reported separately
    because their remedy is the params file, not the ledgers."""
    rows = []
    for manual, name in ((False, "台账计算的数字均有数值"), (True, "人工填报的数字均已填报")):
        expected = [
            (metric_id, entry) for metric_id, entry in metrics.items()
            if (entry.get("source") == "manual") == manual
        ]  # fmt: skip
        missing = [
            entry.get("name", metric_id) for metric_id, entry in expected
            if entry.get("value") is None and not _excused(metric_id, metrics, year, ledgers)
        ]  # fmt: skip
        excused = sum(
            1 for metric_id, entry in expected
            if entry.get("value") is None and _excused(metric_id, metrics, year, ledgers)
        )  # fmt: skip
        wanted = len(expected) - excused
        note = "缺少：" + "、".join(missing) if missing else NOTHING_EXCLUDED
        rows.append({CHECK: name, LEFT: wanted - len(missing), RELATION: "=", RIGHT: wanted,
                     RESULT: FAIL if missing else PASS, NOTE: note})  # fmt: skip
    return rows


def all_passed(checks: pd.DataFrame) -> bool:
    """True when no check failed; a check that could not be made is not a pass."""
    return bool((checks[RESULT] == PASS).all())
