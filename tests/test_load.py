"""Ledger loading: every bad input stops with one clear message that lists every problem at once,
and every accepted encoding, line ending and file format gives identical frames.

Line numbers are file lines: the header is line 1, so data row i (0-based) is on line i + 2.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.errors import LedgerError, Problem
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import load_ledger, load_ledgers

DISPUTES = "disputes"
DISPUTES_FILE = "disputes.csv"


# -- helpers -----------------------------------------------------------------------------------


def line_of(row: int) -> int:
    """File line of 0-based data row `row` in a file without blank or multi-line records."""
    return row + 2


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])


def set_cell(path: Path, row: int, column: str, value: str) -> int:
    """Overwrite one cell and return the file line it is on."""
    header, rows = read_rows(path)
    rows[row][header.index(column)] = value
    write_rows(path, header, rows)
    return line_of(row)


def get_cell(path: Path, row: int, column: str) -> str:
    header, rows = read_rows(path)
    return rows[row][header.index(column)]


def first_row(path: Path, column: str, *, start: int = 0) -> int:
    """Index of the first data row at or after `start` whose `column` is filled in."""
    header, rows = read_rows(path)
    position = header.index(column)
    return next(i for i in range(start, len(rows)) if rows[i][position])


def edit_line(path: Path, row: int, edit) -> int:
    """Apply `edit` to the raw text of data row `row` (LF file); return its file line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[row + 1] = edit(lines[row + 1])
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    return line_of(row)


def problems_of(data_dir: Path, name: str = DISPUTES) -> list[Problem]:
    with pytest.raises(LedgerError) as caught:
        load_ledger(data_dir, name)
    return caught.value.problems


def only_problem(data_dir: Path, name: str = DISPUTES) -> Problem:
    problems = problems_of(data_dir, name)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def assert_problem(
    problem: Problem,
    path: Path,
    line: int | None,
    column: str | None,
    value: str | None,
    *keywords: str,
) -> None:
    """The problem names the file, line, column and bad value, and says what was expected."""
    assert Path(problem.file).name == path.name
    assert problem.file == str(path)
    assert problem.line == line, str(problem)
    assert problem.column == column, str(problem)
    assert problem.value == value, str(problem)
    for keyword in keywords:
        assert keyword in problem.expected, (keyword, str(problem))


def located(problems: list[Problem]) -> set[tuple[str, int | None, str | None, str | None]]:
    return {(Path(p.file).name, p.line, p.column, p.value) for p in problems}


@pytest.fixture(scope="module")
def reference_ledgers(sample_ledgers_dir) -> dict[str, pd.DataFrame]:
    """Frames of the untouched UTF-8 LF sample, personal columns kept."""
    return load_ledgers(sample_ledgers_dir, keep_personal=True).frames


# -- the fixture itself ------------------------------------------------------------------------


def test_trimmed_sample_ledgers_are_valid(ledger_dir):
    ledgers = load_ledgers(ledger_dir)
    assert set(ledgers.frames) == set(LEDGERS)
    assert len(ledgers[DISPUTES]) == 300
    assert len(ledgers["wage_arrears_leads"]) == 300


# -- one bad input at a time -------------------------------------------------------------------


def test_missing_ledger_file(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    path.unlink()
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, None, None, None, "缺少", DISPUTES_FILE)


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n\r\n"],
    ids=["zero-bytes", "blank-lines", "bom-only", "whitespace-crlf"],
)
def test_empty_file(ledger_dir, content):
    path = ledger_dir / DISPUTES_FILE
    path.write_bytes(content)
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, None, None, None, "为空")


def test_missing_column(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    drop = header.index("dispute_type")
    write_rows(
        path,
        [c for i, c in enumerate(header) if i != drop],
        [[c for i, c in enumerate(row) if i != drop] for row in rows],
    )
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, 1, "dispute_type", None, "缺少", "dispute_type")


