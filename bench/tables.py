"""The results as text: the compact table printed after a run and the Markdown table (with the
targets) that `--table --readme` writes between the markers of bench/README.md."""

from __future__ import annotations

from pathlib import Path

from bench.settings import FIGURES


def _cell(summary: dict) -> str:
    if not summary:
        return "—"
    if summary.get("status") != "ok":
        return summary.get("status", "—")
    mem = summary.get("peak_mem_mib")
    mem_text = f" {mem / 1024:.2f}G" if mem is not None and mem >= 1024 else (
        f" {mem:.0f}M" if mem is not None else "")  # fmt: skip
    return f"{summary['min']:.2f}/{summary['median']:.2f}{mem_text}"


def table(results: dict) -> str:
    scales = sorted(results["scales"], key=int)
    width = 26
    head = f"{'figure (s: min/median, peak mem)':<34}" + "".join(
        f"{s + '×':>{width}}" for s in scales
    )
    lines = [head, "-" * len(head)]
    for figure in FIGURES:
        cells = [_cell(results["scales"][s]["figures"].get(figure, {})) for s in scales]
        if all(c == "—" for c in cells):
            continue
        lines.append(f"{figure:<34}" + "".join(f"{c:>{width}}" for c in cells))
    lines.append("")
    for s in scales:
        entry = results["scales"][s]
        gen = entry.get("generation", {})
        ratios = entry.get("ratios", {})
        stages = entry.get("build_stages_median_s", {})
        lines.append(f"{s}×: {gen.get('rows', {}).get('disputes', 0):,} dispute rows, "
                     f"{gen.get('csv_mib', 0):,.0f} MiB CSV, {entry['runs']} run(s); "
                     + ", ".join(f"{k} {v}" for k, v in ratios.items()))  # fmt: skip
        if stages:
            lines.append(
                "    build stages (median s): " + ", ".join(f"{k} {v}" for k, v in stages.items())
            )
    for row in results.get("targets", []):
        measured = row["measured"]
        if isinstance(measured, bool):
            shown = "yes" if measured else "no"
        else:
            shown = "—" if measured is None else f"{measured:g} {row['unit']}"
        if measured is None and row.get("predicted") is not None:
            shown = f"~{row['predicted']:g} {row['unit']} predicted"
        why = f" ({row['why']})" if row.get("why") else ""
        lines.append(f"  [{row['verdict']:^12}] {row['target']}: {shown}{why}")
    return "\n".join(lines)


# The table: its rows, and the figure each is read from.
MARKDOWN_ROWS = (
    ("`make report YEAR=2021` end to end", "end_to_end"),
    ("load and validate", "load_validate"),
    ("plain-script floor (same work, no kernel)", "floor_plain_script"),
    ("ledger error reported", "ledger_error"),
)
README_START, README_END = "<!-- results-table:start -->", "<!-- results-table:end -->"


def _gib(mib: float | None) -> str:
    return "" if mib is None else f", {mib / 1024:.2f} GiB"


def _markdown_cell(summary: dict) -> str:
    """Median time and peak memory, or what stopped the measurement."""
    status = summary.get("status")
    if not summary or status == "not measured":
        return "—"
    if status == "ok":
        return f"{summary['median']:.1f} s{_gib(summary.get('peak_mem_mib'))}"
    runs = summary.get("runs") or [{}]
    last = runs[-1]
    if status == "memory-cap":
        return (f"stopped at the memory cap ({last.get('peak_mem_mib', 0) / 1024:.1f} GiB) "
                f"after {last.get('wall_s', 0):.0f} s")  # fmt: skip
    if status == "timeout":
        return (
            f"stopped after {last.get('wall_s', 0):.0f} s (timeout){_gib(last.get('peak_mem_mib'))}"
        )
    reason = summary.get("reason", "")
    return f"{status}: {reason[:80]}" if reason else str(status)


def _reference_cell(entry: dict) -> str:
    reference = entry.get("reference", {})
    match = entry.get("reference_match")
    if not reference.get("counts"):
        return "—"
    counted = (
        f"{len(reference['counts'])} counts, {reference.get('engine')} {reference['seconds']:.1f} s"
    )
    if match is True:
        return f"same ({counted})"
    if match is False:
        return f"**differ** ({counted})"
    return f"no report to compare ({counted})"


def markdown_table(results: dict) -> str:
    """The issue's table from results.json, with the targets under it."""
    scales = sorted(results.get("scales", {}), key=int)
    entries = [results["scales"][s] for s in scales]
    machine = results.get("machine", {})
    commit = (results.get("code", {}).get("at_start", {}).get("git_commit") or "")[:7]
    lines = [f"Measured {results.get('generated_at', '?')[:10]} on {machine.get('cores', '?')} "
             f"cores / {machine.get('memory_gib', '?')} GiB, commit `{commit or '?'}`; median "
             "wall time and peak memory (process tree, kernel included).", "",
             "| | " + " | ".join(f"{s}×" for s in scales) + " |",
             "|---|" + "---|" * len(scales)]  # fmt: skip
    for label, figure in MARKDOWN_ROWS:
        cells = [_markdown_cell(e["figures"].get(figure, {})) for e in entries]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| same figures as the reference counts | "
                 + " | ".join(_reference_cell(e) for e in entries) + " |")  # fmt: skip
    gens = []
    for e in entries:
        gen = e.get("generation", {})
        gens.append(f"{gen['seconds']:.0f} s{_gib(gen.get('peak_mem_mib'))}, "
                    f"{gen.get('csv_mib', 0) / 1024:.2f} GiB CSV" if gen.get("status") == "ok"
                    else gen.get("status", "—"))  # fmt: skip
    lines.append("| sample ledgers generated (not counted) | " + " | ".join(gens) + " |")
    targets = results.get("targets", [])
    if targets:
        lines += ["", "Targets:", ""]
        for row in targets:
            measured = row["measured"]
            if isinstance(measured, bool) or measured is None:
                shown = ""
            else:
                shown = f": {measured:g} {row['unit']}"
            if measured is None and row.get("predicted") is not None:
                shown = f": ~{row['predicted']:g} {row['unit']} predicted"
            why = f" ({row['why']})" if row.get("why") else ""
            lines.append(f"- {row['target']}{shown} — **{row['verdict']}**{why}")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, text: str) -> None:
    """Replace the table between the README's markers."""
    page = readme.read_text(encoding="utf-8")
    start, end = page.index(README_START) + len(README_START), page.index(README_END)
    readme.write_text(page[:start] + "\n" + text + page[end:], encoding="utf-8")
