"""The command line as a user meets it: every failure is one Chinese-first line and an exit code,
never a traceback; Ctrl-C leaves nothing half-done; `make lab` starts as root too."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from helpers import config

HELPERS = [sys.executable, "-m", "helpers"]


def assert_one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert lines[0].startswith("错误 / error: ") or lines[0].startswith("已中断")
    return lines[0]


def test_an_out_dir_that_is_a_file_is_one_line_exit_2(tmp_path):
    target = tmp_path / "reports"
    target.write_text("")
    done = subprocess.run([*HELPERS, "report", "--year", "2021", "--out-dir", str(target)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2
    line = assert_one_line(done.stderr)
    assert str(target) in line and "不是文件夹" in line


@pytest.mark.parametrize("args", [["report", "--year", "abc"], ["report", "--year", "21"],
                                  ["figures", "--year", "20210"], ["new-year", "--year", "2O23"],
                                  ["reports", "--years", "2021", "22"]])  # fmt: skip
def test_a_year_that_is_not_four_digits_is_one_chinese_line_exit_2(args, capsys):
    from helpers.cli import main

    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    line = assert_one_line(capsys.readouterr().err)
    assert "年度应为四位数字（如 2021）" in line and f"“{args[-1]}”" in line
    assert "invalid int value" not in line and "make new-year" not in line


def test_a_full_width_year_is_read():
    from helpers.cli import build_parser

    assert build_parser().parse_args(["report", "--year", "２０２１"]).year == 2021


@pytest.mark.skipif(
    not os.access("/proc", os.W_OK), reason="needs a folder that takes no new folders"
)
def test_an_out_dir_that_cannot_be_made_is_one_line_exit_2():
    done = subprocess.run([*HELPERS, "report", "--year", "2021", "--out-dir", "/proc/reports"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2
    line = assert_one_line(done.stderr)
    assert "无法创建输出目录 /proc/reports：" in line and "文件或文件夹不存在" not in line
    assert "[validate]" not in done.stdout  # said before any work


def test_out_of_memory_is_one_line_exit_2():
    code = ("import helpers.cli as cli\n"
            "def boom(args): raise MemoryError\n"
            "cli._validate = boom\n"
            "raise SystemExit(cli.main(['validate']))\n")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert "内存不足" in assert_one_line(done.stderr)


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None


@pytest.mark.skipif(not _can_mount(), reason="needs root and unshare for a small tmpfs")
def test_a_full_disk_is_one_line_exit_2_and_nothing_is_left(tmp_path, report_ledgers_dir):
    mount = tmp_path / "small"
    mount.mkdir()
    out = mount / "reports"
    # A disk of 600 KiB in a mount namespace of the test's own: the notebook and PDF cannot fit.
    script = (f"mount -t tmpfs -o size=600k tmpfs {mount} && "
              f"{sys.executable} -m helpers report --year 2021 --data-dir {report_ledgers_dir} "
              f"--out-dir {out}; code=$?; ls -A {out}; exit $code")  # fmt: skip
    done = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True,
                          text=True, cwd=config.PROJECT_ROOT)  # fmt: skip
    assert done.returncode == 2, done.stderr
    line = assert_one_line(done.stderr)
    assert "磁盘空间不足" in line and str(out) in line
    left = [name for name in done.stdout.split() if not name.startswith("[")]
    left = [name for name in left if name.startswith(".") or name.isdigit()]
    assert left == [], done.stdout


# Early, the kernel is starting; later, it runs cells: a Ctrl-C at either moment prints one line
# (the kernel's own "KeyboardInterrupt caught in kernel" goes to its log, not the terminal).
@pytest.mark.parametrize("after", [0.2, 1.0, 2.5])
def test_ctrl_c_exits_130_with_one_line_and_leaves_nothing(after, tmp_path, report_ledgers_dir):
    out = tmp_path / "reports"
    command = [*HELPERS, "report", "--year", "2021", "--data-dir", str(report_ledgers_dir),
               "--out-dir", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)  # fmt: skip
    for line in process.stdout:  # type: ignore[union-attr]
        if line.startswith("[execute]"):
            break
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "已中断" in assert_one_line(stderr)
    assert list(out.iterdir()) == []
    assert not list(Path(tempfile.gettempdir()).glob(f"report-build-{process.pid}-*"))


def test_make_lab_starts_as_root():
    env = os.environ | {"JUPYTER_PORT": "0", "BROWSER": "true"}
    process = subprocess.Popen(["make", "-s", "lab"], cwd=config.PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)  # fmt: skip
    seen = []
    try:
        deadline = time.monotonic() + 90
        for line in process.stdout:  # type: ignore[union-attr]
            seen.append(line)
            if "is running at" in line or time.monotonic() > deadline:
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    text = "".join(seen)
    assert "is running at" in text, text
    assert "Running as root is not recommended" not in text
