"""`make bench`: wall time and peak memory of `make report` end to end and of each stage alone.

Every figure is measured in a fresh subprocess, so imports, caches and memory are those of a
real run. Ledgers are generated per scale (1×, 10×, 100× the sample's high-volume ledgers) into
a scratch folder under bench/work/, which is removed afterwards. Results go to
bench/results.json and a compact table on stdout. See bench/README.md for what each figure
means and how memory is counted.

    python bench/run.py                       # scales 1 10 100, 3 runs (2 at 10×, 1 at 100×)
    python bench/run.py --quick               # smoke run: 1× only, one run, no multi-year
    python bench/run.py --scales 1 10 --runs 5

The script is also its own probe: `python bench/run.py --probe NAME --args JSON` performs one
measured piece of work in the current process and prints its in-process timings as one line.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import pickle
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
NOTEBOOK = ROOT / "notebooks" / "report.ipynb"
PARAMS_DIR = ROOT / "params" / "pudong"  # the sample bureau
YEAR = 2021
YEARS = (2020, 2021, 2022)
PROBE_TAG = "BENCH-PROBE "
MIB = 1024 * 1024
CHILDREN_EVERY = 0.5  # seconds between listings of the measured process tree
GEN_TIMEOUT = 1800  # seconds at least for generating a scale's ledgers
PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "pandera", "papermill", "nbclient",
            "nbconvert", "nbformat", "ipykernel", "jupyter_client", "jinja2", "typst", "python-docx")  # fmt: skip
CHARTS = ("dispute_intake", "dispute_outcomes", "wage_arrears", "litigation", "trends")

# Targets of the issue (2 cores). Seconds unless noted; memory is the summed RSS of the report
# process and its kernel.
TARGET_RATIO_1X, TARGET_TIME_1X = 1.8, 6.0
TARGET_TIME_10X, TARGET_MEM_10X_MIB = 15.0, 1024.0
TARGET_TIME_100X, TARGET_MEM_100X_MIB = 60.0, 2048.0
TARGET_ERROR_1X = 1.5

# Figures in table order, with what each one times.
FIGURES = {
    "end_to_end": "`python -m helpers report` as `make report` runs it: process wall time",
    "kernel_start": "floor (1): papermill executing an empty notebook (kernel start), in-process",
    "load_validate": "load_ledgers(): read and validate every ledger",
    "metrics": "year_figures() on loaded ledgers (the build's metrics stage), excluding load",
    "narrative": "Narrative(stats, params).full_text(): every section rendered",
    "charts": "all five charts drawn to PNG as the notebook does (breakdowns included)",
    "quality_tables": "the reviewer's tables: row counts, exclusions, checks, figures table",
    "notebook_work": "the notebook's code cells run in a plain process (no kernel), outputs "
    "formatted as the kernel would",
    "execution_overhead": "derived: execute stage − kernel start − notebook work",
    "html_export": "reader_html() + review_html() on the executed notebook of a report run",
    "pdf_render": "write_pdf() (Typst) on the executed notebook of a report run",
    "floor_plain_script": "floor (2): one plain script, no kernel: load+validate, metrics, "
    "narrative, five charts to PNG — process wall time",
    "ledger_error": "report run on the ledgers with one broken date in the middle of "
    "disputes.csv: time until the error naming that file and line exits",
    "reports_serial": "`python -m helpers reports` 2020–2022 with --jobs 1: process wall time",
    "reports_parallel": "`python -m helpers reports` 2020–2022 with --jobs 2: process wall time",
}
# Figures whose probe needs the pickled ledgers of the scale (made once per scale, untimed).
NEEDS_CACHE = ("metrics", "narrative", "charts", "quality_tables", "notebook_work")

# Figures of the report counted straight from the CSVs by the reference computation: key in the
# report's stats.json → (ledger, SQL condition on its text columns; {y} is the year). Received
# and closed by the first four characters of the date, as the ledgers write dates YYYY-MM-DD.
REFERENCE = {
    "disputes.accepted_total": ("disputes", "left(received_date, 4) = '{y}'"),
    "disputes.accepted_by_arbitration":
        ("disputes", "left(received_date, 4) = '{y}' AND body_type = '仲裁院'"),
    "disputes.accepted_by_mediation_orgs":
        ("disputes", "left(received_date, 4) = '{y}' AND body_type = '调解组织'"),
    "disputes.closed_total": ("disputes", "left(closed_date, 4) = '{y}' AND "
                              "(body_type <> '调解组织' OR outcome = '调解成功')"),
    "wage_arrears.leads_received": ("wage_arrears_leads", "left(received_date, 4) = '{y}'"),
    "wage_arrears.leads_closed": ("wage_arrears_leads", "left(received_date, 4) = '{y}' AND "
                                  "coalesce(closed_date, '') <> '' AND left(closed_date, 4) <= '{y}'"),
    "wage_arrears.leads_resolved": ("wage_arrears_leads", "left(received_date, 4) = '{y}' AND "
                                    "coalesce(closed_date, '') <> '' AND "
                                    "left(closed_date, 4) <= '{y}' AND result = '已解决'"),
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Probes: one measured piece of work, run in a fresh interpreter by the harness below.
# --------------------------------------------------------------------------------------------


def _self_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Clock:
    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        elapsed, self.last = now - self.last, now
        return round(elapsed, 4)


def _session(a: dict):
    """The notebook's own session object, fed the pickled ledgers as `make report` does (the
    probe points the scratch folder at the cache); the checks open_report runs are left out."""
    from helpers.report.session import ReportSession, resolve_inputs

    return ReportSession(a["year"], *resolve_inputs(a["year"], a["data_dir"], a["params"]))


def _quiet():
    """Outside a kernel IPython's display() prints reprs; keep them out of the probe's output."""
    return contextlib.redirect_stdout(io.StringIO())


def _probe_prep(a: dict, clock: _Clock) -> dict:
    from helpers.ledgers.load import load_ledgers

    ledgers = load_ledgers(Path(a["data_dir"]))
    clock.lap()
    with open(a["cache"], "wb") as handle:
        pickle.dump(ledgers, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return {"seconds": clock.lap(), "cache_mib": round(os.path.getsize(a["cache"]) / MIB, 1)}


def _probe_load(a: dict, clock: _Clock) -> dict:
    from helpers.ledgers.load import load_ledgers

    out = {"import_s": clock.lap()}
    ledgers = load_ledgers(Path(a["data_dir"]))
    out["seconds"] = clock.lap()
    out["rows"] = {name: len(frame) for name, frame in ledgers.frames.items()}
    return out


def _probe_kernel(a: dict, clock: _Clock) -> dict:
    import papermill

    from helpers.runs import kernel

    # The same kernel manager as the report's (e.g. its transport), where the build names one.
    extra = {}
    if hasattr(kernel, "LocalKernelManager"):
        extra["kernel_manager_class"] = "helpers.runs.kernel.LocalKernelManager"
    out = {"import_s": clock.lap(), "kernel_manager": extra.get("kernel_manager_class", "default")}
    papermill.execute_notebook(
        a["notebook"], a["out"], parameters=a["parameters"], cwd=str(NOTEBOOK.parent),
        progress_bar=False, log_output=False, kernel_name="python3", **extra,
    )  # fmt: skip
    out["seconds"] = clock.lap()
    return out


def _probe_metrics(a: dict, clock: _Clock) -> dict:
    report = _session(a)
    out = {"import_s": clock.lap()}
    report.ledgers  # noqa: B018 — unpickle, as the kernel does
    out["unpickle_s"] = clock.lap()
    out["rss_before_mib"] = round(_self_rss_mib(), 1)
    report.stats  # noqa: B018
    out["seconds"] = clock.lap()
    return out


def _probe_narrative(a: dict, clock: _Clock) -> dict:
    from helpers.report.narrative import Narrative
    from helpers.report.session import is_synthetic

    report = _session(a)
    out = {"import_s": clock.lap()}
    stats, params = report.stats, report.params
    out["rss_before_mib"] = round(_self_rss_mib(), 1)
    clock.lap()
    text = Narrative(stats, params, synthetic=is_synthetic(report.data_dir)).full_text()
    out["seconds"] = clock.lap()
    out["characters"] = len(text)
    return out


def _probe_charts(a: dict, clock: _Clock) -> dict:
    report = _session(a)
    out = {"import_s": clock.lap()}
    report.ledgers  # noqa: B018
    out["unpickle_s"] = clock.lap()
    out["rss_before_mib"] = round(_self_rss_mib(), 1)
    per_chart = {}
    with _quiet():
        for name in CHARTS:
            report.chart(name)
            per_chart[name] = clock.lap()
    out["per_chart_s"] = per_chart
    out["seconds"] = round(sum(per_chart.values()), 4)
    return out


def _probe_quality(a: dict, clock: _Clock) -> dict:
    report = _session(a)
    out = {"import_s": clock.lap()}
    report.stats  # noqa: B018
    out["rss_before_mib"] = round(_self_rss_mib(), 1)
    clock.lap()
    parts = {}
    for name in ("row_counts", "exclusions", "consistency_checks", "figures_table"):
        getattr(report, name)()
        parts[name] = clock.lap()
    out["parts_s"] = parts
    out["seconds"] = round(sum(parts.values()), 4)
    return out


def _format_like_a_kernel(value: object) -> None:
    """The kernel turns a cell's result into text/plain and text/html outputs."""
    if value is None:
        return
    repr(value)
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        html()


