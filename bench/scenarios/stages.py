"""Each stage of the report alone, each in a fresh process, and the two floors the report is
compared with: the kernel's start (1) and the same work as one plain script (2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.probes import probe_cmd
from bench.settings import NOTEBOOK

if TYPE_CHECKING:
    from bench.runner import Bench, Scale

# Figures whose probe needs the pickled ledgers of the scale (made once per scale, untimed).
NEEDS_CACHE = ("metrics", "narrative", "charts", "quality_tables", "notebook_work")


def run(bench: Bench, at: Scale) -> None:
    bench.probe_figure(at.scale, "load_validate", probe_cmd("load_validate", **at.common))
    bench.probe_figure(at.scale, "kernel_start", probe_cmd(
        "kernel_start", notebook=str(at.empty), out=str(at.base / "empty-out.ipynb"),
        parameters=at.parameters))  # fmt: skip
    for figure in NEEDS_CACHE:
        if at.failed_load:
            bench.skip(at.scale, figure, at.failed_load)
            continue
        args = dict(at.common, cache=str(at.cache))
        if figure == "notebook_work":
            args.update(notebook=str(NOTEBOOK), parameters=at.parameters)
        bench.probe_figure(at.scale, figure, probe_cmd(figure, **args))
    bench.probe_figure(at.scale, "floor_plain_script",
                       probe_cmd("floor_plain_script", **at.common), wall=True)  # fmt: skip
