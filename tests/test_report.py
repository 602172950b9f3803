"""End to end: the report notebook executed by papermill, rendered to HTML and PDF, as a user runs it."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from conftest import EPOCH
from helpers import config
from helpers.errors import RenderError
from helpers.ledgers.contract import LEDGERS
from helpers.report.narrative import base_metric
from helpers.runs.report import OUTPUTS, ReportRequest, build_report

FIGURES = Path(__file__).parent / "fixtures" / "2021-figures.csv"


def reference_rows() -> list[dict[str, str]]:
    with FIGURES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build(out_dir: Path, year: int = 2021) -> Path:
    request = ReportRequest(year, config.DATA_DIR, out_dir, config.params_path(year))
    build_report(request, log=lambda *_: None)
    return request.final_dir


@pytest.fixture(scope="module")
def pdf_text(report_dir) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(report_dir / "report.pdf"), "-"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout


class _FigureSpans(HTMLParser):
    """Collects <span class="fig" data-metric=… data-value=…>text</span> from the reader HTML."""

    def __init__(self):
        super().__init__()
        self.spans: dict[str, list[tuple[str, str]]] = {}
        self._open: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and attrs.get("class") == "fig":
            self._open = (attrs["data-metric"], attrs["data-value"])
            self._text = []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "span" and self._open:
            metric, value = self._open
            self.spans.setdefault(metric, []).append((value, "".join(self._text)))
            self._open = None


def figure_spans(html: str) -> dict[str, list[tuple[str, str]]]:
    parser = _FigureSpans()
    parser.feed(html)
    return parser.spans


def test_every_output_is_written(report_dir):
    for name in OUTPUTS:
        assert (report_dir / name).stat().st_size > 0, name
    notebook = nbformat.read(report_dir / "report.ipynb", as_version=4)
    assert notebook.metadata["papermill"]["parameters"]["year"] == 2021


@pytest.mark.parametrize("row", reference_rows(), ids=lambda r: r["metric_id"])
def test_each_reference_figure_is_stated_in_html_and_pdf(row, report_dir, pdf_text):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    spans = figure_spans(html).get(row["metric_id"])
    assert spans, f"{row['metric_id']} is not stated in the report"
    value, text = spans[0]
    assert float(value) == float(row["value"])
    flat_pdf = re.sub(r"\s+", "", pdf_text)
    assert text in flat_pdf
    if re.search(r"\d", text):
        number = row["value"]
        assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", text), (number, text)


def test_stats_json_matches_reference(report_dir):
    stats = json.loads((report_dir / "stats.json").read_text(encoding="utf-8"))
    assert stats["year"] == 2021
    for row in reference_rows():
        assert float(stats["metrics"][row["metric_id"]]["value"]) == float(row["value"])


def test_reader_html_is_offline_and_has_no_code(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "open_report" not in html and "report.section" not in html
    assert "样例数据" in html  # synthetic sample notice
    assert "data:image/png;base64," in html  # charts embedded


def test_review_html_has_code_quality_checks_and_definitions(report_dir):
    html = (report_dir / "review.html").read_text(encoding="utf-8")
    assert "open_report" in html
    assert "<script src=" not in html.lower()
    assert "一致性" in html and "口径" in html


def test_pdf_is_a4_with_embedded_cjk_fonts(report_dir, pdf_text):
    pdf = report_dir / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows
    assert any("cjksc" in row[0].replace("-", "").casefold() for row in rows)
    for row in rows:
        emb = row[-5]
        assert emb == "yes", row
    # A sentence may run over a page break, where the page number "— 7 —" sits in the text.
    running = re.sub(r"—\d+—", "", re.sub(r"\s+", "", pdf_text))
    assert "共受理劳动人事争议案件32014件" in running
    assert re.search(r"—\s*1\s*—", pdf_text) and re.search(r"—\s*2\s*—", pdf_text)


def test_rerun_is_byte_identical(report_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = build(tmp_path)
    for name in OUTPUTS:
        first = hashlib.sha256((report_dir / name).read_bytes()).hexdigest()
        second = hashlib.sha256((again / name).read_bytes()).hexdigest()
        assert first == second, name


def test_no_output_holds_a_path_of_the_build_machine(report_dir):
    machine_paths = [str(config.PROJECT_ROOT), str(report_dir.parent), tempfile.gettempdir() + "/"]
    for name in OUTPUTS:
        text = (report_dir / name).read_bytes().decode("latin-1")
        for path in machine_paths:
            assert path not in text, (name, path)
    parameters = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))
    assert parameters["parameters"] == {"year": 2021, "kind": "rule_of_law", "bureau": "pudong",
                                        "data_dir": "data/raw/pudong",
                                        "params": "params/pudong/2021.yaml"}  # fmt: skip


def test_each_input_file_is_recorded_and_listed_for_reviewers(report_dir):
    inputs = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    review = (report_dir / "review.html").read_text(encoding="utf-8")
    first_section = review.index("共受理劳动人事争议案件")
    for name in ("disputes", "wage_arrears_leads", "params", "notebook"):
        facts = inputs[name]
        path = config.params_path(2021) if name == "params" else (
            config.REPORT_NOTEBOOK if name == "notebook" else config.DATA_DIR / facts["file"])  # fmt: skip
        assert facts["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert facts["bytes"] == path.stat().st_size and facts["modified"]
        assert 0 <= review.index(f"<td>{facts['sha256']}</td>") < first_section, name
    assert set(inputs) == {"params", "notebook", *LEDGERS}


def test_failed_run_keeps_previous_report_and_the_partial_notebook(
    tmp_path, monkeypatch, report_dir
):
    out = tmp_path / "out"
    out.mkdir()
    good = out / "2021"
    good.mkdir()
    for name in OUTPUTS:
        (good / name).write_bytes((report_dir / name).read_bytes())
    before = {name: (good / name).read_bytes() for name in OUTPUTS}

    broken = nbformat.read(config.REPORT_NOTEBOOK, as_version=4)
    broken.cells.insert(
        5, nbformat.v4.new_code_cell("raise ValueError('模拟失败 simulated failure')")
    )
    broken_path = tmp_path / "broken.ipynb"
    nbformat.write(broken, broken_path)
    monkeypatch.setattr(config, "REPORT_NOTEBOOK", broken_path)

    with pytest.raises(RenderError) as error:
        build(out)
    message = str(error.value)
    assert "ValueError" in message and "simulated failure" in message
    assert {name: (good / name).read_bytes() for name in OUTPUTS} == before
    assert (out / "2021.failed" / "report.ipynb").exists()
    assert not list(out.glob(".2021.staging-*"))


def test_several_years_in_parallel_match_one_at_a_time_and_failures_are_named(
    report_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "reports", "--years", "2021", "2022", "2031",
         "--out-dir", str(out), "--jobs", "2"],
        capture_output=True, text=True, cwd=config.PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert "2031" in done.stderr and "Traceback" not in done.stdout + done.stderr
    for name in ("report.html", "stats.json", "report.pdf"):
        assert (out / "2021" / name).read_bytes() == (report_dir / name).read_bytes(), name
    assert (out / "2022" / "report.pdf").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2021/report.pdf"' in index and 'href="2022/review.html"' in index
    assert "2031" in index and "失败" in index
    # Every kind for every year: every sample year's params have a disclosure section.
    assert (out / "2021-disclosure" / "report.pdf").exists()
    assert (out / "2022-disclosure" / "report.pdf").exists()
    assert 'href="2021-disclosure/report.pdf"' in index and "未配置" not in index


# -- the review edition: every traced number links to a card with its code ----------------------

_LINKED = re.compile(
    r'<a class="fig-link" href="#fig-([^"]+)"(?: id="use-[^"]+")?><span class="fig" data-metric="([^"]+)"'
)


def _cards(html: str) -> dict[str, str]:
    parts = re.split(r'(?=<section class="fig-card[^"]*" id="fig-)', html)
    return {
        m.group(1): part
        for part in parts
        if (m := re.match(r'<section class="fig-card[^"]*" id="fig-([^"]+)"', part))
    }


def test_every_review_number_links_to_a_card_showing_its_code(report_dir):
    from helpers.figures.catalogue import CATALOGUE

    html = (report_dir / "review.html").read_text(encoding="utf-8")
    spans = re.findall(r'<span class="fig" data-metric="([^"]+)"', html)
    links = _LINKED.findall(html)
    assert spans and len(links) == len(spans)
    assert all(target == metric for target, metric in links)  # a comparison value: its own card
    assert any(metric.endswith(".growth") for _, metric in links), "comparisons are traced"
    cards = _cards(html)
    assert {id for id in cards if base_metric(id) == id and "@" not in id} == {
        m.id for m in CATALOGUE.values() if m.report == "rule_of_law"
    }
    assert {m for _, m in links if base_metric(m) != m} <= set(cards)
    for metric_id in {target for target, _ in links if base_metric(target) == target}:
        card = cards[metric_id]
        if CATALOGUE[metric_id].is_manual:
            assert "人工填报" in card
        else:
            assert 'class="fig-code"' in card and "def " in card, metric_id
            assert "SHA-256" in card and "#ledger-" in card, metric_id


def test_reader_edition_has_no_links_to_cards_but_hover_shows_the_id(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert 'href="#fig-' not in html and "fig-card" not in html
    for metric, title in re.findall(
        r'data-metric="([^"]+)" data-value="[^"]*" title="([^"]*)"', html
    ):
        assert title.startswith(metric + " ")
