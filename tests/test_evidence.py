"""The rows behind every figure: they reproduce its value, carry their ledger line, and the
columns a rule declares are the only ones it reads."""

from __future__ import annotations

import itertools

import pytest

from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE, COUNT, DENOMINATOR, NUMERATOR, SUMMED
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import Ledgers
from helpers.render import xlsx

LEDGER_METRICS = [m for m in CATALOGUE.values() if not m.is_manual]
YEARS = (2020, 2021, 2022)


@pytest.fixture(scope="module")
def results(ledgers):
    """Both reports' figures: the disclosure report's table cells are traced like any figure."""
    return {year: catalogue.evaluate(ledgers, year) | catalogue.evaluate(ledgers, year, catalogue.DISCLOSURE)
            for year in YEARS}  # fmt: skip


def reproduce(metric: catalogue.Metric, result: catalogue.Result):
    """The value recomputed from the evidence rows alone, by the kind of figure."""
    roles = {part.role for part in result.rows}
    if metric.unit in ("%", "比 1"):
        assert roles == {NUMERATOR, DENOMINATOR}, metric.id
        n = sum(len(p.frame) for p in result.rows if p.role == NUMERATOR)
        d = sum(len(p.frame) for p in result.rows if p.role == DENOMINATOR)
        if metric.unit == "%":
            return catalogue.rate(n, d)
        return None if d == 0 else catalogue.round_half_up(n / d, 1)
    if roles == {SUMMED}:
        (part,) = result.rows
        total = float(part.frame[part.summed].sum())
        return catalogue.round_half_up(total / 10000, 2) if metric.unit == "万元" else int(total)
    assert roles == {COUNT}, metric.id
    keyed = [p for p in result.rows if p.key]
    if keyed:
        return sum(int(p.frame[p.key].nunique()) for p in keyed)
    return sum(len(p.frame) for p in result.rows)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("metric", LEDGER_METRICS, ids=lambda m: m.id)
def test_rows_reproduce_the_value(metric, year, results, ledgers):
    result = results[year][metric.id]
    assert result.value == metric.compute(ledgers, year)
    assert reproduce(metric, result) == result.value


@pytest.mark.parametrize("metric", [m for m in LEDGER_METRICS if m.unit == "%"], ids=lambda m: m.id)
def test_numerator_rows_are_denominator_rows(metric, results):
    for year in YEARS:
        parts = results[year][metric.id].rows
        numerator = {(p.ledger, i) for p in parts if p.role == NUMERATOR for i in p.frame.index}
        denominator = {(p.ledger, i) for p in parts if p.role == DENOMINATOR for i in p.frame.index}
        assert numerator <= denominator


def test_rows_are_indexed_by_their_line_in_the_ledger_file(results, ledgers):
    from helpers.ledgers.contract import LEDGERS

    lines = {
        name: path.read_text(encoding="utf-8-sig").split("\n")
        for name, path in ledgers.files.items()
    }
    checked = 0
    for result in results[2021].values():
        for part in result.rows:
            key = LEDGERS[part.ledger].key
            for line, record in part.frame[key].head(20).items():
                assert lines[part.ledger][line - 1].split(",")[0] == record, (part.ledger, line)
                checked += 1
    assert checked > 500


@pytest.mark.parametrize("metric", LEDGER_METRICS, ids=lambda m: m.id)
def test_a_rule_reads_only_the_columns_it_declares(metric, ledgers, results):
    """With every other column (and ledger) removed the rule still gives the same value, so the
    columns shown beside a figure are all the rule looks at."""
    for year in YEARS:
        reads = results[year][metric.id].reads()
        assert set(metric.ledgers) <= set(reads)
        narrow = Ledgers(
            ledgers.data_dir, {name: ledgers[name][list(cols)] for name, cols in reads.items()}
        )
        assert metric.compute(narrow, year) == results[year][metric.id].value


# -- the work paper (evidence.xlsx) ------------------------------------------------------------

EPOCH = "1643500800"


