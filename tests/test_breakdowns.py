"""The charts' frames: every value is a catalogue figure, and the series add up to the report's
whole-year figures."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from helpers.figures import breakdowns as b
from helpers.figures import catalogue
from helpers.figures import rule_of_law as m
from helpers.figures.catalogue import CATALOGUE
from helpers.ledgers.load import Ledgers

YEAR = 2021


@pytest.fixture(scope="session")
def figures(ledgers):
    return {k: v["value"] for k, v in catalogue.compute(ledgers, YEAR).items()}


@pytest.fixture(scope="session")
def document(ledgers):
    return catalogue.figures_document(ledgers, YEAR)


def _assert_values_are_their_figures(frame, ledgers, year=YEAR):
    """Each value of a frame is its figure's value, computed by the catalogue's own rule."""
    for column, ids in frame.attrs["ids"].items():
        for row, metric_id in enumerate(ids):
            value = frame[column].iloc[row]
            if metric_id is None:
                assert pd.isna(value), (column, row)
                continue
            assert value == CATALOGUE[metric_id].compute(ledgers, year), metric_id
    for metric_id, value in frame.attrs["totals"].values():
        assert value == CATALOGUE[metric_id].compute(ledgers, year), metric_id


def test_monthly_intake_sums_to_accepted_total(ledgers, figures):
    frame = b.dispute_intake_by_month(ledgers, YEAR)
    assert list(frame[b.MONTH]) == list(range(1, 13))
    assert frame[b.TOTAL].sum() == figures["disputes.accepted_total"] == 32014
    assert frame[b.MEDIATION].sum() == figures["disputes.accepted_by_mediation_orgs"]
    assert frame[b.ARBITRATION].sum() == figures["disputes.accepted_by_arbitration"]
    assert (frame[b.TOTAL] == frame[b.MEDIATION] + frame[b.ARBITRATION]).all()
    assert frame.attrs["ids"][b.TOTAL][2] == "disputes.accepted_total.by_month.03"
    assert frame.attrs["totals"][b.TOTAL] == ["disputes.accepted_total", 32014]
    _assert_values_are_their_figures(frame, ledgers)


def test_outcomes_sum_to_closed_total_without_failed_mediation(ledgers, figures):
    frame = b.dispute_outcomes(ledgers, YEAR)
    assert frame[b.CASES].sum() == figures["disputes.closed_total"] == 26509
    by_body = frame.groupby(b.BODY)[b.CASES].sum()
    assert by_body[b.MEDIATION] == figures["disputes.mediated_successfully"]
    assert by_body[b.ARBITRATION] == figures["disputes.closed_by_arbitration"]
    assert "调解不成" not in set(frame[b.OUTCOME])
    assert frame[b.SHARE].sum() == pytest.approx(100, abs=0.05)
    for cases, share in zip(frame[b.CASES], frame[b.SHARE], strict=True):
        assert share == catalogue.rate(int(cases), 26509)
    assert frame.attrs["ids"][b.CASES][0] == "disputes.mediated_successfully"  # one figure, one id
    assert frame.attrs["ids"][b.SHARE][2] == "disputes.closed_total.share_by_outcome.award"
    _assert_values_are_their_figures(frame, ledgers)


def test_wage_arrears_by_month_sums_to_cohort_figures(ledgers, figures):
    frame = b.wage_arrears_by_month(ledgers, YEAR)
    assert len(frame) == 12
    assert frame[b.WAGE_RECEIVED].sum() == figures["wage_arrears.leads_received"] == 4055
    assert frame[b.WAGE_CLOSED].sum() == figures["wage_arrears.leads_closed"] == 3903
    assert frame[b.WAGE_RESOLVED].sum() == figures["wage_arrears.leads_resolved"] == 2821
    totals = frame.attrs["totals"]
    assert totals[b.WAGE_CLOSURE_RATE] == ["wage_arrears.closure_rate", 96.25]
    assert totals[b.WAGE_RESOLUTION_RATE][1] == figures["wage_arrears.resolution_rate"]
    _assert_values_are_their_figures(frame, ledgers)


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
    assert frame.loc["二审", b.HEARD] == figures["litigation.second_instance_heard"]
    assert frame.loc["再审", b.CONCLUDED] == figures["litigation.retrial_concluded"]
    assert frame.loc["行政案件监督", b.RECEIVED] == figures["litigation.supervision_cases"]
    _assert_values_are_their_figures(b.litigation_by_stage(ledgers, YEAR), ledgers)


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


def test_a_trends_earlier_years_are_the_figure_in_that_year(ledgers, document):
    frame = b.trends(document, year=YEAR)
    assert list(frame[b.YEAR]) == [2019, 2020, 2021]
    ids = frame.attrs["ids"]["受理劳动人事争议案件数"]
    assert ids == ["disputes.accepted_total@2019", "disputes.accepted_total@2020",
                   "disputes.accepted_total"]  # fmt: skip
    entry = document["metrics"]["disputes.accepted_total@2019"]
    assert entry["value"] == 27600 and entry["name"] == "受理劳动人事争议案件数（2019年）"
    assert "2019年" in entry["definition"] and entry["previous"] is None  # 2018 is a stub
    assert document["metrics"]["disputes.accepted_total@2020"]["previous"] == 27600
    assert document["metrics"]["disputes.accepted_total"]["previous"] == frame[
        "受理劳动人事争议案件数"].iloc[1]  # fmt: skip


def test_trend_years_stop_at_the_report_year(ledgers):
    assert b.trend_years(ledgers, until=YEAR) == [2019, 2020, 2021]


def test_trends_leave_a_partly_covered_year_empty(ledgers):
    # The disputes export holds a stub of late-2018 cases; 2018 is not a full year.
    frame = b.trends(ledgers, [2018, 2019])
    assert pd.isna(frame.set_index(b.YEAR).loc[2018, "受理劳动人事争议案件数"])
    assert frame.set_index(b.YEAR).loc[2019, "受理劳动人事争议案件数"] == 27600
    assert frame.attrs["ids"]["受理劳动人事争议案件数"] == [None, "disputes.accepted_total"]


def test_year_frames_carry_their_year(ledgers):
    for build in (b.dispute_intake_by_month, b.dispute_outcomes, b.wage_arrears_by_month,
                  b.litigation_by_stage, b.reconsideration_summary):  # fmt: skip
        assert build(ledgers, YEAR).attrs["year"] == YEAR


@pytest.mark.parametrize("name", b.CHARTS)
def test_frames_from_stats_equal_frames_from_the_ledgers(ledgers, document, name):
    """The notebook draws from stats.json; the same frames come from the ledgers."""
    from_stats = b.chart_frames(name, document, YEAR)
    from_ledgers = b.chart_frames(name, ledgers, YEAR)
    assert len(from_stats) == len(from_ledgers) >= 1
    for a, z in zip(from_stats, from_ledgers, strict=True):
        pd.testing.assert_frame_equal(a, z)
        assert a.attrs == z.attrs


def test_stats_list_every_chart_with_the_figures_it_draws(document):
    index = b.chart_index(document, YEAR)
    assert list(index) == list(b.CHARTS)
    assert [entry["caption"] for entry in index.values()] == [
        f"图{n}　{chart.caption}" for n, chart in enumerate(b.CHARTS.values(), 1)]  # fmt: skip
    for entry in index.values():
        assert entry["metrics"] and set(entry["metrics"]) <= set(document["metrics"])
    assert len(index["dispute_intake"]["metrics"]) == 12 * 3 + 3
    assert "disputes.accepted_total@2019" in index["trends"]["metrics"]


def test_a_single_year_has_no_trend_chart_and_no_earlier_figures(ledgers):
    one_year = Ledgers(ledgers.data_dir, {
        name: frame[frame[spec.year_column].dt.year == YEAR] if spec.year_column else frame
        for name, frame in ledgers.frames.items() for spec in [b.c.LEDGERS[name]]
    }, ledgers.files, ledgers.profile)  # fmt: skip
    assert m.trend_points(one_year, YEAR) == []
    assert b.chart_frames("trends", one_year, YEAR) == []
    assert "trends" not in b.chart_index(one_year, YEAR)


def test_every_series_element_is_derived_from_its_rows(ledgers):
    """An element's value is the count of the rows it lists; a share, numerator over
    denominator."""
    elements = [metric for metric in CATALOGUE.values() if metric.cell
                and metric.cell.table in ("dispute_intake", "dispute_outcomes", "wage_arrears")]  # fmt: skip
    assert len(elements) == 36 + 5 + 6 + 36
    for metric in elements:
        result = metric.evaluate(ledgers, YEAR)
        sizes = {part.role: len(part.frame) for part in result.rows}
        if metric.unit == "%":
            assert result.value == catalogue.rate(sizes["分子"], sizes["分母"]), metric.id
        else:
            assert result.value == sizes["计数"], metric.id


def test_a_series_cuts_one_selection_for_all_its_elements(ledgers, monkeypatch):
    """Twelve months cost one pass over the ledger, not twelve."""
    calls = []
    real = m.disputes_received
    # The series' module reads the selection by its own name for it.
    monkeypatch.setattr(m.series, "disputes_received", lambda L, y: calls.append(y) or real(L, y))
    fresh = copy.copy(ledgers)  # another ledgers object: nothing made for it yet
    ids = [m.by_month(parent, month) for _, parent, _ in m.INTAKE_SERIES for month in b.MONTHS]
    values = [CATALOGUE[id].compute(fresh, YEAR) for id in ids]
    assert calls == [YEAR] and sum(values[:12]) == 32014
