"""Shared fixtures: a small copy of the committed sample ledgers that each test may mutate."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import config
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import load_ledgers

# Hypothesis profiles, chosen with `pytest --hypothesis-profile=NAME`: `make test` runs "suite";
# "thorough" draws five times as many examples of each property (see test_properties.py), for a
# change to the loaders or the figures.
settings.register_profile("suite", max_examples=40)
settings.register_profile("thorough", max_examples=200)
settings.load_profile("suite")

# The two high-volume ledgers are cut to a head of this many data rows; any valid subset of
# a valid ledger is still valid, and the loader tests run in a fraction of the time.
SAMPLE_HEAD_ROWS = 300
HIGH_VOLUME_LEDGERS = ("disputes", "wage_arrears_leads")


def _copy_head(source: Path, target: Path, rows: int) -> None:
    """Header plus the first `rows` data rows, byte for byte (the sample ledgers use LF)."""
    lines = source.read_bytes().split(b"\n")
    target.write_bytes(b"\n".join(lines[: rows + 1]) + b"\n")


@pytest.fixture(scope="session")
def sample_ledgers_dir(tmp_path_factory) -> Path:
    """A read-only, trimmed copy of data/raw shared by the whole session. Do not mutate it."""
    target = tmp_path_factory.mktemp("sample_ledgers")
    for name in LEDGERS:
        source = config.DATA_DIR / f"{name}.csv"
        if name in HIGH_VOLUME_LEDGERS:
            _copy_head(source, target / source.name, SAMPLE_HEAD_ROWS)
        else:
            shutil.copy2(source, target / source.name)
    return target


@pytest.fixture
def ledger_dir(sample_ledgers_dir, tmp_path) -> Path:
    """This test's own copy of the trimmed sample ledgers, free to mutate."""
    target = tmp_path / "ledgers"
    shutil.copytree(sample_ledgers_dir, target)
    return target


@pytest.fixture(scope="session")
def ledgers():
    """The committed sample ledgers, loaded and validated once for the whole session."""
    return load_ledgers(config.DATA_DIR)


