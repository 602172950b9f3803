"""The rows behind every figure: they reproduce its value, carry their ledger line, and the
columns a rule declares are the only ones it reads."""

from __future__ import annotations

import pytest

from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE, COUNT, DENOMINATOR, NUMERATOR, SUMMED
from helpers.ledgers.load import Ledgers

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
    """Every sheet's cells, read straight from the package (openpyxl needs ~30 s for 明细)."""
    import xml.etree.ElementTree as ET
    import zipfile

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        strings = [
            si.findtext("m:t", namespaces=ns)
            for si in ET.fromstring(z.read("xl/sharedStrings.xml"))
        ]
        book = ET.fromstring(z.read("xl/workbook.xml"))
        sheets = {}
        for sheet in book.find("m:sheets", ns):
            number = sheet.get(r).removeprefix("rId")
            rows = []
            for row in ET.fromstring(z.read(f"xl/worksheets/sheet{number}.xml")).iter(
                f"{{{ns['m']}}}row"
            ):
                cells = []
                for cell in row:
                    v = cell.findtext("m:v", namespaces=ns)
                    if v is None:
                        cells.append(None)
                    elif cell.get("t") == "s":
                        cells.append(strings[int(v)])
                    else:
                        cells.append(float(v) if "." in v or "E" in v else int(v))
                rows.append(cells)
            sheets[sheet.get("name")] = rows
    return sheets


@pytest.fixture(scope="module")
def stats_2021(ledgers):
    return catalogue.figures_document(ledgers, 2021)


@pytest.fixture(scope="module")
def workbook_2021(ledgers, stats_2021, tmp_path_factory):
    from helpers.figures.evidence import write_evidence

    path = tmp_path_factory.mktemp("evidence") / "evidence.xlsx"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        write_evidence(path, stats_2021, ledgers)
    return path


def test_detail_rows_reproduce_every_2021_figure(workbook_2021, stats_2021):
    sheets = read_sheets(workbook_2021)
    header, *detail = sheets["明细"]
    assert header[:6] == ["编号", "角色", "台账", "行号", "记录编号", "去重键"]
    by_id: dict[str, dict[str, list[list[object]]]] = {}
    for row in detail:
        by_id.setdefault(row[0], {}).setdefault(row[1], []).append(row)
    summary = {row[0]: row for row in sheets["汇总"][1:]}
    assert set(summary) == {m.id for m in catalogue.of_report(catalogue.RULE_OF_LAW)}
    for metric in [m for m in LEDGER_METRICS if m.report == catalogue.RULE_OF_LAW]:
        value = stats_2021["metrics"][metric.id]["value"]
        roles = by_id.get(metric.id, {})
        if metric.unit == "%":
            n, d = len(roles.get(NUMERATOR, [])), len(roles.get(DENOMINATOR, []))
            assert catalogue.rate(n, d) == value, metric.id
        elif metric.unit == "比 1":
            n, d = len(roles[NUMERATOR]), len(roles[DENOMINATOR])
            assert catalogue.round_half_up(n / d, 1) == value
        elif SUMMED in roles:
            column = header.index(
                next(
                    h
                    for h in header
                    if h.endswith(
                        " "
                        + {"万元": "amount_recovered", "家": "units", "位": "participants"}[
                            metric.unit
                        ]
                    )
                )
            )
            total = sum(row[column] or 0 for row in roles[SUMMED] if len(row) > column)
            expected = catalogue.round_half_up(total / 10000, 2) if metric.unit == "万元" else total
            assert expected == value, metric.id
        else:
            assert len(roles.get(COUNT, [])) == value, metric.id
        assert summary[metric.id][2] == value
        assert summary[metric.id][10] == sum(len(v) for v in roles.values())


def test_evidence_rows_carry_no_personal_data(sample_ledgers_dir, tmp_path):
    from helpers.figures.evidence import write_evidence
    from helpers.ledgers.contract import personal_columns
    from helpers.ledgers.load import load_ledgers

    ledgers = load_ledgers(sample_ledgers_dir, keep_personal=True)
    path = tmp_path / "evidence.xlsx"
    write_evidence(path, catalogue.figures_document(ledgers, 2019), ledgers)
    cells = {str(v) for rows in read_sheets(path).values() for row in rows for v in row}
    personal = [col for cols in personal_columns().values() for col in cols]
    assert not any(col in cell for cell in cells for col in personal)
    values = {str(v) for name, cols in personal_columns().items() for col in cols
              for v in ledgers[name][col].dropna().head(50)}  # fmt: skip
    assert values and not values & cells


def test_work_paper_is_reproducible(ledgers, stats_2021, tmp_path, monkeypatch):
    import zipfile

    from helpers.figures.evidence import write_evidence

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    small = {k: v for k, v in list(catalogue.evaluate(ledgers, 2021).items())[:12]}
    from helpers.figures.evidence import write_workbook

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(first, stats_2021, small, ledgers)
    write_workbook(second, stats_2021, small, ledgers)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {info.date_time for info in z.infolist()} == {(2022, 1, 30, 0, 0, 0)}
        assert "2022-01-30T00:00:00Z" in z.read("docProps/core.xml").decode()
    assert write_evidence  # the build's entry point stays importable


def test_work_paper_opens_in_openpyxl_with_frozen_header_and_filter(ledgers, stats_2021, tmp_path):
    import openpyxl

    from helpers.figures.evidence import write_workbook

    small = {k: v for k, v in list(catalogue.evaluate(ledgers, 2021).items())[:12]}
    path = tmp_path / "e.xlsx"
    written = write_workbook(path, stats_2021, small, ledgers)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "明细"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.cell(1, 1).font.b
    assert (
        wb["明细"].max_row - 1
        == written["明细"]
        == sum(len(p.frame) for r in small.values() for p in r.rows)
    )
    row = [c.value for c in wb["明细"][2]]
    assert row[0] == next(iter(small)) and isinstance(row[3], int)


def test_detail_continues_on_further_sheets_past_the_row_limit(ledgers, stats_2021, tmp_path):
    from helpers.figures.evidence import write_workbook

    small = {k: v for k, v in list(catalogue.evaluate(ledgers, 2021).items())[:12]}
    whole, split = tmp_path / "whole.xlsx", tmp_path / "split.xlsx"
    write_workbook(whole, stats_2021, small, ledgers)
    written = write_workbook(split, stats_2021, small, ledgers, max_rows=40)
    sheets = read_sheets(split)
    names = [n for n in sheets if n.startswith("明细")]
    assert names == ["明细"] + [f"明细{i}" for i in range(2, len(names) + 1)] and len(names) > 2
    assert all(len(sheets[n]) <= 40 for n in names)
    assert all(sheets[n][0] == sheets["明细"][0] for n in names)
    rows = [row for n in names for row in sheets[n][1:]]
    assert rows == read_sheets(whole)["明细"][1:]
    assert sum(written[n] for n in names) == len(rows)


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
