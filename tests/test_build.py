"""Guards that run before any notebook starts, and what runs leave behind."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from helpers import config
from helpers.errors import LedgerError, ReportError
from helpers.report.document import require_year_in_ledgers
from helpers.report.scaffold import scaffold
from helpers.runs import report as build
from helpers.runs.report import ReportRequest, check_out_dir, sweep_leftovers


def test_a_year_the_ledgers_do_not_hold_is_refused(ledgers):
    require_year_in_ledgers(ledgers, 2021)
    with pytest.raises(LedgerError) as error:
        require_year_in_ledgers(ledgers, 2023)
    assert "DATA_DIR" in str(error.value) and "disputes.csv" in str(error.value)


def test_a_scaffolded_year_the_ledgers_lack_is_told_both_at_once(tmp_path, report_ledgers_dir):
    for year in (2021, 2022):
        shutil.copy(config.params_path(year), tmp_path / f"{year}.yaml")
    params = scaffold(2023, params_dir=tmp_path)
    request = ReportRequest(2023, report_ledgers_dir, tmp_path / "out", params)
    with pytest.raises(ReportError) as error:
        build.build_report(request, log=lambda *_: None)
    message = str(error.value)
    assert "没有 2023 年的记录" in message and "disputes.csv" in message
    assert "passages.intro_overview" in message and "manual_figures." in message
    assert message.index("没有 2023 年的记录") < message.index("待改写")


def test_an_out_dir_that_is_a_file_is_named(tmp_path):
    target = tmp_path / "reports"
    target.write_text("not a folder")
    for out in (target, target / "sub"):
        with pytest.raises(ReportError) as error:
            check_out_dir(out)
        assert str(target) in str(error.value) and "不是文件夹" in str(error.value)


def test_an_out_dir_that_cannot_be_made_is_named_as_the_output_folder(tmp_path, monkeypatch):
    target = tmp_path / "mount" / "reports"

    def refuse(self, *args, **kwargs):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ReportError) as error:
        check_out_dir(target)
    message = str(error.value)
    assert message.startswith(f"无法创建输出目录 {target}：此处不能新建文件夹")
    assert "文件或文件夹不存在" not in message and "No such file" not in message


def test_a_missing_out_dir_is_made_before_any_work(tmp_path):
    check_out_dir(tmp_path / "a" / "reports")
    assert (tmp_path / "a" / "reports").is_dir()


@pytest.mark.parametrize("notebook", [config.REPORT_NOTEBOOK, config.DISCLOSURE_NOTEBOOK])
def test_the_kernel_preloads_what_the_notebooks_first_cell_imports(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    modules = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", "".join(code[1]["source"]), re.M)
    assert modules and all(f"import {module}" in build.PRELOAD for module in modules)


def test_the_kernel_preload_succeeds():
    with build._Kernel() as kernel:
        kernel.begin()
        kernel._thread.join(timeout=120)
        assert kernel.preloaded == "ok"


def test_a_second_run_of_the_same_year_says_it_waits_and_then_runs(tmp_path):
    request = ReportRequest(2021, config.DATA_DIR, tmp_path, config.params_path(2021))
    first = build._take_lock(build._lock_path(tmp_path, 2021), wait=True)
    first.write(str(os.getpid()))
    first.flush()
    said: list[str] = []
    entered = threading.Event()

    def second() -> None:
        with build._year_lock(request, said.append):
            entered.set()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)
    assert not entered.is_set()
    assert len(said) == 1 and "等待" in said[0] and str(os.getpid()) in said[0]
    build._release_lock(build._lock_path(tmp_path, 2021), first)
    thread.join(timeout=10)
    assert entered.is_set()
    assert not build._lock_path(tmp_path, 2021).exists()  # removed once released


def _killed_run(out: Path, data: Path) -> int:
    """A report run of 2021 killed outright while its notebook executes; returns its pid."""
    command = [sys.executable, "-m", "helpers", "report", "--year", "2021", "--data-dir",
               str(data), "--out-dir", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)  # fmt: skip
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.startswith("[execute]"):
                break
        time.sleep(1.5)  # the kernel is up: its sockets and connection file exist
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    return process.pid


def test_the_next_start_of_any_build_removes_what_a_killed_run_left(tmp_path, report_ledgers_dir):
    out = tmp_path / "reports"
    pid = _killed_run(out, report_ledgers_dir)
    scratch = list(Path(tempfile.gettempdir()).glob(f"report-build-{pid}-*"))
    assert scratch and any(p.name.endswith(".json") for p in scratch[0].iterdir())
    assert (out / ".2021.lock").exists() and list(out.glob(".2021.staging-*"))

    # Another year's build, failing at once on a missing params file, still starts by sweeping.
    rerun = subprocess.run([sys.executable, "-m", "helpers", "report", "--year", "2022",
                            "--out-dir", str(out), "--params", str(tmp_path / "none.yaml")],
                           capture_output=True, text=True)  # fmt: skip
    assert rerun.returncode == 2 and "参数文件不存在" in rerun.stderr
    assert not list(Path(tempfile.gettempdir()).glob(f"report-build-{pid}-*"))
    assert sorted(p.name for p in out.iterdir()) == []


def test_sweeping_leaves_a_live_run_alone(tmp_path):
    path = build._lock_path(tmp_path, 2021)
    held = build._take_lock(path, wait=True)
    staging = tmp_path / ".2021.staging-1"
    staging.mkdir()
    sweep_leftovers(tmp_path)
    assert staging.exists() and path.exists()
    build._release_lock(path, held)
    sweep_leftovers(tmp_path)
    assert not staging.exists() and not path.exists()
