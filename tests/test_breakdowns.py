"""Breakdown tables: their totals are the report's figures, cut the same way."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.figures import breakdowns as b
from helpers.figures import catalogue

YEAR = 2021


@pytest.fixture(scope="session")
def figures(ledgers):
    return {k: v["value"] for k, v in catalogue.compute(ledgers, YEAR).items()}


def test_monthly_intake_sums_to_accepted_total(ledgers, figures):
    frame = b.dispute_intake_by_month(ledgers, YEAR)
    assert list(frame[b.MONTH]) == list(range(1, 13))
    assert frame[b.TOTAL].sum() == figures["disputes.accepted_total"] == 32014
    assert frame[b.MEDIATION].sum() == figures["disputes.accepted_by_mediation_orgs"]
    assert frame[b.ARBITRATION].sum() == figures["disputes.accepted_by_arbitration"]
    assert (frame[b.TOTAL] == frame[b.MEDIATION] + frame[b.ARBITRATION]).all()


def test_outcomes_sum_to_closed_total_without_failed_mediation(ledgers, figures):
    frame = b.dispute_outcomes(ledgers, YEAR)
    assert frame[b.CASES].sum() == figures["disputes.closed_total"] == 26509
    by_body = frame.groupby(b.BODY)[b.CASES].sum()
    assert by_body[b.MEDIATION] == figures["disputes.mediated_successfully"]
    assert by_body[b.ARBITRATION] == figures["disputes.closed_by_arbitration"]
    assert "调解不成" not in set(frame[b.OUTCOME])
    assert frame[b.SHARE].sum() == pytest.approx(100, abs=0.05)


def test_wage_arrears_by_month_sums_to_cohort_figures(ledgers, figures):
    frame = b.wage_arrears_by_month(ledgers, YEAR)
    assert len(frame) == 12
    assert frame[b.WAGE_RECEIVED].sum() == figures["wage_arrears.leads_received"] == 4055
    assert frame[b.WAGE_CLOSED].sum() == figures["wage_arrears.leads_closed"] == 3903
    assert frame[b.WAGE_RESOLVED].sum() == figures["wage_arrears.leads_resolved"] == 2821
    first = frame.iloc[0]
    assert first[b.WAGE_CLOSURE_RATE] == catalogue.rate(
        first[b.WAGE_CLOSED], first[b.WAGE_RECEIVED]
    )


def test_wage_arrears_by_source_sums_to_cohort_figures(ledgers, figures):
    frame = b.wage_arrears_by_source(ledgers, YEAR)
    allowed = b.c.LEDGERS["wage_arrears_leads"].column("source").allowed
    assert list(frame[b.WAGE_SOURCE]) == list(allowed)
    assert frame[b.WAGE_RECEIVED].sum() == 4055
    assert frame[b.WAGE_CLOSED].sum() == 3903
    assert frame[b.WAGE_RESOLVED].sum() == 2821


def test_litigation_by_stage_matches_figures(ledgers, figures):
    frame = b.litigation_by_stage(ledgers, YEAR).set_index(b.STAGE)
    assert list(frame.index) == ["一审", "二审", "再审", "行政案件监督"]
    first = frame.loc["一审"]
    assert first[b.RECEIVED] == figures["litigation.first_instance_cases"]
    assert first[b.HEARD] == figures["litigation.first_instance_heard"]
    assert first[b.CONCLUDED] == figures["litigation.first_instance_concluded"]
    assert frame.loc["二审", b.RECEIVED] == figures["litigation.second_instance_cases"]
    assert frame.loc["再审", b.RECEIVED] == figures["litigation.retrial_cases"]
    assert frame.loc["行政案件监督", b.RECEIVED] == figures["litigation.supervision_cases"]
    assert frame[b.LOST].sum() == figures["litigation.lost_or_corrected"]


def test_reconsideration_summary_matches_figures(ledgers, figures):
    row = b.reconsideration_summary(ledgers, YEAR).iloc[0]
    assert row[b.RECEIVED] == figures["reconsideration.received"]
    assert row[b.CONCLUDED] == figures["reconsideration.concluded"]
    assert row[b.CORRECTED] == figures["reconsideration.corrected"]


def test_trends_cover_every_ledger_year_and_equal_the_figures(ledgers):
    frame = b.trends(ledgers)
    assert list(frame[b.YEAR]) == [2019, 2020, 2021, 2022]
    for metric_id in b.TREND_METRICS:
        metric = catalogue.CATALOGUE[metric_id]
        for year, value in zip(frame[b.YEAR], frame[metric.name], strict=True):
            assert value == metric.compute(ledgers, year)
    row_2021 = frame.set_index(b.YEAR).loc[2021]
    assert row_2021["受理劳动人事争议案件数"] == 32014


def test_trend_years_stop_at_the_report_year(ledgers):
    assert b.trend_years(ledgers, until=YEAR) == [2019, 2020, 2021]


def test_trends_leave_a_partly_covered_year_empty(ledgers):
    # The disputes export holds a stub of late-2018 cases; 2018 is not a full year.
    frame = b.trends(ledgers, [2018, 2019]).set_index(b.YEAR)
    assert pd.isna(frame.loc[2018, "受理劳动人事争议案件数"])
    assert frame.loc[2019, "受理劳动人事争议案件数"] == 27600


def test_year_frames_carry_their_year(ledgers):
    for build in (b.dispute_intake_by_month, b.dispute_outcomes, b.wage_arrears_by_month,
                  b.litigation_by_stage, b.reconsideration_summary):  # fmt: skip
        assert build(ledgers, YEAR).attrs["year"] == YEAR