def read_sheets(path) -> dict[str, list[list[object]]]:
    """Every sheet's cells, read by calamine (openpyxl needs minutes for the ledger sheets):
    text, whole numbers as int, dates as datetime, blanks None."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    # The conversion is written inline, not as a function: it runs on millions of cells.
    return {name: [[None if cell == "" else
                    int(cell) if isinstance(cell, float) and cell.is_integer() else cell
                    for cell in row]
                   for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            for name in book.sheet_names}  # fmt: skip


def read_links(path, sheet_number: int = 1) -> dict[str, str]:
    """A sheet's internal hyperlinks: cell → place ('sheet'!A5)."""
    import xml.etree.ElementTree as ET
    import zipfile

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read(f"xl/worksheets/sheet{sheet_number}.xml"))
    return {link.get("ref"): link.get("location") for link in root.iter(f"{ns}hyperlink")}


@pytest.fixture(scope="module")
def sheets_2021(workpaper_2021):
    return read_sheets(workpaper_2021)


def figure_rows(sheets, last_year: bool) -> dict[str, list[dict[str, object]]]:
    """Each figure's rows over the ledger sheets of this year or last, as header → cell."""
    out: dict[str, list[dict[str, object]]] = {}
    for name, (header, *rows) in sheets.items():
        if name == "汇总" or ("（上年）" in name) != last_year:
            continue
        for row in rows:
            out.setdefault(row[0], []).append(dict(zip(header, row, strict=False)))
    return out


def reproduce_from_sheets(metric, rows: list[dict[str, object]], prefix: str, summed: str | None):
    """A figure's value counted from its work paper rows alone, by the kind of figure."""

    def marked(role: str) -> int:
        return sum(row.get(prefix + role) == "是" for row in rows)

    if metric.unit == "%":
        return catalogue.rate(marked(NUMERATOR), marked(DENOMINATOR))
    if metric.unit == "比 1":
        n, d = marked(NUMERATOR), marked(DENOMINATOR)
        return None if d == 0 else catalogue.round_half_up(n / d, 1)
    if summed is not None:
        column = next(h for h in rows[0] if h.endswith(f" {summed}")) if rows else None
        total = sum(row[column] or 0 for row in rows if row.get(prefix + SUMMED) == "是")
        return catalogue.round_half_up(total / 10000, 2) if metric.unit == "万元" else total
    return marked(COUNT)


def linked_rows(sheets, links, n: int, column: str) -> tuple[list[dict[str, object]], str]:
    """The rows 汇总's row `n` links to in `column` (明细位置 or 上年明细位置): the block starting
    at the linked row, and the prefix of the roles on that sheet (上年 sheets' are 上年计数 …).
    A trend's last-year point links to its figure's 上年 rows, which are the same rows."""
    head = sheets["汇总"][0]
    sheet, line = links[f"{xlsx.column_letter(head.index(column) + 1)}{n}"][1:].split("'!A")
    table = sheets[sheet]  # indexed in place: a ledger sheet holds hundreds of thousands of rows
    header, start = table[0], int(line) - 1
    block = []
    for row in itertools.islice(table, start, None):
        if row[0] != table[start][0]:
            break
        block.append(dict(zip(header, row, strict=False)))
    return block, ("上年" if "（上年）" in sheet else "")


@pytest.mark.parametrize("last_year", [False, True], ids=["this_year", "last_year"])
def test_ledger_sheets_reproduce_every_2021_figure(workpaper_2021, sheets_2021, figures_2021,
                                                   results, last_year):  # fmt: skip
    """Following 汇总's link to a figure's rows (or its 上年's) gives the rows behind it: counting
    the marked roles gives the value stats.json states. Filtering the sheet by 编号 gives the
    same rows, except for a figure whose rows are another's (a trend's earlier point)."""
    by_id = figure_rows(sheets_2021, last_year)
    links = read_links(workpaper_2021)
    summary = {row[0]: (n, row) for n, row in enumerate(sheets_2021["汇总"][1:], start=2)}
    head = sheets_2021["汇总"][0]
    assert set(summary) == set(figures_2021["metrics"])
    key = "previous" if last_year else "value"
    column = "上年明细位置" if last_year else "明细位置"
    checked = shared = 0
    for metric_id, entry in figures_2021["metrics"].items():
        metric = catalogue.CATALOGUE[metric_id]
        if metric.is_manual or (last_year and entry["previous"] is None):
            continue
        n, row = summary[metric_id]
        summed = next((p.summed for p in results[2021][metric_id].rows if p.summed), None)
        if not row[head.index(column.replace("明细位置", "计入行数"))]:
            assert entry[key] in (0, None), metric_id
            continue
        rows, prefix = linked_rows(sheets_2021, links, n, column)
        assert reproduce_from_sheets(metric, rows, prefix, summed) == entry[key], metric_id
        lines = [(r["记录编号"], r["行号"]) for r in rows]
        assert len(set(lines)) == len(lines), metric_id  # a row per record, whatever its roles
        assert row[head.index(column.replace("明细位置", "计入行数"))] == len(rows), metric_id
        if rows[0]["编号"] == metric_id:
            assert by_id[metric_id] == rows, metric_id  # filtering by 编号 gives the same rows
        else:
            assert "的明细）" in row[head.index(column)], metric_id
            shared += 1
        checked += 1
    assert checked > (40 if last_year else 60)
    assert shared >= 5  # each trend's last-year point, and its 上年
    assert summary["wage_arrears.closure_rate"][1][head.index("变化单位")] == "个百分点"