def _probe_notebook_work(a: dict, clock: _Clock) -> dict:
    """The notebook's code cells, in order, in a plain interpreter with the injected parameters."""
    nb = json.loads(Path(a["notebook"]).read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    cells = {}
    with _quiet():
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                exec(source, namespace)  # noqa: S102
                namespace.update(a["parameters"])
                continue
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"<cell {index}>", "exec"), namespace)  # noqa: S102
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"<cell {index}>", "eval"),  # noqa: S307
                             namespace)  # fmt: skip
                _format_like_a_kernel(value)
            label = source.strip().splitlines()[-1][:60]
            cells[f"{index:02d} {label}"] = clock.lap()
    return {"seconds": round(sum(cells.values()), 4), "per_cell_s": cells}


def _probe_floor(a: dict, clock: _Clock) -> dict:
    """Floor (2): the same ledgers, metrics, narrative and charts, as a plain script."""
    from helpers.figures import breakdowns as b
    from helpers.ledgers.load import load_ledgers
    from helpers.report import charts
    from helpers.report.document import year_figures
    from helpers.report.narrative import Narrative
    from helpers.report.params import load_params
    from helpers.report.session import is_synthetic

    out = {"import_s": clock.lap()}
    data_dir, params_file, year = Path(a["data_dir"]), Path(a["params"]), a["year"]
    ledgers = load_ledgers(data_dir)
    out["load_validate_s"] = clock.lap()
    stats = year_figures(year, data_dir, params_file, ledgers)
    out["metrics_s"] = clock.lap()
    Narrative(stats, load_params(params_file, year), synthetic=is_synthetic(data_dir)).full_text()
    out["narrative_s"] = clock.lap()
    figures = [
        charts.dispute_intake_chart(b.dispute_intake_by_month(ledgers, year)),
        charts.dispute_outcomes_chart(b.dispute_outcomes(ledgers, year)),
        charts.wage_arrears_chart(b.wage_arrears_by_month(ledgers, year)),
        charts.litigation_chart(
            b.litigation_by_stage(ledgers, year), b.reconsideration_summary(ledgers, year)
        ),
        charts.trends_chart(b.trends(ledgers, b.trend_years(ledgers, until=year))),
    ]
    for fig in figures:
        charts.to_png(fig)
    out["charts_s"] = clock.lap()
    return out


def _probe_html(a: dict, clock: _Clock) -> dict:
    import nbformat

    from helpers.render.html import reader_html, review_html
    from helpers.report.params import load_params

    out = {"import_s": clock.lap()}
    nb = nbformat.read(a["executed"], as_version=4)
    params = load_params(Path(a["params"]), a["year"])
    title = f"{params.bureau.name}{a['year']}年度法治政府建设情况报告"
    clock.lap()
    reader = reader_html(nb, title)
    out["reader_s"] = clock.lap()
    review_html(nb, title)
    out["review_s"] = clock.lap()
    out["seconds"] = round(out["reader_s"] + out["review_s"], 4)
    out["reader_kib"] = round(len(reader.encode()) / 1024)
    return out


def _probe_pdf(a: dict, clock: _Clock) -> dict:
    import nbformat

    from helpers.render.pdf import write_pdf
    from helpers.report.params import load_params

    out = {"import_s": clock.lap()}
    nb = nbformat.read(a["executed"], as_version=4)
    params = load_params(Path(a["params"]), a["year"])
    title = f"{params.bureau.name}{a['year']}年度法治政府建设情况报告"
    clock.lap()
    write_pdf(nb, Path(a["out"]), title, params.bureau.signature)
    out["seconds"] = clock.lap()
    return out


def _reference_duckdb(data_dir: Path, year: int) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    counts = {}
    for ledger in sorted({ledger for ledger, _ in REFERENCE.values()}):
        keys = [key for key, (name, _) in REFERENCE.items() if name == ledger]
        columns = ", ".join(
            f"count(*) FILTER (WHERE {REFERENCE[key][1].format(y=year)})" for key in keys
        )
        source = str(data_dir / f"{ledger}.csv").replace("'", "''")
        row = con.execute(f"SELECT {columns} FROM read_csv('{source}', header = true, "
                          "delim = ',', quote = '\"', all_varchar = true)").fetchone()  # fmt: skip
        counts.update(zip(keys, map(int, row), strict=True))
    return counts


