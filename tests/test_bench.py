"""The benchmark's own pieces that do not need a benchmark run: the broken-ledger copy, the
reference counts and the README table."""

from __future__ import annotations

import csv
import json
import sys

import pytest

from helpers import config

# The benchmark is a folder of the project, not an installed package.
if str(config.PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(config.PROJECT_ROOT))

from bench import reference, tables
from bench.scenarios.ledger_error import break_a_date


def test_the_broken_copy_differs_in_one_date_of_the_named_line(tmp_path):
    source = config.DATA_DIR / "disputes.csv"
    line = break_a_date(source, tmp_path / "disputes.csv", chunk=4096)
    before = source.read_text(encoding="utf-8").split("\n")
    after = (tmp_path / "disputes.csv").read_text(encoding="utf-8").split("\n")
    differ = [i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert differ == [line] and abs(line - len(before) / 2) < len(before) / 10
    column = before[0].split(",").index("received_date")
    assert after[line - 1].split(",")[column] == "2021-02-30"


def test_the_reference_counts_are_the_report_figures(tmp_path):
    """Both engines count the published 2021 figures of the sample bureau."""
    fixture = config.PROJECT_ROOT / "tests" / "fixtures" / "2021-figures.csv"
    with fixture.open(encoding="utf-8", newline="") as handle:
        published = {row["metric_id"]: row["value"] for row in csv.DictReader(handle)}
    expected = {key: int(published[key]) for key in reference.REFERENCE if key in published}
    assert len(expected) >= 3
    pandas_counts = reference.pandas_counts(config.DATA_DIR, 2021)
    assert {k: pandas_counts[k] for k in expected} == expected
    pytest.importorskip("duckdb")
    assert reference.duckdb_counts(config.DATA_DIR, 2021) == pandas_counts


def test_the_table_has_a_cell_for_every_row_and_scale():
    ok = {"status": "ok", "min": 1.0, "median": 1.5, "peak_mem_mib": 512.0, "runs": []}
    capped = {"status": "memory-cap", "runs": [{"status": "memory-cap", "wall_s": 20.0,
                                                "peak_mem_mib": 8200.0}]}  # fmt: skip
    figures = {name: ok for _, name in tables.MARKDOWN_ROWS}
    results = {"generated_at": "2026-01-01T00:00:00Z", "machine": {"cores": 2},
               "scales": {"1": {"figures": figures, "reference_match": True,
                                "reference": {"counts": {"a": 1}, "engine": "duckdb", "seconds": 0.1},
                                "generation": {"status": "ok", "seconds": 3, "csv_mib": 29}},
                          "100": {"figures": {name: capped for _, name in tables.MARKDOWN_ROWS}}}}  # fmt: skip
    table = tables.markdown_table(json.loads(json.dumps(results)))
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert rows[0] == "| | 1× | 100× |"
    assert all(line.count(" | ") == 2 for line in rows)
    assert "1.5 s, 0.50 GiB" in table and "stopped at the memory cap (8.0 GiB) after 20 s" in table
    assert "same (1 counts, duckdb 0.1 s)" in table
