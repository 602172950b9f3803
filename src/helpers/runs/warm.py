"""Warm notebook kernels: a process that has imported the report's modules once and forks a
fresh kernel from that state for each report.

Starting Python and importing pandas, matplotlib and the package costs a kernel about 2 s of
CPU before it runs a cell. A build that makes several reports (a batch worker, `reports
--years`) pays it once: its first kernel start launches this server (`python -m
helpers.runs.warm`), which imports what the notebooks' first cells import and then waits; each
kernel is a child forked from it, in a session of its own, with the run's environment, working
folder and log. Nothing of one report reaches the next: each kernel starts from the server's
state, which never ran a cell, and its variables, module caches, matplotlib settings and open
figures end with its process.

The server reads one request per line on stdin and answers with the new kernel's process id;
it ends when its stdin closes, so a build that is killed takes its server with it (the kernels
then notice that their parent is gone, as a kernel launched directly would).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

# What the server imports before it forks: what the notebooks' first cells import (the build's
# PRELOAD), and the kernel itself.
PRELOADED = ("helpers.report.session", "ipykernel.kernelapp", "matplotlib_inline.backend_inline")
# The kernels' plotting backend, as ipykernel sets it for a kernel it starts (matplotlib reads
# it once, when imported, which here is before any kernel exists).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def kernel_argv(cmd: list[str]) -> list[str] | None:
    """The kernel's own arguments when `cmd` starts an IPython kernel of this Python, else None
    (then it is launched the usual way)."""
    if len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"] and (
        os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
    ):  # fmt: skip
        return cmd[3:]
    return None


class WarmServer:
    """This process's fork server, started on first use; one at a time asks it for a kernel."""

    _instance: WarmServer | None = None
    _guard = threading.Lock()

    def __init__(self) -> None:
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "helpers.runs.warm"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
        )  # fmt: skip
        self._lock = threading.Lock()
        self.pid = self._process.pid

    @classmethod
    def get(cls) -> WarmServer:
        with cls._guard:
            if cls._instance is None or cls._instance._process.poll() is not None:
                cls._instance = cls()
                atexit.register(cls._instance.close)
            return cls._instance

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str | None) -> int:
        """A kernel forked with these arguments, environment, working folder and log file (its
        stdout and stderr; None for none); its process id."""
        request = {"argv": argv, "env": env, "cwd": cwd, "log": log}
        with self._lock:
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        if not answer.strip().isdigit():
            raise RuntimeError("warm kernel server stopped")
        return int(answer)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self._process.stdin is not None:
                self._process.stdin.close()
            self._process.wait(timeout=10)

    @classmethod
    def _forget_in_child(cls) -> None:
        """A forked process (a worker pool's) starts its own server when it needs one: its
        copy of the parent's pipes is closed, so the parent's server still ends with it."""
        instance, cls._instance = cls._instance, None
        if instance is not None:
            for stream in (instance._process.stdin, instance._process.stdout):
                with contextlib.suppress(Exception):
                    if stream is not None:
                        stream.close()
        cls._guard = threading.Lock()


os.register_at_fork(after_in_child=WarmServer._forget_in_child)


class ForkedProcess:
    """The parts of `subprocess.Popen` jupyter_client's provisioner uses, for a kernel this
    process did not start itself (the server did, and reaps it): alive while the id answers."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the id was taken by another user's process
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


# -- the server ----------------------------------------------------------------------------------


def _become_kernel(request: dict) -> None:
    """In the forked child: a kernel of its own session, never returning."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client starts a kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # how a kernel is interrupted
        out = os.open(request["log"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 — the process's own streams
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except BaseException:  # noqa: BLE001 — said in the kernel's log, which the build keeps
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """Import, then fork a kernel per request line until stdin closes."""
    for module in PRELOADED:
        with contextlib.suppress(Exception):  # the kernel imports it again, and says why not
            __import__(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped as they end
    # A Ctrl-C at the terminal reaches the whole group: the build answers it and ends, which
    # closes this server's stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
