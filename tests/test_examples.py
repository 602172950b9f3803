"""The worked examples of the catalogue: each metric's hand-made rows must give the value its
口径 promises, and the rows must be valid ledger rows, typed exactly as the loader types them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.bureau import default_profile
from helpers.figures.catalogue import CATALOGUE, Example, example_names
from helpers.ledgers.cells import parse_dates
from helpers.ledgers.contract import LEDGERS, YES, schema_for
from helpers.ledgers.load import Ledgers

LEDGER_METRICS = [m for m in CATALOGUE.values() if not m.is_manual]
# Examples name a bureau's programmes and places by profile key; the sample bureau's fill them in.
PROGRAMMES = example_names(default_profile())
CASES = [(m, i, e) for m in LEDGER_METRICS for i, e in enumerate(m.examples, 1)]


def typed_frame(name: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    """Cells of text through the contract's own parsing and checks, for the columns given:
    dates and numbers parsed as the loader parses them, then the pandera schema of the ledger
    (allowed values, required cells, date order, paired cells), then 是/否 as booleans."""
    spec = LEDGERS[name]
    frame = pd.DataFrame(rows, index=range(2, len(rows) + 2), dtype=object)
    frame = frame.mask(frame == "")
    for column in frame:
        kind, text = spec.column(column).kind, frame[column]
        if kind == "date":
            frame[column] = parse_dates(text)
        elif kind in ("int", "amount"):
            frame[column] = pd.to_numeric(text)
            if kind == "int":
                frame[column] = frame[column].astype("Int64")
        assert frame[column].notna().equals(text.notna()), f"{name}.{column}: unparsable cell"
    frame = schema_for(name).select_columns(list(frame.columns)).validate(frame)
    for column in frame:
        if spec.column(column).kind == "flag":
            frame[column] = (frame[column] == YES).astype("boolean").where(frame[column].notna())
    assert frame[spec.key].is_unique, f"{name}: repeated {spec.key}"
    return frame


def example_ledgers(example: Example) -> Ledgers:
    return Ledgers(
        Path("."),
        {name: typed_frame(name, rows) for name, rows in example.tables(PROGRAMMES).items()},
    )


@pytest.mark.parametrize(
    ("metric", "n", "example"), CASES, ids=[f"{m.id}-{n}" for m, n, _ in CASES]
)
def test_worked_example(metric, n, example):
    assert metric.compute(example_ledgers(example), example.year) == example.value, example.note


@pytest.mark.parametrize(
    ("metric", "n", "example"), CASES, ids=[f"{m.id}-{n}" for m, n, _ in CASES]
)
def test_example_shows_the_id_and_only_the_columns_the_rule_reads(metric, n, example):
    result = metric.evaluate(example_ledgers(example), example.year)
    reads = result.reads()
    assert set(example.rows) <= set(metric.ledgers)
    for name, rows in example.tables(PROGRAMMES).items():
        shown = list(rows[0])
        spec = LEDGERS[name]
        assert shown[0] == spec.key, f"{name}: the id column comes first"
        extra = set(shown) - {spec.key} - set(reads.get(name, ())) - set(example.unread)
        assert not extra, f"{name}: columns the rule does not read: {extra}"
        assert not set(example.unread) & set(reads.get(name, ())), "an unread column is read"
    assert 2 <= min(len(rows) for rows in example.tables(PROGRAMMES).values())
    assert max(len(rows) for rows in example.tables(PROGRAMMES).values()) <= 8


def test_every_ledger_metric_has_a_worked_example():
    """A table cell's rule is its row's rule and its column's rule: a cell without an example of
    its own needs another cell of its row and another of its column that have one."""
    shown = {(m.cell.table, "row", m.cell.row) for m in LEDGER_METRICS if m.cell and m.examples}
    shown |= {(m.cell.table, "col", m.cell.column) for m in LEDGER_METRICS if m.cell and m.examples}
    missing = [
        m.id
        for m in LEDGER_METRICS
        if not m.examples
        and not (
            m.cell
            and (m.cell.table, "row", m.cell.row) in shown
            and (m.cell.table, "col", m.cell.column) in shown
        )
    ]
    assert missing == []
    assert all(not m.examples for m in CATALOGUE.values() if m.is_manual)


def test_example_frames_have_the_loaders_dtypes(ledgers):
    """The examples' frames must look to a rule exactly like a loaded ledger."""
    for _, _, example in CASES:
        for name, frame in example_ledgers(example).frames.items():
            for column in frame:
                assert frame[column].dtype == ledgers[name][column].dtype, (name, column)