def test_misspelt_column(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    header[header.index("dispute_type")] = "disptue_type"
    write_rows(path, header, rows)
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, 1, "disptue_type", "disptue_type", "拼写", "dispute_type")


def test_unknown_extra_column(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    write_rows(path, [*header, "remarks"], [[*row, "备注"] for row in rows])
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, 1, "remarks", "remarks", "未知")


@pytest.mark.parametrize("bad", ["2021-13-45", "2021/02/30", "2021-02-30", "去年三月", "45291"])
def test_unparsable_date(ledger_dir, bad):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 4, "received_date", bad)
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, line, "received_date", bad, "日期")


def test_empty_required_date(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 4, "received_date", "")
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, line, "received_date", "", "必填")


def test_value_outside_allowed_set(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 7, "case_type", "劳务争议")
    problem = only_problem(ledger_dir)
    assert_problem(
        problem, path, line, "case_type", "劳务争议", "应为以下之一", "劳动争议", "人事争议"
    )


def test_duplicate_case_id(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    first_id = get_cell(path, 0, "case_id")
    line = set_cell(path, 9, "case_id", first_id)
    problem = only_problem(ledger_dir)
    # The first occurrence is the original; the later row is the duplicate.
    assert_problem(problem, path, line, "case_id", first_id, "重复")


def test_truncated_last_row(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    text = path.read_text(encoding="utf-8")
    body, last = text.rstrip("\n").rsplit("\n", 1)
    # The export stopped half-way through the last record: no closing newline either.
    path.write_text(f"{body}\n{last[: len(last) // 2]}", encoding="utf-8", newline="")
    _, rows = read_rows(path)
    problem = only_problem(ledger_dir)
    assert problem.file == str(path)
    assert problem.line == line_of(len(rows) - 1)
    assert "截断" in problem.expected or "末行不完整" in problem.expected, str(problem)


def test_truncated_last_row_names_column_and_value(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    text = path.read_text(encoding="utf-8")
    body, last = text.rstrip("\n").rsplit("\n", 1)
    cut = last[: len(last) // 2]
    path.write_text(f"{body}\n{cut}", encoding="utf-8", newline="")
    header, _ = read_rows(path)
    present = cut.split(",")
    problem = only_problem(ledger_dir)
    # The cut-off field or the first missing one, and what is left of the record.
    assert problem.column in header[len(present) - 1 :]
    assert problem.value is not None


def test_closing_date_before_receiving_date(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    row = first_row(path, "closed_date", start=10)
    received = date.fromisoformat(get_cell(path, row, "received_date"))
    bad = (received - timedelta(days=1)).isoformat()
    line = set_cell(path, row, "closed_date", bad)
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, line, "closed_date", bad, "不能早于", "received_date")


@pytest.mark.parametrize(("column", "bad"), [("workers", "-3"), ("claim_amount", "-1500")])
def test_negative_count(ledger_dir, column, bad):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 12, column, bad)
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, line, column, bad, "负数")


@pytest.mark.parametrize("bad", ["三", "abc", "1.5", "2人"])
def test_non_numeric_count(ledger_dir, bad):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 12, "workers", bad)
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, line, "workers", bad, "整数")


