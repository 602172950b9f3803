"""What is measured at each scale, in the order it is measured.

A scenario is a function `run(bench, at)`, called once per run of a scale with the run's handle
(`runner.Bench`: `run`, `probe_figure`, `record`, `skip`, `log`, `args`) and what the scale's
scenarios share (`runner.Scale`: its ledgers, params, pickled ledgers, scratch folder). It
decides itself whether it applies at that scale, measures each figure in a fresh process and
records every run. Its figures are described in `settings.FIGURES`, which orders the tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.scenarios import ledger_error, report, reports, stages

if TYPE_CHECKING:
    from bench.runner import Bench, Scale

Scenario = Callable[["Bench", "Scale"], None]

SCENARIOS: tuple[Scenario, ...] = (
    stages.run,  # each stage of the report alone, and the two floors
    report.run,  # `make report` end to end, then HTML and PDF from its executed notebook
    ledger_error.run,  # one broken date: how soon the report says which line
    reports.run,  # several years, serial and parallel (at --reports-scales)
)