def _reference_pandas(data_dir: Path, year: int) -> dict[str, int]:
    """The same counts with pandas, reading only the needed columns, a million rows at a time."""
    import pandas as pd

    y = str(year)
    counts = dict.fromkeys(REFERENCE, 0)
    for ledger, columns in (("disputes", ["received_date", "closed_date", "body_type", "outcome"]),
                            ("wage_arrears_leads", ["received_date", "closed_date", "result"])):  # fmt: skip
        for chunk in pd.read_csv(data_dir / f"{ledger}.csv", usecols=columns, dtype=str,
                                 keep_default_na=False, chunksize=1_000_000):  # fmt: skip
            received, closed = chunk["received_date"].str[:4], chunk["closed_date"].str[:4]
            if ledger == "disputes":
                got = received == y
                counts["disputes.accepted_total"] += int(got.sum())
                counts["disputes.accepted_by_arbitration"] += int(
                    (got & (chunk["body_type"] == "仲裁院")).sum())  # fmt: skip
                counts["disputes.accepted_by_mediation_orgs"] += int(
                    (got & (chunk["body_type"] == "调解组织")).sum())  # fmt: skip
                done = (chunk["body_type"] != "调解组织") | (chunk["outcome"] == "调解成功")
                counts["disputes.closed_total"] += int(((closed == y) & done).sum())
            else:
                got = received == y
                shut = got & (closed != "") & (closed <= y)
                counts["wage_arrears.leads_received"] += int(got.sum())
                counts["wage_arrears.leads_closed"] += int(shut.sum())
                counts["wage_arrears.leads_resolved"] += int(
                    (shut & (chunk["result"] == "已解决")).sum())  # fmt: skip
    return counts


def _probe_reference(a: dict, clock: _Clock) -> dict:
    """The reference computation: a handful of the report's counts straight from the CSVs, with
    DuckDB where it is installed, else pandas; neither the project's loader nor its metrics."""
    try:
        import duckdb  # noqa: F401

        engine, count = "duckdb", _reference_duckdb
    except ImportError:
        engine, count = "pandas", _reference_pandas
    out = {"import_s": clock.lap(), "engine": engine}
    out["counts"] = count(Path(a["data_dir"]), a["year"])
    out["seconds"] = clock.lap()
    return out


PROBES = {
    "prep": _probe_prep, "reference": _probe_reference, "load_validate": _probe_load, "kernel_start": _probe_kernel,
    "metrics": _probe_metrics, "narrative": _probe_narrative, "charts": _probe_charts,
    "quality_tables": _probe_quality, "notebook_work": _probe_notebook_work,
    "floor_plain_script": _probe_floor, "html_export": _probe_html, "pdf_render": _probe_pdf,
}  # fmt: skip


def run_probe(name: str, args_json: str) -> int:
    clock = _Clock()
    args = json.loads(args_json)
    if args.get("cache"):  # where a report run leaves the validated ledgers for its kernel
        from helpers.config import SCRATCH_ENV

        os.environ[SCRATCH_ENV] = str(Path(args["cache"]).parent)
    out = PROBES[name](args, clock)
    out["self_peak_rss_mib"] = round(_self_rss_mib(), 1)
    sys.stdout.flush()
    print(PROBE_TAG + json.dumps(out, ensure_ascii=False), flush=True)
    return 0


# --------------------------------------------------------------------------------------------
# Harness: run a command, time it, follow its process tree's memory, enforce limits.
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str  # ok | failed | timeout | memory-cap
    wall_s: float
    max_rss_mib: float  # wait4 ru_maxrss: the largest single process of the tree
    peak_mem_mib: float  # sampled sum of RSS over the live process tree
    returncode: int | None
    reason: str = ""
    lines: list[tuple[float, str]] = field(default_factory=list)  # (seconds since start, line)
    stderr: str = ""
    probe: dict | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _tree_rss(procs: list) -> float:
    """Summed RSS of the given processes, in MiB (cheap: one read of /proc/PID/statm each)."""
    import psutil

    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total / MIB


def _kill_tree(procs: list) -> None:
    """SIGKILL the processes this harness started (the command and its descendants), by id."""
    for proc in reversed(procs):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(proc.pid, signal.SIGKILL)


def measure(cmd: list[str], *, timeout: float, mem_cap_mib: float, cwd: Path = ROOT,
            interval: float = 0.1) -> Outcome:  # fmt: skip
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
                            errors="replace")  # fmt: skip
    lines: list[tuple[float, str]] = []
    err: list[str] = []

    def read_stdout() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append((time.perf_counter() - started, line.rstrip("\n")))

    def read_stderr() -> None:
        err.append(proc.stderr.read())  # type: ignore[union-attr]

    readers = [threading.Thread(target=read_stdout, daemon=True),
               threading.Thread(target=read_stderr, daemon=True)]  # fmt: skip
    for reader in readers:
        reader.start()
    done = threading.Event()
    state = {"peak": 0.0, "status": "ok", "reason": ""}
    root = psutil.Process(proc.pid)

    def watch() -> None:
        procs, listed = [root], 0.0
        while not done.is_set():
            elapsed = time.perf_counter() - started
            if elapsed - listed >= CHILDREN_EVERY:  # listing descendants scans all of /proc
                with contextlib.suppress(psutil.Error):
                    procs, listed = [root, *root.children(recursive=True)], elapsed
            total = _tree_rss(procs)
            state["peak"] = max(state["peak"], total)
            if total > mem_cap_mib:
                state.update(status="memory-cap", reason=f"process tree exceeded the "
                             f"{mem_cap_mib / 1024:.1f} GiB cap after {elapsed:.0f} s")  # fmt: skip
                _kill_tree(procs)
                return
            if elapsed > timeout:
                state.update(status="timeout", reason=f"killed after {timeout:.0f} s")
                _kill_tree(procs)
                return
            done.wait(interval)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        _kill_tree([root, *root.children(recursive=True)])
        raise
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    for reader in readers:
        reader.join(timeout=5)
    outcome = Outcome(
        status=state["status"], wall_s=round(wall, 3),
        max_rss_mib=round(usage.ru_maxrss / 1024, 1), peak_mem_mib=round(state["peak"], 1),
        returncode=proc.returncode, reason=state["reason"], lines=lines, stderr="".join(err),
    )  # fmt: skip
    if outcome.status == "ok" and proc.returncode != 0:
        outcome.status = "failed"
        tail = outcome.stderr.strip().splitlines()[-3:] or [ln for _, ln in lines[-3:]]
        outcome.reason = f"exit {proc.returncode}: " + " | ".join(tail)[:600]
    for _, line in lines:
        if line.startswith(PROBE_TAG):
            outcome.probe = json.loads(line[len(PROBE_TAG) :])
    return outcome


def break_a_date(source: Path, target: Path, chunk: int = 64 * MIB) -> int:
    """A copy of a ledger CSV with the received date of the data row at about the middle of the
    file set to 2021-02-30, streamed (a 100× ledger is gigabytes); returns that row's file line
    (the header is line 1)."""
    middle = source.stat().st_size // 2
    with source.open("rb") as src, target.open("wb") as dst:
        header = src.readline()
        dst.write(header)
        column = header.decode("utf-8").rstrip("\r\n").split(",").index("received_date")
        lines = 1
        while src.tell() < middle:
            block = src.read(min(chunk, middle - src.tell()))
            if not block:
                break
            dst.write(block)
            lines += block.count(b"\n")
        rest = src.readline()  # the end of the row the middle falls in
        dst.write(rest)
        lines += rest.endswith(b"\n")
        row = src.readline()
        ending = row[len(row.rstrip(b"\r\n")) :]
        cells = row[: len(row) - len(ending)].decode("utf-8").split(",")
        cells[column] = "2021-02-30"
        dst.write(",".join(cells).encode("utf-8") + ending)
        shutil.copyfileobj(src, dst, chunk)
    return lines + 1


