"""The scratch folder each report run owns.

A run's scratch folder holds its kernel's sockets and connection file and the validated ledgers
handed to the kernel as memory-mapped Arrow files (report.handover). The run holds a lock on the
folder while it lives, so the next build of any year can tell a folder left by a killed run (lock
free) from one in use, and remove it. The run names the folder in the environment
(config.scratch_dir), for its kernel and for every layer below.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from helpers.config import SCRATCH_ENV

SCRATCH_PREFIX = "report-build-"
KERNEL_LOG = "kernel.log"
_LOCK = "lock"


def _owner_gone(folder: Path) -> bool:
    try:
        with (folder / _LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True  # no lock file: the run died before it could take one
    return True


def sweep_scratch() -> None:
    """Remove scratch folders whose run is gone (killed, or its machine restarted)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        if folder.is_dir() and _owner_gone(folder):
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A scratch folder for this run, locked while it lives and removed when it ends."""
    sweep_scratch()
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    handle = (folder / _LOCK).open("w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    previous = os.environ.get(SCRATCH_ENV)
    os.environ[SCRATCH_ENV] = str(folder)
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(SCRATCH_ENV, None)
        else:
            os.environ[SCRATCH_ENV] = previous
        _remove(folder)
        handle.close()


def _remove(folder: Path, attempts: int = 20) -> None:
    """Remove the folder even while a kernel interrupted at start-up still binds its sockets in
    it: a removal racing with a file being created fails, so it is tried again briefly."""
    for _ in range(attempts):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.05)