def test_summary_links_land_on_each_figures_first_row(workpaper_2021, sheets_2021):
    head, *rows = sheets_2021["汇总"]
    links = read_links(workpaper_2021)
    found = 0
    for n, row in enumerate(rows, start=2):
        for column in ("明细位置", "上年明细位置"):
            ref = f"{xlsx.column_letter(head.index(column) + 1)}{n}"
            if ref not in links:
                assert not row[head.index(column.replace("明细位置", "计入行数"))], (row[0], column)
                continue
            sheet, line = links[ref][1:].split("'!A")
            target = sheets_2021[sheet]
            owner = target[int(line) - 1][0]
            # Its own rows, or the block of the figure whose rows they are (named in 明细位置).
            assert owner == row[0] or f"（即 {owner} " in row[head.index(column)], (row[0], column)
            assert int(line) == 2 or target[int(line) - 2][0] != owner
            found += 1
    assert found > 100


def test_a_figures_rows_lie_together(sheets_2021):
    """Each figure's rows are one block of its sheet, so its link lands on all of them."""
    for name, (_, *rows) in sheets_2021.items():
        if name == "汇总":
            continue
        ids = [row[0] for row in rows]
        blocks = [i for n, i in enumerate(ids) if n == 0 or ids[n - 1] != i]
        assert len(blocks) == len(set(blocks)), name


def test_evidence_rows_carry_no_personal_data(sample_ledgers_dir, tmp_path):
    from helpers.ledgers.contract import personal_columns
    from helpers.ledgers.load import load_ledgers
    from helpers.render.workpaper import write_evidence

    ledgers = load_ledgers(sample_ledgers_dir, keep_personal=True)
    path = tmp_path / "evidence.xlsx"
    write_evidence(path, catalogue.figures_document(ledgers, 2019), ledgers)
    cells = {str(v) for rows in read_sheets(path).values() for row in rows for v in row}
    personal = [col for cols in personal_columns().values() for col in cols]
    assert not any(col in cell for cell in cells for col in personal)
    values = {str(v) for name, cols in personal_columns().items() for col in cols
              for v in ledgers[name][col].dropna().head(50)}  # fmt: skip
    assert values and not values & cells


def test_work_paper_is_reproducible(ledgers, figures_2021, tmp_path, monkeypatch):
    import zipfile

    from helpers.render.workpaper import write_evidence, write_workbook

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    small = {k: v for k, v in list(catalogue.evaluate(ledgers, 2021).items())[:12]}
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(first, figures_2021, small, ledgers)
    write_workbook(second, figures_2021, small, ledgers)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {info.date_time for info in z.infolist()} == {(2022, 1, 30, 0, 0, 0)}
        assert "2022-01-30T00:00:00Z" in z.read("docProps/core.xml").decode()
    assert write_evidence  # the build's entry point stays importable


def test_work_paper_opens_in_openpyxl_with_frozen_header_and_filter(
    ledgers, figures_2021, tmp_path
):
    import openpyxl

    from helpers.render.workpaper import write_workbook

    ids = ["wage_arrears.closure_rate", "reconsideration.received", "litigation.first_instance_cases",
           "decisions.meeting_topics"]  # fmt: skip
    small = {k: CATALOGUE[k].evaluate(ledgers, 2021) for k in ids}
    path = tmp_path / "e.xlsx"
    written = write_workbook(path, figures_2021, small, ledgers)
    wb = openpyxl.load_workbook(path)
    ledgers_zh = [spec.zh for spec in LEDGERS.values()]
    assert wb.sheetnames[0] == "汇总"
    assert all(name.removesuffix("（上年）") in ledgers_zh for name in wb.sheetnames[1:])
    assert "欠薪线索台账" in wb.sheetnames and "欠薪线索台账（上年）" in wb.sheetnames
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.cell(1, 1).font.b
        assert ws.max_row - 1 == written[ws.title]
    leads = wb["欠薪线索台账"]
    assert [c.value for c in leads[1]][:3] == ["编号", "行号", "记录编号"]
    row = [c.value for c in leads[2]]
    assert row[0] == "wage_arrears.closure_rate" and isinstance(row[1], int)


