"""The kernel manager papermill uses for report runs."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from jupyter_client import KernelManager
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from traitlets import default

from helpers import config
from helpers.runs.scratch import KERNEL_LOG
from helpers.runs.warm import ForkedProcess, WarmServer, kernel_argv


class LocalKernelManager(KernelManager):
    """The report kernel talks over Unix sockets: nothing listens on TCP, even on loopback.

    Each kernel gets socket paths of its own, in its run's scratch folder; jupyter_client's
    default ("kernel-ipc-N" in the working directory) would let two reports built at once talk
    to each other's kernel, and its connection file would outlive a killed run in /tmp.
    """

    transport = "ipc"

    def _base(self) -> str:
        folder = config.scratch_dir() or Path(tempfile.gettempdir())
        return str(folder / f"kernel-{uuid.uuid4().hex[:12]}")

    @default("ip")
    def _unique_ip(self) -> str:
        return self._base()

    @default("connection_file")
    def _connection_file_in_scratch(self) -> str:
        return self._base() + ".json"

    # Kernels are forked from this process's warm server (runs/warm.py) rather than started
    # afresh; a test or a caller may turn it off.
    warm = True

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        """The kernel's own messages (e.g. "KeyboardInterrupt caught in kernel" when a Ctrl-C
        interrupts it while idle) go to a log in the run's scratch folder, not to the analyst's
        terminal; a failed run keeps the log beside its notebook."""
        folder = config.scratch_dir()
        argv = kernel_argv(kernel_cmd) if self.warm and "stderr" not in kw else None
        if argv is not None:
            try:
                return self._fork_kernel(argv, kw, None if folder is None else folder / KERNEL_LOG)
            except (OSError, RuntimeError, ValueError):
                pass  # the server could not be started or has gone: a kernel started afresh
        if folder is None or "stderr" in kw:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        with (folder / KERNEL_LOG).open("ab") as log:  # the kernel holds its own copy
            kw["stdout"] = kw["stderr"] = log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    def _fork_kernel(self, argv: list[str], kw: dict, log: Path | None) -> None:
        """The kernel forked by the warm server, handed to the provisioner as if it had
        launched it (it signals, polls and waits for it by its id)."""
        server = WarmServer.get()
        env = {**(kw.get("env") or os.environ), "JPY_PARENT_PID": str(server.pid)}
        cwd = str(kw.get("cwd") or Path.cwd())
        pid = server.fork([*argv, f"--IPKernelApp.parent_handle={server.pid}"], env, cwd,
                          None if log is None else str(log))  # fmt: skip
        provisioner = self.provisioner
        provisioner.process = ForkedProcess(pid)
        provisioner.pid = provisioner.pgid = pid  # the kernel leads a session of its own
        provisioner.cwd = cwd
        self._reconcile_connection_info(provisioner.connection_info)


class _SavedAtTheEnd(NotebookExecutionManager):
    """papermill's bookkeeping, but the notebook is written once, when the run ends (completed,
    failed or stopped), not before and after every cell: at the report's 60-odd cells with charts
    and cards, those writes (each validating the whole growing notebook) cost the run 3 s and the
    kernel waited on them. A failed run still leaves its partial notebook."""

    def save(self, **kwargs) -> None:
        self.last_save_time = self.now()

    def notebook_complete(self, **kwargs) -> None:
        super().notebook_complete(**kwargs)
        NotebookExecutionManager.save(self)


class ReportEngine(NBClientEngine):
    """papermill's nbclient engine with the notebook written once, at the end (`_SavedAtTheEnd`);
    registered as ENGINE. The body is papermill's `Engine.execute_notebook`, with that manager."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                         log_output=False, autosave_cell_every=30, **kwargs):  # fmt: skip
        manager = _SavedAtTheEnd(nb, output_path=output_path, progress_bar=progress_bar,
                                 log_output=log_output, autosave_cell_every=autosave_cell_every)  # fmt: skip
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb


ENGINE = "helpers-report"
papermill_engines.register(ENGINE, ReportEngine)