def probe_cmd(name: str, **kwargs) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--probe", name, "--args",
            json.dumps(kwargs, ensure_ascii=False)]  # fmt: skip


# --------------------------------------------------------------------------------------------
# The benchmark.
# --------------------------------------------------------------------------------------------


def machine() -> dict:
    import psutil

    versions = {}
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "packages": versions,
    }


def code_state() -> dict:
    """The commit measured, and which project files differ from it (other people may be editing
    the tree while the benchmark runs; a change between start and end is recorded)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10, check=True)  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "src", "notebooks", "params", "pyproject.toml")
    return {"git_commit": git("rev-parse", "HEAD") or None,
            "uncommitted": sorted(line[3:] for line in changed.splitlines())}  # fmt: skip


def runs_for(scale: int, runs: int) -> int:
    """Fewer runs where one run takes long: all at ≤ 1×, at most 2 at 10×, 1 at ≥ 100×."""
    if scale >= 100:
        return 1
    if scale >= 10:
        return max(1, min(runs, 2))
    return runs


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


def summarise(runs: list[dict]) -> dict:
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


def _linear(low: float, high: float, lo: int, hi: int, digits: int) -> float:
    """The value at 100× on the line through two scales; a figure that did not grow between
    them (within noise) is taken as flat at its larger-scale value."""
    slope = (high - low) / (hi - lo)
    if slope <= 0:
        return round(high, digits)
    return round(low + slope * (100 - lo), digits)


class CpuShare:
    """How much of the machine's CPU other processes used meanwhile: busy CPU seconds of the
    whole machine minus those of this script and every process it waited for, per core-second.
    A share near 0 means the figures were measured on an otherwise idle machine."""

    def __init__(self) -> None:
        import psutil

        self.psutil = psutil
        self.start = self._read()

    def _read(self) -> tuple[float, float, float]:
        times = self.psutil.cpu_times()
        busy = sum(times) - times.idle - getattr(times, "iowait", 0.0)
        own = os.times()
        mine = own.user + own.system + own.children_user + own.children_system
        return time.monotonic(), busy, mine

    def share(self) -> float:
        now, busy, mine = self._read()
        then, busy0, mine0 = self.start
        capacity = (now - then) * (os.cpu_count() or 1)
        return round(max(0.0, (busy - busy0) - (mine - mine0)) / capacity, 3) if capacity else 0.0


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.mem_cap = args.mem_cap_gib * 1024
        self.results: dict = {
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

    # -- bookkeeping ------------------------------------------------------------------------

    def scrub(self, value):
        """No machine paths in the results: the scratch folder, the project, the interpreter and
        the home folder are replaced by placeholders in every recorded string."""
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if not isinstance(value, str):
            return value
        places = [(str(self.workdir), "<workdir>"), (str(ROOT), "<project>"),
                  (sys.base_prefix, "<python>"), (sys.prefix, "<python>"),
                  (tempfile.gettempdir(), "<tmp>"), (str(Path.home()), "~")]  # fmt: skip
        for path, placeholder in sorted(places, key=lambda p: -len(p[0])):
            if len(path) > 1:
                value = value.replace(path, placeholder)
        return re.sub(r"<project>/bench/work/[^/\s]+", "<workdir>", value)

    def save(self) -> None:
        # A scrubbed copy: the live results are still being filled in through references.
        document = self.scrub(self.results)
        out = Path(self.args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")  # fmt: skip
        tmp.replace(out)

    def log(self, text: str) -> None:
        print(text, flush=True)

    def record(self, scale: int, figure: str, run: dict) -> None:
        figures = self.results["scales"][str(scale)]["figures"]
        runs = figures.get(figure, {}).get("runs", [])
        runs.append(run)
        figures[figure] = summarise(runs)
        self.save()
        if run["status"] == "ok":
            mem = run.get("peak_mem_mib")
            self.log(f"  [{scale}×] {figure:<19} {run['seconds']:8.2f} s"
                     + (f"  {mem:7.0f} MiB" if mem is not None else ""))  # fmt: skip
        else:
            self.log(f"  [{scale}×] {figure:<19} {run['status']}: {run.get('reason', '')}")

    def skip(self, scale: int, figure: str, reason: str) -> None:
        figures = self.results["scales"][str(scale)]["figures"]
        if figure not in figures:
            figures[figure] = {"status": "skipped", "reason": reason, "runs": []}
            self.log(f"  [{scale}×] {figure:<19} skipped: {reason}")
            self.save()

    def run(self, cmd: list[str], timeout: float | None = None) -> Outcome:
        return measure(cmd, timeout=timeout or self.args.timeout, mem_cap_mib=self.mem_cap)

    @staticmethod
    def as_run(outcome: Outcome, seconds: float | None = None, **extra) -> dict:
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

    # -- per scale --------------------------------------------------------------------------

    def scale(self, scale: int) -> None:
        runs = runs_for(scale, self.args.runs)
        entry = {"runs": runs, "figures": {}}
        self.results["scales"][str(scale)] = entry
        cpu = CpuShare()
        try:
            self._scale(scale, runs, entry)
        finally:
            entry["other_processes_cpu_share"] = cpu.share()
            self.save()

    def _scale(self, scale: int, runs: int, entry: dict) -> None:
        self.log(f"\n== {scale}× the sample ledgers, {runs} run(s) per figure ==")
        base = self.workdir / f"scale-{scale}"
        data = base / "ledgers"
        base.mkdir(parents=True, exist_ok=True)
        gen_cap = self.args.gen_mem_cap_gib * 1024
        code = ("import json, sys; from pathlib import Path; from helpers.ledgers.samples import write_all; "
                "print('ROWS', json.dumps(write_all(Path(sys.argv[1]), scale=int(sys.argv[2]))))")  # fmt: skip
        # Generation is not what is measured: it gets at least GEN_TIMEOUT (100× takes minutes).
        gen = measure([sys.executable, "-c", code, str(data), str(scale)],
                      timeout=max(self.args.timeout, GEN_TIMEOUT), mem_cap_mib=gen_cap)  # fmt: skip
        rows = next((json.loads(ln[5:]) for _, ln in gen.lines if ln.startswith("ROWS ")), {})
        size = sum(p.stat().st_size for p in data.glob("*.csv")) / MIB if data.exists() else 0
        entry["generation"] = {"status": gen.status, "seconds": gen.wall_s,
                               "peak_mem_mib": gen.peak_mem_mib, "reason": gen.reason,
                               "rows": rows, "csv_mib": round(size, 1)}  # fmt: skip
        self.save()
        if not gen.ok:
            self.log(f"  ledger generation {gen.status}: {gen.reason}")
            for figure in FIGURES:
                self.skip(scale, figure, f"ledger generation {gen.status}: {gen.reason}")
            return
        self.log(f"  generated {rows.get('disputes', 0):,} dispute rows, {size:,.0f} MiB of CSV "
                 f"in {gen.wall_s:.1f} s, {gen.peak_mem_mib:,.0f} MiB (not counted)")  # fmt: skip

        cache = base / "ledgers.pickle"
        params = PARAMS_DIR / f"{YEAR}.yaml"
        common = {"year": YEAR, "data_dir": str(data), "params": str(params)}
        self._reference(scale, common)
        prep = self.run(probe_cmd("prep", cache=str(cache), **common))
        entry["ledger_cache"] = {"status": prep.status, "reason": prep.reason,
                                 "write_s": (prep.probe or {}).get("seconds"),
                                 "mib": (prep.probe or {}).get("cache_mib")}  # fmt: skip
        empty = base / "empty.ipynb"
        self._empty_notebook(empty)
        parameters = {"year": YEAR, "data_dir": str(data), "params_file": str(params)}
        out_e2e = base / "out-e2e"
        executed = out_e2e / str(YEAR) / "report.ipynb"
        # Probes that start from the pickled ledgers are skipped when loading them failed; whole
        # processes (floor, report, ledger error) still run, so their cells say what happens.
        failed_load: str | None = None if prep.ok else f"loading failed ({prep.reason})"
        if failed_load:
            self.log(f"  loading the ledgers {prep.status}: {prep.reason}")

        for i in range(runs):
            self.log(f" run {i + 1}/{runs}")
            self._probe_figure(scale, "load_validate", probe_cmd("load_validate", **common))
            self._probe_figure(scale, "kernel_start", probe_cmd(
                "kernel_start", notebook=str(empty), out=str(base / "empty-out.ipynb"),
                parameters=parameters))  # fmt: skip
            for figure in NEEDS_CACHE:
                if failed_load:
                    self.skip(scale, figure, failed_load)
                    continue
                args = dict(common, cache=str(cache))
                if figure == "notebook_work":
                    args.update(notebook=str(NOTEBOOK), parameters=parameters)
                self._probe_figure(scale, figure, probe_cmd(figure, **args))
            self._probe_figure(scale, "floor_plain_script",
                               probe_cmd("floor_plain_script", **common), wall=True)  # fmt: skip
            self._end_to_end(scale, data, params, out_e2e)
            if executed.exists():
                self._probe_figure(scale, "html_export", probe_cmd(
                    "html_export", executed=str(executed), **common))  # fmt: skip
                self._probe_figure(scale, "pdf_render", probe_cmd(
                    "pdf_render", executed=str(executed), out=str(base / "probe-report.pdf"),
                    **common))  # fmt: skip
            else:
                for figure in ("html_export", "pdf_render"):
                    self.skip(scale, figure, "no report run succeeded at this scale")
            self._ledger_error(scale, data, base)
            if scale in self.args.reports_scales and not self.args.quick:
                self._reports(scale, data, base)
        self._derive(scale)
        with contextlib.suppress(FileNotFoundError):
            cache.unlink()

    def _probe_figure(self, scale: int, figure: str, cmd: list[str], wall: bool = False) -> None:
        outcome = self.run(cmd)
        seconds = None
        if outcome.ok:
            if outcome.probe is None:
                outcome.status, outcome.reason = "failed", "probe printed no result"
            elif not wall:
                seconds = outcome.probe["seconds"]
        self.record(scale, figure, self.as_run(outcome, seconds))

    def _end_to_end(self, scale: int, data: Path, params: Path, out_dir: Path) -> None:
        cmd = [sys.executable, "-m", "helpers", "report", "--year", str(YEAR), "--data-dir",
               str(data), "--out-dir", str(out_dir), "--params", str(params)]  # fmt: skip
        stats = out_dir / str(YEAR) / "stats.json"
        stats.unlink(missing_ok=True)  # a stale one from an earlier run must not be compared
        outcome = self.run(cmd)
        stages = _stage_seconds(outcome.lines)
        extra = {"stages_s": stages, "startup_s": _first_line_at(outcome.lines, "[validate]")}
        if stages and outcome.ok:
            extra["outside_stages_s"] = round(outcome.wall_s - sum(stages.values()), 3)
        if not outcome.ok:
            started = [ln for _, ln in outcome.lines if ln.startswith("[")]
            extra["last_stage"] = started[-1] if started else None
        if outcome.ok:
            extra["reference_check"] = self._check_reference(scale, stats)
        self.record(scale, "end_to_end", self.as_run(outcome, **extra))

    def _reference(self, scale: int, common: dict) -> None:
        """The reference counts of this scale's ledgers, once, in a measured process of its own."""
        outcome = self.run(probe_cmd("reference", **common))
        probe = outcome.probe or {}
        entry = {"status": outcome.status if probe else "failed", "reason": outcome.reason,
                 "engine": probe.get("engine"), "seconds": probe.get("seconds"),
                 "wall_s": outcome.wall_s, "peak_mem_mib": outcome.peak_mem_mib,
                 "counts": probe.get("counts", {})}  # fmt: skip
        self.results["scales"][str(scale)]["reference"] = entry
        self.save()
        if entry["counts"]:
            self.log(f"  reference counts ({entry['engine']}, {entry['seconds']:.1f} s): "
                     + ", ".join(f"{k} {v:,}" for k, v in entry["counts"].items()))  # fmt: skip
        else:
            self.log(f"  reference counts {outcome.status}: {outcome.reason}")

    def _check_reference(self, scale: int, stats: Path) -> dict:
        """The report's figures against the reference counts of the same rows."""
        counts = self.results["scales"][str(scale)].get("reference", {}).get("counts", {})
        if not counts:
            return {"status": "not measured", "reason": "no reference counts at this scale"}
        try:
            metrics = json.loads(stats.read_text(encoding="utf-8"))["metrics"]
        except (OSError, ValueError, KeyError) as error:
            return {"status": "failed", "reason": f"no stats.json from the report: {error}"}
        report = {key: metrics.get(key, {}).get("value") for key in counts}
        differ = {key: {"report": report[key], "reference": counts[key]}
                  for key in counts if report[key] != counts[key]}  # fmt: skip
        if differ:
            self.log(f"  [{scale}×] figures differ from the reference: {differ}")
        return {"status": "ok", "match": not differ, "compared": len(counts),
                "differ": differ}  # fmt: skip

    def _ledger_error(self, scale: int, data: Path, base: Path) -> None:
        broken = base / "broken"
        line_file = broken / ".broken-line"
        if not line_file.exists():
            shutil.rmtree(broken, ignore_errors=True)
            broken.mkdir(parents=True)
            for source in data.iterdir():  # the other ledgers as they are: linked, not copied
                if source.name != "disputes.csv":
                    try:
                        os.link(source, broken / source.name)
                    except OSError:
                        shutil.copy2(source, broken / source.name)
            line = break_a_date(data / "disputes.csv", broken / "disputes.csv")
            line_file.write_text(str(line), encoding="utf-8")
        broken_line = int(line_file.read_text(encoding="utf-8"))
        cmd = [sys.executable, "-m", "helpers", "report", "--year", str(YEAR), "--data-dir",
               str(broken), "--out-dir", str(base / "out-broken"), "--params",
               str(PARAMS_DIR / f"{YEAR}.yaml")]  # fmt: skip
        outcome = self.run(cmd)
        named = "disputes.csv" in outcome.stderr and str(broken_line) in outcome.stderr
        if outcome.status == "failed" and outcome.returncode == 2 and named:
            outcome.status, outcome.reason = "ok", ""
        elif outcome.status in ("ok", "failed"):
            outcome.status = "failed"
            outcome.reason = (f"expected exit 2 naming disputes.csv line {broken_line}; got "
                              f"exit {outcome.returncode}: {outcome.stderr.strip()[:300]}")  # fmt: skip
        message = outcome.stderr.strip().splitlines()
        self.record(scale, "ledger_error", self.as_run(
            outcome, broken_line=broken_line, message=message[:3]))  # fmt: skip

    def _reports(self, scale: int, data: Path, base: Path) -> None:
        for figure, jobs in (("reports_serial", 1), ("reports_parallel", 2)):
            out_dir = base / f"out-reports-{jobs}"
            shutil.rmtree(out_dir, ignore_errors=True)
            cmd = [sys.executable, "-m", "helpers", "reports", "--years", *map(str, YEARS),
                   "--jobs", str(jobs), "--data-dir", str(data), "--out-dir", str(out_dir)]  # fmt: skip
            outcome = self.run(cmd, timeout=self.args.timeout * 2)
            per_year = [ln for _, ln in outcome.lines if re.match(r"\[\d+/\d+\]", ln)]
            extra: dict = {"jobs": jobs, "years": per_year}
            texts = [ln for _, ln in outcome.lines]
            failures = [i for i, ln in enumerate(texts) if re.match(r"\[\d+/\d+\] \d+ 失败", ln)]
            if failures:  # the failing year's own message follows its line
                extra["failure_messages"] = ["\n".join(texts[i : i + 12])[:3000] for i in failures]
            self.record(scale, figure, self.as_run(outcome, **extra))

    @staticmethod
    def _empty_notebook(path: Path) -> None:
        """One parameters cell of literals, as in the report notebook; nothing else runs."""
        import nbformat

        cell = nbformat.v4.new_code_cell(
            'year = 2021\ndata_dir = ""\nparams_file = ""',
            metadata={"tags": ["parameters"]},
        )
        nb = nbformat.v4.new_notebook(cells=[cell])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}  # fmt: skip
        nbformat.write(nb, path)

    # -- derived figures, ratios, verdicts --------------------------------------------------

    def _derive(self, scale: int) -> None:
        entry = self.results["scales"][str(scale)]
        figures = entry["figures"]
        e2e, floor1 = figures.get("end_to_end", {}), figures.get("kernel_start", {})
        work = figures.get("notebook_work", {})
        if (
            e2e.get("status") == "ok"
            and floor1.get("status") == "ok"
            and work.get("status") == "ok"
        ):
            overheads = [
                {"status": "ok", "seconds": round(r["stages_s"]["execute"] - floor1["median"]
                                                  - work["median"], 3)}
                for r in e2e["runs"] if r["status"] == "ok" and "execute" in r.get("stages_s", {})
            ]  # fmt: skip
            if overheads:
                figures["execution_overhead"] = summarise(overheads)
                figures["execution_overhead"]["note"] = (
                    "per report run: its execute stage minus the medians of kernel_start and "
                    "notebook_work; memory is that of the end-to-end run"
                )
        else:
            figures.setdefault("execution_overhead", {
                "status": "not measured", "reason": "needs end_to_end, kernel_start and "
                "notebook_work at this scale", "runs": []})  # fmt: skip
        floor2 = figures.get("floor_plain_script", {})
        ratios = {}
        if e2e.get("status") == "ok" and floor2.get("status") == "ok":
            ratios["end_to_end_over_floor2_median"] = round(e2e["median"] / floor2["median"], 2)
            ratios["end_to_end_over_floor2_min"] = round(e2e["min"] / floor2["min"], 2)
        if e2e.get("status") == "ok" and floor1.get("status") == "ok":
            ratios["end_to_end_over_floor1_median"] = round(e2e["median"] / floor1["median"], 2)
        serial, parallel = figures.get("reports_serial", {}), figures.get("reports_parallel", {})
        if serial.get("status") == "ok" and parallel.get("status") == "ok":
            ratios["reports_serial_over_parallel_median"] = round(
                serial["median"] / parallel["median"], 2)  # fmt: skip
        if e2e.get("status") == "ok":
            stage_runs = [r["stages_s"] for r in e2e["runs"] if r["status"] == "ok"]
            entry["build_stages_median_s"] = {
                name: round(statistics.median(s.get(name, 0.0) for s in stage_runs), 2)
                for name in stage_runs[0]
            }
        entry["ratios"] = ratios
        entry["reference_match"] = self.reference_match(scale)
        self.save()

    def extrapolate(self) -> None:
        """Linear in the scale through the two smallest measured scales: v = a + b·scale; the
        prediction for 100× sits beside the 100× measurement where there is one."""
        scales = self.results["scales"]
        measured = sorted(int(s) for s in scales)
        if len(measured) < 2 or measured[1] >= 100:
            return
        lo, hi = measured[0], measured[1]
        out = {"from_scales": [lo, hi], "model": "value = a + b × scale through the two points (flat if it did not grow)",
               "figures": {}}  # fmt: skip
        for figure in FIGURES:
            a_fig = scales[str(lo)]["figures"].get(figure, {})
            b_fig = scales[str(hi)]["figures"].get(figure, {})
            if a_fig.get("status") != "ok" or b_fig.get("status") != "ok":
                continue
            row: dict = {"growth_seconds": round(b_fig["median"] / a_fig["median"], 2)
                         if a_fig["median"] > 0 else None}  # fmt: skip
            row["seconds_at_100x"] = _linear(a_fig["median"], b_fig["median"], lo, hi, 2)
            if "peak_mem_mib" in a_fig and "peak_mem_mib" in b_fig:
                row["peak_mem_mib_at_100x"] = _linear(
                    a_fig["peak_mem_mib"], b_fig["peak_mem_mib"], lo, hi, 0
                )
            at100 = scales.get("100", {}).get("figures", {}).get(figure, {})
            if at100.get("status") == "ok":
                row["measured_seconds_at_100x"] = at100["median"]
            out["figures"][figure] = row
        e2e, floor2 = out["figures"].get("end_to_end"), out["figures"].get("floor_plain_script")
        if e2e and floor2 and floor2["seconds_at_100x"] > 0:
            out["end_to_end_over_floor2_at_100x"] = round(
                e2e["seconds_at_100x"] / floor2["seconds_at_100x"], 2
            )
        self.results["extrapolation"] = out
        self.save()

    def verdicts(self) -> None:
        """Each target: met / not met on a measurement; where the report could not be built at
        a scale, not met if a stopped run (the report itself, or loading alone) already passed
        the limit, else judged on the extrapolation to 100× (marked as such), else not
        measured."""
        scales = self.results["scales"]
        predicted = self.results.get("extrapolation", {})

        def fig(scale: int, name: str) -> dict:
            return scales.get(str(scale), {}).get("figures", {}).get(name, {})

        def ratio(scale: int) -> float | None:
            return scales.get(str(scale), {}).get("ratios", {}).get("end_to_end_over_floor2_median")

        def ok(scale: int, name: str, key: str = "median") -> float | None:
            summary = fig(scale, name)
            return summary.get(key) if summary.get("status") == "ok" else None

        def bound(scale: int, limit: float, key: str) -> str:
            """Why a report that did not finish at this scale misses the limit, if it does:
            the report run, or loading alone, was stopped past it."""
            for name in ("end_to_end", "load_validate"):
                runs = [r for r in fig(scale, name).get("runs", [])
                        if r["status"] in ("memory-cap", "timeout", "failed")]  # fmt: skip
                for run in runs:
                    what = "the report run" if name == "end_to_end" else "loading alone"
                    if (run.get(key) or 0) >= limit:
                        shown = (f"{run[key]:.0f} MiB" if key == "peak_mem_mib"
                                 else f"{run[key]:.0f} s")  # fmt: skip
                        return (f"{what} reached {shown} before it was stopped ({run['status']}: "
                                f"{run.get('reason', '')})")  # fmt: skip
            return ""

        def verdict(text: str, limit: float, unit: str, measured: float | None,
                    why_not: str = "", guess: float | None = None) -> dict:  # fmt: skip
            row: dict = {"target": text, "limit": limit, "unit": unit, "measured": measured}
            if measured is not None:
                row["verdict"] = "met" if measured <= limit else "not met"
            elif why_not:
                row.update(verdict="not met", why=why_not)
            elif guess is not None:
                met = "met" if guess <= limit else "not met"
                row.update(verdict=f"{met} (extrapolated)", predicted=guess,
                           why=f"no 100× report could be built here; linear extrapolation from "
                           f"{predicted['from_scales'][0]}× and {predicted['from_scales'][1]}×")  # fmt: skip
            else:
                row["verdict"] = "not measured"
            return row

        guess = predicted.get("figures", {}).get("end_to_end", {})
        check = self.reference_match(100)
        same = {"target": "100×: the report's figures equal the reference counts of the same rows",
                "limit": None, "unit": "", "measured": check,
                "verdict": {True: "met", False: "not met"}.get(check, "not measured")}  # fmt: skip
        self.results["targets"] = [
            verdict(f"1×: end to end ≤ {TARGET_RATIO_1X:g} × the plain-script floor",
                    TARGET_RATIO_1X, "× floor (2)", ratio(1)),
            verdict(f"1×: end to end < {TARGET_TIME_1X:g} s", TARGET_TIME_1X, "s",
                    ok(1, "end_to_end")),
            verdict(f"1×: a ledger error reported in < {TARGET_ERROR_1X:g} s", TARGET_ERROR_1X,
                    "s", ok(1, "ledger_error")),
            verdict(f"10×: end to end < {TARGET_TIME_10X:g} s", TARGET_TIME_10X, "s",
                    ok(10, "end_to_end"), bound(10, TARGET_TIME_10X, "wall_s")),
            verdict("10×: peak memory < 1 GiB", TARGET_MEM_10X_MIB, "MiB",
                    ok(10, "end_to_end", "peak_mem_mib"),
                    bound(10, TARGET_MEM_10X_MIB, "peak_mem_mib")),
            verdict(f"100×: end to end < {TARGET_TIME_100X:g} s", TARGET_TIME_100X, "s",
                    ok(100, "end_to_end"), bound(100, TARGET_TIME_100X, "wall_s"),
                    guess.get("seconds_at_100x")),
            verdict("100×: peak memory < 2 GiB", TARGET_MEM_100X_MIB, "MiB",
                    ok(100, "end_to_end", "peak_mem_mib"),
                    bound(100, TARGET_MEM_100X_MIB, "peak_mem_mib"),
                    guess.get("peak_mem_mib_at_100x")),
            same,
        ]  # fmt: skip
        self.save()

    def reference_match(self, scale: int) -> bool | None:
        """True when every successful report run at this scale had the reference counts, False
        when one did not, None when none was compared."""
        runs = self.results["scales"].get(str(scale), {}).get("figures", {}).get(
            "end_to_end", {}).get("runs", [])  # fmt: skip
        checks = [r["reference_check"] for r in runs
                  if r.get("reference_check", {}).get("status") == "ok"]  # fmt: skip
        return all(c["match"] for c in checks) if checks else None


