"""What the benchmark measures and where: shared by the runner, the probes, the judging and the
tables, so that a figure is named and described once."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
NOTEBOOK = ROOT / "notebooks" / "report.ipynb"
PARAMS_DIR = ROOT / "params" / "pudong"  # the sample bureau
YEAR = 2021
YEARS = (2020, 2021, 2022)
MIB = 1024 * 1024

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
