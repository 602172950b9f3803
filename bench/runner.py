"""One benchmark run, scale by scale: generate the scale's ledgers, set up once what every
scenario shares (reference counts, pickled ledgers, an empty notebook), then run the registered
scenarios in order, as many times as the scale allows. Results are saved after every
measurement, so an interrupted run keeps what it measured."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import judge
from bench.machine import CpuShare
from bench.measure import Outcome, measure
from bench.probes import probe_cmd
from bench.results import as_run, new_results, summarise, write
from bench.scenarios import SCENARIOS
from bench.settings import FIGURES, MIB, PARAMS_DIR, YEAR

GEN_TIMEOUT = 1800  # seconds at least for generating a scale's ledgers


def runs_for(scale: int, runs: int) -> int:
    """Fewer runs where one run takes long: all at ≤ 1×, at most 2 at 10×, 1 at ≥ 100×."""
    if scale >= 100:
        return 1
    if scale >= 10:
        return max(1, min(runs, 2))
    return runs


@dataclass(frozen=True)
class Scale:
    """What the scenarios of one scale share, set up once before its runs."""

    scale: int
    base: Path  # the scale's scratch folder
    data: Path  # its generated ledgers
    params: Path  # the sample bureau's params of the year
    cache: Path  # those ledgers pickled, for the probes that start from loaded ledgers
    empty: Path  # a notebook of only a parameters cell: the kernel's start alone
    failed_load: str | None  # why the ledgers could not be loaded and pickled, if they could not

    @property
    def common(self) -> dict:
        """The arguments every probe takes."""
        return {"year": YEAR, "data_dir": str(self.data), "params": str(self.params)}

    @property
    def parameters(self) -> dict:
        """The notebook's parameters, as a report run injects them."""
        return {"year": YEAR, "data_dir": str(self.data), "params_file": str(self.params)}


