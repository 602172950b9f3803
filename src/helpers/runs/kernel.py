"""The kernel manager papermill uses for report runs."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from jupyter_client import KernelManager
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from traitlets import default

from helpers import config
from helpers.runs.scratch import KERNEL_LOG


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

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        """The kernel's own messages (e.g. "KeyboardInterrupt caught in kernel" when a Ctrl-C
        interrupts it while idle) go to a log in the run's scratch folder, not to the analyst's
        terminal; a failed run keeps the log beside its notebook."""
        folder = config.scratch_dir()
        if folder is None or "stderr" in kw:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        with (folder / KERNEL_LOG).open("ab") as log:  # the kernel holds its own copy
            kw["stdout"] = kw["stderr"] = log
            return await super()._async_launch_kernel(kernel_cmd, **kw)


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
