"""The disclosure report (国办公开办函〔2021〕30号): each table cell of 2021 against a count made
here straight from the sample CSV with pandas, the format's rules, the agreement with the
rule-of-law report, and the tables as the three editions draw them."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

import pandas as pd
import pytest

from helpers import config
from helpers.figures.disclosure import REQUEST_COLUMNS, RESULT_ROWS, metric_id
from helpers.render import typeset
from helpers.report import disclosure_tables as disclosure
from helpers.report.document import year_figures
from helpers.report.narrative import figures_for_templates

RAW = config.data_dir(config.DEFAULT_BUREAU)
PARAMS = config.params_path(2021)
Y0, Y1 = "2021-01-01", "2021-12-31"


@pytest.fixture(scope="module")
def stats(ledgers):
    return year_figures(2021, RAW, PARAMS, ledgers, report="disclosure")


@pytest.fixture(scope="module")
def rule_of_law(ledgers):
    return year_figures(2021, RAW, PARAMS, ledgers)


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW / f"{name}.csv", dtype=str, keep_default_na=False)


def expected_requests() -> dict[str, pd.DataFrame]:
    d = raw("disclosure_requests")
    received, reply = d["received_date"], d["reply_date"]
    replied_in = (reply >= Y0) & (reply <= Y1)
    rows = {
        "received": d[(received >= Y0) & (received <= Y1)],
        "carried_in": d[(received < Y0) & ((reply == "") | (reply >= Y0))],
        "result.total": d[replied_in],
        "carried_out": d[(received <= Y1) & ((reply == "") | (reply > Y1))],
    }
    for key, _, _, value in RESULT_ROWS:
        rows[f"result.{key}"] = d[replied_in & (d["result"] == value)]
    return rows


def test_every_request_cell_matches_a_count_of_the_raw_file(stats):
    m = stats["metrics"]
    for row, frame in expected_requests().items():
        for column, _, kind in REQUEST_COLUMNS:
            want = len(frame) if kind is None else int((frame["applicant_type"] == kind).sum())
            assert m[metric_id("requests", row, column)]["value"] == want, (row, column)


def test_every_proactive_and_challenge_cell_matches_the_raw_files(stats):
    m = stats["metrics"]
    docs = raw("normative_documents")
    in_force = docs[(docs["issued_date"] <= Y1) & ((docs["repealed_date"] == "") | (docs["repealed_date"] > Y1))
                    & ((docs["expiry_date"] == "") | (docs["expiry_date"] >= Y1))]  # fmt: skip
    decisions = raw("administrative_decisions")
    decided = decisions[decisions["decision_date"].str.startswith("2021")]
    want = {
        ("normative_documents", "issued"): int(docs["issued_date"].str.startswith("2021").sum()),
        ("normative_documents", "repealed"): int(docs["repealed_date"].str.startswith("2021").sum()),
        ("normative_documents", "in_force"): len(in_force),
        ("licensing", "decisions"): int((decided["decision_type"] == "行政许可").sum()),
        ("penalty", "decisions"): int((decided["decision_type"] == "行政处罚").sum()),
        ("coercion", "decisions"): int((decided["decision_type"] == "行政强制").sum()),
    }  # fmt: skip
    for (row, column), value in want.items():
        assert m[metric_id("proactive", row, column)]["value"] == value, row
    assert want[("normative_documents", "repealed")] > 0  # the sample exercises the column
    rec = raw("reconsideration_cases")
    lit = raw("litigation_cases")
    rec_2021 = rec[(rec["action_type"] == "信息公开") & rec["received_date"].str.startswith("2021")]
    lit_2021 = lit[(lit["action_type"] == "信息公开") & (lit["stage"] == "一审")
                   & lit["received_date"].str.startswith("2021")]  # fmt: skip
    assert m[metric_id("challenges", "reconsideration", "total")]["value"] == len(rec_2021) == 0
    assert m[metric_id("challenges", "litigation_direct", "total")]["value"] == 0
    assert (m[metric_id("challenges", "litigation_after_reconsideration", "total")]["value"]
            == len(lit_2021) == 0)  # fmt: skip


def test_receipts_and_carry_over_balance_in_every_column(stats):
    m = stats["metrics"]
    for column, _, _ in REQUEST_COLUMNS:
        v = {row: m[metric_id("requests", row, column)]["value"]
             for row in ("received", "carried_in", "result.total", "carried_out")}  # fmt: skip
        assert v["received"] + v["carried_in"] == v["result.total"] + v["carried_out"], column


def test_agrees_with_the_rule_of_law_report(stats, rule_of_law, ledgers):
    r = rule_of_law["metrics"]
    m = stats["metrics"]
    assert m[metric_id("requests", "received", "total")]["value"] == 29
    assert r["disclosure.requests_received"]["value"] == 29
    assert r["disclosure.reconsideration_or_litigation"]["value"] == 0
    frame = disclosure.format_checks(stats, ledgers, PARAMS, RAW)
    assert disclosure.failed(frame) == []
    assert len(frame) > 40


def test_a_broken_total_fails_the_checks(stats, rule_of_law):
    broken = json.loads(json.dumps(stats))
    broken["metrics"][metric_id("requests", "result.total", "business")]["value"] += 1
    failed = disclosure.failed(disclosure.checks(broken, rule_of_law))
    assert any("商业企业：一 + 二" in f for f in failed)
    assert any("商业企业：三（七）" in f for f in failed)
    assert any("总计列" in f for f in failed)


def test_challenges_count_cases_filed_in_the_year_whichever_year_the_reply_was(ledgers):
    """A lawsuit of 2022 about a reply of 2021 is a challenge of 2022, in both reports alike:
    the rule-of-law sentence may not deny what table 四 lists."""
    lit, rec = raw("litigation_cases"), raw("reconsideration_cases")
    year = "2022"
    lawsuits = lit[(lit["action_type"] == "信息公开") & (lit["stage"] == "一审")
                   & lit["received_date"].str.startswith(year)]  # fmt: skip
    reconsiderations = rec[
        (rec["action_type"] == "信息公开") & rec["received_date"].str.startswith(year)
    ]
    assert len(lawsuits) >= 1  # the sample holds such a lawsuit
    expected = len(lawsuits) + len(reconsiderations)
    both = year_figures(2022, RAW, config.params_path(2022), ledgers)
    assert both["metrics"]["disclosure.reconsideration_or_litigation"]["value"] == expected
    table = year_figures(2022, RAW, config.params_path(2022), ledgers, report="disclosure")
    table_total = sum(
        table["metrics"][metric_id("challenges", row, "total")]["value"]
        for row in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    )
    assert table_total == expected
    assert (
        disclosure.failed(disclosure.format_checks(table, ledgers, config.params_path(2022), RAW))
        == []
    )


def test_a_failed_check_names_both_values_the_rows_behind_each_and_what_to_do(
    stats, rule_of_law, ledgers
):
    denied = json.loads(json.dumps(rule_of_law))
    denied["metrics"]["disclosure.reconsideration_or_litigation"]["value"] = 3
    frame = disclosure.checks(stats, denied)
    [message] = disclosure.explain(frame, ledgers, 2021)
    assert "左边为 0，右边为 3" in message
    assert "disclosure_report.challenges.reconsideration.total" in message
    assert "disclosure.reconsideration_or_litigation" in message
    assert "处理：" in message

    broken = json.loads(json.dumps(stats))
    broken["metrics"][metric_id("requests", "received", "total")]["value"] += 1
    messages = disclosure.explain(disclosure.checks(broken, rule_of_law), ledgers, 2021)
    shared = next(m for m in messages if "收到信息公开申请" in m)
    assert "左边为 30，右边为 29" in shared
    received = raw("disclosure_requests")
    first = received[received["received_date"].str.startswith("2021")]["request_id"].iloc[0]
    assert "disclosure_requests.csv：" in shared and first in shared


def test_stats_tables_hold_every_cell_as_rows_by_columns(stats):
    tables = stats["tables"]
    assert set(tables) == {"proactive", "requests", "challenges"}
    requests = tables["requests"]
    assert [c["key"] for c in requests["columns"]] == [k for k, _, _ in REQUEST_COLUMNS]
    assert len(requests["rows"]) == 25
    assert all(len(r["cells"]) == 7 for r in requests["rows"])
    assert len(tables["challenges"]["rows"]) == 3
    cell = requests["rows"][0]["cells"]["total"]
    assert cell == {"value": 29, "metric": metric_id("requests", "received", "total")}


def test_tables_merge_header_cells_and_trace_every_figure(stats):
    figures = figures_for_templates(stats)
    html = str(disclosure.table_html("requests", figures))
    assert 'colspan="3" rowspan="3"' in html and 'rowspan="22"' in html and 'rowspan="8"' in html
    tds = re.findall(r"<td[^>]*>.*?</td>", html)
    assert len(tds) == 25 * 7
    assert all('data-metric="disclosure_report.requests.' in td for td in tds)
    assert any(re.search(r">0</span></td>$", td) for td in tds)  # zeros are printed
    challenges = str(disclosure.table_html("challenges", figures))
    assert challenges.count("<td") == 15 and 'colspan="10"' in challenges


def test_grid_layout_continues_merged_cells_down():
    cell = typeset.GridCell([], rowspan=2)
    table = typeset.GridTable(3, 0, [[cell, typeset.GridCell([], colspan=2)],
                                     [typeset.GridCell([]), typeset.GridCell([])]], [1, 1, 1])  # fmt: skip
    layout = table.layout()
    assert [(c, cont) for c, _, cont in layout[1]] == [(0, True), (1, False), (2, False)]


def test_cli_builds_the_disclosure_report(disclosure_cli_run):
    done, out_dir = disclosure_cli_run  # run once per test run, shared with test_review.py
    assert done.returncode == 0, done.stderr
    folder = out_dir / "2021-disclosure"
    for name in ("report.html", "review.html", "report.pdf", "report.docx", "report.ipynb",
                 "evidence.xlsx", "stats.json", "manifest.json"):  # fmt: skip
        assert (folder / name).is_file(), name
    assert not (out_dir / "2021").exists()  # the rule-of-law folder is not touched
    reader = (folder / "report.html").read_text(encoding="utf-8")
    assert reader.count('class="national-table"') == 3 and 'rowspan="22"' in reader
    review = (folder / "review.html").read_text(encoding="utf-8")
    assert "一 + 二 = 三（七） + 四" in review and "不符" not in review
    word = zipfile.ZipFile(folder / "report.docx").read("word/document.xml").decode()
    assert '<w:vMerge w:val="restart"/>' in word and '<w:gridSpan w:val="10"/>' in word
    text = subprocess.run(["pdftotext", "-layout", str(folder / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    for label in (
        "本年新收政府信息公开申请数量",
        "结转下年度继续办理",
        "复议后起诉",
        "行政事业性收费",
    ):
        assert label in text, label
    assert "本年收费金额（单位：万元）" in text
    assert_each_table_on_one_page_with_its_heading(folder / "report.pdf")
    assert_word_tables_are_set_like_the_pdf(word)
    stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    assert stats["report"] == "disclosure" and "tables" in stats
    assert (
        json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["kind"] == "disclosure"
    )


# Each national table from its heading to its last row label: a table broken inside a group
# leaves the rows on the next page without their group's name.
TABLE_SPANS = (
    ("二、主动公开政府信息情况", "行政事业性收费"),
    ("三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理"),
    ("四、政府信息公开行政复议、行政诉讼情况", "复议后起诉"),
)


def assert_each_table_on_one_page_with_its_heading(pdf) -> None:
    import pymupdf

    with pymupdf.open(pdf) as doc:
        pages = [page.get_text() for page in doc]
        bottoms = [page.rect.height for page in doc]
        for first, last in TABLE_SPANS:
            on = [i for i, text in enumerate(pages) if first in text]
            assert len(on) == 1, first
            assert last in pages[on[0]], (first, last, on[0] + 1)
            # and nothing drawn past the page: the last label sits above the page number
            hits = doc[on[0]].search_for(last)
            assert hits and max(h.y1 for h in hits) < bottoms[on[0]] - 20 * 2.835, last


def assert_word_tables_are_set_like_the_pdf(word: str) -> None:
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", word, re.S)
    grids = [t for t in tables if 'w:val="GridText"' in t or 'w:val="GridHeader"' in t]
    assert len(grids) == 3
    for table in grids:
        rows = re.findall(r"<w:tr>.*?</w:tr>", table, re.S)
        # every row but the last kept with the next, so Word keeps the table whole
        assert all("<w:keepNext/>" in row for row in rows[:-1]) and "<w:keepNext/>" not in rows[-1]
        assert '<w:left w:w="57" w:type="dxa"/>' in table  # 1 mm cell margins, as in the PDF
    # table 三 fills a page: its heading starts one, so the two are never parted
    heading = word[: word.index(grids[1])].rsplit("<w:p>", 1)[-1]
    assert "<w:pageBreakBefore/>" in heading and "三、收到和处理政府信息公开申请情况" in heading
