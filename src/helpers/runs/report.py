"""`make report`: validate, execute the notebook with papermill, export HTML and PDF, all in one
process, and publish the year's folder atomically.

Everything is written into a staging folder beside the final one and swapped in only when every
output exists, so a failed or killed run never leaves a half-written report under the final
names. A failed run keeps its partly executed notebook in `<YEAR>.failed/` for debugging.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO

from helpers import config, progress
from helpers.bureau import profile_for
from helpers.errors import RenderError, ReportError, gathering, raise_gathered
from helpers.figures.catalogue import DISCLOSURE, RULE_OF_LAW
from helpers.figures.local import define_from_notebook
from helpers.figures.published import published_previous
from helpers.fonts import font_manifest, resolve_fonts
from helpers.ledgers.load import is_synthetic, load_ledgers
from helpers.memory import give_back
from helpers.provenance import hand_digests_over, input_files, shown
from helpers.render.workpaper import write_evidence
from helpers.report.document import require_year_in_ledgers, to_json, year_figures
from helpers.report.handover import (
    LEDGER_CACHE,
    SHOWN_CHARTS,
    read_ledgers,
    write_ledgers,
    write_stats,
)
from helpers.report.params import check_finished, load_params, require_disclosure
from helpers.report.shape import notebook_path, shapes_for
from helpers.runs.outdir import check_out_dir
from helpers.runs.scratch import KERNEL_LOG, scratch, sweep_scratch

OUTPUTS = (
    "report.html",
    "report.pdf",
    "report.docx",
    "review.html",
    "contract.html",
    "report.ipynb",
    "evidence.xlsx",
    "stats.json",
    "manifest.json",
)
PACKAGES = ("pandas", "numpy", "matplotlib", "pandera", "papermill", "nbconvert", "nbclient",
            "nbformat", "ipykernel", "jinja2", "typst", "python-docx", "pydantic", "pyyaml")  # fmt: skip


STAGE_LABELS = {"validate": "校验台账和参数", "metrics": "计算数字", "execute": "执行笔记本",
                "html": "导出 HTML", "pdf": "排版 PDF", "docx": "生成 Word 版",
                "evidence": "写审核底稿"}  # fmt: skip
# Each stage's rough share of a build's time (sample ledgers, `make bench`), for the progress bar
# a terminal shows; they only need to add up to about 1.
STAGE_SHARES = {"validate": 0.25, "metrics": 0.04, "execute": 0.46, "html": 0.07, "pdf": 0.06,
                "docx": 0.01, "evidence": 0.11}  # fmt: skip


@dataclass
class Timings:
    """Seconds per stage, printed at the end and recorded for the benchmark."""

    log: Callable[[str], None] = lambda _: None
    stages: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.log(f"[{name}] {STAGE_LABELS[name]}…")
        done = sum(STAGE_SHARES.get(finished, 0.0) for finished in self.stages)
        started = time.perf_counter()
        try:
            with progress.stage(name, STAGE_LABELS[name], done=done,
                                share=STAGE_SHARES.get(name, 0.0)):  # fmt: skip
                yield
        finally:
            self.stages[name] = round(time.perf_counter() - started, 3)


@dataclass(frozen=True)
class ReportRequest:
    year: int
    data_dir: Path
    out_dir: Path
    params: Path
    bureau: str = config.DEFAULT_BUREAU
    kind: str = RULE_OF_LAW
    notebook_file: Path | None = None

    @property
    def name(self) -> str:
        return config.report_folder(self.year, self.kind)

    @property
    def final_dir(self) -> Path:
        return self.out_dir / self.name

    @property
    def failed_dir(self) -> Path:
        return self.out_dir / f"{self.name}.failed"

    @property
    def notebook(self) -> Path:
        """The notebook asked for, else the bureau's own, else the package's."""
        return self.notebook_file or notebook_path(self.kind, self.bureau)


def _manifest(request: ReportRequest, inputs: dict[str, dict[str, object]]) -> dict:
    versions = {}
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "year": request.year,
        "kind": request.kind,
        "parameters": {
            "year": request.year,
            "kind": request.kind,
            "bureau": request.bureau,
            "data_dir": shown(request.data_dir),
            "params": shown(request.params),
        },  # fmt: skip
        "synthetic_data": is_synthetic(request.data_dir),
        "inputs": inputs,
        "git_commit": _git_commit(),
        "packages": versions,
        "fonts": font_manifest(),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
    }


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=5, check=True)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _lock_path(out_dir: Path, name: str | int) -> Path:
    return out_dir / f".{name}.lock"


def _take_lock(path: Path, *, wait: bool) -> IO[str] | None:
    """An exclusive flock on `path`, or None when another run holds it and `wait` is false.

    Lock files are removed when released; a run that finds its file unlinked by the holder it
    waited for takes the lock again on the new file, so two runs can never both hold a year.
    """
    while True:
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.close()
            return None
        try:
            same = os.fstat(handle.fileno()).st_ino == path.stat().st_ino
        except FileNotFoundError:
            same = False
        if same:
            return handle
        handle.close()


def _release_lock(path: Path, handle: IO[str]) -> None:
    path.unlink(missing_ok=True)
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


@contextlib.contextmanager
def _year_lock(request: ReportRequest, log: Callable[[str], None]) -> Iterator[None]:
    """Two runs of the same year take turns, and the second says so; other years run alongside."""
    path = _lock_path(request.out_dir, request.name)
    handle = _take_lock(path, wait=False)
    if handle is None:
        holder = path.read_text(encoding="utf-8").strip() if path.exists() else ""
        log(f"{request.year} 年报告正由另一进程生成（进程号 {holder or '未知'}），等待其完成… / "
            f"another run (pid {holder or '?'}) is building {request.year}, waiting for it…")  # fmt: skip
        handle = _take_lock(path, wait=True)
        assert handle is not None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        _release_lock(path, handle)


_LEFTOVER = re.compile(
    r"^\.(\d{4}(?:-[a-z_]+)?)\.(?:lock|previous|staging-\d+|ledgers-\d+\.pickle)$"
)


def sweep_leftovers(out_dir: Path) -> None:
    """What killed runs left in OUT_DIR (any year) and in the temporary folder, removed.

    A year's leftovers are touched only when no live run holds that year's lock.
    """
    sweep_scratch()
    if not out_dir.is_dir():
        return
    names = {m.group(1) for p in out_dir.iterdir() if (m := _LEFTOVER.match(p.name))}
    for name in sorted(names):
        path = _lock_path(out_dir, name)
        handle = _take_lock(path, wait=False)
        if handle is None:
            continue  # a live run of that year cleans up after itself
        try:
            _recover(out_dir, name)
        finally:
            _release_lock(path, handle)


def _recover(out_dir: Path, year: int | str) -> None:
    """Undo what a run killed mid-swap or mid-build left behind (the year's lock is held);
    `year` is the output folder's name (2021, 2021-disclosure)."""
    final = out_dir / str(year)
    previous = out_dir / f".{year}.previous"
    if previous.exists():
        if final.exists():
            shutil.rmtree(previous)
        else:
            previous.rename(final)
    for stale in out_dir.glob(f".{year}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out_dir.glob(f".{year}.ledgers-*.pickle"):  # left by earlier versions
        stale.unlink(missing_ok=True)


def _publish(staging: Path, request: ReportRequest) -> None:
    previous = request.out_dir / f".{request.name}.previous"
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
    folder = config.scratch_dir()
    if (
        folder is not None
        and (folder / KERNEL_LOG).is_file()
        and (folder / KERNEL_LOG).stat().st_size
    ):
        shutil.copyfile(
            folder / KERNEL_LOG, request.failed_dir / KERNEL_LOG
        )  # the kernel's own words
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
    progress.echo(line)


@contextlib.contextmanager
def _naming(folder: Path) -> Iterator[None]:
    """A write that fails (a full disk) raises OSError without a file name; name the folder."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            error.filename = str(folder)
        raise


def build_report(request: ReportRequest, *, log: Callable[[str], None] = _progress) -> Timings:
    """Build one year's report into OUT_DIR/<YEAR>/; raises a ReportError a user can act on."""
    timings = Timings(log)
    check_out_dir(request.out_dir)
    sweep_leftovers(request.out_dir)
    with scratch() as scratch_dir, _Kernel() as kernel:
        return _build(request, timings, log, scratch_dir, kernel)


def _build(request: ReportRequest, timings: Timings, log: Callable[[str], None],
           scratch_dir: Path, kernel: _Kernel) -> Timings:  # fmt: skip
    with timings.stage("validate"):
        profile = profile_for(request.bureau)
        unfinished: list[ReportError] = []
        with gathering(unfinished):
            # The params file is checked against the sections the notebook shows.
            shapes = shapes_for(request.bureau, request.kind, request.notebook)
            shapes[request.kind].check()
            params = load_params(request.params, request.year, profile, shapes)
            check_finished(params, request.params)
            if request.kind == DISCLOSURE:
                require_disclosure(params, request.params)
        # The ledgers are checked even so, and said first: a year they hold no rows of is told
        # with the passages still to write, not after they are all written.
        found: list[ReportError] = []
        with gathering(found):
            ledgers = load_ledgers(request.data_dir, profile=profile)
            require_year_in_ledgers(ledgers, request.year)
        # The bureau's own figures, defined in its notebook, join the catalogue's (their worked
        # examples computed) before any figure is.
        with gathering(found):
            define_from_notebook(request.notebook, request.bureau, profile)
        raise_gathered(found + unfinished)
        resolve_fonts()
    # The inputs are good: the notebook's kernel starts meanwhile (a ledger error never pays for it).
    kernel.begin()
    with timings.stage("metrics"):
        # At modest sizes each rule's rows are kept for the work paper, which then runs no rule
        # again (see ALONGSIDE_ROWS_BELOW).
        kept = {} if ledgers.rows < ALONGSIDE_ROWS_BELOW else None
        stats = year_figures(request.year, request.data_dir, request.params, ledgers,
                             report=request.kind, kept=kept)  # fmt: skip
        if request.kind == DISCLOSURE:
            _require_format_checks(stats, ledgers, request)
        built = (
            request.out_dir / config.report_folder(request.year - 1, request.kind) / "stats.json"
        )
        compared = published_previous(stats, params.published_previous, request.params.parent,
                                      built)  # fmt: skip
        if compared is not None:
            stats["published_previous"] = compared
    # The Jupyter and rendering stack loads only after the inputs are known to be good, so that a
    # ledger error is reported without paying for it.
    import nbformat
    import papermill

    from helpers.render.docx import write_docx
    from helpers.render.html import contract_html, reader_html, review_html
    from helpers.render.pdf import write_pdf
    from helpers.runs.kernel import ENGINE

    request.out_dir.mkdir(parents=True, exist_ok=True)
    with _naming(request.out_dir), _year_lock(request, log):
        _recover(request.out_dir, request.name)
        staging = request.out_dir / f".{request.name}.staging-{os.getpid()}"
        staging.mkdir(parents=True)
        alongside = None
        try:
            executed = staging / "report.ipynb"
            # The kernel finds the validated ledgers in the run's scratch folder (named by an
            # environment variable, not a parameter, so the executed notebook holds no such path),
            # as Arrow files it memory-maps. This process lets go of its own copy meanwhile.
            handed = scratch_dir / LEDGER_CACHE
            files = ledgers.files
            with _naming(scratch_dir):
                write_ledgers(ledgers, handed)
                write_stats(handed, stats, year=request.year, kind=request.kind,
                            data_dir=request.data_dir, params=request.params,
                            notebook=request.notebook)  # fmt: skip
                inputs = input_files(files, request.params)  # hashed once, for all who show them
                hand_digests_over(scratch_dir)
            # The work paper needs only the ledgers and the figures: with ledgers of modest size
            # it is written while the kernel runs the notebook (on the other core); at larger
            # sizes after it, when the kernel's memory is given back.
            alongside = _work_paper_alongside(ledgers, staging / "evidence.xlsx", stats, kept)
            if alongside is None:
                ledgers = _released(ledgers)
            with timings.stage("execute"):
                try:
                    papermill.execute_notebook(
                        str(request.notebook), str(executed),
                        parameters={"year": request.year, "data_dir": shown(request.data_dir),
                                    "params_file": shown(request.params),
                                    "bureau": request.bureau},
                        cwd=str(request.notebook.parent), progress_bar=False, log_output=False,
                        kernel_name="python3",
                        kernel_manager_class="helpers.runs.kernel.LocalKernelManager",
                        engine_name=ENGINE,
                        km=kernel.manager(),
                    )  # fmt: skip
                except OSError:
                    raise  # a full disk or a vanished folder is named as such by the CLI
                except Exception as error:  # a failing cell, a dead kernel, a timeout
                    raise _execution_error(error, executed, request) from None
                finally:
                    # With the work paper to write after it, its memory is given back first;
                    # else it ends while the editions are rendered.
                    kernel.close(wait=alongside is None)
            # The charts as the notebook showed them (its own among them, numbered in order).
            charts_file = handed / SHOWN_CHARTS
            if charts_file.is_file():
                stats["charts"] = json.loads(charts_file.read_text(encoding="utf-8"))
            nb = nbformat.read(executed, as_version=4)
            _scrub_volatile_metadata(nb)
            nbformat.write(nb, executed)
            title = (f"{params.bureau.name}{request.year}年政府信息公开工作年度报告"
                     if request.kind == DISCLOSURE
                     else f"{params.bureau.name}{request.year}年度法治政府建设情况报告")  # fmt: skip
            with timings.stage("html"):
                reader = reader_html(nb, title)
                (staging / "report.html").write_text(reader, encoding="utf-8")
                (staging / "review.html").write_text(review_html(nb, title), encoding="utf-8")
                (staging / "contract.html").write_text(contract_html(), encoding="utf-8")
            with timings.stage("pdf"):
                write_pdf(nb, staging / "report.pdf", title, params.bureau.signature)
            with timings.stage("docx"):
                write_docx(nb, staging / "report.docx", title, params.bureau.signature)
            if alongside is None:
                ledgers = read_ledgers(handed, profile)
                give_back()  # what rendering left on the heap, before the work paper's peak
                with timings.stage("evidence"):
                    write_evidence(staging / "evidence.xlsx", stats, ledgers)
            else:
                with timings.stage("evidence"):  # what is left of it, once the editions are out
                    alongside.result()
            (staging / "stats.json").write_text(to_json(stats), encoding="utf-8")
            (staging / "manifest.json").write_text(
                to_json(_manifest(request, inputs)), encoding="utf-8"
            )
            _publish(staging, request)
        finally:
            if alongside is not None and not alongside.done():
                # A failed build: the work paper's thread is let finish before its folder goes.
                with contextlib.suppress(Exception):
                    alongside.result()
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return timings


# What the notebooks' first cells import (open_report, open_disclosure), with pandas, matplotlib
# and the rest of the report behind it; a test checks it against the notebooks.
PRELOAD = "import helpers.report.session"


class _Kernel:
    """The notebook's kernel, started in a thread once the inputs are known to be good, with the
    report's modules imported into it silently (no output, no execution count): starting Python
    and importing pandas and matplotlib there overlaps with the figures, the imports and the
    ledger hand-over here. Shut down at the end of the notebook, or at once when the build stops
    early.

    A failed preload costs only time (the notebook imports again), so it does not stop the
    build; its reply is kept in `preloaded` ("ok", or the error) for tests to see."""

    def __init__(self) -> None:
        self._manager = None
        self._given = None
        self._ending: threading.Thread | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._start, daemon=True)
        self.preloaded: str | None = None

    def __enter__(self) -> _Kernel:
        return self

    def begin(self) -> None:
        self._thread.start()

    def __exit__(self, *exc) -> None:
        self.close(now=True)

    def _start(self) -> None:
        try:
            from helpers.runs.kernel import LocalKernelManager

            manager = LocalKernelManager(kernel_name="python3")
            if self._stop.is_set():
                return
            manager.start_kernel(cwd=str(config.NOTEBOOKS_DIR))
            self._manager = manager
            client = manager.client()
            client.start_channels()
            try:
                # Sent at once (queued until the kernel listens); waited for in short steps, so
                # that a build stopping early (a ledger error) does not wait for the import.
                reply = client.execute(PRELOAD, silent=True, store_history=False)
                while not self._stop.is_set():
                    with contextlib.suppress(queue.Empty):
                        message = client.get_shell_msg(timeout=0.1)
                        if message["parent_header"].get("msg_id") == reply:
                            self.preloaded = _reply_status(message["content"])
                            break
            finally:
                client.stop_channels()
        except Exception:  # noqa: S110 — papermill then starts a kernel of its own
            pass

    def manager(self):
        """The started kernel's manager, or None (papermill then starts one itself)."""
        if self._thread.ident is None:
            return None
        self._thread.join()
        manager, self._manager = self._manager, None
        self._given = manager
        return manager if manager is not None and manager.is_alive() else None

    def close(self, now: bool = False, wait: bool = True) -> None:
        """Shut the kernel down; `wait=False` lets it end in a thread (joined at the next close)."""
        if now:
            self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        managers = [m for m in (self._manager, self._given) if m is not None]
        self._manager = self._given = None

        def shut() -> None:
            for manager in managers:
                with contextlib.suppress(Exception):
                    if manager.has_kernel:
                        manager.shutdown_kernel(now=now)

        if self._ending is not None:
            self._ending.join()
            self._ending = None
        if wait:
            shut()
        else:
            self._ending = threading.Thread(target=shut, daemon=True)
            self._ending.start()


def _reply_status(content: dict) -> str:
    """A kernel's execute reply as one word, or its error's name and text."""
    status = content.get("status", "?")
    if status == "error":
        return f"{content.get('ename', 'error')}: {content.get('evalue', '')}"
    return status


# Ledger rows in all below which the work paper is written while the notebook runs: the two
# then hold the ledgers at once (measured at 1×, 150 thousand rows: 0.1 GiB more at the peak).
ALONGSIDE_ROWS_BELOW = 500_000


def _work_paper_alongside(ledgers, path: Path, stats: dict, kept):
    """The work paper written in a thread while the kernel runs, from the rules' results `kept`
    by the figures' computation, or None if the ledgers are too large to hold twice;
    `.result()` waits for it and raises what it raised."""
    if kept is None or ledgers.rows >= ALONGSIDE_ROWS_BELOW:
        return None
    from concurrent.futures import ThreadPoolExecutor

    def write() -> None:
        write_evidence(path, stats, ledgers, kept)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="work-paper")
    future = pool.submit(write)
    pool.shutdown(wait=False)
    return future


