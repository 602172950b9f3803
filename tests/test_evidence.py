"""The rows behind every figure: they reproduce its value, carry their ledger line, and the
columns a rule declares are the only ones it reads."""

from __future__ import annotations

import pytest

from helpers import metrics
from helpers.load import Ledgers
from helpers.metrics import CATALOGUE, COUNT, DENOMINATOR, NUMERATOR, SUMMED

LEDGER_METRICS = [m for m in CATALOGUE.values() if not m.is_manual]
YEARS = (2020, 2021, 2022)


@pytest.fixture(scope="module")
def results(ledgers):
    return {year: metrics.evaluate(ledgers, year) for year in YEARS}


def reproduce(metric: metrics.Metric, result: metrics.Result):
    """The value recomputed from the evidence rows alone, by the kind of figure."""
    roles = {part.role for part in result.rows}
    if metric.unit in ("%", "比 1"):
        assert roles == {NUMERATOR, DENOMINATOR}, metric.id
        n = sum(len(p.frame) for p in result.rows if p.role == NUMERATOR)
        d = sum(len(p.frame) for p in result.rows if p.role == DENOMINATOR)
        if metric.unit == "%":
            return metrics.rate(n, d)
        return None if d == 0 else metrics.round_half_up(n / d, 1)
    if roles == {SUMMED}:
        (part,) = result.rows
        total = float(part.frame[part.summed].sum())
        return metrics.round_half_up(total / 10000, 2) if metric.unit == "万元" else int(total)
    assert roles == {COUNT}, metric.id
    keyed = [p for p in result.rows if p.key]
    if keyed:
        return sum(int(p.frame[p.key].nunique()) for p in keyed)
    return sum(len(p.frame) for p in result.rows)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("metric", LEDGER_METRICS, ids=lambda m: m.id)
def test_rows_reproduce_the_value(metric, year, results, ledgers):
    result = results[year][metric.id]
    assert result.value == metric.compute(ledgers, year)
    assert reproduce(metric, result) == result.value


@pytest.mark.parametrize("metric", [m for m in LEDGER_METRICS if m.unit == "%"], ids=lambda m: m.id)
def test_numerator_rows_are_denominator_rows(metric, results):
    for year in YEARS:
        parts = results[year][metric.id].rows
        numerator = {(p.ledger, i) for p in parts if p.role == NUMERATOR for i in p.frame.index}
        denominator = {(p.ledger, i) for p in parts if p.role == DENOMINATOR for i in p.frame.index}
        assert numerator <= denominator


def test_rows_are_indexed_by_their_line_in_the_ledger_file(results, ledgers):
    from helpers.contract import LEDGERS

    lines = {
        name: path.read_text(encoding="utf-8-sig").split("\n")
        for name, path in ledgers.files.items()
    }
    checked = 0
    for result in results[2021].values():
        for part in result.rows:
            key = LEDGERS[part.ledger].key
            for line, record in part.frame[key].head(20).items():
                assert lines[part.ledger][line - 1].split(",")[0] == record, (part.ledger, line)
                checked += 1
    assert checked > 500


@pytest.mark.parametrize("metric", LEDGER_METRICS, ids=lambda m: m.id)
def test_a_rule_reads_only_the_columns_it_declares(metric, ledgers, results):
    """With every other column (and ledger) removed the rule still gives the same value, so the
    columns shown beside a figure are all the rule looks at."""
    for year in YEARS:
        reads = results[year][metric.id].reads()
        assert set(metric.ledgers) <= set(reads)
        narrow = Ledgers(
            ledgers.data_dir, {name: ledgers[name][list(cols)] for name, cols in reads.items()}
        )
        assert metric.compute(narrow, year) == results[year][metric.id].value
