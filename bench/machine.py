"""What the figures were measured on: the machine, the packages, the commit and how busy other
processes kept the CPU, recorded beside the figures because a shared machine's numbers vary."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import time
from importlib import metadata

from bench.settings import ROOT

PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "pandera", "papermill", "nbclient",
            "nbconvert", "nbformat", "ipykernel", "jupyter_client", "jinja2", "typst", "python-docx")  # fmt: skip


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
