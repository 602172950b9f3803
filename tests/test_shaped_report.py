"""A report a bureau shapes in its notebook alone: a section removed, one moved, a figure of its
own defined in a cell with its own section, built by `make report` as a user would; every edition
follows, numbered from the order, and the new figure is traced like any other."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from helpers import config
from helpers.errors import ParamsError

YEAR = 2021
FIGURE = "pudong.lecture_events"
OWN_CELL = '''from helpers.figures.local import Example, counted, local_figure


@local_figure("pudong.lecture_events", "大讲堂线下培训场次", "场", ["outreach_events"],
              "活动日期在当年、组织单位为大讲堂、活动类型为“线下培训”的活动数",
              examples=[Example(2021, 1, "只计大讲堂当年的线下培训", {"outreach_events": """
                  event_id | event_date | organiser       | event_type | title | units | participants
                  E-1      | 2021-03-01 | {lecture_brand} | 线下培训   | 讲座  | 1     | 10
                  E-2      | 2021-03-02 | {lecture_brand} | 政策宣讲   | 宣讲  | 1     | 10
                  E-3      | 2020-03-01 | {lecture_brand} | 线下培训   | 讲座  | 1     | 10
              """})])
def lecture_events(L, year):
    rows = L["outreach_events"]
    rows = rows[(rows["event_date"].dt.year == year) & (rows["organiser"] == L.profile.programmes.lecture_brand)]
    return counted("outreach_events", rows[rows["event_type"] == "线下培训"], "event_date", "event_type")
'''
OWN_SECTION = (
    'report.section("lectures", template="""{{ heading("办好大讲堂") }}'
    '<p>全年举办大讲堂线下培训{{ fig(m[\'pudong.lecture_events\']) }}场。</p>""")'
)


def _shaped_notebook(path: Path) -> None:
    """The sample notebook with m05_documents removed, m10_outreach moved before m09_capacity,
    and a figure of the bureau's own with a section of its own after m08_supervision."""
    nb = nbformat.read(config.NOTEBOOKS_DIR / "report.ipynb", as_version=4)
    moved = [cell for cell in nb.cells if "m10_outreach" in cell.source]
    cells = []
    for cell in nb.cells:
        source = cell.source.strip()
        if "m05_documents" in source or "m10_outreach" in source:
            continue
        if source == 'report.figures_of("m09_capacity")':
            cells += moved
        cells.append(cell)
        if source == "report.inputs()":
            cells.append(new_code_cell(OWN_CELL))
        if source == 'report.section("m08_supervision")':
            cells.append(new_code_cell('report.figures_of("lectures")'))
            cells.append(new_code_cell(OWN_SECTION))
    nb.cells = cells
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("shaped")
    notebook = work / "shaped.ipynb"
    _shaped_notebook(notebook)
    env = dict(
        os.environ, PYTHONPATH=str(config.PACKAGE_DIR.parent), SOURCE_DATE_EPOCH="1643500800"
    )
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "report", "--year", str(YEAR), "--out-dir",
         str(work / "out"), "--notebook", str(notebook)],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    return work / "out" / str(YEAR)


EXPECTED_SECTIONS = [
    "（一）统筹推进法治政府建设", "（二）贯彻落实引领区重点任务", "（三）加快推动政府职能转变",
    "（四）健全完善行政决策", "（五）严格规范行政执法", "（六）不断推进治理能力现代化",
    "（七）自觉接受对行政行为的监督", "（八）办好大讲堂", "（九）分层分类落实普法责任制",
    "（十）持续提高工作人员依法行政的意识和能力",
]  # fmt: skip


def _headings(text: str) -> list[str]:
    return re.findall(r"（[一二三四五六七八九十]+）[^\s<（]+", text)


