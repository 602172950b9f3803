"""What the measurements say: figures derived from them (execution overhead, ratios, build stages),
the extrapolation to 100× and the issue's targets judged met or not. Pure functions of the
results, so that `--recompute` and `--table` can judge an existing file against current targets."""

from __future__ import annotations

import statistics

from bench.results import summarise
from bench.settings import FIGURES

# Targets of the issue (2 cores). Seconds unless noted; memory is the summed RSS of the report
# process and its kernel.
TARGET_RATIO_1X, TARGET_TIME_1X = 1.8, 6.0
TARGET_TIME_10X, TARGET_MEM_10X_MIB = 15.0, 1024.0
TARGET_TIME_100X, TARGET_MEM_100X_MIB = 60.0, 2048.0
TARGET_ERROR_1X = 1.5


def _linear(low: float, high: float, lo: int, hi: int, digits: int) -> float:
    """The value at 100× on the line through two scales; a figure that did not grow between
    them (within noise) is taken as flat at its larger-scale value."""
    slope = (high - low) / (hi - lo)
    if slope <= 0:
        return round(high, digits)
    return round(low + slope * (100 - lo), digits)


def derive(results: dict, scale: int) -> None:
    """What a scale's measurements imply together: the notebook's execution overhead per report
    run, end to end over the floors, serial over parallel, the build's median stage timings and
    whether the report's figures matched the reference counts."""
    entry = results["scales"][str(scale)]
    figures = entry["figures"]
    e2e, floor1 = figures.get("end_to_end", {}), figures.get("kernel_start", {})
    work = figures.get("notebook_work", {})
    if e2e.get("status") == "ok" and floor1.get("status") == "ok" and work.get("status") == "ok":
        overheads = [
            {"status": "ok", "seconds": round(r["stages_s"]["execute"] - floor1["median"]
                                              - work["median"], 3)}
            for r in e2e["runs"] if r["status"] == "ok" and "execute" in r.get("stages_s", {})
        ]  # fmt: skip
        if overheads:
            figures["execution_overhead"] = summarise(overheads)
            figures["execution_overhead"]["note"] = (
                "per report run: its execute stage minus the medians of kernel_start and "
                "notebook_work; memory is that of the end-to-end run"
            )
    else:
        figures.setdefault("execution_overhead", {
            "status": "not measured", "reason": "needs end_to_end, kernel_start and "
            "notebook_work at this scale", "runs": []})  # fmt: skip
    floor2 = figures.get("floor_plain_script", {})
    ratios = {}
    if e2e.get("status") == "ok" and floor2.get("status") == "ok":
        ratios["end_to_end_over_floor2_median"] = round(e2e["median"] / floor2["median"], 2)
        ratios["end_to_end_over_floor2_min"] = round(e2e["min"] / floor2["min"], 2)
    if e2e.get("status") == "ok" and floor1.get("status") == "ok":
        ratios["end_to_end_over_floor1_median"] = round(e2e["median"] / floor1["median"], 2)
    serial, parallel = figures.get("reports_serial", {}), figures.get("reports_parallel", {})
    if serial.get("status") == "ok" and parallel.get("status") == "ok":
        ratios["reports_serial_over_parallel_median"] = round(
            serial["median"] / parallel["median"], 2)  # fmt: skip
    if e2e.get("status") == "ok":
        stage_runs = [r["stages_s"] for r in e2e["runs"] if r["status"] == "ok"]
        entry["build_stages_median_s"] = {
            name: round(statistics.median(s.get(name, 0.0) for s in stage_runs), 2)
            for name in stage_runs[0]
        }
    entry["ratios"] = ratios
    entry["reference_match"] = reference_match(results, scale)


def extrapolate(results: dict) -> None:
    """Linear in the scale through the two smallest measured scales: v = a + b·scale; the
    prediction for 100× sits beside the 100× measurement where there is one."""
    scales = results["scales"]
    measured = sorted(int(s) for s in scales)
    if len(measured) < 2 or measured[1] >= 100:
        return
    lo, hi = measured[0], measured[1]
    out = {"from_scales": [lo, hi], "model": "value = a + b × scale through the two points (flat if it did not grow)",
           "figures": {}}  # fmt: skip
    for figure in FIGURES:
        a_fig = scales[str(lo)]["figures"].get(figure, {})
        b_fig = scales[str(hi)]["figures"].get(figure, {})
        if a_fig.get("status") != "ok" or b_fig.get("status") != "ok":
            continue
        row: dict = {"growth_seconds": round(b_fig["median"] / a_fig["median"], 2)
                     if a_fig["median"] > 0 else None}  # fmt: skip
        row["seconds_at_100x"] = _linear(a_fig["median"], b_fig["median"], lo, hi, 2)
        if "peak_mem_mib" in a_fig and "peak_mem_mib" in b_fig:
            row["peak_mem_mib_at_100x"] = _linear(
                a_fig["peak_mem_mib"], b_fig["peak_mem_mib"], lo, hi, 0
            )
        at100 = scales.get("100", {}).get("figures", {}).get(figure, {})
        if at100.get("status") == "ok":
            row["measured_seconds_at_100x"] = at100["median"]
        out["figures"][figure] = row
    e2e, floor2 = out["figures"].get("end_to_end"), out["figures"].get("floor_plain_script")
    if e2e and floor2 and floor2["seconds_at_100x"] > 0:
        out["end_to_end_over_floor2_at_100x"] = round(
            e2e["seconds_at_100x"] / floor2["seconds_at_100x"], 2
        )
    results["extrapolation"] = out


