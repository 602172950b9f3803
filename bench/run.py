"""`make bench`: wall time and peak memory of `make report` end to end and of each stage alone.

Every figure is measured in a fresh subprocess, so imports, caches and memory are those of a
real run. Ledgers are generated per scale (1×, 10×, 100× the sample's high-volume ledgers) into
a scratch folder under bench/work/, which is removed afterwards. Results go to
bench/results.json and a compact table on stdout. See bench/README.md for what each figure
means and how memory is counted.

    python bench/run.py                       # scales 1 10 100, 3 runs (2 at 10×, 1 at 100×)
    python bench/run.py --quick               # smoke run: 1× only, one run, no multi-year
    python bench/run.py --scales 1 10 --runs 5

The script is also its own probe: `python bench/run.py --probe NAME --args JSON` performs one
measured piece of work in the current process and prints its in-process timings as one line.
This file is the command line only; the modules beside it are the benchmark (bench/__init__.py
lists them).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

if not __package__:
    # Run as a script, Python puts this folder first on the module path, where the modules
    # beside this file would shadow libraries of the same name; they are the package `bench`,
    # imported from the project root instead.
    _here = Path(__file__).resolve().parent
    sys.path[:] = [str(_here.parent), *(p for p in sys.path if Path(p or ".").resolve() != _here)]

from bench import judge
from bench.machine import code_state
from bench.probes import run_probe
from bench.runner import Bench
from bench.settings import BENCH_DIR
from bench.tables import markdown_table, table, update_readme


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per figure at 1× (at most 2 at 10×, 1 at 100×)")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1× only, one run, no multi-year build")  # fmt: skip
    parser.add_argument("--out", default=str(BENCH_DIR / "results.json"))
    parser.add_argument("--workdir", default=None,
                        help="scratch folder (default: a new temp dir under bench/work/)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--timeout", type=float, default=900, help="per command, seconds")
    parser.add_argument("--mem-cap-gib", type=float, default=8.0,
                        help="kill a measured command whose process tree exceeds this")  # fmt: skip
    parser.add_argument("--gen-mem-cap-gib", type=float, default=None,
                        help="the same for ledger generation (default 70%% of RAM)")  # fmt: skip
    parser.add_argument("--reports-scales", type=int, nargs="*", default=[1],
                        help="scales at which `reports` serial vs parallel is measured")  # fmt: skip
    parser.add_argument("--recompute", action="store_true",
                        help="only recompute ratios, extrapolation and targets of --out")  # fmt: skip
    parser.add_argument("--table", action="store_true",
                        help="print --out as the README's Markdown table and exit")  # fmt: skip
    parser.add_argument("--readme", action="store_true",
                        help="with --table: also write it into bench/README.md")  # fmt: skip
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.scales, args.runs = [1], 1
    if args.gen_mem_cap_gib is None:
        import psutil

        args.gen_mem_cap_gib = round(psutil.virtual_memory().total * 0.7 / 1024**3, 1)
    return args


def rejudged(args: argparse.Namespace, save: bool = True) -> Bench:
    """The measurements of an existing results file with ratios, extrapolation and targets derived
    anew (written back unless `save` is false)."""
    bench = Bench(args, Path(tempfile.gettempdir()))
    if not save:
        bench.save = lambda: None  # type: ignore[method-assign]
    kept = json.loads(Path(args.out).read_text(encoding="utf-8"))
    bench.results.update({k: kept[k] for k in kept if k not in ("method",)})
    for scale in bench.results["scales"]:
        judge.derive(bench.results, int(scale))
    bench.conclude()
    return bench


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.probe:
        return run_probe(args.probe, args.args or "{}")
    if args.table:
        # Judged against the current targets, in memory: the results file is not rewritten.
        bench = rejudged(args, save=False)
        text = markdown_table(bench.results)
        print(text, end="")
        if args.readme:
            update_readme(BENCH_DIR / "README.md", text)
        return 0
    if args.recompute:
        print(table(rejudged(args).results))
        return 0
    if args.workdir:
        workdir = Path(args.workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        (BENCH_DIR / "work").mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=BENCH_DIR / "work"))
    bench = Bench(args, workdir)
    started = time.perf_counter()
    try:
        for scale in args.scales:
            bench.scale(scale)
        bench.conclude()
    except KeyboardInterrupt:
        print("interrupted; partial results kept", file=sys.stderr)
        return 130
    finally:
        bench.results["total_wall_s"] = round(time.perf_counter() - started, 1)
        code = bench.results["code"]
        code["at_end"] = code_state()
        code["changed_during_run"] = code["at_end"] != code["at_start"]
        bench.save()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            with contextlib.suppress(OSError):
                (BENCH_DIR / "work").rmdir()
    print()
    print(table(bench.results))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
