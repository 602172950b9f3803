"""Warm kernels: forked from a server that imported the report's modules once, and nothing of one
report reaches the next."""

from __future__ import annotations

import ast
import os

import pytest

from helpers.runs.kernel import LocalKernelManager
from helpers.runs.warm import WarmServer


def _kernel():
    manager = LocalKernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def _run(client, code: str, **expressions: str) -> dict[str, object]:
    """Run `code`, then evaluate each expression; their values (Python literals)."""
    reply = client.execute_interactive(code, user_expressions=expressions, timeout=60,
                                       output_hook=lambda _msg: None)  # fmt: skip
    content = reply["content"]
    assert content["status"] == "ok", content
    values = {}
    for name, result in content["user_expressions"].items():
        assert result["status"] == "ok", result
        values[name] = ast.literal_eval(result["data"]["text/plain"])
    return values


# What one report leaves behind: a variable, a module-level cache, a matplotlib setting, an open
# figure, and an attribute set on a package module.
LEAVE = """
leftover = 42
from helpers.report.shape import source_passages
source_passages("{{ p.left_by_the_last_report }}")
import matplotlib
matplotlib.rcParams["lines.linewidth"] = 9.5
import matplotlib.pyplot as plt
plt.figure()
import helpers.report.charts as charts
charts.LEFT_BEHIND = True
"""

LOOK = {
    "variable": "'leftover' in globals()",
    "cache": "__import__('helpers.report.shape', fromlist=['x'])._passages_in.cache_info().currsize",
    "rc": "__import__('matplotlib').rcParams['lines.linewidth']",
    "figures": "__import__('matplotlib.pyplot', fromlist=['x']).get_fignums()",
    "attribute": "hasattr(__import__('helpers.report.charts', fromlist=['x']), 'LEFT_BEHIND')",
}


@pytest.fixture
def warm_server():
    server = WarmServer.get()
    yield server


def test_a_kernel_starts_with_the_reports_modules_imported_and_forked_from_the_server(warm_server):
    manager, client = _kernel()
    try:
        seen = _run(client, "import os, sys",
                    parent="os.getppid()", preloaded="'helpers.report.session' in sys.modules",
                    pid="os.getpid()")  # fmt: skip
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert seen["parent"] == warm_server.pid
    assert seen["preloaded"] is True
    assert seen["pid"] != os.getpid()


def test_nothing_of_one_report_reaches_the_next(warm_server):
    first, client = _kernel()
    try:
        left = _run(client, LEAVE, **LOOK)
    finally:
        client.stop_channels()
        first.shutdown_kernel()
    # What the first kernel held, so that the check below can fail.
    assert left == {"variable": True, "cache": 1, "rc": 9.5, "figures": [1], "attribute": True}
    second, client = _kernel()
    try:
        fresh = _run(client, "", **LOOK)
    finally:
        client.stop_channels()
        second.shutdown_kernel()
    assert fresh == {"variable": False, "cache": 0, "rc": 1.5, "figures": [], "attribute": False}


def test_a_kernel_can_be_interrupted_and_the_server_survives_its_end(warm_server):
    manager, client = _kernel()
    try:
        client.execute("import time; time.sleep(60)")
        import time

        time.sleep(1)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert not manager.is_alive()
    assert WarmServer.get() is warm_server  # still serving


def test_a_forked_process_starts_its_own_server(warm_server):
    """A worker pool's process does not write to its parent's server."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover — the child reports through the pipe
        try:
            os.write(write, str(WarmServer.get().pid).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        theirs = int(answer.read())
    os.waitpid(child, 0)
    assert theirs != warm_server.pid
    assert WarmServer.get() is warm_server


def test_without_a_server_a_kernel_is_started_afresh(monkeypatch):
    def gone(cls):
        raise RuntimeError("warm kernel server stopped")

    monkeypatch.setattr(WarmServer, "get", classmethod(gone))
    manager, client = _kernel()
    try:
        seen = _run(client, "import os", parent="os.getppid()")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert seen["parent"] == os.getpid()  # launched by this process, as jupyter_client does