def verdicts(results: dict) -> None:
    """Each target: met / not met on a measurement; where the report could not be built at
    a scale, not met if a stopped run (the report itself, or loading alone) already passed
    the limit, else judged on the extrapolation to 100× (marked as such), else not
    measured."""
    scales = results["scales"]
    predicted = results.get("extrapolation", {})

    def fig(scale: int, name: str) -> dict:
        return scales.get(str(scale), {}).get("figures", {}).get(name, {})

    def ratio(scale: int) -> float | None:
        return scales.get(str(scale), {}).get("ratios", {}).get("end_to_end_over_floor2_median")

    def ok(scale: int, name: str, key: str = "median") -> float | None:
        summary = fig(scale, name)
        return summary.get(key) if summary.get("status") == "ok" else None

    def bound(scale: int, limit: float, key: str) -> str:
        """Why a report that did not finish at this scale misses the limit, if it does:
        the report run, or loading alone, was stopped past it."""
        for name in ("end_to_end", "load_validate"):
            runs = [r for r in fig(scale, name).get("runs", [])
                    if r["status"] in ("memory-cap", "timeout", "failed")]  # fmt: skip
            for run in runs:
                what = "the report run" if name == "end_to_end" else "loading alone"
                if (run.get(key) or 0) >= limit:
                    shown = (f"{run[key]:.0f} MiB" if key == "peak_mem_mib"
                             else f"{run[key]:.0f} s")  # fmt: skip
                    return (f"{what} reached {shown} before it was stopped ({run['status']}: "
                            f"{run.get('reason', '')})")  # fmt: skip
        return ""

    def verdict(text: str, limit: float, unit: str, measured: float | None,
                why_not: str = "", guess: float | None = None) -> dict:  # fmt: skip
        row: dict = {"target": text, "limit": limit, "unit": unit, "measured": measured}
        if measured is not None:
            row["verdict"] = "met" if measured <= limit else "not met"
        elif why_not:
            row.update(verdict="not met", why=why_not)
        elif guess is not None:
            met = "met" if guess <= limit else "not met"
            row.update(verdict=f"{met} (extrapolated)", predicted=guess,
                       why=f"no 100× report could be built here; linear extrapolation from "
                       f"{predicted['from_scales'][0]}× and {predicted['from_scales'][1]}×")  # fmt: skip
        else:
            row["verdict"] = "not measured"
        return row

    guess = predicted.get("figures", {}).get("end_to_end", {})
    check = reference_match(results, 100)
    same = {"target": "100×: the report's figures equal the reference counts of the same rows",
            "limit": None, "unit": "", "measured": check,
            "verdict": {True: "met", False: "not met"}.get(check, "not measured")}  # fmt: skip
    results["targets"] = [
        verdict(f"1×: end to end ≤ {TARGET_RATIO_1X:g} × the plain-script floor",
                TARGET_RATIO_1X, "× floor (2)", ratio(1)),
        verdict(f"1×: end to end < {TARGET_TIME_1X:g} s", TARGET_TIME_1X, "s",
                ok(1, "end_to_end")),
        verdict(f"1×: a ledger error reported in < {TARGET_ERROR_1X:g} s", TARGET_ERROR_1X,
                "s", ok(1, "ledger_error")),
        verdict(f"10×: end to end < {TARGET_TIME_10X:g} s", TARGET_TIME_10X, "s",
                ok(10, "end_to_end"), bound(10, TARGET_TIME_10X, "wall_s")),
        verdict("10×: peak memory < 1 GiB", TARGET_MEM_10X_MIB, "MiB",
                ok(10, "end_to_end", "peak_mem_mib"),
                bound(10, TARGET_MEM_10X_MIB, "peak_mem_mib")),
        verdict(f"100×: end to end < {TARGET_TIME_100X:g} s", TARGET_TIME_100X, "s",
                ok(100, "end_to_end"), bound(100, TARGET_TIME_100X, "wall_s"),
                guess.get("seconds_at_100x")),
        verdict("100×: peak memory < 2 GiB", TARGET_MEM_100X_MIB, "MiB",
                ok(100, "end_to_end", "peak_mem_mib"),
                bound(100, TARGET_MEM_100X_MIB, "peak_mem_mib"),
                guess.get("peak_mem_mib_at_100x")),
        same,
    ]  # fmt: skip


def reference_match(results: dict, scale: int) -> bool | None:
    """True when every successful report run at this scale had the reference counts, False
    when one did not, None when none was compared."""
    runs = results["scales"].get(str(scale), {}).get("figures", {}).get(
        "end_to_end", {}).get("runs", [])  # fmt: skip
    checks = [r["reference_check"] for r in runs
              if r.get("reference_check", {}).get("status") == "ok"]  # fmt: skip
    return all(c["match"] for c in checks) if checks else None