# --------------------------------------------------------------------------------------------
# Table.
# --------------------------------------------------------------------------------------------


def _cell(summary: dict) -> str:
    if not summary:
        return "—"
    if summary.get("status") != "ok":
        return summary.get("status", "—")
    mem = summary.get("peak_mem_mib")
    mem_text = f" {mem / 1024:.2f}G" if mem is not None and mem >= 1024 else (
        f" {mem:.0f}M" if mem is not None else "")  # fmt: skip
    return f"{summary['min']:.2f}/{summary['median']:.2f}{mem_text}"


def table(results: dict) -> str:
    scales = sorted(results["scales"], key=int)
    width = 26
    head = f"{'figure (s: min/median, peak mem)':<34}" + "".join(
        f"{s + '×':>{width}}" for s in scales
    )
    lines = [head, "-" * len(head)]
    for figure in FIGURES:
        cells = [_cell(results["scales"][s]["figures"].get(figure, {})) for s in scales]
        if all(c == "—" for c in cells):
            continue
        lines.append(f"{figure:<34}" + "".join(f"{c:>{width}}" for c in cells))
    lines.append("")
    for s in scales:
        entry = results["scales"][s]
        gen = entry.get("generation", {})
        ratios = entry.get("ratios", {})
        stages = entry.get("build_stages_median_s", {})
        lines.append(f"{s}×: {gen.get('rows', {}).get('disputes', 0):,} dispute rows, "
                     f"{gen.get('csv_mib', 0):,.0f} MiB CSV, {entry['runs']} run(s); "
                     + ", ".join(f"{k} {v}" for k, v in ratios.items()))  # fmt: skip
        if stages:
            lines.append(
                "    build stages (median s): " + ", ".join(f"{k} {v}" for k, v in stages.items())
            )
    for row in results.get("targets", []):
        measured = row["measured"]
        if isinstance(measured, bool):
            shown = "yes" if measured else "no"
        else:
            shown = "—" if measured is None else f"{measured:g} {row['unit']}"
        if measured is None and row.get("predicted") is not None:
            shown = f"~{row['predicted']:g} {row['unit']} predicted"
        why = f" ({row['why']})" if row.get("why") else ""
        lines.append(f"  [{row['verdict']:^12}] {row['target']}: {shown}{why}")
    return "\n".join(lines)