def test_ledger_sheets_continue_on_further_sheets_past_the_row_limit(
    ledgers, figures_2021, tmp_path
):
    from helpers.render.workpaper import write_workbook

    small = {k: v for k, v in list(catalogue.evaluate(ledgers, 2021).items())[:12]}
    whole, split = tmp_path / "whole.xlsx", tmp_path / "split.xlsx"
    write_workbook(whole, figures_2021, small, ledgers)
    written = write_workbook(split, figures_2021, small, ledgers, max_rows=40)
    parts, sheets = read_sheets(split), read_sheets(whole)
    for base in [n for n in sheets if n != "汇总"]:
        names = [n for n in parts if n == base or (n.startswith(base) and n[len(base) :].isdigit())]
        assert names == [base] + [f"{base}{i}" for i in range(2, len(names) + 1)]
        assert all(len(parts[n]) <= 40 and parts[n][0] == sheets[base][0] for n in names)
        assert [row for n in names for row in parts[n][1:]] == sheets[base][1:]
        assert sum(written[n] for n in names) == len(sheets[base]) - 1
    assert max(sum(n.startswith(base) for n in parts) for base in sheets if base != "汇总") > 2
    head, *rows = parts["汇总"]
    for ref, place in read_links(split).items():
        sheet, line = place[1:].split("'!A")
        metric_id = rows[int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 2][0]
        assert parts[sheet][int(line) - 1][0] == metric_id


# -- the notebook's calls ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session(ledgers):
    from helpers import config
    from helpers.report.session import ReportSession

    s = ReportSession(2021, config.DATA_DIR, config.params_path(2021))
    s.__dict__["ledgers"] = ledgers  # the session fixture's validated ledgers, not a second load
    return s


def test_report_evidence_returns_the_rows_of_a_figure(session):
    rows = session.evidence("wage_arrears.closure_rate")
    roles = rows["角色"].value_counts()
    value = session.stats["metrics"]["wage_arrears.closure_rate"]["value"]
    assert catalogue.rate(roles[NUMERATOR], roles[DENOMINATOR]) == value == 96.25
    assert {"行号", "记录编号", "received_date", "closed_date"} <= set(rows.columns)
    with pytest.raises(KeyError):
        session.evidence("no.such_metric")


def test_a_section_states_the_figures_its_template_renders(session):
    ids = session.figure_ids("m07_governance")
    assert "disputes.accepted_total" in ids and "wage_arrears.closure_rate" in ids
    assert "disclosure.requests_received" not in ids
    assert session.figure_ids("title") == []
    html = session.figures_of("m07_governance").data
    assert all(metric_id in html for metric_id in ids)


def test_notebook_shows_each_sections_figures_before_it():
    import nbformat

    from helpers import config

    nb = nbformat.read(config.REPORT_NOTEBOOK, as_version=4)
    sources = ["".join(cell.source) for cell in nb.cells]
    for i, source in enumerate(sources):
        if (
            source.startswith("report.section(")
            and "cover_letter" not in source
            and '"title"' not in source
        ):
            section = source.split('"')[1]
            assert sources[i - 1] == f'report.figures_of("{section}")'
            assert "remove-cell" in nb.cells[i - 1].metadata["tags"]
            assert nb.cells[i - 1].id == f"figures-{section.replace('_', '-')}"
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def test_a_figures_code_lists_every_catalogue_function_it_calls():
    from helpers.figures.catalogue import CATALOGUE
    from helpers.report.cards import rule_source

    source = rule_source(CATALOGUE["disputes.accepted_total"])
    # its own rule, the shared row selection of its report, and the catalogue's counting helpers
    for name in ("_accepted", "disputes_received", "counted", "by_year", "in_year"):
        assert f"def {name}(" in source, name
