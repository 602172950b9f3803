"""Progress on a terminal: one line on stderr, rewritten in place while long work runs, and not a
byte of it when stderr is not a terminal or CI is set."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from helpers import config, progress

HELPERS = [sys.executable, "-m", "helpers"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@contextlib.contextmanager
def stderr_on(screen: io.StringIO) -> Iterator[io.StringIO]:
    """sys.stderr replaced inside the test itself (pytest's capture resets it after fixtures)."""
    saved, sys.stderr = sys.stderr, screen
    try:
        yield screen
    finally:
        sys.stderr = saved


@pytest.fixture
def outside_ci(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "200")


def wait_for(screen: io.StringIO, text: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in screen.getvalue():
        assert time.monotonic() < deadline, f"{text!r} never shown: {screen.getvalue()!r}"
        time.sleep(0.05)


def test_a_stage_shows_its_share_and_rows_then_erases_its_line(outside_ci):
    with stderr_on(Terminal()) as terminal, progress.stage("validate", "校验台账", done=0.25,
                                                             share=0.5):  # fmt: skip
        assert terminal.getvalue().startswith("\r[#####==========.....] 校验台账 validate")
        progress.rows("disputes", 1_234_567)
        wait_for(terminal, "disputes 1,234,567 行 rows")
        progress.rows("wage_arrears_leads", 10, total=20)  # half the stage's share done
        wait_for(terminal, "[##########=====.....] 校验台账 validate · ")
        wait_for(terminal, "wage_arrears_leads 10/20 行 rows")
    assert terminal.getvalue().endswith(progress.ERASE)
    assert "\n" not in terminal.getvalue()


def test_echo_takes_the_line_away_and_draws_it_again(outside_ci, capsys):
    with stderr_on(Terminal()) as terminal, progress.stage("execute", "执行笔记本"):
        before = terminal.getvalue()
        progress.echo("[html] 导出 HTML…")
        after = terminal.getvalue()[len(before) :]
    assert capsys.readouterr().out == "[html] 导出 HTML…\n"
    assert progress.ERASE + "\r[" in after and "执行笔记本 execute" in after


def test_a_batch_counts_what_is_running_and_done(outside_ci):
    with stderr_on(Terminal()) as terminal, progress.batch(3, "生成报告 reports") as counter:
        counter.started("2021 法治")
        wait_for(terminal, "0/3 · 0 s · 进行中 running: 2021 法治")
        counter.finished("2021 法治")
        wait_for(terminal, "生成报告 reports 1/3 · ")
    assert terminal.getvalue().endswith(progress.ERASE)


def test_the_line_never_wraps():
    text = "校验台账 validate · " + "台账" * 100
    cut = progress._fit(text, 40)
    assert progress._width(cut) <= 40 and cut.endswith("…")
    assert progress._fit("short", 40) == "short"


@pytest.mark.parametrize("why", ["not a terminal", "CI", "dumb terminal"])
def test_quiet_means_not_a_byte(monkeypatch, capsys, why):
    screen = io.StringIO() if why == "not a terminal" else Terminal()
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "dumb" if why == "dumb terminal" else "xterm")
    if why == "CI":
        monkeypatch.setenv("CI", "1")
    with stderr_on(screen):
        with progress.stage("validate", "校验台账"):
            progress.rows("disputes", 5)
            progress.echo("a line")
        with progress.batch(2, "生成报告 reports") as counter:
            counter.started("2021")
            counter.finished("2021")
        progress.rows("disputes", 5)  # outside any stage
        time.sleep(3 * progress.REFRESH)
    assert screen.getvalue() == ""
    assert capsys.readouterr().out == "a line\n"


# -- the command line under a pseudo-terminal ------------------------------------------------


def run_on_terminal(command: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (stdout piped); returns code, stdout, stderr."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower,
                                   stdin=subprocess.DEVNULL, env=env, cwd=config.PROJECT_ROOT)  # fmt: skip
    finally:
        os.close(follower)
    seen = bytearray()

    def read() -> None:  # keep the terminal drained, or the child blocks writing to it
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the child closed its end
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(leader)
    return process.returncode, stdout.decode(), seen.decode(errors="replace")


def without_ci() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm")
    env.pop("CI", None)
    return env


def test_make_report_on_a_terminal_shows_each_stage(tmp_path, report_ledgers_dir):
    command = [*HELPERS, "report", "--year", "2021", "--data-dir", str(report_ledgers_dir),
               "--out-dir", str(tmp_path / "out")]  # fmt: skip
    code, stdout, stderr = run_on_terminal(command, without_ci())
    assert code == 0, stderr
    for name in ("validate", "metrics", "execute", "html", "pdf", "docx", "evidence"):
        assert f" {name} · " in stderr, name  # "<label> <name> · <seconds> s" on the line
        assert f"[{name}] " in stdout  # the stage log on stdout is as without a terminal
    assert stderr.startswith("\r[") and stderr.endswith(progress.ERASE)
    assert "\n" not in stderr
    assert "report written" in stdout


def test_without_a_terminal_or_with_ci_stderr_holds_none_of_it(report_ledgers_dir):
    command = [*HELPERS, "validate", "--data-dir", str(report_ledgers_dir)]
    on_terminal = run_on_terminal(command, without_ci())
    assert on_terminal[0] == 0 and "校验台账 validate" in on_terminal[2]
    in_ci = run_on_terminal(command, dict(without_ci(), CI="1"))
    piped = subprocess.run(command, capture_output=True, text=True, env=without_ci(),
                           cwd=config.PROJECT_ROOT)  # fmt: skip
    assert in_ci[0] == 0 and in_ci[2] == ""
    assert piped.returncode == 0 and piped.stderr == ""
    rows = [line for line in piped.stdout.splitlines() if "行 rows" in line]
    assert rows and rows == [line for line in in_ci[1].splitlines() if "行 rows" in line]


def test_the_loader_reports_the_rows_of_every_ledger_it_reads(outside_ci, report_ledgers_dir):
    from helpers.ledgers.load import load_ledgers

    with stderr_on(Terminal()), progress.stage("validate", "校验台账"):
        ledgers = load_ledgers(report_ledgers_dir)
        shown = dict(progress._stack[-1].rows)
    assert set(shown) == set(ledgers.frames)
    assert all(shown[name][0] == len(frame) for name, frame in ledgers.frames.items())
