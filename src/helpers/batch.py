"""`make reports`: several years side by side, one process each, and an index page linking them.

One year's failure does not stop the others; the command exits nonzero and names it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import config
from .provenance import shown


def _run_year(
    year: int, data_dir: Path, out_dir: Path, params_dir: Path, bureau: str
) -> tuple[int, int, str, float]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "helpers", "report", "--year", str(year), "--data-dir",
               str(data_dir), "--out-dir", str(out_dir), "--params", str(params_dir / f"{year}.yaml"),
               "--bureau", bureau]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    return (
        year,
        done.returncode,
        (done.stderr or done.stdout).strip(),
        time.perf_counter() - started,
    )


LINKS = (("report.html", "报告 HTML"), ("report.pdf", "报告 PDF"), ("review.html", "审核版 Review"),
         ("stats.json", "数据 JSON"))  # fmt: skip


@dataclass(frozen=True)
class YearRun:
    """One year of a batch: where its inputs came from and how it ended."""

    year: int
    data_dir: Path
    params: Path
    failure: str | None = None


def _recorded_inputs(report_dir: Path) -> tuple[str, str]:
    """Data folder and params file a report found on disk was built from, per its manifest."""
    try:
        parameters = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
        parameters = parameters["parameters"]
        return str(parameters["data_dir"]), str(parameters["params"])
    except (OSError, ValueError, KeyError, TypeError):
        return "—", "—"


def write_index(out_dir: Path, runs: list[YearRun]) -> Path:
    """The years this batch built, each with its data folder and params file; reports of other
    years found in OUT_DIR are listed apart, marked as not built by this run."""
    this_run = {run.year: run for run in runs}
    found = {int(p.name) for p in out_dir.iterdir() if p.is_dir() and p.name.isdigit()}
    rows = []
    for year in sorted(set(this_run) | found):
        run = this_run.get(year)
        has_report = (out_dir / str(year) / "report.html").exists()
        if run is None:
            status = "非本次生成 / not built by this run"
            data_dir, params = _recorded_inputs(out_dir / str(year))
        else:
            status = "失败 / failed" if run.failure else "成功 / ok"
            data_dir, params = shown(run.data_dir), shown(run.params)
        links = Markup(" ").join(
            Markup('<a href="{}/{}">{}</a>').format(year, name, label) for name, label in LINKS
        ) if has_report else Markup("尚未生成 / not built")  # fmt: skip
        if run is not None and run.failure and has_report:
            links += Markup("（上一次成功生成的版本 / the last good report）")
        rows.append(Markup(
            '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td>'
            "<td><code>{}</code></td></tr>"
        ).format("this-run" if run else "other", year, links, status, data_dir, params))  # fmt: skip
    page = Markup(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>法治政府建设年度报告</title><style>body{{font-family:'Noto Sans CJK SC',sans-serif;"
        "margin:2em}}td,th{{padding:.4em 1em;border-bottom:1px solid #ccc}}"
        "tr.other{{color:#777}}</style></head><body>"
        "<h1>法治政府建设年度报告 / Annual reports</h1><table><tr><th>年度</th><th>文件</th>"
        "<th>状态</th><th>台账目录 data</th><th>参数文件 params</th></tr>{}</table></body></html>\n"
    ).format(Markup("").join(rows))
    index = out_dir / "index.html"
    tmp = index.with_suffix(".html.tmp")
    tmp.write_text(str(page), encoding="utf-8")
    tmp.replace(index)
    return index


def build_years(years: list[int], data_dir: Path, out_dir: Path, params_dir: Path | None = None,
                jobs: int | None = None, bureau: str = config.DEFAULT_BUREAU) -> int:  # fmt: skip
    params_dir = params_dir or config.bureau_dir(bureau)
    jobs = jobs or min(len(years), os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed: dict[int, str] = {}
    print(
        f"生成 {len(years)} 个年度，并行 {jobs} 个 / building {len(years)} years, {jobs} at a time"
    )
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_year, y, data_dir, out_dir, params_dir, bureau) for y in years]
        for done, future in enumerate(as_completed(futures), start=1):
            year, code, message, seconds = future.result()
            if code:
                failed[year] = message
                print(f"[{done}/{len(years)}] {year} 失败 / failed ({seconds:.1f} s)\n{message}")
            else:
                print(f"[{done}/{len(years)}] {year} 完成 / done ({seconds:.1f} s)")
    runs = [YearRun(y, data_dir, params_dir / f"{y}.yaml", failed.get(y)) for y in years]
    index = write_index(out_dir, runs)
    print(f"索引页 / index: {index}")
    if failed:
        names = ", ".join(str(y) for y in sorted(failed))
        print(f"以下年度失败 / failed years: {names}", file=sys.stderr)
        return 1
    return 0