# The table: its rows, and the figure each is read from.
MARKDOWN_ROWS = (
    ("`make report YEAR=2021` end to end", "end_to_end"),
    ("load and validate", "load_validate"),
    ("plain-script floor (same work, no kernel)", "floor_plain_script"),
    ("ledger error reported", "ledger_error"),
)
README_START, README_END = "<!-- results-table:start -->", "<!-- results-table:end -->"


def _gib(mib: float | None) -> str:
    return "" if mib is None else f", {mib / 1024:.2f} GiB"


def _markdown_cell(summary: dict) -> str:
    """Median time and peak memory, or what stopped the measurement."""
    status = summary.get("status")
    if not summary or status == "not measured":
        return "—"
    if status == "ok":
        return f"{summary['median']:.1f} s{_gib(summary.get('peak_mem_mib'))}"
    runs = summary.get("runs") or [{}]
    last = runs[-1]
    if status == "memory-cap":
        return (f"stopped at the memory cap ({last.get('peak_mem_mib', 0) / 1024:.1f} GiB) "
                f"after {last.get('wall_s', 0):.0f} s")  # fmt: skip
    if status == "timeout":
        return (
            f"stopped after {last.get('wall_s', 0):.0f} s (timeout){_gib(last.get('peak_mem_mib'))}"
        )
    reason = summary.get("reason", "")
    return f"{status}: {reason[:80]}" if reason else str(status)


