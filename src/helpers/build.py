"""`make report`: validate, execute the notebook with papermill, export HTML and PDF, all in one
process, and publish the year's folder atomically.

Everything is written into a staging folder beside the final one and swapped in only when every
output exists, so a failed or killed run never leaves a half-written report under the final
names. A failed run keeps its partly executed notebook in `<YEAR>.failed/` for debugging.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import config
from .errors import LedgerError, Problem, RenderError
from .figures import to_json, year_figures
from .fonts import font_manifest, resolve_fonts
from .load import Ledgers, find_ledger_file, is_synthetic, load_ledgers
from .params import check_finished, load_params

OUTPUTS = (
    "report.html",
    "report.pdf",
    "review.html",
    "report.ipynb",
    "stats.json",
    "manifest.json",
)
PACKAGES = ("pandas", "numpy", "matplotlib", "pandera", "papermill", "nbconvert", "nbclient",
            "nbformat", "ipykernel", "jinja2", "weasyprint", "pydyf", "pydantic", "pyyaml")  # fmt: skip


STAGE_LABELS = {"validate": "校验台账和参数", "metrics": "计算数字", "execute": "执行笔记本",
                "html": "导出 HTML", "pdf": "排版 PDF"}  # fmt: skip


@dataclass
class Timings:
    """Seconds per stage, printed at the end and recorded for the benchmark."""

    log: Callable[[str], None] = lambda _: None
    stages: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.log(f"[{name}] {STAGE_LABELS[name]}…")
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = round(time.perf_counter() - started, 3)


@dataclass(frozen=True)
class ReportRequest:
    year: int
    data_dir: Path
    out_dir: Path
    params: Path

    @property
    def final_dir(self) -> Path:
        return self.out_dir / str(self.year)

    @property
    def failed_dir(self) -> Path:
        return self.out_dir / f"{self.year}.failed"


YEAR_LEDGERS = ("disputes", "wage_arrears_leads")


def require_year_in_ledgers(ledgers: Ledgers, year: int) -> None:
    """A year the high-volume ledgers hold no row of is a wrong DATA_DIR, not a year of zeros."""
    from .metrics import ledger_years

    missing = [name for name in YEAR_LEDGERS if year not in ledger_years(ledgers, name)]
    if missing:
        raise LedgerError([
            Problem(str(ledgers.files[name]), None, None, None,
                    f"台账中没有 {year} 年的记录，请用 DATA_DIR 指定该年度的台账目录 / "
                    f"the ledger holds no rows for {year}; point DATA_DIR at that year's ledgers")
            for name in missing
        ])  # fmt: skip


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=5, check=True)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _shown(path: Path) -> str:
    """Paths inside the project are recorded relative to it, so manifests compare across clones."""
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _manifest(request: ReportRequest, inputs: dict[str, Path]) -> dict:
    versions = {}
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "year": request.year,
        "parameters": {
            "year": request.year,
            "data_dir": _shown(request.data_dir),
            "params": _shown(request.params),
        },  # fmt: skip
        "synthetic_data": is_synthetic(request.data_dir),
        "inputs": {
            name: {"file": path.name, "sha256": _sha256(path)} for name, path in inputs.items()
        },
        "git_commit": _git_commit(),
        "packages": versions,
        "fonts": font_manifest(),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
    }


@contextlib.contextmanager
def _year_lock(request: ReportRequest) -> Iterator[None]:
    """Two runs of the same year wait for each other; different years run side by side."""
    request.out_dir.mkdir(parents=True, exist_ok=True)
    with (request.out_dir / f".{request.year}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _recover(request: ReportRequest) -> None:
    """Undo what a run killed mid-swap or mid-build left behind (the lock is held)."""
    previous = request.out_dir / f".{request.year}.previous"
    if previous.exists():
        if request.final_dir.exists():
            shutil.rmtree(previous)
        else:
            previous.rename(request.final_dir)
    for stale in request.out_dir.glob(f".{request.year}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in request.out_dir.glob(f".{request.year}.ledgers-*.pickle"):
        stale.unlink(missing_ok=True)


def _publish(staging: Path, request: ReportRequest) -> None:
    previous = request.out_dir / f".{request.year}.previous"
    if request.final_dir.exists():
        request.final_dir.rename(previous)
    staging.rename(request.final_dir)
    if previous.exists():
        shutil.rmtree(previous)
    if request.failed_dir.exists():
        shutil.rmtree(request.failed_dir)


def _execution_error(error: Exception, notebook: Path, request: ReportRequest) -> RenderError:
    request.failed_dir.mkdir(parents=True, exist_ok=True)
    kept = request.failed_dir / "report.ipynb"
    if notebook.exists():
        shutil.copyfile(notebook, kept)
    cell = getattr(error, "exec_count", None)
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    where = (
        f"第 {cell} 个执行的单元格 / cell [{cell}]" if cell else "笔记本执行 / notebook execution"
    )
    return RenderError(
        f"{request.year} 年报告生成失败 / the {request.year} report failed: {where}: {ename}: "
        f"{evalue}\n  原报告未改动 / the previous report is untouched: {request.final_dir}\n"
        f"  部分执行的笔记本 / partly executed notebook: {kept}"
    )


def _progress(line: str) -> None:
    print(line, flush=True)


def build_report(request: ReportRequest, *, log: Callable[[str], None] = _progress) -> Timings:
    """Build one year's report into OUT_DIR/<YEAR>/; raises a ReportError a user can act on."""
    timings = Timings(log)
    with timings.stage("validate"):
        params = load_params(request.params, request.year)
        check_finished(params, request.params)
        ledgers = load_ledgers(request.data_dir)
        require_year_in_ledgers(ledgers, request.year)
        resolve_fonts()
    with timings.stage("metrics"):
        stats = year_figures(request.year, request.data_dir, request.params, ledgers)
    # The Jupyter and rendering stack loads only after the inputs are known to be good, so that a
    # ledger error is reported without paying for it.
    import nbformat
    import papermill

    from .render import reader_html, review_html, write_pdf

    with _year_lock(request):
        _recover(request)
        staging = request.out_dir / f".{request.year}.staging-{os.getpid()}"
        cache = request.out_dir / f".{request.year}.ledgers-{os.getpid()}.pickle"
        staging.mkdir(parents=True)
        try:
            executed = staging / "report.ipynb"
            with cache.open("wb") as handle:
                pickle.dump(ledgers, handle, protocol=pickle.HIGHEST_PROTOCOL)
            with timings.stage("execute"):
                try:
                    papermill.execute_notebook(
                        str(config.REPORT_NOTEBOOK), str(executed),
                        parameters={"year": request.year, "data_dir": str(request.data_dir),
                                    "params_file": str(request.params), "ledger_cache": str(cache)},
                        cwd=str(config.NOTEBOOKS_DIR), progress_bar=False, log_output=False,
                        kernel_name="python3",
                        kernel_manager_class="helpers.kernel.LocalKernelManager",
                    )  # fmt: skip
                except Exception as error:  # a failing cell, a dead kernel, a timeout
                    raise _execution_error(error, executed, request) from None
            nb = nbformat.read(executed, as_version=4)
            _scrub_volatile_metadata(nb)
            nbformat.write(nb, executed)
            title = f"{params.bureau.name}{request.year}年度法治政府建设情况报告"
            with timings.stage("html"):
                reader = reader_html(nb, title)
                (staging / "report.html").write_text(reader, encoding="utf-8")
                (staging / "review.html").write_text(review_html(nb, title), encoding="utf-8")
            with timings.stage("pdf"):
                write_pdf(reader, staging / "report.pdf")
            inputs = {name: find_ledger_file(request.data_dir, name) for name in ledgers.frames}
            inputs = {"params": request.params, "notebook": config.REPORT_NOTEBOOK} | inputs
            (staging / "stats.json").write_text(to_json(stats), encoding="utf-8")
            (staging / "manifest.json").write_text(
                to_json(_manifest(request, inputs)), encoding="utf-8"
            )
            _publish(staging, request)
        finally:
            cache.unlink(missing_ok=True)
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return timings


def _scrub_volatile_metadata(nb) -> None:
    """Drop execution timestamps so that reruns give identical notebooks and HTML."""
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        papermill_meta = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            papermill_meta.pop(key, None)
