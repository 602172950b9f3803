"""`make report` end to end, as a user runs it, with the build's own stage timings and its
figures checked against the reference counts; then the HTML and PDF renderings of the notebook
it executed, each alone."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from bench import reference
from bench.probes import probe_cmd
from bench.results import as_run
from bench.settings import YEAR

if TYPE_CHECKING:
    from pathlib import Path

    from bench.runner import Bench, Scale


def run(bench: Bench, at: Scale) -> None:
    out_dir = at.base / "out-e2e"
    executed = out_dir / str(YEAR) / "report.ipynb"
    _end_to_end(bench, at, out_dir)
    if executed.exists():
        bench.probe_figure(at.scale, "html_export", probe_cmd(
            "html_export", executed=str(executed), **at.common))  # fmt: skip
        bench.probe_figure(at.scale, "pdf_render", probe_cmd(
            "pdf_render", executed=str(executed), out=str(at.base / "probe-report.pdf"),
            **at.common))  # fmt: skip
    else:
        for figure in ("html_export", "pdf_render"):
            bench.skip(at.scale, figure, "no report run succeeded at this scale")


def _end_to_end(bench: Bench, at: Scale, out_dir: Path) -> None:
    cmd = [sys.executable, "-m", "helpers", "report", "--year", str(YEAR), "--data-dir",
           str(at.data), "--out-dir", str(out_dir), "--params", str(at.params)]  # fmt: skip
    stats = out_dir / str(YEAR) / "stats.json"
    stats.unlink(missing_ok=True)  # a stale one from an earlier run must not be compared
    outcome = bench.run(cmd)
    stages = _stage_seconds(outcome.lines)
    extra = {"stages_s": stages, "startup_s": _first_line_at(outcome.lines, "[validate]")}
    if stages and outcome.ok:
        extra["outside_stages_s"] = round(outcome.wall_s - sum(stages.values()), 3)
    if not outcome.ok:
        started = [ln for _, ln in outcome.lines if ln.startswith("[")]
        extra["last_stage"] = started[-1] if started else None
    if outcome.ok:
        counts = bench.results["scales"][str(at.scale)].get("reference", {}).get("counts", {})
        check = reference.compare(counts, stats)
        if check.get("differ"):
            bench.log(f"  [{at.scale}×] figures differ from the reference: {check['differ']}")
        extra["reference_check"] = check
    bench.record(at.scale, "end_to_end", as_run(outcome, **extra))


def _stage_seconds(lines: list[tuple[float, str]]) -> dict[str, float]:
    """The build's own stage timings, from its last line: '(16.7 s: validate 3.8s, …)'."""
    for _, line in reversed(lines):
        match = re.search(r"\(([\d.]+) s: (.*)\)\s*$", line)
        if match:
            stages = dict(re.findall(r"(\w+) ([\d.]+)s", match.group(2)))
            return {name: float(value) for name, value in stages.items()}
    return {}


def _first_line_at(lines: list[tuple[float, str]], prefix: str) -> float | None:
    return next((round(t, 3) for t, line in lines if line.startswith(prefix)), None)
