"""Tables behind the charts and the reviewers' breakdowns, one frame per topic.

Every frame is cut from the same rows the metric catalogue counts (the row selections are taken
from `metrics`, not re-derived), so its totals equal the report's figures: the monthly intake sums
to disputes.accepted_total, the outcomes to disputes.closed_total, and so on. The report year is
kept in ``frame.attrs["year"]`` so a chart can title itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from helpers.figures import catalogue
from helpers.figures import rule_of_law as m
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers

MONTH = "月份"
MONTHS = range(1, 13)

MEDIATION, ARBITRATION = c.DISPUTE_BODY_TYPES
TOTAL = "合计"

BODY = "受理机构类型"
OUTCOME = "处理结果"
CASES = "案件数"
SHARE = "占比（%）"

WAGE_RECEIVED = "接收线索数"
WAGE_CLOSED = "年底前办结数"
WAGE_RESOLVED = "已解决数"
WAGE_CLOSURE_RATE = "办结率（%）"
WAGE_RESOLUTION_RATE = "解决率（%）"
WAGE_SOURCE = "线索来源"

STAGE = "审级"
RECEIVED = "收到"
HEARD = "开庭"
CONCLUDED = "审结"
LOST = "败诉或纠错"
CORRECTED = "纠错"
ITEM = "类别"
RECONSIDERATION = "行政复议"

YEAR = "年度"

# Metric ids of the multi-year trends, with the short label a chart legend uses.
TREND_METRICS: dict[str, str] = {
    "disputes.accepted_total": "争议案件受理",
    "disputes.closed_total": "争议案件办结",
    "disputes.mediated_successfully": "调解成功",
    "wage_arrears.leads_received": "欠薪线索接收",
    "litigation.first_instance_cases": "一审行政诉讼",
    "reconsideration.received": "行政复议收到",
}


def _with_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    frame.attrs["year"] = year
    return frame


def _per_month(dates: pd.Series) -> pd.Series:
    return dates.dt.month.value_counts().reindex(MONTHS, fill_value=0).astype("int64")


def dispute_intake_by_month(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """Cases accepted per month by channel; sums to disputes.accepted_total."""
    received = m.disputes_received(ledgers, year)
    frame = pd.DataFrame({MONTH: list(MONTHS)})
    for body in c.DISPUTE_BODY_TYPES:
        counts = _per_month(received.loc[received["body_type"] == body, "received_date"])
        frame[body] = counts.to_numpy()
    frame[TOTAL] = frame[MEDIATION] + frame[ARBITRATION]
    return _with_year(frame, year)


def dispute_outcomes(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """Closures of the year by body and outcome; sums to disputes.closed_total.

    A failed mediation is no closure under the 口径 (the case moves on to arbitration), so it has
    no row here; every other outcome has one, zero or not, so the table's shape is fixed.
    """
    closed = m.disputes_closed(ledgers, year)
    counts = closed.groupby(["body_type", "outcome"]).size()
    pairs = [(MEDIATION, "调解成功")] + [(ARBITRATION, o) for o in c.ARBITRATION_OUTCOMES]
    values = [int(counts.get(pair, 0)) for pair in pairs]
    total = sum(values)
    frame = pd.DataFrame(
        {
            BODY: [body for body, _ in pairs],
            OUTCOME: [outcome for _, outcome in pairs],
            CASES: values,
            SHARE: [catalogue.rate(v, total) for v in values],
        }
    )
    return _with_year(frame, year)


def _wage_counts(cohort: pd.DataFrame, year: int, keys: pd.Series, index: list) -> pd.DataFrame:
    closed = m.closed_by_year_end(cohort, year)
    resolved = closed & (cohort["result"] == "已解决")
    frame = pd.DataFrame(
        {
            WAGE_RECEIVED: keys.value_counts(),
            WAGE_CLOSED: keys[closed].value_counts(),
            WAGE_RESOLVED: keys[resolved].value_counts(),
        }
    )
    frame = frame.reindex(index, fill_value=0).fillna(0).astype("int64")
    frame[WAGE_CLOSURE_RATE] = [
        catalogue.rate(a, b) for a, b in zip(frame[WAGE_CLOSED], frame[WAGE_RECEIVED], strict=True)
    ]
    frame[WAGE_RESOLUTION_RATE] = [
        catalogue.rate(a, b)
        for a, b in zip(frame[WAGE_RESOLVED], frame[WAGE_RECEIVED], strict=True)
    ]
    return frame


def wage_arrears_by_month(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """The year's cohort of leads by month received, with how many were closed and resolved by
    31 December (the cohort rule of the closure and resolution rates)."""
    cohort = m.wage_cohort(ledgers, year)
    frame = _wage_counts(cohort, year, cohort["received_date"].dt.month, list(MONTHS))
    frame = frame.rename_axis(MONTH).reset_index()
    return _with_year(frame, year)


def wage_arrears_by_source(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """The same cohort by where the lead came from."""
    cohort = m.wage_cohort(ledgers, year)
    sources = list(c.LEDGERS["wage_arrears_leads"].column("source").allowed)
    frame = _wage_counts(cohort, year, cohort["source"], sources)
    frame = frame.rename_axis(WAGE_SOURCE).reset_index()
    return _with_year(frame, year)


def litigation_by_stage(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """Each stage's cases received, heard and concluded in the year (each by its own date, as
    the litigation.* figures count them), and concluded cases lost or corrected."""
    rows = []
    for stage in c.LITIGATION_STAGES:
        cases = m.litigation_stage(ledgers, stage)
        concluded = catalogue.by_year(cases, "concluded_date", year)
        rows.append(
            {
                STAGE: stage,
                RECEIVED: len(catalogue.by_year(cases, "received_date", year)),
                HEARD: len(catalogue.by_year(cases, "hearing_date", year)),
                CONCLUDED: len(concluded),
                LOST: int(concluded["result"].isin(c.LITIGATION_LOST).sum()),
            }
        )
    return _with_year(pd.DataFrame(rows), year)


def reconsideration_summary(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """One row: reconsideration cases received, concluded and corrected in the year."""
    cases = ledgers["reconsideration_cases"]
    concluded = catalogue.by_year(cases, "concluded_date", year)
    frame = pd.DataFrame(
        [
            {
                ITEM: RECONSIDERATION,
                RECEIVED: len(catalogue.by_year(cases, "received_date", year)),
                CONCLUDED: len(concluded),
                CORRECTED: int(concluded["result"].isin(c.RECONSIDERATION_CORRECTED).sum()),
            }
        ]
    )
    return _with_year(frame, year)


def trend_years(ledgers: Ledgers, until: int | None = None) -> list[int]:
    """Years any trend ledger covers in full, up to `until` (a report shows no later year)."""
    years: set[int] = set()
    for metric_id in TREND_METRICS:
        for name in catalogue.CATALOGUE[metric_id].ledgers:
            years.update(catalogue.ledger_years(ledgers, name))
    return sorted(y for y in years if until is None or y <= until)


def trends(ledgers: Ledgers, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Key figures per year, columns named as in the catalogue; a year a metric's ledgers do not
    cover in full is left empty rather than shown as a misleading partial count."""
    years = trend_years(ledgers) if years is None else sorted(years)
    frame = pd.DataFrame({YEAR: years})
    for metric_id in TREND_METRICS:
        metric = catalogue.CATALOGUE[metric_id]
        values = [
            metric.compute(ledgers, y) if catalogue.covers(ledgers, metric, y) else None  # type: ignore[misc]
            for y in years
        ]
        frame[metric.name] = pd.array(values, dtype="Int64")
    if years:
        frame.attrs["years"] = (years[0], years[-1])
    return frame
