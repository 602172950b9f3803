"""results.json: the document a benchmark run fills in, each run's record and summary, and the
scrubbed copy written after every measurement, so that an interrupted run keeps what it measured
and no machine path leaves the machine."""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.machine import code_state, machine
from bench.measure import Outcome
from bench.settings import FIGURES, ROOT, YEAR, YEARS


def new_results(args: argparse.Namespace) -> dict:
    """The document before any scale: when, on what, with which settings, how to read it."""
    return {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "code": {"at_start": code_state()},
        "settings": {
            "scales": args.scales,
            "runs_requested": args.runs,
            "quick": args.quick,
            "timeout_s": args.timeout,
            "mem_cap_gib": args.mem_cap_gib,
            "year": YEAR,
            "reports_years": list(YEARS),
            "reports_scales": args.reports_scales,
        },  # fmt: skip
        "method": {
            "seconds": "min and median over runs; stages are timed inside a fresh process "
            "around the work only (imports and the untimed setup are excluded), end to end "
            "and floor (2) are the wall time of the whole process",
            "peak_mem_mib": "peak of the summed RSS of the process and all its descendants "
            "(the Jupyter kernel included, counted while it coexists with the report "
            "process), sampled every 100 ms (descendants listed every 500 ms); shared "
            "library pages are counted once per process, so this errs high",
            "peak_rss_mib": "ru_maxrss from wait4: the largest single process of the tree "
            "(the kernel is a waited child, so it counts here only if it is the largest)",
            "ledgers": "generated per scale by helpers.ledgers.samples.write_all(scale=N), "
            "which writes the scaled ledgers block by block; generation is timed but not "
            "counted",
            "reference": "a handful of the report's counts straight from the CSVs (DuckDB, "
            "else pandas in chunks), compared with every report run's stats.json",
            "other_processes_cpu_share": "per scale: CPU used by processes other than the "
            "benchmark's own, as a share of all cores over that scale's wall time; figures "
            "measured while it is high are slower than on an idle machine",
            "figures": FIGURES,
        },
        "scales": {},
    }


def as_run(outcome: Outcome, seconds: float | None = None, **extra) -> dict:
    """One run of a figure as recorded: its status, time and memory, the probe's own figures."""
    run = {"status": outcome.status, "wall_s": outcome.wall_s,
           "peak_mem_mib": outcome.peak_mem_mib, "peak_rss_mib": outcome.max_rss_mib}  # fmt: skip
    if outcome.ok:
        run["seconds"] = round(seconds if seconds is not None else outcome.wall_s, 4)
    else:
        run["reason"] = outcome.reason
    if outcome.probe:
        run["probe"] = {k: v for k, v in outcome.probe.items() if k != "seconds"}
    run.update(extra)
    return run


def summarise(runs: list[dict]) -> dict:
    """A figure's runs with their minimum and median (of the runs that succeeded) and largest
    memory; with no success, the last run's status and reason, so a cell says what stopped it."""
    good = [r for r in runs if r["status"] == "ok"]
    summary: dict = {"runs": runs}
    if not good:
        summary["status"] = runs[-1]["status"] if runs else "not measured"
        summary["reason"] = runs[-1].get("reason", "") if runs else ""
        return summary
    seconds = [r["seconds"] for r in good]
    summary.update(
        status="ok", min=round(min(seconds), 3), median=round(statistics.median(seconds), 3)
    )
    mem = [r["peak_mem_mib"] for r in good if r.get("peak_mem_mib") is not None]
    rss = [r["peak_rss_mib"] for r in good if r.get("peak_rss_mib") is not None]
    if mem:
        summary["peak_mem_mib"] = max(mem)
    if rss:
        summary["peak_rss_mib"] = max(rss)
    if len(good) < len(runs):
        summary["failed_runs"] = len(runs) - len(good)
    return summary


def scrub(value, workdir: Path):
    """No machine paths in the results: the scratch folder, the project, the interpreter and
    the home folder are replaced by placeholders in every recorded string."""
    if isinstance(value, dict):
        return {k: scrub(v, workdir) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, workdir) for v in value]
    if not isinstance(value, str):
        return value
    places = [(str(workdir), "<workdir>"), (str(ROOT), "<project>"),
              (sys.base_prefix, "<python>"), (sys.prefix, "<python>"),
              (tempfile.gettempdir(), "<tmp>"), (str(Path.home()), "~")]  # fmt: skip
    for path, placeholder in sorted(places, key=lambda p: -len(p[0])):
        if len(path) > 1:
            value = value.replace(path, placeholder)
    return re.sub(r"<project>/bench/work/[^/\s]+", "<workdir>", value)


def write(results: dict, out: Path, workdir: Path) -> None:
    """Replace the results file with a scrubbed copy (the live results are still being filled
    in through references), through a temporary file so that it is never half written."""
    document = scrub(results, workdir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                   encoding="utf-8")  # fmt: skip
    tmp.replace(out)