class Bench:
    """The scenarios' handle on the run: its options, measuring a command within the run's
    limits, and recording each run of a figure into the results (saved at once)."""

    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.mem_cap = args.mem_cap_gib * 1024
        self.results: dict = new_results(args)

    # -- bookkeeping ------------------------------------------------------------------------

    def save(self) -> None:
        write(self.results, Path(self.args.out), self.workdir)

    def log(self, text: str) -> None:
        print(text, flush=True)

    def record(self, scale: int, figure: str, run: dict) -> None:
        figures = self.results["scales"][str(scale)]["figures"]
        runs = figures.get(figure, {}).get("runs", [])
        runs.append(run)
        figures[figure] = summarise(runs)
        self.save()
        if run["status"] == "ok":
            mem = run.get("peak_mem_mib")
            self.log(f"  [{scale}×] {figure:<19} {run['seconds']:8.2f} s"
                     + (f"  {mem:7.0f} MiB" if mem is not None else ""))  # fmt: skip
        else:
            self.log(f"  [{scale}×] {figure:<19} {run['status']}: {run.get('reason', '')}")

    def skip(self, scale: int, figure: str, reason: str) -> None:
        figures = self.results["scales"][str(scale)]["figures"]
        if figure not in figures:
            figures[figure] = {"status": "skipped", "reason": reason, "runs": []}
            self.log(f"  [{scale}×] {figure:<19} skipped: {reason}")
            self.save()

    def run(self, cmd: list[str], timeout: float | None = None) -> Outcome:
        return measure(cmd, timeout=timeout or self.args.timeout, mem_cap_mib=self.mem_cap)

    def probe_figure(self, scale: int, figure: str, cmd: list[str], wall: bool = False) -> None:
        """One run of a probe, recorded with the probe's own timing of its work, or with the
        process's wall time where the whole process is the figure (`wall`)."""
        outcome = self.run(cmd)
        seconds = None
        if outcome.ok:
            if outcome.probe is None:
                outcome.status, outcome.reason = "failed", "probe printed no result"
            elif not wall:
                seconds = outcome.probe["seconds"]
        self.record(scale, figure, as_run(outcome, seconds))

    # -- per scale --------------------------------------------------------------------------

    def scale(self, scale: int) -> None:
        runs = runs_for(scale, self.args.runs)
        entry = {"runs": runs, "figures": {}}
        self.results["scales"][str(scale)] = entry
        cpu = CpuShare()
        try:
            self._scale(scale, runs, entry)
        finally:
            entry["other_processes_cpu_share"] = cpu.share()
            self.save()

    def _scale(self, scale: int, runs: int, entry: dict) -> None:
        self.log(f"\n== {scale}× the sample ledgers, {runs} run(s) per figure ==")
        base = self.workdir / f"scale-{scale}"
        data = base / "ledgers"
        base.mkdir(parents=True, exist_ok=True)
        gen_cap = self.args.gen_mem_cap_gib * 1024
        code = ("import json, sys; from pathlib import Path; from helpers.ledgers.samples import write_all; "
                "print('ROWS', json.dumps(write_all(Path(sys.argv[1]), scale=int(sys.argv[2]))))")  # fmt: skip
        # Generation is not what is measured: it gets at least GEN_TIMEOUT (100× takes minutes).
        gen = measure([sys.executable, "-c", code, str(data), str(scale)],
                      timeout=max(self.args.timeout, GEN_TIMEOUT), mem_cap_mib=gen_cap)  # fmt: skip
        rows = next((json.loads(ln[5:]) for _, ln in gen.lines if ln.startswith("ROWS ")), {})
        size = sum(p.stat().st_size for p in data.glob("*.csv")) / MIB if data.exists() else 0
        entry["generation"] = {"status": gen.status, "seconds": gen.wall_s,
                               "peak_mem_mib": gen.peak_mem_mib, "reason": gen.reason,
                               "rows": rows, "csv_mib": round(size, 1)}  # fmt: skip
        self.save()
        if not gen.ok:
            self.log(f"  ledger generation {gen.status}: {gen.reason}")
            for figure in FIGURES:
                self.skip(scale, figure, f"ledger generation {gen.status}: {gen.reason}")
            return
        self.log(f"  generated {rows.get('disputes', 0):,} dispute rows, {size:,.0f} MiB of CSV "
                 f"in {gen.wall_s:.1f} s, {gen.peak_mem_mib:,.0f} MiB (not counted)")  # fmt: skip

        cache = base / "ledgers.pickle"
        params = PARAMS_DIR / f"{YEAR}.yaml"
        common = {"year": YEAR, "data_dir": str(data), "params": str(params)}
        self._reference(scale, common)
        prep = self.run(probe_cmd("prep", cache=str(cache), **common))
        entry["ledger_cache"] = {"status": prep.status, "reason": prep.reason,
                                 "write_s": (prep.probe or {}).get("seconds"),
                                 "mib": (prep.probe or {}).get("cache_mib")}  # fmt: skip
        empty = base / "empty.ipynb"
        self._empty_notebook(empty)
        # Probes that start from the pickled ledgers are skipped when loading them failed; whole
        # processes (floor, report, ledger error) still run, so their cells say what happens.
        failed_load: str | None = None if prep.ok else f"loading failed ({prep.reason})"
        if failed_load:
            self.log(f"  loading the ledgers {prep.status}: {prep.reason}")
        at = Scale(scale=scale, base=base, data=data, params=params, cache=cache, empty=empty,
                   failed_load=failed_load)  # fmt: skip

        for i in range(runs):
            self.log(f" run {i + 1}/{runs}")
            for scenario in SCENARIOS:
                scenario(self, at)
        judge.derive(self.results, scale)
        self.save()
        with contextlib.suppress(FileNotFoundError):
            cache.unlink()

    def _reference(self, scale: int, common: dict) -> None:
        """The reference counts of this scale's ledgers, once, in a measured process of its own."""
        outcome = self.run(probe_cmd("reference", **common))
        probe = outcome.probe or {}
        entry = {"status": outcome.status if probe else "failed", "reason": outcome.reason,
                 "engine": probe.get("engine"), "seconds": probe.get("seconds"),
                 "wall_s": outcome.wall_s, "peak_mem_mib": outcome.peak_mem_mib,
                 "counts": probe.get("counts", {})}  # fmt: skip
        self.results["scales"][str(scale)]["reference"] = entry
        self.save()
        if entry["counts"]:
            self.log(f"  reference counts ({entry['engine']}, {entry['seconds']:.1f} s): "
                     + ", ".join(f"{k} {v:,}" for k, v in entry["counts"].items()))  # fmt: skip
        else:
            self.log(f"  reference counts {outcome.status}: {outcome.reason}")

    @staticmethod
    def _empty_notebook(path: Path) -> None:
        """One parameters cell of literals, as in the report notebook; nothing else runs."""
        import nbformat

        cell = nbformat.v4.new_code_cell(
            'year = 2021\ndata_dir = ""\nparams_file = ""',
            metadata={"tags": ["parameters"]},
        )
        nb = nbformat.v4.new_notebook(cells=[cell])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}  # fmt: skip
        nbformat.write(nb, path)

    # -- over all scales --------------------------------------------------------------------

    def conclude(self) -> None:
        """The extrapolation to 100× and the targets, over every scale measured so far."""
        judge.extrapolate(self.results)
        judge.verdicts(self.results)
        self.save()
