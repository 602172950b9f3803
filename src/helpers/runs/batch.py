"""`make reports`: every kind of report for several years side by side, one process each, and an
index page linking them.

One report's failure does not stop the others; the command exits 2, like any failed build, names
it and shows its reason in the index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup

from helpers import config, progress
from helpers.errors import ReportError
from helpers.provenance import shown
from helpers.runs.outdir import check_out_dir
from helpers.yamlfile import read_mapping


def _title(run: YearRun) -> str:
    return f"{run.year} {config.REPORT_KINDS[run.kind]}"


def _run(run: YearRun, out_dir: Path, bureau: str) -> tuple[YearRun, int, str, float]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "helpers", "report", "--year", str(run.year), "--data-dir",
               str(run.data_dir), "--out-dir", str(out_dir), "--params", str(run.params),
               "--bureau", bureau, "--kind", run.kind]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    return run, done.returncode, (done.stderr or done.stdout).strip(), time.perf_counter() - started


LINKS = (("report.html", "报告 HTML"), ("report.pdf", "报告 PDF"), ("report.docx", "Word"),
         ("review.html", "审核版 Review"), ("evidence.xlsx", "审核底稿"), ("stats.json", "数据 JSON"))  # fmt: skip
NOT_CONFIGURED = (
    "参数文件中没有此报告的一节，未生成 / no section for this report in the params file"
)


@dataclass(frozen=True)
class YearRun:
    """One report of a batch: its year and kind, where its inputs came from, how it ended."""

    year: int
    data_dir: Path
    params: Path
    failure: str | None = None
    kind: str = "rule_of_law"
    skipped: str | None = None

    @property
    def folder(self) -> str:
        return config.report_folder(self.year, self.kind)


def _configured(params: Path, kind: str) -> bool:
    """A kind other than the rule-of-law report is built for a year whose params file has its
    section; an unreadable file is left for the build to report."""
    if kind == "rule_of_law":
        return True
    try:
        return kind in read_mapping(params, "")
    except ReportError:
        return True


def _recorded_inputs(report_dir: Path) -> tuple[str, str]:
    """Data folder and params file a report found on disk was built from, per its manifest."""
    try:
        parameters = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
        parameters = parameters["parameters"]
        return str(parameters["data_dir"]), str(parameters["params"])
    except (OSError, ValueError, KeyError, TypeError):
        return "—", "—"


def _reason(failure: str) -> tuple[str, str]:
    """A failed report's message as the index shows it: its first line (the rest lists details)
    and the whole, without the CLI's "错误 / error:" prefix and with the project's own folder
    left out of paths."""
    text = failure.replace(f"{config.PROJECT_ROOT}/", "").strip().removeprefix("错误 / error:")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else "原因不明 / no message"), "\n".join(lines)


def _found(out_dir: Path) -> dict[str, tuple[int, str]]:
    """Report folders in OUT_DIR, by folder name: (year, kind)."""
    found = {}
    for year_dir in out_dir.iterdir():
        year_text, _, kind = year_dir.name.partition("-")
        kind = kind or "rule_of_law"
        if year_dir.is_dir() and year_text.isdigit() and kind in config.REPORT_KINDS:
            found[year_dir.name] = (int(year_text), kind)
    return found


def write_index(out_dir: Path, runs: list[YearRun]) -> Path:
    """The reports this batch built, each with its kind, data folder and params file; reports
    found in OUT_DIR that this batch did not build are listed too, marked as such."""
    this_run = {run.folder: run for run in runs}
    found = _found(out_dir)
    order = {kind: i for i, kind in enumerate(config.REPORT_KINDS)}
    keys = {**found, **{run.folder: (run.year, run.kind) for run in runs}}
    rows = []
    for folder, (year, kind) in sorted(
        keys.items(), key=lambda item: (item[1][0], order[item[1][1]])
    ):
        run = this_run.get(folder)
        has_report = (out_dir / folder / "report.html").exists()
        if run is None:
            status = "非本次生成 / not built by this run"
            data_dir, params = _recorded_inputs(out_dir / folder)
        elif run.failure:
            first, whole = _reason(run.failure)
            status = Markup('失败 / failed：<span class="reason" title="{}">{}</span>').format(
                whole, first
            )
            data_dir, params = shown(run.data_dir), shown(run.params)
        else:
            status = "未配置 / not configured" if run.skipped else "成功 / ok"
            data_dir, params = shown(run.data_dir), shown(run.params)
        links = Markup(" ").join(
            Markup('<a href="{}/{}">{}</a>').format(folder, name, label)
            for name, label in LINKS if (out_dir / folder / name).exists()
        ) if has_report else Markup("尚未生成 / not built")  # fmt: skip
        if run is not None and run.failure and has_report:
            links += Markup("（上一次成功生成的版本 / the last good report）")
        rows.append(Markup(
            '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td>'
            "<td><code>{}</code></td></tr>"
        ).format("this-run" if run else "other", year, config.REPORT_KINDS[kind], links, status,
                 data_dir, params))  # fmt: skip
    page = Markup(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>年度报告 / Annual reports</title><style>body{{font-family:'Noto Sans CJK SC',"
        "sans-serif;margin:2em}}td,th{{padding:.4em 1em;border-bottom:1px solid #ccc}}"
        "tr.other{{color:#777}}</style></head><body>"
        "<h1>年度报告 / Annual reports</h1><table><tr><th>年度</th><th>报告</th><th>文件</th>"
        "<th>状态</th><th>台账目录 data</th><th>参数文件 params</th></tr>{}</table></body></html>\n"
    ).format(Markup("").join(rows))
    index = out_dir / "index.html"
    tmp = index.with_suffix(".html.tmp")
    tmp.write_text(str(page), encoding="utf-8")
    tmp.replace(index)
    return index


def build_years(years: list[int], data_dir: Path, out_dir: Path, params_dir: Path | None = None,
                jobs: int | None = None, bureau: str = config.DEFAULT_BUREAU,
                kinds: tuple[str, ...] = tuple(config.REPORT_KINDS)) -> int:  # fmt: skip
    """Every kind of report for every year asked; a kind whose section a year's params file
    lacks is listed as not configured rather than failed."""
    params_dir = params_dir or config.bureau_dir(bureau)
    planned = [YearRun(y, data_dir, params_dir / f"{y}.yaml", kind=k) for y in years for k in kinds]
    runs = [r if _configured(r.params, r.kind) else replace(r, skipped=NOT_CONFIGURED)
            for r in planned]  # fmt: skip
    todo = [r for r in runs if not r.skipped]
    jobs = jobs or min(len(todo), os.cpu_count() or 1) or 1
    check_out_dir(out_dir)
    print(
        f"生成 {len(todo)} 份报告，并行 {jobs} 个 / building {len(todo)} reports, {jobs} at a time"
    )
    for run in runs:
        if run.skipped:
            print(f"{run.year} {config.REPORT_KINDS[run.kind]}：{run.skipped}")
    finished: dict[str, YearRun] = {}
    with (
        progress.batch(len(todo), "生成报告 reports") as counter,
        ThreadPoolExecutor(max_workers=jobs) as pool,
    ):

        def tracked(run: YearRun) -> tuple[YearRun, int, str, float]:
            counter.started(_title(run))
            return _run(run, out_dir, bureau)

        futures = [pool.submit(tracked, run) for run in todo]
        for done, future in enumerate(as_completed(futures), start=1):
            run, code, message, seconds = future.result()
            counter.finished(_title(run))
            label = f"[{done}/{len(todo)}] {_title(run)}"
            if code:
                finished[run.folder] = replace(run, failure=message)
                progress.echo(f"{label} 失败 / failed ({seconds:.1f} s)\n{message}")
            else:
                finished[run.folder] = run
                progress.echo(f"{label} 完成 / done ({seconds:.1f} s)")
    runs = [finished.get(run.folder, run) for run in runs]
    index = write_index(out_dir, runs)
    print(f"索引页 / index: {index}")
    failed = [run for run in runs if run.failure]
    if failed:
        names = ", ".join(f"{run.year} {config.REPORT_KINDS[run.kind]}" for run in failed)
        print(f"以下报告失败 / failed: {names}", file=sys.stderr)
        return 2
    return 0