def test_ragged_row_in_the_middle(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    line = edit_line(path, 20, lambda text: text + ",多余字段")
    problem = only_problem(ledger_dir)
    assert problem.file == str(path)
    assert problem.line == line
    assert "字段数为 15" in problem.expected and "14" in problem.expected, str(problem)


def test_unbalanced_quote(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 20, "employer_name", "PLACEHOLDER")
    edit_line(path, 20, lambda text: text.replace("PLACEHOLDER", '"上海某某有限公司'))
    problem = only_problem(ledger_dir)
    assert problem.file == str(path)
    assert problem.line == line
    assert "引号" in problem.expected, str(problem)


def test_nul_byte(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    line = edit_line(path, 20, lambda text: text[:5] + "\x00" + text[5:])
    problem = only_problem(ledger_dir)
    assert problem.file == str(path)
    assert problem.line == line
    assert "空字符" in problem.expected, str(problem)


def test_line_numbers_count_blank_lines_and_multiline_cells(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    rows[2][header.index("employer_name")] = "上海某某\n有限公司"  # quoted, spans two lines
    rows[5][header.index("case_type")] = "劳务争议"
    write_rows(path, header, rows)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(4, "")  # a blank line before data row 2
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    problem = only_problem(ledger_dir)
    # header 1, rows 0-1 on 2-3, blank 4, row 2 on 5-6, rows 3-4 on 7-8, row 5 on 9
    assert_problem(problem, path, 9, "case_type", "劳务争议", "应为以下之一")


# -- every problem at once ---------------------------------------------------------------------


def test_every_problem_in_one_file_is_listed_at_once(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    first_id = get_cell(path, 0, "case_id")
    closed_row = first_row(path, "closed_date", start=12)
    received = date.fromisoformat(get_cell(path, closed_row, "received_date"))
    too_early = (received - timedelta(days=30)).isoformat()
    expected = {
        (DISPUTES_FILE, set_cell(path, 3, "case_type", "劳务争议"), "case_type", "劳务争议"),
        (DISPUTES_FILE, set_cell(path, 6, "case_id", first_id), "case_id", first_id),
        (DISPUTES_FILE, set_cell(path, 9, "workers", "-2"), "workers", "-2"),
        (
            DISPUTES_FILE,
            set_cell(path, closed_row, "closed_date", too_early),
            "closed_date",
            too_early,
        ),
    }
    problems = problems_of(ledger_dir)
    assert len(problems) == len(expected), [str(p) for p in problems]
    assert located(problems) == expected


def test_three_mutations_in_one_file_give_three_problems(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    expected = {
        (DISPUTES_FILE, set_cell(path, 3, "received_date", "2021-13-45"), "received_date", "2021-13-45"),
        (DISPUTES_FILE, set_cell(path, 5, "case_type", "x"), "case_type", "x"),
        (DISPUTES_FILE, set_cell(path, 8, "workers", "-1"), "workers", "-1"),
    }  # fmt: skip
    problems = problems_of(ledger_dir)
    assert located(problems) == expected
    assert len(problems) == 3


def test_unparsable_cell_does_not_hide_other_problems_in_its_column(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    closed_row = first_row(path, "closed_date", start=12)
    received = date.fromisoformat(get_cell(path, closed_row, "received_date"))
    too_early = (received - timedelta(days=1)).isoformat()
    expected = {
        (DISPUTES_FILE, set_cell(path, 2, "received_date", "2021-13-45"), "received_date", "2021-13-45"),
        (DISPUTES_FILE, set_cell(path, 5, "workers", "abc"), "workers", "abc"),
        (DISPUTES_FILE, set_cell(path, 8, "workers", "-4"), "workers", "-4"),
        (DISPUTES_FILE, set_cell(path, closed_row, "closed_date", too_early), "closed_date", too_early),
    }  # fmt: skip
    assert located(problems_of(ledger_dir)) == expected


def test_row_shape_problems_do_not_hide_value_problems(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    enum_line = set_cell(path, 3, "case_type", "劳务争议")
    ragged_line = edit_line(path, 20, lambda text: text + ",多余字段")
    text = path.read_text(encoding="utf-8")
    body, last = text.rstrip("\n").rsplit("\n", 1)
    path.write_text(f"{body}\n{last[: len(last) // 2]}", encoding="utf-8", newline="")
    _, rows = read_rows(path)
    problems = problems_of(ledger_dir)
    assert {p.line for p in problems} == {enum_line, ragged_line, line_of(len(rows) - 1)}
    assert len(problems) == 3


def test_problems_in_different_files_are_reported_together(ledger_dir):
    disputes = ledger_dir / DISPUTES_FILE
    meetings = ledger_dir / "meetings.csv"
    suggestions = ledger_dir / "suggestions.csv"
    dispute_line = set_cell(disputes, 0, "case_type", "劳务争议")
    meeting_line = set_cell(meetings, 5, "meeting_date", "2021/02/30")
    suggestions.unlink()
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir)
    problems = caught.value.problems
    assert located(problems) == {
        (DISPUTES_FILE, dispute_line, "case_type", "劳务争议"),
        ("meetings.csv", meeting_line, "meeting_date", "2021/02/30"),
        ("suggestions.csv", None, None, None),
    }
    assert {p.file for p in problems} == {str(disputes), str(meetings), str(suggestions)}


def test_a_meetings_ledger_without_rows_is_said_once_not_per_topic(ledger_dir):
    meetings = ledger_dir / "meetings.csv"
    header, _ = read_rows(meetings)
    write_rows(meetings, header, [])
    topics = len(read_rows(ledger_dir / "meeting_topics.csv")[1])
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir, ["meetings", "meeting_topics"])
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file == str(meetings)
    assert "没有数据行" in problems[0].expected and f"{topics} 条议题" in problems[0].expected
    assert "会议台账中没有该会议编号" not in str(caught.value)


# -- accepted inputs give identical frames -----------------------------------------------------

VARIANTS = {
    "utf8-bom-lf": ("utf-8-sig", "\n"),
    "utf8-crlf": ("utf-8", "\r\n"),
    "utf8-bom-crlf": ("utf-8-sig", "\r\n"),
    "gb18030-lf": ("gb18030", "\n"),
    "gb18030-crlf": ("gb18030", "\r\n"),
    "gbk-crlf": ("gbk", "\r\n"),
}


def rewrite(path: Path, encoding: str, newline: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", newline).encode(encoding))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_encodings_and_line_ends_load_identical_frames(ledger_dir, reference_ledgers, variant):
    encoding, newline = VARIANTS[variant]
    for name in LEDGERS:
        rewrite(ledger_dir / f"{name}.csv", encoding, newline)
    frames = load_ledgers(ledger_dir, keep_personal=True).frames
    assert list(frames) == list(reference_ledgers)
    for name, frame in frames.items():
        assert_frame_equal(frame, reference_ledgers[name], check_exact=True, obj=name)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_problem_lines_are_the_same_in_every_encoding(ledger_dir, variant):
    path = ledger_dir / DISPUTES_FILE
    line = set_cell(path, 40, "case_type", "劳务争议")
    rewrite(path, *VARIANTS[variant])
    problem = only_problem(ledger_dir)
    assert_problem(problem, path, line, "case_type", "劳务争议", "应为以下之一")


def _typed_csv(path: Path, name: str) -> pd.DataFrame:
    """The ledger with real numbers and dates, as a workbook typed by hand would hold them."""
    spec = LEDGERS[name]
    as_text = [c.name for c in spec.columns if c.kind in ("id", "text", "enum", "flag")]
    return pd.read_csv(path, dtype=dict.fromkeys(as_text, str), parse_dates=spec.date_columns)


def _text_csv(path: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("cells", ["text", "typed"])
@pytest.mark.parametrize(
    "name", ["disputes", "wage_arrears_leads", "litigation_cases", "normative_documents"]
)
def test_xlsx_loads_identical_frame(ledger_dir, reference_ledgers, name, cells):
    path = ledger_dir / f"{name}.csv"
    source = _typed_csv(path, name) if cells == "typed" else _text_csv(path, name)
    source.to_excel(ledger_dir / f"{name}.xlsx", index=False, engine="openpyxl")
    path.unlink()
    frame = load_ledger(ledger_dir, name, keep_personal=True)
    assert_frame_equal(frame, reference_ledgers[name], check_exact=True)


def test_xlsx_problem_names_the_workbook_row(ledger_dir):
    path = ledger_dir / DISPUTES_FILE
    frame = _text_csv(path, DISPUTES)
    frame.loc[5, "case_type"] = "劳务争议"
    workbook = ledger_dir / "disputes.xlsx"
    frame.to_excel(workbook, index=False, engine="openpyxl")
    path.unlink()
    problem = only_problem(ledger_dir)
    assert_problem(problem, workbook, line_of(5), "case_type", "劳务争议", "应为以下之一")


@pytest.mark.parametrize("form", ["{y}/{m}/{d}", "{y}.{m}.{d}", "{y}-{m}-{d}", "{y}/{m:02}/{d:02}"])
def test_other_date_spellings_are_accepted(ledger_dir, reference_ledgers, form):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    for column in ("received_date", "closed_date"):
        position = header.index(column)
        for row in rows[:50]:
            if row[position]:
                day = date.fromisoformat(row[position])
                row[position] = form.format(y=day.year, m=day.month, d=day.day)
    write_rows(path, header, rows)
    frame = load_ledger(ledger_dir, DISPUTES, keep_personal=True)
    assert_frame_equal(frame, reference_ledgers[DISPUTES], check_exact=True)


def test_personal_columns_dropped_by_default_and_kept_on_request(sample_ledgers_dir):
    default = load_ledgers(sample_ledgers_dir).frames
    kept = load_ledgers(sample_ledgers_dir, keep_personal=True).frames
    assert any(spec.personal_columns for spec in LEDGERS.values())
    for name, spec in LEDGERS.items():
        assert list(kept[name].columns) == spec.column_names, name
        assert not set(spec.personal_columns) & set(default[name].columns), name
        assert list(default[name].columns) == [
            c for c in spec.column_names if c not in spec.personal_columns
        ], name


# -- command line ------------------------------------------------------------------------------


def run_validate(data_dir: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "validate", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    return result, time.perf_counter() - started


def report_time(capsys, label: str, seconds: float) -> None:
    with capsys.disabled():
        print(f"\n[timing] {label}: {seconds:.2f} s")


def test_cli_validate_accepts_valid_ledgers(ledger_dir, capsys):
    result, seconds = run_validate(ledger_dir)
    report_time(capsys, "validate, valid ledgers", seconds)
    assert result.returncode == 0, result.stderr
    assert "台账校验通过" in result.stdout
    assert result.stderr == ""


def test_cli_validate_bad_input_one_message_no_traceback(ledger_dir, capsys):
    disputes = ledger_dir / DISPUTES_FILE
    bad_line = set_cell(disputes, 4, "received_date", "2021-13-45")
    enum_line = set_cell(disputes, 7, "case_type", "劳务争议")
    meeting_line = set_cell(ledger_dir / "meetings.csv", 2, "meeting_type", "茶话会")
    result, seconds = run_validate(ledger_dir)
    report_time(capsys, "validate, bad ledgers", seconds)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.count("台账校验失败") == 1
    assert "共 3 个问题" in result.stderr
    for needle in (
        DISPUTES_FILE,
        f"第 {bad_line} 行",
        "received_date",
        "2021-13-45",
        f"第 {enum_line} 行",
        "case_type",
        "劳务争议",
        "meetings.csv",
        f"第 {meeting_line} 行",
        "meeting_type",
        "茶话会",
    ):
        assert needle in result.stderr, needle


def test_cli_validate_many_problems_is_capped_and_quick(ledger_dir, capsys):
    path = ledger_dir / DISPUTES_FILE
    header, rows = read_rows(path)
    position = header.index("case_type")
    for row in rows:
        row[position] = "劳务争议"
    write_rows(path, header, rows)
    result, seconds = run_validate(ledger_dir)
    report_time(capsys, f"validate, {len(rows)} bad rows", seconds)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"共 {len(rows)} 个问题" in result.stderr
    assert f"另有 {len(rows) - LedgerError.MAX_SHOWN_PER_FILE} 个问题未列出" in result.stderr


def test_cli_validate_missing_data_dir(tmp_path):
    result, _ = run_validate(tmp_path / "no-such-dir")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "不存在" in result.stderr
