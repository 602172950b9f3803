"""The pieces of work measured alone: each runs in a fresh interpreter (`run.py --probe NAME
--args JSON`, built by `probe_cmd`), times itself around the work only and prints its timings on
one tagged line that `measure` reads back. They can also be run by hand under a profiler."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import pickle
import sys
import time
from pathlib import Path

from bench import reference
from bench.measure import PROBE_TAG
from bench.settings import MIB, NOTEBOOK

CHARTS = ("dispute_intake", "dispute_outcomes", "wage_arrears", "litigation", "trends")
RUN = Path(__file__).resolve().with_name("run.py")  # the entry point, which dispatches --probe


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


def _executed(a: dict):
    """The executed notebook a rendering probe renders, its params and the report's title."""
    import nbformat

    from helpers.report.params import load_params

    params = load_params(Path(a["params"]), a["year"])
    title = f"{params.bureau.name}{a['year']}年度法治政府建设情况报告"
    return nbformat.read(a["executed"], as_version=4), params, title


def _probe_html(a: dict, clock: _Clock) -> dict:
    from helpers.render.html import reader_html, review_html

    out = {"import_s": clock.lap()}
    nb, params, title = _executed(a)
    clock.lap()
    reader = reader_html(nb, title)
    out["reader_s"] = clock.lap()
    review_html(nb, title)
    out["review_s"] = clock.lap()
    out["seconds"] = round(out["reader_s"] + out["review_s"], 4)
    out["reader_kib"] = round(len(reader.encode()) / 1024)
    return out


def _probe_pdf(a: dict, clock: _Clock) -> dict:
    from helpers.render.pdf import write_pdf

    out = {"import_s": clock.lap()}
    nb, params, title = _executed(a)
    clock.lap()
    write_pdf(nb, Path(a["out"]), title, params.bureau.signature)
    out["seconds"] = clock.lap()
    return out


def _probe_reference(a: dict, clock: _Clock) -> dict:
    """The reference computation: a handful of the report's counts straight from the CSVs, with
    DuckDB where it is installed, else pandas; neither the project's loader nor its metrics."""
    try:
        import duckdb  # noqa: F401

        engine, count = "duckdb", reference.duckdb_counts
    except ImportError:
        engine, count = "pandas", reference.pandas_counts
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
    """Do one probe's work in this process and print its timings on the tagged line."""
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


def probe_cmd(name: str, **kwargs) -> list[str]:
    """The command that runs one probe in a fresh interpreter, as the harness measures it."""
    return [sys.executable, str(RUN), "--probe", name, "--args",
            json.dumps(kwargs, ensure_ascii=False)]  # fmt: skip
