"""Run one command in a fresh process and measure it: wall time, the peak of its whole process
tree's memory (a report and its Jupyter kernel together), and a probe's result line. Commands
past the timeout or the memory cap are killed, so a scale that cannot run still says why."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.settings import MIB, ROOT

PROBE_TAG = "BENCH-PROBE "  # the line a probe prints its in-process timings on
CHILDREN_EVERY = 0.5  # seconds between listings of the measured process tree


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
    """Run `cmd` to its end, sampling the summed RSS of its process tree every `interval` s and
    killing the tree past `timeout` or `mem_cap_mib`; a probe's result line is parsed."""
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
