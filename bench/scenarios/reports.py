"""Several years in one command (`python -m helpers reports`), serial and with two jobs: what
building a bureau's reports at once costs, and what the second core buys."""

from __future__ import annotations

import re
import shutil
import sys
from typing import TYPE_CHECKING

from bench.results import as_run
from bench.settings import YEARS

if TYPE_CHECKING:
    from bench.runner import Bench, Scale


def run(bench: Bench, at: Scale) -> None:
    if at.scale not in bench.args.reports_scales or bench.args.quick:
        return
    for figure, jobs in (("reports_serial", 1), ("reports_parallel", 2)):
        out_dir = at.base / f"out-reports-{jobs}"
        shutil.rmtree(out_dir, ignore_errors=True)
        cmd = [sys.executable, "-m", "helpers", "reports", "--years", *map(str, YEARS),
               "--jobs", str(jobs), "--data-dir", str(at.data), "--out-dir", str(out_dir)]  # fmt: skip
        outcome = bench.run(cmd, timeout=bench.args.timeout * 2)
        per_year = [ln for _, ln in outcome.lines if re.match(r"\[\d+/\d+\]", ln)]
        extra: dict = {"jobs": jobs, "years": per_year}
        texts = [ln for _, ln in outcome.lines]
        failures = [i for i, ln in enumerate(texts) if re.match(r"\[\d+/\d+\] \d+ 失败", ln)]
        if failures:  # the failing year's own message follows its line
            extra["failure_messages"] = ["\n".join(texts[i : i + 12])[:3000] for i in failures]
        bench.record(at.scale, figure, as_run(outcome, **extra))