def _reference_cell(entry: dict) -> str:
    reference = entry.get("reference", {})
    match = entry.get("reference_match")
    if not reference.get("counts"):
        return "—"
    counted = (
        f"{len(reference['counts'])} counts, {reference.get('engine')} {reference['seconds']:.1f} s"
    )
    if match is True:
        return f"same ({counted})"
    if match is False:
        return f"**differ** ({counted})"
    return f"no report to compare ({counted})"


def markdown_table(results: dict) -> str:
    """The issue's table from results.json, with the targets under it."""
    scales = sorted(results.get("scales", {}), key=int)
    entries = [results["scales"][s] for s in scales]
    machine = results.get("machine", {})
    commit = (results.get("code", {}).get("at_start", {}).get("git_commit") or "")[:7]
    lines = [f"Measured {results.get('generated_at', '?')[:10]} on {machine.get('cores', '?')} "
             f"cores / {machine.get('memory_gib', '?')} GiB, commit `{commit or '?'}`; median "
             "wall time and peak memory (process tree, kernel included).", "",
             "| | " + " | ".join(f"{s}×" for s in scales) + " |",
             "|---|" + "---|" * len(scales)]  # fmt: skip
    for label, figure in MARKDOWN_ROWS:
        cells = [_markdown_cell(e["figures"].get(figure, {})) for e in entries]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| same figures as the reference counts | "
                 + " | ".join(_reference_cell(e) for e in entries) + " |")  # fmt: skip
    gens = []
    for e in entries:
        gen = e.get("generation", {})
        gens.append(f"{gen['seconds']:.0f} s{_gib(gen.get('peak_mem_mib'))}, "
                    f"{gen.get('csv_mib', 0) / 1024:.2f} GiB CSV" if gen.get("status") == "ok"
                    else gen.get("status", "—"))  # fmt: skip
    lines.append("| sample ledgers generated (not counted) | " + " | ".join(gens) + " |")
    targets = results.get("targets", [])
    if targets:
        lines += ["", "Targets:", ""]
        for row in targets:
            measured = row["measured"]
            if isinstance(measured, bool) or measured is None:
                shown = ""
            else:
                shown = f": {measured:g} {row['unit']}"
            if measured is None and row.get("predicted") is not None:
                shown = f": ~{row['predicted']:g} {row['unit']} predicted"
            why = f" ({row['why']})" if row.get("why") else ""
            lines.append(f"- {row['target']}{shown} — **{row['verdict']}**{why}")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, text: str) -> None:
    """Replace the table between the README's markers."""
    page = readme.read_text(encoding="utf-8")
    start, end = page.index(README_START) + len(README_START), page.index(README_END)
    readme.write_text(page[:start] + "\n" + text + page[end:], encoding="utf-8")


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per figure at 1× (at most 2 at 10×, 1 at 100×)")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1× only, one run, no multi-year build")  # fmt: skip
    parser.add_argument("--out", default=str(BENCH_DIR / "results.json"))
    parser.add_argument("--workdir", default=None,
                        help="scratch folder (default: a new temp dir under bench/work/)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--timeout", type=float, default=900, help="per command, seconds")
    parser.add_argument("--mem-cap-gib", type=float, default=8.0,
                        help="kill a measured command whose process tree exceeds this")  # fmt: skip
    parser.add_argument("--gen-mem-cap-gib", type=float, default=None,
                        help="the same for ledger generation (default 70%% of RAM)")  # fmt: skip
    parser.add_argument("--reports-scales", type=int, nargs="*", default=[1],
                        help="scales at which `reports` serial vs parallel is measured")  # fmt: skip
    parser.add_argument("--recompute", action="store_true",
                        help="only recompute ratios, extrapolation and targets of --out")  # fmt: skip
    parser.add_argument("--table", action="store_true",
                        help="print --out as the README's Markdown table and exit")  # fmt: skip
    parser.add_argument("--readme", action="store_true",
                        help="with --table: also write it into bench/README.md")  # fmt: skip
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.scales, args.runs = [1], 1
    if args.gen_mem_cap_gib is None:
        import psutil

        args.gen_mem_cap_gib = round(psutil.virtual_memory().total * 0.7 / 1024**3, 1)
    return args


