"""The kernel manager papermill uses for report runs."""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client import KernelManager
from traitlets import default


class LocalKernelManager(KernelManager):
    """The report kernel talks over Unix sockets: nothing listens on TCP, even on loopback.

    Each kernel gets socket paths of its own; jupyter_client's default ("kernel-ipc-N" in the
    working directory) would let two reports built at once talk to each other's kernel.
    """

    transport = "ipc"

    @default("ip")
    def _unique_ip(self) -> str:
        return os.path.join(tempfile.gettempdir(), f"report-kernel-{uuid.uuid4().hex}")