def _released(ledgers) -> None:
    """Drop the validated frames (the kernel maps the written copy) and give their memory back."""
    ledgers.frames.clear()
    give_back()


def _require_format_checks(stats: dict, ledgers, request: ReportRequest) -> None:
    """The disclosure report's tables must add up as the format says before anything is drawn."""
    from helpers.report.disclosure_tables import explain, format_checks

    broken = explain(format_checks(stats, ledgers, request.params, request.data_dir), ledgers,
                     request.year)  # fmt: skip
    if broken:
        raise ReportError(f"{request.year} 年政府信息公开年报的勾稽关系不成立，未生成 / the format's "
                          "checks failed:\n" + "\n".join(f"  - {b}" for b in broken))  # fmt: skip


INJECTED_CELL_ID = "injected-parameters"


def _scrub_volatile_metadata(nb) -> None:
    """What differs between runs of the same inputs, or names the machine, is made stable:
    execution timestamps dropped, papermill's random id of the injected cell fixed, and the
    notebook paths papermill records shown relative to the project."""
    papermill_meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration"):
        papermill_meta.pop(key, None)
    if "input_path" in papermill_meta:
        papermill_meta["input_path"] = shown(papermill_meta["input_path"])
    if "output_path" in papermill_meta:
        papermill_meta["output_path"] = "report.ipynb"
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = INJECTED_CELL_ID
        for key in ("start_time", "end_time", "duration"):
            cell.metadata.get("papermill", {}).pop(key, None)
