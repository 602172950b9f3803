"""Bounded problem lists, duplicate ids naming both lines, and one file per ledger.

A ledger broken on every row lists the first problems of each kind one by one and counts the rest
in one entry; a repeated id names the line of its first occurrence; a data folder with two files
for one ledger (or a misnamed one) stops with the candidates named instead of picking one.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.errors import LedgerError, Problem
from helpers.ledgers import (
    files,
    headers,
    load,
    problems,
    read_arrow,
    read_text,
    read_workbook,
    validate,
)
from helpers.ledgers.files import find_ledger_file
from helpers.ledgers.load import load_ledger, load_ledgers
from test_load import (
    DISPUTES,
    DISPUTES_FILE,
    edit_line,
    get_cell,
    line_of,
    problems_of,
    read_rows,
    set_cell,
    write_rows,
)

CAP = 5  # a small cap keeps the files small; the real one is checked separately
# The loader's modules: each binds the cap and the Problem class it uses by name.
LOADER = (load, files, headers, problems, read_arrow, read_text, read_workbook, validate)


def _patch_loader(monkeypatch, name: str, value: object) -> None:
    for module in LOADER:
        if hasattr(module, name):
            monkeypatch.setattr(module, name, value)


@pytest.fixture
def small_cap(monkeypatch) -> int:
    _patch_loader(monkeypatch, "MAX_PROBLEMS_PER_KIND", CAP)
    return CAP


def error_of(data_dir: Path, name: str = DISPUTES) -> LedgerError:
    with pytest.raises(LedgerError) as caught:
        load_ledger(data_dir, name)
    return caught.value


def set_column(path: Path, column: str, value, rows: list[int] | None = None) -> list[int]:
    """Set `column` on `rows` (all by default) to `value` (or `value(row)`); returns their lines."""
    header, body = read_rows(path)
    position = header.index(column)
    chosen = range(len(body)) if rows is None else rows
    for row in chosen:
        body[row][position] = value(body[row]) if callable(value) else value
    write_rows(path, header, body)
    return [line_of(row) for row in chosen]


def filled_rows(path: Path, column: str) -> list[int]:
    header, body = read_rows(path)
    position = header.index(column)
    return [i for i, row in enumerate(body) if row[position]]


def assert_bounded(problems: list[Problem], column: str | None, lines: list[int], cap: int) -> None:
    """`cap` problems at the first `cap` lines, then one entry counting the rest exactly."""
    listed = [p for p in problems if p.column == column and not p.more]
    summaries = [p for p in problems if p.more]
    assert [p.line for p in listed] == lines[:cap], [str(p) for p in problems]
    assert len(summaries) == 1, [str(p) for p in summaries]
    summary = summaries[0]
    rest = len(lines) - cap
    assert (summary.line, summary.column, summary.value, summary.more) == (
        lines[cap], column, None, rest)  # fmt: skip
    assert f"及另外 {rest} 处同类问题" in summary.expected
    assert f"and {rest} more of the same kind" in summary.expected
    assert len(problems) == cap + 1


# -- at most MAX_PROBLEMS_PER_KIND of each kind ------------------------------------------------


def test_cap_is_two_hundred():
    assert problems.MAX_PROBLEMS_PER_KIND == 200


def test_real_cap_applies_to_a_column_broken_on_every_row(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    lines = set_column(path, "case_type", "劳务争议")
    error = error_of(ledger_dir)
    assert_bounded(error.problems, "case_type", lines, problems.MAX_PROBLEMS_PER_KIND)
    assert error.total == len(lines)


def _received(row: list[str], header: list[str]) -> date:
    return date.fromisoformat(row[header.index("received_date")])


KINDS = {
    "enum": ("case_type", lambda path: set_column(path, "case_type", "劳务争议")),
    "unparsable-date": ("received_date", lambda path: set_column(path, "received_date", "去年")),
    "non-numeric": ("workers", lambda path: set_column(path, "workers", "三人")),
    "negative": ("claim_amount", lambda path: set_column(path, "claim_amount", "-5")),
    "required-empty": ("employer_name", lambda path: set_column(path, "employer_name", "")),
    "paired": ("outcome", lambda path: set_column(
        path, "outcome", "", filled_rows(path, "closed_date"))),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_cell_kind_is_capped_and_counted(ledger_dir, small_cap, kind):
    column, damage = KINDS[kind]
    lines = damage(ledger_dir / DISPUTES_FILE)
    error = error_of(ledger_dir)
    assert_bounded(error.problems, column, lines, small_cap)
    assert error.total == len(lines)


def test_date_order_is_capped_and_counted(ledger_dir, small_cap):
    path = ledger_dir / DISPUTES_FILE
    header, _ = read_rows(path)
    rows = filled_rows(path, "closed_date")
    lines = set_column(path, "closed_date",
                       lambda row: (_received(row, header) - timedelta(days=1)).isoformat(), rows)  # fmt: skip
    assert_bounded(error_of(ledger_dir).problems, "closed_date", lines, small_cap)


def test_duplicates_are_capped_and_counted(ledger_dir, small_cap):
    path = ledger_dir / DISPUTES_FILE
    first_id = get_cell(path, 0, "case_id")
    lines = set_column(path, "case_id", first_id)[1:]  # the first row is the original
    problems = error_of(ledger_dir).problems
    assert_bounded(problems, "case_id", lines, small_cap)
    assert all("与第 2 行相同" in p.expected for p in problems if not p.more)


def test_ragged_rows_are_capped_and_counted(ledger_dir, small_cap):
    path = ledger_dir / DISPUTES_FILE
    _, rows = read_rows(path)
    lines = [edit_line(path, row, lambda text: text + ",多余字段") for row in range(len(rows))]
    assert_bounded(error_of(ledger_dir).problems, None, lines, small_cap)


def test_dangling_meeting_references_are_capped_and_counted(ledger_dir, small_cap):
    lines = set_column(ledger_dir / "meeting_topics.csv", "meeting_id", "JWH1999-99")
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir, ["meetings", "meeting_topics"])
    assert_bounded(caught.value.problems, "meeting_id", lines, small_cap)


def test_each_kind_and_column_has_its_own_cap(ledger_dir, small_cap):
    path = ledger_dir / DISPUTES_FILE
    enum_lines = set_column(path, "case_type", "劳务争议")
    date_lines = set_column(path, "received_date", "去年")
    problems = error_of(ledger_dir).problems
    assert len(problems) == 2 * (small_cap + 1)
    assert sorted(p.more for p in problems if p.more) == [len(enum_lines) - small_cap] * 2
    assert {p.column for p in problems if p.more} == {"case_type", "received_date"}
    assert [p.line for p in problems if p.column == "received_date" and not p.more] == date_lines[:small_cap]  # fmt: skip


def test_a_few_problems_are_not_summarised(ledger_dir, small_cap):
    path = ledger_dir / DISPUTES_FILE
    lines = set_column(path, "case_type", "劳务争议", list(range(small_cap)))
    problems = error_of(ledger_dir).problems
    assert [p.line for p in problems] == lines
    assert not any(p.more for p in problems)


def test_rendered_total_counts_the_summarised_problems(ledger_dir, small_cap):
    path = ledger_dir / DISPUTES_FILE
    lines = set_column(path, "case_type", "劳务争议")
    error = error_of(ledger_dir)
    text = error.render()
    assert f"共 {len(lines)} 个问题" in text
    assert f"及另外 {len(lines) - small_cap} 处同类问题" in text  # within the 30 shown
    assert "未列出" not in text


def test_a_huge_bad_file_builds_only_the_listed_problems(ledger_dir, monkeypatch):
    """Repeated rows: every id repeats. Problems are counted as arrays, not built one by one."""
    path = ledger_dir / DISPUTES_FILE
    header, *body = path.read_bytes().rstrip(b"\n").split(b"\n")
    copies = 40
    path.write_bytes(b"\n".join([header, *body * copies]) + b"\n")
    built = []

    class CountedProblem(Problem):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self)

    _patch_loader(monkeypatch, "Problem", CountedProblem)
    error = error_of(ledger_dir)
    repeats = len(body) * (copies - 1)
    assert error.total == repeats
    assert len(error.problems) == problems.MAX_PROBLEMS_PER_KIND + 1
    assert len(built) == problems.MAX_PROBLEMS_PER_KIND + 1
    # The repeat at line L is the row at line L - len(body) of the first copy, and so on.
    for problem in error.problems[:-1]:
        original = (problem.line - 2) % len(body) + 2
        assert f"与第 {original} 行相同" in problem.expected, str(problem)


# -- a duplicate id names both lines -----------------------------------------------------------


def test_duplicate_names_the_line_of_the_first_occurrence(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    first_id = get_cell(path, 0, "case_id")
    other_id = get_cell(path, 5, "case_id")
    again = set_cell(path, 9, "case_id", first_id)
    third = set_cell(path, 20, "case_id", first_id)
    other = set_cell(path, 30, "case_id", other_id)
    problems = problems_of(ledger_dir)
    assert [(p.line, p.column, p.value) for p in problems] == [
        (again, "case_id", first_id),
        (third, "case_id", first_id),
        (other, "case_id", other_id),
    ]
    assert "编号重复：与第 2 行相同" in problems[0].expected
    assert "duplicate id, same as line 2" in problems[0].expected
    assert "与第 2 行相同" in problems[1].expected  # the first occurrence, not the previous repeat
    assert f"与第 {line_of(5)} 行相同" in problems[2].expected


def test_duplicate_lines_count_blank_lines_and_multiline_cells(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    rows[0][header.index("employer_name")] = "上海某某\n有限公司"  # row 0 spans lines 2-3
    rows[1][header.index("case_id")] = "X-1"  # line 4
    rows[6][header.index("case_id")] = "X-1"  # line 9
    write_rows(path, header, rows)
    problems = problems_of(ledger_dir)
    assert [(p.line, p.value) for p in problems] == [(9, "X-1")]
    assert "与第 4 行相同" in problems[0].expected


def test_empty_ids_are_missing_not_duplicates(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    lines = set_column(path, "case_id", "", [3, 8])
    problems = problems_of(ledger_dir)
    assert [(p.line, p.column) for p in problems] == [(line, "case_id") for line in lines]
    assert all("必填" in p.expected for p in problems)


# -- one ledger, one file ----------------------------------------------------------------------


def stamp(path: Path, when: datetime) -> str:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return when.strftime("%Y-%m-%d %H:%M:%S")


def test_csv_and_newer_xlsx_of_one_ledger_stop_the_load(ledger_dir):
    name = "wage_arrears_leads"
    csv_path = ledger_dir / f"{name}.csv"
    xlsx_path = ledger_dir / f"{name}.xlsx"
    pd.read_csv(csv_path, dtype=str).to_excel(xlsx_path, index=False, engine="openpyxl")
    csv_time = stamp(csv_path, datetime(2024, 1, 5, 9, 0, 0))
    xlsx_time = stamp(xlsx_path, datetime(2024, 3, 1, 10, 30, 0))
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.file == str(csv_path)
    for needle in (csv_path.name, xlsx_path.name, csv_time, xlsx_time,
                   f"{csv_path.stat().st_size / 1024:.1f} KB", "只保留一个", "keep only one"):  # fmt: skip
        assert needle in problem.expected, (needle, str(problem))
    assert problem.value == f"{csv_path.name}, {xlsx_path.name}"
    # build.py still learns which file the ledger would be read from.
    assert find_ledger_file(ledger_dir, name) == csv_path


@pytest.mark.parametrize(
    "variant",
    ["disputes.XLSX", "disputes (1).xlsx", "disputes - 副本.csv", "disputes(1).csv",
     "Disputes.CSV", "disputes - Copy (2).csv", "disputes.xls"],
)  # fmt: skip
def test_a_copy_beside_the_ledger_stops_the_load(ledger_dir, variant):
    path = ledger_dir / DISPUTES_FILE
    shutil.copy(path, ledger_dir / variant)
    (problem,) = error_of(ledger_dir).problems
    assert DISPUTES_FILE in problem.expected and variant in problem.expected, str(problem)
    assert "2 个候选文件" in problem.expected


@pytest.mark.parametrize(
    "other", ["~$disputes.xlsx", "disputes_2020.csv", "disputes.csv.bak", "old disputes.csv"]
)
def test_unrelated_files_are_not_candidates(ledger_dir, sample_ledgers_dir, other):
    shutil.copy(ledger_dir / DISPUTES_FILE, ledger_dir / other)
    frame = load_ledger(ledger_dir, DISPUTES, keep_personal=True)
    assert_frame_equal(
        frame, load_ledger(sample_ledgers_dir, DISPUTES, keep_personal=True), check_exact=True
    )


@pytest.mark.parametrize(
    "near", ["disputes (1).xlsx", "Disputes - 副本.csv", "dispute.csv", "disputes_2021.csv",
             "disputes (1).XLS"],
)  # fmt: skip
def test_missing_ledger_suggests_near_miss_names(ledger_dir, near):
    path = ledger_dir / DISPUTES_FILE
    path.rename(ledger_dir / near)
    problem = error_of(ledger_dir).problems[0]
    assert (problem.file, problem.line, problem.column, problem.value) == (
        str(path),
        None,
        None,
        None,
    )
    assert "缺少台账文件 disputes.csv（或 disputes.xlsx、disputes.xls）" in problem.expected
    assert f"目录中有相近的文件：{near}" in problem.expected, str(problem)
    assert f"similar files in the folder: {near}" in problem.expected, str(problem)


@pytest.mark.parametrize("other_case", ["disputes.CSV", "Disputes.csv"])
def test_the_ledger_file_is_found_in_any_letter_case(ledger_dir, sample_ledgers_dir, other_case):
    (ledger_dir / DISPUTES_FILE).rename(ledger_dir / other_case)
    assert find_ledger_file(ledger_dir, DISPUTES) == ledger_dir / other_case
    frame = load_ledger(ledger_dir, DISPUTES, keep_personal=True)
    assert_frame_equal(
        frame, load_ledger(sample_ledgers_dir, DISPUTES, keep_personal=True), check_exact=True
    )


def test_missing_ledger_does_not_suggest_lock_files(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    path.rename(ledger_dir / "~$disputes.xlsx")
    (problem,) = error_of(ledger_dir).problems
    assert "~$" not in problem.expected
    assert "相近" not in problem.expected


def test_missing_ledger_does_not_suggest_another_ledger(ledger_dir):
    (ledger_dir / "meetings.csv").unlink()
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir, ["meetings"])
    (problem,) = caught.value.problems
    assert "meeting_topics" not in problem.expected
    assert "相近" not in problem.expected