def rejudged(args: argparse.Namespace, save: bool = True) -> Bench:
    """The measurements of an existing results file with ratios, extrapolation and targets derived
    anew (written back unless `save` is false)."""
    bench = Bench(args, Path(tempfile.gettempdir()))
    if not save:
        bench.save = lambda: None  # type: ignore[method-assign]
    kept = json.loads(Path(args.out).read_text(encoding="utf-8"))
    bench.results.update({k: kept[k] for k in kept if k not in ("method",)})
    for scale in bench.results["scales"]:
        bench._derive(int(scale))
    bench.extrapolate()
    bench.verdicts()
    return bench


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.probe:
        return run_probe(args.probe, args.args or "{}")
    if args.table:
        # Judged against the current targets, in memory: the results file is not rewritten.
        bench = rejudged(args, save=False)
        text = markdown_table(bench.results)
        print(text, end="")
        if args.readme:
            update_readme(BENCH_DIR / "README.md", text)
        return 0
    if args.recompute:
        print(table(rejudged(args).results))
        return 0
    if args.workdir:
        workdir = Path(args.workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        (BENCH_DIR / "work").mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=BENCH_DIR / "work"))
    bench = Bench(args, workdir)
    started = time.perf_counter()
    try:
        for scale in args.scales:
            bench.scale(scale)
        bench.extrapolate()
        bench.verdicts()
    except KeyboardInterrupt:
        print("interrupted; partial results kept", file=sys.stderr)
        return 130
    finally:
        bench.results["total_wall_s"] = round(time.perf_counter() - started, 1)
        code = bench.results["code"]
        code["at_end"] = code_state()
        code["changed_during_run"] = code["at_end"] != code["at_start"]
        bench.save()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            with contextlib.suppress(OSError):
                (BENCH_DIR / "work").rmdir()
    print()
    print(table(bench.results))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
