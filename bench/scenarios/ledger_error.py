"""A ledger error at scale: the same ledgers with one impossible date in the middle of
disputes.csv, timed until `make report` exits naming that file and line; a user's first
question about a bad file is how soon they are told where it is."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.results import as_run
from bench.settings import MIB, YEAR

if TYPE_CHECKING:
    from bench.runner import Bench, Scale


def run(bench: Bench, at: Scale) -> None:
    broken = at.base / "broken"
    line_file = broken / ".broken-line"
    if not line_file.exists():  # made at the first run of the scale, then reused
        shutil.rmtree(broken, ignore_errors=True)
        broken.mkdir(parents=True)
        for source in at.data.iterdir():  # the other ledgers as they are: linked, not copied
            if source.name != "disputes.csv":
                try:
                    os.link(source, broken / source.name)
                except OSError:
                    shutil.copy2(source, broken / source.name)
        line = break_a_date(at.data / "disputes.csv", broken / "disputes.csv")
        line_file.write_text(str(line), encoding="utf-8")
    broken_line = int(line_file.read_text(encoding="utf-8"))
    cmd = [sys.executable, "-m", "helpers", "report", "--year", str(YEAR), "--data-dir",
           str(broken), "--out-dir", str(at.base / "out-broken"), "--params",
           str(at.params)]  # fmt: skip
    outcome = bench.run(cmd)
    named = "disputes.csv" in outcome.stderr and str(broken_line) in outcome.stderr
    if outcome.status == "failed" and outcome.returncode == 2 and named:
        outcome.status, outcome.reason = "ok", ""
    elif outcome.status in ("ok", "failed"):
        outcome.status = "failed"
        outcome.reason = (f"expected exit 2 naming disputes.csv line {broken_line}; got "
                          f"exit {outcome.returncode}: {outcome.stderr.strip()[:300]}")  # fmt: skip
    message = outcome.stderr.strip().splitlines()
    bench.record(at.scale, "ledger_error", as_run(
        outcome, broken_line=broken_line, message=message[:3]))  # fmt: skip


def break_a_date(source: Path, target: Path, chunk: int = 64 * MIB) -> int:
    """A copy of a ledger CSV with the received date of the data row at about the middle of the
    file set to 2021-02-30, streamed (a 100× ledger is gigabytes); returns that row's file line
    (the header is line 1)."""
    middle = source.stat().st_size // 2
    with source.open("rb") as src, target.open("wb") as dst:
        header = src.readline()
        dst.write(header)
        column = header.decode("utf-8").rstrip("\r\n").split(",").index("received_date")
        lines = 1
        while src.tell() < middle:
            block = src.read(min(chunk, middle - src.tell()))
            if not block:
                break
            dst.write(block)
            lines += block.count(b"\n")
        rest = src.readline()  # the end of the row the middle falls in
        dst.write(rest)
        lines += rest.endswith(b"\n")
        row = src.readline()
        ending = row[len(row.rstrip(b"\r\n")) :]
        cells = row[: len(row) - len(ending)].decode("utf-8").split(",")
        cells[column] = "2021-02-30"
        dst.write(",".join(cells).encode("utf-8") + ending)
        shutil.copyfileobj(src, dst, chunk)
    return lines + 1