def spread_sample(data: bytes, rows: int) -> bytes:
    """About `rows` data rows taken evenly from the whole file, so that every year keeps some."""
    header, *body = data.rstrip(b"\n").split(b"\n")
    step = max(1, len(body) // rows)
    return b"\n".join([header, *body[::step]]) + b"\n"


@pytest.fixture(scope="session")
def report_ledgers_dir(sample_ledgers_dir, tmp_path_factory) -> Path:
    """The trimmed sample, but with the high-volume ledgers thinned across all years rather than
    cut to their head: `make report` refuses a year that those ledgers hold no row of."""
    target = tmp_path_factory.mktemp("report_ledgers")
    shutil.copytree(sample_ledgers_dir, target, dirs_exist_ok=True)
    for name in HIGH_VOLUME_LEDGERS:
        source = (config.DATA_DIR / f"{name}.csv").read_bytes()
        (target / f"{name}.csv").write_bytes(spread_sample(source, SAMPLE_HEAD_ROWS))
    return target


# The letter's date; with it set, a report is byte-identical from run to run.
EPOCH = "1643500800"


def shared_path(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, made by `make(folder)` once per test run and shared by every worker.

    pytest-xdist runs the suite in several processes, and a session fixture is made once in each.
    A fixture that builds a report calls this instead: the first worker to ask builds it under the
    run's temporary root while holding a lock on it; a worker asking meanwhile waits for it, one
    asking later finds it built. Without xdist the root is the session's own temporary folder. A
    build that fails leaves no folder and raises in the worker that made it; the next worker to
    ask tries again, and fails in its own tests as it would have alone."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's popen-gw<N>
    folder = root / "shared" / name
    folder.parent.mkdir(exist_ok=True)
    done = folder.with_name(f"{name}.done")
    with open(folder.with_name(f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or the worker dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


def build_shared_report(tmp_path_factory, name: str, request_for, epoch: str = EPOCH) -> Path:
    """A report built by `build_report` once per test run (see `shared_path`) with the letter
    dated `epoch`; `request_for(out_dir)` gives its ReportRequest. Returns its final folder."""
    from helpers.runs.report import build_report

    def make(out_dir: Path) -> None:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", epoch)
            build_report(request_for(out_dir), log=lambda *_: None)

    return request_for(shared_path(tmp_path_factory, name, make)).final_dir


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory) -> Path:
    """The sample bureau's 2021 report, built once for every module that reads its outputs.
    Do not modify it."""
    from helpers.runs.report import ReportRequest

    def request_for(out_dir: Path) -> ReportRequest:
        return ReportRequest(2021, config.DATA_DIR, out_dir, config.params_path(2021))

    return build_shared_report(tmp_path_factory, "report-2021", request_for)


@pytest.fixture(scope="session")
def disclosure_cli_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`python -m helpers report --year 2021 --kind disclosure` as a user runs it, once per test
    run (see `shared_path`): what the command returned, and its OUT_DIR. Do not modify it."""
    command = [sys.executable, "-m", "helpers", "report", "--year", "2021", "--kind", "disclosure"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}

    def make(folder: Path) -> None:
        done = subprocess.run([*command, "--out-dir", str(folder / "out")], cwd=config.PROJECT_ROOT,
                              env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
        result = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        (folder / "result.json").write_text(json.dumps(result), encoding="utf-8")

    folder = shared_path(tmp_path_factory, "disclosure-2021-cli", make)
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return subprocess.CompletedProcess(command, **result), folder / "out"


@pytest.fixture(scope="session")
def figures_2021(ledgers) -> dict:
    """The sample bureau's 2021 rule-of-law figures, straight from the catalogue. Do not modify."""
    from helpers.figures import catalogue

    return catalogue.figures_document(ledgers, 2021)


@pytest.fixture(scope="session")
def workpaper_2021(request, tmp_path_factory) -> Path:
    """The 2021 work paper as the build writes it, written once per test run (see `shared_path`)
    for every module that reads it. Do not modify it."""
    from helpers.render.workpaper import write_evidence

    def make(folder: Path) -> None:
        figures = request.getfixturevalue("figures_2021")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
            write_evidence(folder / "evidence.xlsx", figures, request.getfixturevalue("ledgers"))

    return shared_path(tmp_path_factory, "workpaper-2021", make) / "evidence.xlsx"


def pytest_collection_finish(session):
    """The collected tests and the modules they import live as long as the session: move them out
    of the garbage collector's reach. The loader collects garbage after every load, and with the
    whole suite collected each full collection walked all of it, in each of hundreds of tests."""
    gc.collect()
    gc.freeze()


# The files that take longest, longest first, with the CPU seconds each took in a whole run on two
# cores. pytest-xdist hands a worker a whole file at a time, in collection order (pyproject.toml
# turns off its own re-sorting by number of tests): started first, the long files share out between
# the two workers and the short ones fill in at the end, rather than one worker running a long
# file alone after the other has finished. A file not listed keeps its place after these; list one
# here once it takes half a minute or so.
LONGEST_FIRST = (
    "test_mutations.py",  # 160: every mutation of every ledger, and a build for the CLI cases
    "test_report.py",  # 130: four reports in parallel, a rerun, a failed run
    "test_trust.py",  # 115: three builds killed mid-stage and rerun
    "test_properties.py",  # 75: random ledgers through the loaders and every figure
    "test_evidence.py",  # 55
    "test_cli.py",  # 55
    "test_charts.py",  # 40
    "test_columnar.py",  # 32
    "test_bureau.py",  # 32
    "test_sentences.py",  # 31
    "test_generate.py",  # 26
    "test_workpaper.py",  # 25
    "test_session.py",  # 25
    "test_progress.py",  # 24
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: files stay whole