def test_every_edition_follows_the_notebooks_order(built):
    import docx

    html = (built / "report.html").read_text(encoding="utf-8")
    assert _headings(html) == EXPECTED_SECTIONS
    assert "持续加强行政规范性文件管理" not in html
    words = "\n".join(p.text for p in docx.Document(built / "report.docx").paragraphs)
    assert _headings(words) == EXPECTED_SECTIONS
    pdf = subprocess.run(["pdftotext", str(built / "report.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    # The PDF's text layer may hold a heading's number apart from its words: the numbers in
    # order, and each heading's words after the one before.
    numbers = re.findall(r"（([一二三四五六七八九十]+)）", pdf)
    assert numbers == [h[1 : h.index("）")] for h in EXPECTED_SECTIONS]
    flat, at = re.sub(r"\s+", "", pdf), 0
    for heading in EXPECTED_SECTIONS:
        at = flat.index(heading[heading.index("）") + 1 :], at)
    review = (built / "review.html").read_text(encoding="utf-8")
    assert "（八）办好大讲堂" in review and "（十）持续提高" in review
    for part in ("一、2021年度法治政府建设的主要举措和成效", "二、存在的主要问题",
                 "三、主要负责人履行法治政府建设第一责任人职责情况", "四、2022年法治政府建设工作计划"):  # fmt: skip
        assert part in html and part in words, part


def test_the_bureaus_own_figure_is_traced_like_any_other(built):
    stats = json.loads((built / "stats.json").read_text(encoding="utf-8"))
    entry = stats["metrics"][FIGURE]
    assert entry["name"] == "大讲堂线下培训场次" and entry["unit"] == "场"
    assert entry["value"] > 0 and entry["previous"] is not None
    html = (built / "report.html").read_text(encoding="utf-8")
    assert f"全年举办大讲堂线下培训{entry['value']}场" in re.sub(r"<[^>]+>", "", html)
    review = (built / "review.html").read_text(encoding="utf-8")
    card = review[review.index(f'id="fig-{FIGURE}"') :]
    card = card[: card.index("</section>")]
    assert "def lecture_events(L, year):" in card and "@local_figure(" in card  # the cell's code
    assert f"计数 {entry['value']}" in card

    from openpyxl import load_workbook

    book = load_workbook(built / "evidence.xlsx", read_only=True)
    try:
        rows = [r for r in book["普法宣传活动台账"].iter_rows(values_only=True) if r[0] == FIGURE]
        last = [
            r
            for r in book["普法宣传活动台账（上年）"].iter_rows(values_only=True)
            if r[0] == FIGURE
        ]
    finally:
        book.close()
    assert len(rows) == entry["value"] and len(last) == entry["previous"]


def test_a_wrong_worked_example_stops_the_build_naming_the_figure(tmp_path):
    from helpers.bureau import profile_for
    from helpers.figures.local import define_from_notebook

    nb = nbformat.v4.new_notebook(cells=[new_code_cell(
        OWN_CELL.replace('Example(2021, 1, "', 'Example(2021, 2, "'))])  # fmt: skip
    path = tmp_path / "wrong.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParamsError, match=r"pudong.lecture_events.*应为 2，按代码算得 1"):
        define_from_notebook(path, "pudong", profile_for("pudong"))


def test_a_figure_of_another_bureau_is_refused(tmp_path):
    from helpers.bureau import profile_for
    from helpers.figures.local import define_from_notebook

    nb = nbformat.v4.new_notebook(cells=[new_code_cell(OWN_CELL.replace("pudong.", "xinqu."))])
    path = tmp_path / "other.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParamsError, match="应以“pudong.”开头"):
        define_from_notebook(path, "pudong", profile_for("pudong"))


def test_a_section_left_out_asks_for_no_passage(tmp_path):
    """The params file of a report without m05_documents need not hold its passages."""
    import yaml

    from helpers.report.params import check_finished, load_params
    from helpers.report.shape import shapes_for

    notebook = tmp_path / "shaped.ipynb"
    _shaped_notebook(notebook)
    raw = yaml.safe_load((config.PARAMS_DIR / "pudong" / "2021.yaml").read_text(encoding="utf-8"))
    for key in ("document_procedure", "document_interpretation"):
        del raw["passages"][key]
    path = tmp_path / "pudong" / "2021.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shapes = shapes_for("pudong", "rule_of_law", notebook)
    check_finished(load_params(path, YEAR, shapes=shapes), path)
    with pytest.raises(ParamsError, match="document_procedure.*m05_documents"):
        load_params(path, YEAR, shapes=shapes_for("pudong"))


def test_no_line_of_the_package_is_about_one_bureau():
    found = subprocess.run(["grep", "-rniI", "qinglan\\|青岚", str(config.PACKAGE_DIR)],
                           capture_output=True, text=True).stdout  # fmt: skip
    assert found == ""


def test_a_bureaus_own_ledger_is_validated_like_the_contracts(tmp_path):
    """A bad cell of 青岚's own ledger is named by file, line, column, value and what it may be;
    its personal column is dropped like the contract's."""
    import shutil

    from helpers.bureau import profile_for
    from helpers.errors import LedgerError
    from helpers.ledgers.load import load_ledgers

    data = tmp_path / "qinglan"
    shutil.copytree(config.data_dir("qinglan"), data)
    ledgers = load_ledgers(data, profile=profile_for("qinglan"))
    assert "inspector" not in ledgers["fund_supervision"].columns
    path = data / "fund_supervision.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = (
        lines[3]
        .replace("养老保险基金", "医疗保险基金", 1)
        .replace("失业保险基金", "医疗保险基金", 1)
    )
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        load_ledgers(data, profile=profile_for("qinglan"))
    message = str(caught.value)
    assert "fund_supervision.csv" in message and "第 4 行" in message, message
    assert "fund" in message and "医疗保险基金" in message and "养老保险基金" in message, message


def test_the_bureau_ledger_page_is_in_sync_with_its_profile():
    from helpers.bureau import bureau_ids, profile_for
    from helpers.report.contract_doc import render_bureau_ledgers

    pages = 0
    for bureau in bureau_ids():
        profile = profile_for(bureau)
        if not profile.ledgers:
            continue
        committed = config.PROJECT_ROOT / "docs" / "bureaus" / f"{bureau}.md"
        assert committed.read_text(encoding="utf-8") == render_bureau_ledgers(profile, bureau), (
            f"run: python -m helpers contract-doc --bureau {bureau} --out docs/bureaus/{bureau}.md"
        )
        pages += 1
    assert pages >= 1


def test_on_request_a_section_shows_each_figures_card_code_and_rows():
    from helpers.bureau import profile_for
    from helpers.figures.local import define_from_notebook
    from helpers.report.session import ReportSession
    from helpers.report.shape import notebook_path

    session = ReportSession(2022, config.data_dir("qinglan"), config.params_path(2022, "qinglan"),
                            "qinglan")  # fmt: skip
    define_from_notebook(notebook_path("rule_of_law", "qinglan"), "qinglan", profile_for("qinglan"))
    shown = session.explain("fund_supervision").data
    for metric_id in session.figure_ids("fund_supervision"):
        assert f"<code>{metric_id}</code>" in shown and f'report.evidence("{metric_id}")' in shown
    assert "def fund_checks(L, year):" in shown  # the notebook cell's own code
    assert 'id="fig-' not in shown  # the review edition's cards stay the only link targets
    rows = session.evidence("qinglan.fund_checks")
    assert len(rows) == session.stats["metrics"]["qinglan.fund_checks"]["value"]


def test_the_consistency_checks_cover_the_sections_present(tmp_path):
    """Leave m08_supervision out: the checks between its figures (litigation, reconsideration)
    are not made; those of the sections kept are."""
    from helpers.report.session import ReportSession
    from helpers.report.shape import shapes_for

    nb = nbformat.read(config.NOTEBOOKS_DIR / "report.ipynb", as_version=4)
    nb.cells = [cell for cell in nb.cells if "m08_supervision" not in cell.source]
    path = tmp_path / "without-m08.ipynb"
    nbformat.write(nb, path)
    session = ReportSession(YEAR, config.data_dir("pudong"), config.params_path(YEAR), "pudong")
    everything = set(session.consistency_checks().data.split("<tr>"))
    session.__dict__["shape"] = shapes_for("pudong", "rule_of_law", path)["rule_of_law"]
    kept = session.consistency_checks().data
    assert "行政机关负责人出庭应诉数 ≤ 一审开庭审理数" not in kept
    assert "行政机关负责人出庭应诉数 ≤ 一审开庭审理数" in "".join(everything)
    assert "各级调解组织受理数 + 仲裁院受理数 = 受理劳动人事争议案件数" in kept


def test_a_figure_defined_after_the_figures_were_computed_is_taken_in():
    """In JupyterLab an analyst may run the definition cell again after the sections: the new
    figure is computed and the section can state it, the numbering given so far kept."""
    from helpers.bureau import profile_for
    from helpers.figures.catalogue import LOCAL
    from helpers.figures.local import define_from_notebook
    from helpers.report.session import ReportSession
    from helpers.report.shape import notebook_path

    for stale in [id for id in LOCAL if id.startswith("qinglan.")]:
        del LOCAL[stale]
    session = ReportSession(2022, config.data_dir("qinglan"), config.params_path(2022, "qinglan"),
                            "qinglan")  # fmt: skip
    session.part("主要举措")
    session.section("m01_overall")
    assert "qinglan.fund_checks" not in session.stats["metrics"]
    define_from_notebook(notebook_path("rule_of_law", "qinglan"), "qinglan", profile_for("qinglan"))
    shown = session.section("fund_supervision").data
    assert (
        "（二）守牢社会保险基金安全底线" in shown and 'data-metric="qinglan.fund_checks"' in shown
    )
