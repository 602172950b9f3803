"""`make reports`: several years side by side, one process each, and an index page linking them.

One year's failure does not stop the others; the command exits nonzero and names it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import config


def _run_year(
    year: int, data_dir: Path, out_dir: Path, params_dir: Path
) -> tuple[int, int, str, float]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "helpers", "report", "--year", str(year), "--data-dir",
               str(data_dir), "--out-dir", str(out_dir), "--params", str(params_dir / f"{year}.yaml")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    return (
        year,
        done.returncode,
        (done.stderr or done.stdout).strip(),
        time.perf_counter() - started,
    )


def write_index(out_dir: Path, years: list[int], failed: dict[int, str]) -> Path:
    built = {int(p.name) for p in out_dir.iterdir() if p.is_dir() and p.name.isdigit()}
    rows = []
    for year in sorted(built | set(years)):
        if (out_dir / str(year) / "report.html").exists():
            links = " ".join(
                f'<a href="{year}/{name}">{label}</a>'
                for name, label in (("report.html", "报告 HTML"), ("report.pdf", "报告 PDF"),
                                    ("review.html", "审核版 Review"), ("stats.json", "数据 JSON"))
            )  # fmt: skip
        else:
            links = "尚未生成 / not built"
        status = "失败 / failed" if year in failed else "成功 / ok"
        rows.append(f"<tr><td>{year}</td><td>{links}</td><td>{status}</td></tr>")
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>法治政府建设年度报告</title><style>body{font-family:'Noto Sans CJK SC',sans-serif;"
        "margin:2em}td,th{padding:.4em 1em;border-bottom:1px solid #ccc}</style></head><body>"
        "<h1>法治政府建设年度报告 / Annual reports</h1><table><tr><th>年度</th><th>文件</th>"
        f"<th>状态</th></tr>{''.join(rows)}</table></body></html>\n"
    )
    index = out_dir / "index.html"
    tmp = index.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(index)
    return index


def build_years(years: list[int], data_dir: Path, out_dir: Path, params_dir: Path | None = None,
                jobs: int | None = None) -> int:  # fmt: skip
    params_dir = params_dir or config.PARAMS_DIR
    jobs = jobs or min(len(years), os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed: dict[int, str] = {}
    print(
        f"生成 {len(years)} 个年度，并行 {jobs} 个 / building {len(years)} years, {jobs} at a time"
    )
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_year, y, data_dir, out_dir, params_dir) for y in years]
        for done, future in enumerate(as_completed(futures), start=1):
            year, code, message, seconds = future.result()
            if code:
                failed[year] = message
                print(f"[{done}/{len(years)}] {year} 失败 / failed ({seconds:.1f} s)\n{message}")
            else:
                print(f"[{done}/{len(years)}] {year} 完成 / done ({seconds:.1f} s)")
    index = write_index(out_dir, years, failed)
    print(f"索引页 / index: {index}")
    if failed:
        names = ", ".join(str(y) for y in sorted(failed))
        print(f"以下年度失败 / failed years: {names}", file=sys.stderr)
        return 1
    return 0
