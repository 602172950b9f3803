"""Ledgers as Chinese case systems and Excel really export them.

Every form is made here from the trimmed sample ledgers (no binary is committed): Chinese or
aliased headers in any order, title rows above the header (in CSV, and merged in a workbook),
an instructions sheet before the data, UTF-16 "Unicode text", .XLSX and .xls files, full-width
digits, 2021年3月5日 dates, date-times, thousands separators, blank rows. Each loads to the values
of the plain CSV (the index is the file line, so a title row shifts it), or stops with a Chinese
message naming the file, sheet, line, column and value.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.errors import LedgerError, Problem
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import load_ledger, load_ledgers
from test_load import DISPUTES, DISPUTES_FILE, read_rows, write_rows

LEADS = "wage_arrears_leads"
SPEC = LEDGERS[DISPUTES]
TITLE = "浦东新区劳动人事争议案件台账"


@pytest.fixture(scope="module")
def reference(sample_ledgers_dir) -> dict[str, pd.DataFrame]:
    """Frames of the untouched UTF-8 sample, personal columns kept."""
    return load_ledgers(sample_ledgers_dir, keep_personal=True).frames


def same_values(frame: pd.DataFrame, expected: pd.DataFrame, offset: int = 0) -> None:
    """Identical columns, dtypes and values; the index (file lines) shifted by `offset` lines
    put above the header."""
    assert_frame_equal(
        frame.reset_index(drop=True), expected.reset_index(drop=True), check_exact=True
    )
    assert list(frame.index) == [line + offset for line in expected.index]


def load(data_dir: Path, name: str = DISPUTES, **options) -> pd.DataFrame:
    return load_ledger(data_dir, name, keep_personal=True, **options)


def problems_of(data_dir: Path, name: str = DISPUTES, **options) -> list[Problem]:
    with pytest.raises(LedgerError) as caught:
        load(data_dir, name, **options)
    return caught.value.problems


def only_problem(data_dir: Path, name: str = DISPUTES, **options) -> Problem:
    problems = problems_of(data_dir, name, **options)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def rows_of(data_dir: Path, name: str = DISPUTES) -> tuple[list[str], list[list[str]]]:
    return read_rows(data_dir / f"{name}.csv")


def edit_column(rows: list[list[str]], header: list[str], column: str, edit) -> None:
    position = header.index(column)
    for row in rows:
        if row[position]:
            row[position] = edit(row[position])


def csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


def typed_frame(data_dir: Path, name: str = DISPUTES) -> pd.DataFrame:
    """The ledger with real numbers and dates, as cells of a workbook typed by hand hold them."""
    spec = LEDGERS[name]
    as_text = [c.name for c in spec.columns if c.kind in ("id", "text", "enum", "flag")]
    return pd.read_csv(data_dir / f"{name}.csv", dtype=dict.fromkeys(as_text, str),
                       parse_dates=spec.date_columns)  # fmt: skip


def write_workbook(path: Path, sheets: dict[str, list[list]], merge_title: bool = False) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([None if isinstance(v, float) and pd.isna(v) else v for v in row])
        if merge_title:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[1]))
    workbook.save(path)


def frame_rows(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns), *frame.astype(object).itertuples(index=False, name=None)]


def xlsx_line(problem: Problem) -> int:
    assert problem.line is not None, str(problem)
    return problem.line


# -- headers -----------------------------------------------------------------------------------


def test_chinese_labels_as_headers_load_every_ledger(ledger_dir, reference):
    for name, spec in LEDGERS.items():
        header, rows = rows_of(ledger_dir, name)
        labels = {c.name: c.zh for c in spec.columns}
        write_rows(ledger_dir / f"{name}.csv", [labels[c] for c in header], rows)
    frames = load_ledgers(ledger_dir, keep_personal=True).frames
    for name, frame in frames.items():
        assert_frame_equal(frame, reference[name], check_exact=True, obj=name)


def test_shuffled_columns_load_in_contract_order(ledger_dir, reference):
    for name in LEDGERS:
        header, rows = rows_of(ledger_dir, name)
        order = list(range(len(header)))
        random.Random(name).shuffle(order)
        write_rows(ledger_dir / f"{name}.csv", [header[i] for i in order],
                   [[row[i] for i in order] for row in rows])  # fmt: skip
    frames = load_ledgers(ledger_dir, keep_personal=True).frames
    for name, frame in frames.items():
        assert_frame_equal(frame, reference[name], check_exact=True, obj=name)


def test_headers_ignore_blanks_width_and_ascii_case(ledger_dir, reference):
    header, rows = rows_of(ledger_dir)
    spelt = {
        "case_id": " CASE_ID ",  # blanks and capitals
        "body_type": "ｂｏｄｙ＿ｔｙｐｅ",  # full-width letters
        "claim_amount": "请求金额(元)",  # half-width brackets for the label's full-width ones
        "closed_date": "结案日期",  # the label without its bracketed note
        "outcome": "\u3000处理结果",  # an ideographic space
    }
    write_rows(ledger_dir / DISPUTES_FILE, [spelt.get(c, c) for c in header], rows)
    same_values(load(ledger_dir), reference[DISPUTES])


def test_blanks_inside_chinese_headers_do_not_matter(ledger_dir, reference):
    name = "disclosure_requests"
    header, rows = rows_of(ledger_dir, name)
    labels = {c.name: c.zh for c in LEDGERS[name].columns}
    assert " " in labels["fee_charged"]  # the contract writes 未收取填 0
    written = {"fee_charged": labels["fee_charged"].replace(" ", ""),  # an export: 未收取填0
               "received_date": " ".join(labels["received_date"])}  # fmt: skip
    write_rows(ledger_dir / f"{name}.csv", [written.get(c, labels[c]) for c in header], rows)
    same_values(load(ledger_dir, name), reference[name])


def test_aliases_map_a_bureau_s_own_headers(ledger_dir, reference):
    header, rows = rows_of(ledger_dir)
    own = {"received_date": "收案日期", "body_name": "受理机构"}
    write_rows(ledger_dir / DISPUTES_FILE, [own.get(c, c) for c in header], rows)
    aliases = {DISPUTES: {"收案日期": "received_date", "受理机构": "body_name"}}
    frames = load_ledgers(ledger_dir, [DISPUTES], keep_personal=True, aliases=aliases).frames
    same_values(frames[DISPUTES], reference[DISPUTES])


def test_an_alias_to_an_unknown_column_is_reported(ledger_dir):
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir, [DISPUTES], aliases={DISPUTES: {"收案日期": "recieved_date"}})
    (problem,) = caught.value.problems
    assert problem.value == "收案日期"
    assert "recieved_date" in problem.expected and "received_date" in problem.expected


def test_unknown_header_names_the_closest_column_and_lists_both_languages(ledger_dir):
    header, rows = rows_of(ledger_dir)
    write_rows(ledger_dir / DISPUTES_FILE, [*header, "受理日起"], [[*row, ""] for row in rows])
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column, problem.value) == (1, "受理日起", "受理日起")
    assert "未知的列" in problem.expected
    assert "最接近的是 received_date（受理日期）" in problem.expected, str(problem)
    for column in SPEC.columns:
        assert f"{column.name}（{column.zh}）" in problem.expected


def test_misspelt_chinese_header_is_one_problem(ledger_dir):
    header, rows = rows_of(ledger_dir)
    header[header.index("received_date")] = "受理日起"
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column, problem.value) == (1, "受理日起", "受理日起")
    assert "拼写" in problem.expected and "received_date" in problem.expected


def test_a_column_given_twice_is_reported(ledger_dir):
    header, rows = rows_of(ledger_dir)
    write_rows(ledger_dir / DISPUTES_FILE, [*header, "案件编号"], [[*row, row[0]] for row in rows])
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column) == (1, "案件编号")
    assert "列重复" in problem.expected and "case_id" in problem.expected


def test_problems_show_the_header_as_written(ledger_dir):
    header, rows = rows_of(ledger_dir)
    labels = {c.name: c.zh for c in SPEC.columns}
    rows[4][header.index("case_type")] = "劳务争议"
    write_rows(ledger_dir / DISPUTES_FILE, [labels[c] for c in header], rows)
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column, problem.heading) == (6, "case_type", "案件类别")
    assert "列 case_type（表头 “案件类别”）" in str(problem)


# -- title rows, sheets, file formats ----------------------------------------------------------


def test_title_row_above_the_csv_header_is_skipped(ledger_dir, reference):
    header, rows = rows_of(ledger_dir)
    title = [TITLE, "", "", "", ""]
    path = ledger_dir / DISPUTES_FILE
    path.write_text(csv_text([title, ["", ""], header, *rows]), encoding="utf-8")
    same_values(load(ledger_dir), reference[DISPUTES], offset=2)
    rows[9][header.index("case_type")] = "劳务争议"
    path.write_text(csv_text([title, ["", ""], header, *rows]), encoding="utf-8")
    problem = only_problem(ledger_dir)
    # title on line 1, a blank line 2, the header on line 3: data row 9 is on line 13
    assert (problem.line, problem.column, problem.value) == (13, "case_type", "劳务争议")


def test_a_missing_column_is_reported_on_the_header_line(ledger_dir):
    header, rows = rows_of(ledger_dir)
    drop = header.index("outcome")
    cut = [[c for i, c in enumerate(row) if i != drop] for row in [header, *rows]]
    (ledger_dir / DISPUTES_FILE).write_text(csv_text([[TITLE], *cut]), encoding="utf-8")
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column) == (2, "outcome")
    assert "缺少必需的列" in problem.expected


def test_merged_title_row_in_a_workbook_is_skipped(ledger_dir, reference):
    frame = typed_frame(ledger_dir)
    frame.loc[9, "case_type"] = "劳务争议"
    labels = [c.zh for c in SPEC.columns]
    path = ledger_dir / "disputes.xlsx"
    write_workbook(path, {"Sheet1": [[TITLE], labels, *frame_rows(frame)[1:]]}, merge_title=True)
    (ledger_dir / DISPUTES_FILE).unlink()
    problem = only_problem(ledger_dir)
    assert (problem.file, problem.sheet) == (str(path), "Sheet1")
    assert (xlsx_line(problem), problem.column, problem.value) == (12, "case_type", "劳务争议")
    assert f"{path}（工作表 Sheet1）, 第 12 行" in str(problem)
    frame.loc[9, "case_type"] = reference[DISPUTES]["case_type"].iloc[9]
    write_workbook(path, {"Sheet1": [[TITLE], labels, *frame_rows(frame)[1:]]}, merge_title=True)
    same_values(load(ledger_dir), reference[DISPUTES], offset=1)


def test_the_data_sheet_is_found_after_an_instructions_sheet(ledger_dir, reference):
    frame = typed_frame(ledger_dir)
    frame.loc[3, "workers"] = -2
    path = ledger_dir / "disputes.xlsx"
    instructions = [["填表说明"], ["1. 日期请填写为 2021-03-05"], ["2. 金额以元为单位"]]
    write_workbook(path, {"填表说明": instructions, "数据": frame_rows(frame)})
    (ledger_dir / DISPUTES_FILE).unlink()
    problem = only_problem(ledger_dir)
    assert (problem.sheet, problem.line, problem.column, problem.value) == (
        "数据",
        5,
        "workers",
        "-2",
    )
    assert "disputes.xlsx（工作表 数据）" in str(problem)
    frame.loc[3, "workers"] = reference[DISPUTES]["workers"].iloc[3]
    write_workbook(path, {"填表说明": instructions, "数据": frame_rows(frame)})
    same_values(load(ledger_dir), reference[DISPUTES])
    same_values(load(ledger_dir, sheet="数据"), reference[DISPUTES])


def test_a_sheet_named_by_the_caller_must_exist(ledger_dir):
    path = ledger_dir / "disputes.xlsx"
    write_workbook(path, {"填表说明": [["说明"]], "数据": frame_rows(typed_frame(ledger_dir))})
    (ledger_dir / DISPUTES_FILE).unlink()
    with pytest.raises(LedgerError) as caught:
        load_ledgers(ledger_dir, [DISPUTES], sheets={DISPUTES: "台账"})
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.value == "台账"
    assert "没有名为 “台账” 的工作表" in problem.expected and "填表说明、数据" in problem.expected


def test_a_sheet_without_the_ledger_names_the_sheet_it_read(ledger_dir):
    path = ledger_dir / "disputes.xlsx"
    write_workbook(path, {"填表说明": [["说明"], ["请勿改动表头"]]})
    (ledger_dir / DISPUTES_FILE).unlink()
    problems = problems_of(ledger_dir)
    assert {p.sheet for p in problems} == {"填表说明"}
    assert any(
        "缺少必需的列 “case_id”（表头可写 case_id（案件编号））" in p.expected for p in problems
    )


@pytest.mark.parametrize(("delimiter", "newline"), [("\t", "\r\n"), (",", "\r\n"), ("\t", "\n")])
def test_utf16_unicode_text_loads(ledger_dir, reference, delimiter, newline):
    header, rows = rows_of(ledger_dir)
    text = csv_text([header, *rows], delimiter=delimiter, newline=newline)
    (ledger_dir / DISPUTES_FILE).write_bytes(text.encode("utf-16"))  # with a BOM, as Excel does
    same_values(load(ledger_dir), reference[DISPUTES])


def test_utf16_problem_is_located_and_printable(ledger_dir):
    header, rows = rows_of(ledger_dir)
    rows[6][header.index("received_date")] = "去年"
    text = csv_text([header, *rows], delimiter="\t", newline="\r\n")
    (ledger_dir / DISPUTES_FILE).write_bytes(text.encode("utf-16-le").join([b"\xff\xfe", b""]))
    with pytest.raises(LedgerError) as caught:
        load(ledger_dir)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (8, "received_date", "去年")
    assert "\x00" not in str(caught.value) and "空字符" not in str(caught.value)


@pytest.mark.parametrize("suffix", [".XLSX", ".Xlsx"])
def test_upper_case_xlsx_loads(ledger_dir, reference, suffix):
    typed_frame(ledger_dir).to_excel(ledger_dir / f"disputes{suffix}", index=False)
    (ledger_dir / DISPUTES_FILE).unlink()
    same_values(load(ledger_dir), reference[DISPUTES])


@pytest.mark.parametrize("cells", ["text", "typed"])
def test_xls_loads(ledger_dir, reference, cells):
    xlwt = pytest.importorskip("xlwt")
    frame = typed_frame(ledger_dir) if cells == "typed" else pd.read_csv(
        ledger_dir / DISPUTES_FILE, dtype=str, keep_default_na=False)  # fmt: skip
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(frame_rows(frame)):
        for c, value in enumerate(row):
            if isinstance(value, pd.Timestamp):
                if not pd.isna(value):
                    sheet.write(r, c, value.to_pydatetime(), dated)
            elif not (isinstance(value, float) and pd.isna(value)):
                sheet.write(r, c, value.item() if hasattr(value, "item") else value)
    book.save(str(ledger_dir / "disputes.xls"))
    (ledger_dir / DISPUTES_FILE).unlink()
    same_values(load(ledger_dir), reference[DISPUTES])


@pytest.mark.parametrize(
    ("file_name", "content", "needles"),
    [
        ("disputes.xlsx", "csv", ("扩展名为 .xlsx", "内容是文本（CSV）", "disputes.csv")),
        ("disputes.XLS", "csv", ("扩展名为 .XLS", "内容是文本（CSV）", "disputes.csv")),
        ("disputes.xls", "html", ("网页（HTML/XML）", "另存为")),
        ("disputes.csv", "xlsx", ("扩展名为 .csv", "内容是 Excel 工作簿", "disputes.xlsx")),
    ],
)
def test_content_that_does_not_match_the_extension_is_named(ledger_dir, file_name, content,
                                                            needles):  # fmt: skip
    source = ledger_dir / DISPUTES_FILE
    data = source.read_bytes()
    if content == "xlsx":
        typed_frame(ledger_dir).to_excel(ledger_dir / "tmp.xlsx", index=False)
        data = (ledger_dir / "tmp.xlsx").read_bytes()
        (ledger_dir / "tmp.xlsx").unlink()
    elif content == "html":
        data = b"<html><head><meta charset='utf-8'></head><body><table><tr><td>case_id</td>"
    source.unlink()
    path = ledger_dir / file_name
    path.write_bytes(data)
    problem = only_problem(ledger_dir)
    assert (problem.file, problem.line, problem.column) == (str(path), None, None)
    for needle in needles:
        assert needle in problem.expected, (needle, str(problem))


def test_an_xls_swapped_for_xlsx_still_loads(ledger_dir, reference):
    typed_frame(ledger_dir).to_excel(ledger_dir / "disputes.xls", index=False, engine="openpyxl")
    (ledger_dir / DISPUTES_FILE).unlink()
    same_values(load(ledger_dir), reference[DISPUTES])


# -- cell forms --------------------------------------------------------------------------------

WIDE_ALNUM = str.maketrans("0123456789ZC", "０１２３４５６７８９ＺＣ")
FULL_WIDTH = str.maketrans("0123456789-.", "０１２３４５６７８９－．")


def test_full_width_digits_in_ids_numbers_and_dates_load(ledger_dir, reference):
    header, rows = rows_of(ledger_dir)
    for column in SPEC.columns:
        if column.kind == "id":
            edit_column(rows, header, column.name, lambda v: v.translate(WIDE_ALNUM))
        elif column.kind in ("int", "amount", "date"):
            edit_column(rows, header, column.name, lambda v: v.translate(FULL_WIDTH))
    assert rows[0][0].startswith("ＺＣ２０１８-")
    assert "－" in rows[0][header.index("received_date")]
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    same_values(load(ledger_dir), reference[DISPUTES])


def test_full_width_brackets_in_ids_are_kept(ledger_dir):
    header, rows = rows_of(ledger_dir)
    rows[0][0] = "浦人社仲（２０１８）１号"
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    assert load(ledger_dir)["case_id"].iloc[0] == "浦人社仲（2018）1号"


@pytest.mark.parametrize(
    ("column", "bad"),
    [("workers", "１２人"), ("claim_amount", "１，２３"), ("received_date", "２０２１年")],
)
def test_a_full_width_value_that_still_fails_says_full_width(ledger_dir, column, bad):
    header, rows = rows_of(ledger_dir)
    rows[10][header.index(column)] = bad
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column, problem.value) == (12, column, bad)
    assert "全角" in problem.expected, str(problem)


@pytest.mark.parametrize(
    "form", ["{y}年{m}月{d}日", "{y}年{m:02}月{d:02}日", "{y} 年 {m} 月 {d} 日", "{y}-{m:02}-{d:02} 14:30:15",
             "{y}/{m}/{d} 9:05", "{y}-{m:02}-{d:02}T00:00:00", "{y}年{m}月{d}日 08:00"],
)  # fmt: skip
def test_chinese_dates_and_date_times_load(ledger_dir, reference, form):
    header, rows = rows_of(ledger_dir)
    for column in SPEC.date_columns:
        edit_column(rows, header, column, lambda v: form.format(
            y=int(v[:4]), m=int(v[5:7]), d=int(v[8:10])))  # fmt: skip
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    same_values(load(ledger_dir), reference[DISPUTES])


def test_the_date_message_lists_the_accepted_forms(ledger_dir):
    header, rows = rows_of(ledger_dir)
    rows[3][header.index("received_date")] = "2021年13月5日"
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column, problem.value) == (5, "received_date", "2021年13月5日")
    for form in ("2021-03-05", "2021/3/5", "2021.3.5", "2021年3月5日", "可带时间"):
        assert form in problem.expected, (form, str(problem))


def test_workbook_date_times_and_serial_dates_load(ledger_dir, reference):
    frame = typed_frame(ledger_dir)
    with_time = frame["received_date"] + pd.Timedelta(hours=14, minutes=30)
    serial = (frame["closed_date"] - pd.Timestamp("1899-12-30")).dt.days
    frame["received_date"] = with_time
    frame["closed_date"] = serial.astype("Int64").astype(object).where(serial.notna())
    path = ledger_dir / "disputes.xlsx"
    write_workbook(path, {"Sheet1": frame_rows(frame)})
    (ledger_dir / DISPUTES_FILE).unlink()
    assert isinstance(openpyxl.load_workbook(path).active["F2"].value, datetime)
    same_values(load(ledger_dir), reference[DISPUTES])


def test_a_csv_serial_date_is_refused_with_a_hint(ledger_dir):
    header, rows = rows_of(ledger_dir)
    rows[3][header.index("received_date")] = "44260"
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    problem = only_problem(ledger_dir)
    assert problem.value == "44260" and "日期序号" in problem.expected


def test_thousands_separators_in_amounts_load(ledger_dir, reference):
    header, rows = rows_of(ledger_dir, LEADS)
    for column in ("amount_claimed", "amount_recovered"):
        edit_column(rows, header, column, lambda v: f"{float(v):,.2f}")
    assert any("," in row[header.index("amount_claimed")] for row in rows)
    write_rows(ledger_dir / f"{LEADS}.csv", header, rows)
    same_values(load(ledger_dir, LEADS), reference[LEADS])


@pytest.mark.parametrize("bad", ["12,34", "1,2345.00", "12.345,00"])
def test_misplaced_separators_are_still_refused(ledger_dir, bad):
    header, rows = rows_of(ledger_dir)
    rows[3][header.index("claim_amount")] = bad
    write_rows(ledger_dir / DISPUTES_FILE, header, rows)
    problem = only_problem(ledger_dir)
    assert (problem.line, problem.column, problem.value) == (5, "claim_amount", bad)
    assert "金额" in problem.expected


@pytest.mark.parametrize("blank", ["   ", "\t", " , ,,", "\u3000"])
def test_whitespace_only_lines_are_ignored(ledger_dir, reference, blank):
    path = ledger_dir / DISPUTES_FILE
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(5, blank)
    path.write_text("\n".join(lines) + blank + "\n" + blank, encoding="utf-8")
    frame = load(ledger_dir)
    assert_frame_equal(
        frame.reset_index(drop=True), reference[DISPUTES].reset_index(drop=True), check_exact=True
    )
    assert frame.index[3] == 5 and frame.index[4] == 7  # the blank line is line 6


def test_blank_and_whitespace_rows_in_a_workbook_are_ignored(ledger_dir, reference):
    table = frame_rows(typed_frame(ledger_dir))
    width = len(table[0])
    table[5:5] = [[None] * width, ["  "] + [None] * (width - 1)]
    write_workbook(ledger_dir / "disputes.xlsx", {"Sheet1": [*table, ["\u3000"]]})
    (ledger_dir / DISPUTES_FILE).unlink()
    frame = load(ledger_dir)
    assert_frame_equal(
        frame.reset_index(drop=True), reference[DISPUTES].reset_index(drop=True), check_exact=True
    )
    assert frame.index[3] == 5 and frame.index[4] == 8


def test_every_export_form_at_once_gives_the_reference(ledger_dir, reference):
    """A header of labels below a title, TAB-separated UTF-16, full-width digits, 年月日 dates and
    thousands separators, all in one file."""
    header, rows = rows_of(ledger_dir)
    labels = {c.name: c.zh for c in SPEC.columns}
    edit_column(
        rows, header, "received_date", lambda v: f"{int(v[:4])}年{int(v[5:7])}月{int(v[8:10])}日"
    )
    edit_column(rows, header, "claim_amount", lambda v: f"{float(v):,.2f}")
    edit_column(rows, header, "workers", lambda v: v.translate(FULL_WIDTH))
    text = csv_text([[TITLE], [labels[c] for c in header], *rows], delimiter="\t", newline="\r\n")
    (ledger_dir / DISPUTES_FILE).write_bytes(text.encode("utf-16"))
    same_values(load(ledger_dir), reference[DISPUTES], offset=1)


def test_the_plain_csv_keeps_its_file_lines(sample_ledgers_dir, reference):
    frame = load(sample_ledgers_dir)
    assert list(frame.index) == list(range(2, len(frame) + 2))
    assert list(frame.columns) == SPEC.column_names
    assert reference[DISPUTES].index.equals(frame.index)


def test_corpus_is_made_from_the_sample(ledger_dir, sample_ledgers_dir):
    sample = sample_ledgers_dir / DISPUTES_FILE
    assert (ledger_dir / DISPUTES_FILE).read_bytes() == sample.read_bytes()
    assert not list(Path(__file__).parent.rglob("*.xls*")), "the corpus is made, not committed"


def test_a_workbook_with_a_header_and_no_rows_loads_empty(ledger_dir):
    write_workbook(ledger_dir / "disputes.xlsx", {"Sheet1": [SPEC.column_names]})
    (ledger_dir / DISPUTES_FILE).unlink()
    frame = load(ledger_dir)
    assert frame.empty and list(frame.columns) == SPEC.column_names


def test_an_empty_sheet_is_reported_with_its_name(ledger_dir):
    write_workbook(ledger_dir / "disputes.xlsx", {"台账": [[None], ["  "]]})
    (ledger_dir / DISPUTES_FILE).unlink()
    problem = only_problem(ledger_dir)
    assert (problem.sheet, problem.line) == ("台账", None) and "为空" in problem.expected


def test_a_column_given_twice_in_a_workbook_is_reported(ledger_dir):
    frame = typed_frame(ledger_dir)
    frame["人数"] = frame["workers"]
    frame = frame.rename(columns={"workers": "涉及劳动者人数"}).rename(columns={"人数": "workers"})
    write_workbook(ledger_dir / "disputes.xlsx", {"Sheet1": frame_rows(frame)})
    (ledger_dir / DISPUTES_FILE).unlink()
    problem = only_problem(ledger_dir)
    assert (problem.sheet, problem.line, problem.column) == ("Sheet1", 1, "workers")
    assert "列重复" in problem.expected and "涉及劳动者人数" in problem.expected


def test_tab_separated_text_full_of_commas_is_read_by_its_header(ledger_dir, reference):
    header, rows = rows_of(ledger_dir)
    position = header.index("employer_name")
    for row in rows:
        row[position] = ",".join(row[position] * 2)  # more commas than the tabs of a line
    (ledger_dir / DISPUTES_FILE).write_text(csv_text([header, *rows], delimiter="\t"),
                                            encoding="utf-8")  # fmt: skip
    frame = load(ledger_dir)
    expected = reference[DISPUTES].copy()
    expected["employer_name"] = expected["employer_name"].map(lambda v: ",".join(v * 2))
    same_values(frame, expected)


def test_intake_notes_say_what_was_normalised_per_file(ledger_dir, reference):
    """The review edition shows what intake did: headers read as Chinese labels, a title row and
    an instructions sheet passed over, blank rows dropped, full-width digits and Chinese dates
    read, each counted per file."""
    typed = typed_frame(ledger_dir)
    header, rows = rows_of(ledger_dir)
    labels = {c.name: c.zh for c in SPEC.columns}
    at = header.index("received_date")
    rows[0][at] = rows[0][at].translate(FULL_WIDTH)
    year, month, day = rows[1][at].split("-")
    rows[1][at] = f"{year}年{int(month)}月{int(day)}日"
    text = csv_text([["劳动人事争议案件台账（导出）"], [labels[c] for c in header], rows[0], [""],
                     *rows[1:]])  # fmt: skip
    (ledger_dir / DISPUTES_FILE).write_text(text, encoding="utf-8")
    notes: dict = {}
    frame = load_ledger(ledger_dir, DISPUTES, keep_personal=True, notes=notes)
    assert frame["received_date"].tolist() == reference[DISPUTES]["received_date"].tolist()
    assert notes["file"] == DISPUTES_FILE and notes["header_line"] == 2
    assert notes["headings"]["received_date"] == labels["received_date"]
    assert notes["blank_rows"] == 1
    assert notes["dates"] == 2 and notes["fullwidth"] == 1
    assert notes["rows"] == len(reference[DISPUTES])

    path = ledger_dir / "disputes.xlsx"
    write_workbook(path, {"填表说明": [["填表说明"]], "数据": frame_rows(typed)})
    (ledger_dir / DISPUTES_FILE).unlink()
    notes = {}
    load_ledger(ledger_dir, DISPUTES, notes=notes)
    assert notes["sheet"] == "数据" and notes["other_sheets"] == 1
    assert load_ledgers(ledger_dir, [DISPUTES]).intake[DISPUTES]["sheet"] == "数据"
