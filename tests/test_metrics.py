"""Backtest: the sample ledgers reproduce every ledger figure of the published 2021 report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from helpers.figures import catalogue

FIGURES = Path(__file__).parent / "fixtures" / "2021-figures.csv"


def reference_rows() -> list[dict[str, str]]:
    with FIGURES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def figures_2021(ledgers):
    return catalogue.compute(ledgers, 2021)


def test_reference_table_has_49_ledger_figures():
    rows = reference_rows()
    assert sum(r["source"] == "ledger" for r in rows) == 49
    assert {r["metric_id"] for r in rows} <= set(catalogue.CATALOGUE)


@pytest.mark.parametrize(
    "row", [r for r in reference_rows() if r["source"] == "ledger"], ids=lambda r: r["metric_id"]
)
def test_2021_ledger_figure_matches_report(row, figures_2021):
    value = figures_2021[row["metric_id"]]["value"]
    assert value is not None
    assert float(value) == float(row["value"])
    assert figures_2021[row["metric_id"]]["unit"] == row["unit"]


def test_manual_figures_are_marked_manual():
    for row in reference_rows():
        assert catalogue.CATALOGUE[row["metric_id"]].is_manual == (row["source"] == "manual")


def test_other_years_differ_from_2021(ledgers, figures_2021):
    for year in (2019, 2020, 2022):
        other = catalogue.compute(ledgers, year)
        assert (
            other["disputes.accepted_total"]["value"]
            != figures_2021["disputes.accepted_total"]["value"]
        )


def test_previous_year_and_change_when_ledgers_hold_it(ledgers, figures_2021):
    accepted = figures_2021["disputes.accepted_total"]
    assert (
        accepted["previous"] == catalogue.compute(ledgers, 2020)["disputes.accepted_total"]["value"]
    )
    assert accepted["change"] == accepted["value"] - accepted["previous"]
    first_year = catalogue.compute(ledgers, 2019)["disputes.accepted_total"]
    assert first_year["previous"] is None  # 2018 holds only carried-over cases
    assert first_year["change"] is None


def test_disclosure_carry_over_balances(ledgers):
    for year in (2020, 2021, 2022):
        f = catalogue.compute(ledgers, year)
        received = f["disclosure.requests_received"]["value"]
        carried_in = f["disclosure.carried_in"]["value"]
        answered = f["disclosure.requests_answered"]["value"]
        carried_out = f["disclosure.carried_out"]["value"]
        assert received + carried_in == answered + carried_out


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [(96.245, 2, 96.25), (69.5684, 2, 69.57), (1.2989, 1, 1.3), (1.25, 1, 1.3), (1.249, 1, 1.2)],
)
def test_round_half_up_follows_the_report(value, places, expected):
    assert catalogue.round_half_up(value, places) == expected


def test_rate_is_none_without_denominator():
    assert catalogue.rate(0, 0) is None
    assert catalogue.rate(3903, 4055) == 96.25
