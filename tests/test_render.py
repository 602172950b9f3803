"""Reader/reviewer HTML and the PDF, from a notebook built in memory (no kernel)."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import matplotlib
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from helpers import fonts  # noqa: E402
from helpers.errors import RenderError  # noqa: E402
from helpers.render import html as render  # noqa: E402
from helpers.render import pdf as typst_pdf  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "render"
TITLE = "2021年度法治政府建设情况报告"
SENTENCE = "共受理劳动人事争议案件 32014 件"
EPOCH = "1642636800"  # 2022-01-20T00:00:00Z

CODE_MARKER = "SECRET_CODE_MARKER"
MARKDOWN_MARKER = "开发说明MARKDOWN"
A4_POINTS = (595.28, 841.89)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdffonts") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils not installed (apt-get install poppler-utils)",
)


def _html_output(html: str) -> nbformat.NotebookNode:
    return new_output(
        "display_data", data={"text/html": html, "text/plain": "<IPython.core.display.HTML>"}
    )


def _chart_png() -> str:
    with matplotlib.rc_context():
        fonts.configure_matplotlib()
        fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
        ax.bar(["2019年", "2020年", "2021年"], [27310, 29876, 32014])
        ax.set_title("图1 劳动人事争议案件受理量")
        ax.set_ylabel("案件数（件）")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def build_notebook() -> nbformat.NotebookNode:
    letter = (FIXTURES / "cover_letter.html").read_text(encoding="utf-8")
    opening = (FIXTURES / "report_opening.html").read_text(encoding="utf-8")
    figure = (
        '<figure class="chart"><img alt="图2" src="data:image/png;base64,'
        f'{_chart_png()}"><figcaption>图2 各年度案件数量</figcaption></figure>'
    )
    cells = [
        new_markdown_cell(f"# 报告笔记本\n{MARKDOWN_MARKER}"),
        new_code_cell(
            f"{CODE_MARKER} = 1\nprint('DEBUG-STDOUT')",
            execution_count=1,
            outputs=[
                new_output("stream", name="stdout", text="DEBUG-STDOUT\n"),
                new_output("stream", name="stderr", text="DEBUG-STDERR\n"),
            ],
        ),
        new_code_cell("show(letter)", execution_count=2, outputs=[_html_output(letter)]),
        new_code_cell("show(opening)", execution_count=3, outputs=[_html_output(opening)]),
        new_code_cell(
            "figure",
            execution_count=4,
            outputs=[
                new_output(
                    "display_data",
                    data={"image/png": _chart_png(), "text/plain": "<Figure size 600x300>"},
                )
            ],
        ),
        new_code_cell("show(figure)", execution_count=5, outputs=[_html_output(figure)]),
        new_code_cell(
            "len(df)",
            execution_count=6,
            outputs=[
                new_output(
                    "execute_result", data={"text/plain": "PLAIN_REPR_MARKER"}, execution_count=6
                )
            ],
        ),
        new_code_cell(
            "debug_table",
            execution_count=7,
            metadata={"tags": ["remove_cell"]},
            outputs=[_html_output("<p>TAGGED_REMOVED_MARKER</p>")],
        ),
        new_code_cell(
            "1/0",
            execution_count=8,
            outputs=[
                new_output(
                    "error",
                    ename="ZeroDivisionError",
                    evalue="TRACEBACK_MARKER",
                    traceback=["TRACEBACK_MARKER"],
                )
            ],
        ),
    ]
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


def _pdftext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return build_notebook()


@pytest.fixture(scope="module")
def reader(notebook) -> str:
    return render.reader_html(notebook, TITLE)


@pytest.fixture(scope="module")
def review(notebook) -> str:
    return render.review_html(notebook, TITLE)


@pytest.fixture(scope="module")
def pdf(notebook, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        typst_pdf.write_pdf(notebook, path, TITLE)
    return path


# ---------- reader's HTML ----------


def test_reader_is_offline(reader):
    assert "<script" not in reader.lower()
    assert "http://" not in reader and "https://" not in reader
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*//""", reader)
    assert "@import" not in reader


def test_reader_declares_simplified_chinese(reader):
    assert '<html lang="zh-CN">' in reader
    assert re.search(r'<meta charset="utf-8"\s*/?>', reader)
    assert f"<title>{TITLE}</title>" in reader


def test_reader_has_no_code_streams_prompts_or_notes(reader):
    for marker in (
        CODE_MARKER,
        "DEBUG-STDOUT",
        "DEBUG-STDERR",
        "PLAIN_REPR_MARKER",
        "TAGGED_REMOVED_MARKER",
        "TRACEBACK_MARKER",
        MARKDOWN_MARKER,
        "In&nbsp;[",
        "Out[",
    ):
        assert marker not in reader, marker


def test_reader_keeps_narrative_and_embeds_images(reader):
    assert SENTENCE in reader
    for convention in (
        'class="sample-notice"',
        'class="cover-letter"',
        'class="doc-title"',
        'class="lead"',
        'class="data"',
        'class="chart"',
    ):
        assert convention in reader
    assert reader.count("data:image/png;base64,") == 2
    assert re.search(r'<img alt="[^"]+"', reader)


def test_reader_puts_cover_letter_in_front_matter(reader):
    front = reader.index('class="front-matter"')
    letter_end = reader.index('class="date"')
    body = reader.index('class="report-body"')
    assert front < letter_end < body < reader.index('class="doc-title"')


def test_reader_injects_resolved_fonts(reader):
    for font in fonts.resolve_fonts().values():
        assert f'"{font.family}"' in reader


def test_reader_is_deterministic(notebook, reader):
    assert render.reader_html(notebook, TITLE) == reader
    assert render.reader_html(build_notebook(), TITLE) == reader


def test_reader_does_not_modify_the_notebook(notebook):
    before = nbformat.writes(notebook)
    render.reader_html(notebook, TITLE)
    assert nbformat.writes(notebook) == before


@pytest.mark.parametrize(
    "html",
    [
        "<p>正文</p><script>alert(1)</script>",
        '<img src="https://cdn.example.com/chart.png" alt="图">',
        '<p style="background: url(http://example.com/x.png)">正文</p>',
    ],
)
def test_reader_refuses_scripts_and_remote_resources(html):
    nb = new_notebook(cells=[new_code_cell("x", outputs=[_html_output(html)])])
    with pytest.raises(RenderError, match="离线"):
        render.reader_html(nb, TITLE)


def test_letter_sharing_an_output_with_the_report_is_split():
    letter = (FIXTURES / "cover_letter.html").read_text(encoding="utf-8")
    opening = (FIXTURES / "report_opening.html").read_text(encoding="utf-8")
    nb = new_notebook(cells=[new_code_cell("x", outputs=[_html_output(letter + opening)])])
    html = render.reader_html(nb, TITLE)
    assert html.index('class="date"') < html.index('class="report-body"')
    assert html.index('class="report-body"') < html.index('class="doc-title"')


def test_letter_after_report_content_is_not_front_matter():
    letter = (FIXTURES / "cover_letter.html").read_text(encoding="utf-8")
    nb = new_notebook(cells=[new_code_cell("x", outputs=[_html_output("<p>正文</p>" + letter)])])
    html = render.reader_html(nb, TITLE)
    assert 'class="front-matter"' not in html.split("</style>", 1)[1]


# ---------- reviewer's HTML ----------


def test_review_shows_code_and_all_outputs(review):
    assert CODE_MARKER in review
    assert "DEBUG-STDOUT" in review and "DEBUG-STDERR" in review
    assert "PLAIN_REPR_MARKER" in review
    assert SENTENCE in review


def test_review_is_offline(review):
    assert '<html lang="zh-CN">' in review
    assert "<script" not in review.lower()
    assert "http://" not in review and "https://" not in review
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", review)


def _traced(metric: str, text: str) -> str:
    return f'<span class="fig" data-metric="{metric}" data-value="1" title="{metric} 名称：口径">{text}</span>'


def traced_notebook() -> nbformat.NotebookNode:
    """A report with traced numbers (one manual, one growth), its review tables and cards."""
    narrative = (
        "<h2>一、主要举措</h2><h3>（一）劳动争议</h3>"
        f"<p>受理{_traced('disputes.accepted_total', '32014')}件，比上年增长"
        f"{_traced('disputes.accepted_total.growth', '6.4%')}；窗口"
        f"{_traced('service.window_items_moved', '12')}个。</p>"
        f"<h3>（二）欠薪</h3><p>再次受理{_traced('disputes.accepted_total', '32014')}件。</p>"
    )
    listed = ('<span class="fig" data-metric="wage_arrears.amount_recovered" data-listed="1" '
              'data-value="6573.74">6573.74</span>')  # fmt: skip
    cards = "".join(
        f"<section class='fig-card' id='fig-{id}'><h4><code>{id}</code> 名称{n}</h4>"
        f"<div class='fig-uses' data-uses='{id}'></div></section>"
        for n, id in enumerate(["disputes.accepted_total", "service.window_items_moved",
                                "wage_arrears.amount_recovered", "disputes.accepted_total.growth"])
    )  # fmt: skip
    review_only = {"tags": ["remove-cell"]}
    cells = [
        new_markdown_cell("### 输入文件", metadata=review_only),
        new_code_cell(
            "report.section('m07')", execution_count=1, outputs=[_html_output(narrative)]
        ),  # fmt: skip
        new_code_cell(
            "report.figures_table()",
            execution_count=2,
            metadata=review_only,
            outputs=[_html_output(f"<table><tr><td>{listed}</td></tr></table>")],
        ),  # fmt: skip
        new_code_cell(
            "report.unstated_figures()",
            execution_count=3,
            metadata=review_only,
            outputs=[
                _html_output(
                    "<div class='unstated-figures' data-report='rule_of_law'><p>待填</p></div>"
                )
            ],
        ),  # fmt: skip
        new_code_cell(
            "report.figure_cards()",
            execution_count=4,
            metadata=review_only,
            outputs=[_html_output(cards)],
        ),  # fmt: skip
    ]
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


@pytest.fixture(scope="module")
def traced_review() -> str:
    return render.review_html(traced_notebook(), TITLE)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_review_headings_have_anchors_and_a_contents_list(traced_review):
    toc = traced_review[traced_review.index('<nav class="review-toc"') :]
    toc = toc[: toc.index("</nav>")]
    entries = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    assert [text for _, text in entries] == [
        "输入文件",
        "一、主要举措",
        "（一）劳动争议",
        "（二）欠薪",
    ]
    ids = _ids(traced_review)
    assert all(anchor in ids for anchor, _ in entries)
    assert traced_review.index("review-toc") < traced_review.index("一、主要举措")


def test_review_numbers_link_to_their_own_cards_and_back(traced_review):
    links = re.findall(
        r'<a class="fig-link" href="#fig-([^"]+)"(?: id="([^"]+)")?><span', traced_review
    )
    assert ("disputes.accepted_total.growth", "use-disputes.accepted_total.growth-1") in links
    assert ("wage_arrears.amount_recovered", "") in links  # a listing links, is not a use
    assert len(links) == len(re.findall(r'<span class="fig"', traced_review))
    card = traced_review[
        re.search(r"""id=["']fig-disputes.accepted_total["']""", traced_review).start() :
    ]
    card = card[: card.index("</section>")]
    back = re.findall(r'<li><a href="#(use-[^"]+)">[^<]*</a>：<a href="#([^"]+)">([^<]+)</a>', card)
    assert [(use, heading) for use, _, heading in back] == [
        ("use-disputes.accepted_total-1", "（一）劳动争议"),
        ("use-disputes.accepted_total-2", "（二）欠薪"),
    ]
    ids = _ids(traced_review)
    assert all(use in ids and anchor in ids for use, anchor, _ in back)


def test_review_lists_the_figures_no_edition_states(traced_review):
    block = traced_review[traced_review.index('<div class="unstated-figures">') :]
    block = block[: block.index("</div>")]
    assert re.findall(r'href="#fig-([^"]+)"', block) == ["wage_arrears.amount_recovered"]


def test_manual_figures_are_marked_in_both_html_editions(traced_review):
    reader = render.reader_html(traced_notebook(), TITLE)
    for html in (reader, traced_review):
        marked = re.findall(
            r'data-metric="([^"]+)"[^>]*>[^<]*</span>(?:</a>)?<sup class="manual-mark"', html
        )
        assert set(marked) == {"service.window_items_moved"}, marked
        assert "人工填报" in html
    assert '<p class="manual-legend">' in reader and "href=" not in reader


def test_the_contract_page_keeps_every_anchor_and_no_markdown_syntax():
    from helpers.report.contract_doc import render_contract

    page = render.contract_html()
    anchors = re.findall(r'<a id="([^"]+)"></a>', render_contract())
    assert anchors and set(anchors) <= _ids(page)
    assert (
        "ledger-wage_arrears_leads" in anchors and "metric-wage_arrears.amount_recovered" in anchors
    )
    assert "|---" not in page and "**" not in page and "`" not in page
    assert '<html lang="zh-CN">' in page and "<script" not in page
    assert render.contract_html() == page


# ---------- PDF ----------


@needs_poppler
def test_pdf_embeds_simplified_chinese_fonts(pdf):
    lines = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert lines
    names = []
    for line in lines:
        columns = line.split()
        emb = columns[-5]  # name type… encoding emb sub uni objID gen
        assert emb == "yes", line
        names.append(columns[0])
    joined = " ".join(names).replace("-", "").casefold()
    assert "cjksc" in joined
    assert "cjkjp" not in joined
    for role in ("body", "heading"):
        family = fonts.resolve_fonts()[role].family.replace(" ", "").casefold()
        assert family in joined


@needs_poppler
def test_pdf_text_is_extractable_in_order(pdf):
    text = _pdftext(pdf)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", SENTENCE) in flat
    assert re.search(r"(?<!\d)32014(?!\d)", text)  # the number is not split or garbled
    assert "区人力资源和社会保障局" in flat
    assert "推进法治政府建设的主要举措和成效" in flat


@needs_poppler
def test_pdf_pages_are_numbered_continuously_from_the_cover_letter(pdf):
    number = re.compile(r"—\s*(\d+)\s*—")
    for page in range(1, len(PdfReader(pdf).pages) + 1):
        found = number.search(_pdftext(pdf, "-f", str(page), "-l", str(page)))
        assert found and found.group(1) == str(page)


@needs_poppler
def test_pdf_holds_the_chart_and_the_table(pdf):
    flat = re.sub(r"\s+", "", _pdftext(pdf))
    assert "图2各年度案件数量" in flat
    assert "表12021年劳动人事争议案件办理情况" in flat and "+3.4个百分点" in flat
    import pymupdf

    with pymupdf.open(pdf) as document:  # the same PNG twice: one image, placed twice
        assert sum(len(page.get_image_info()) for page in document) == 2


def test_pdf_is_a4(pdf):
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 0.5 and abs(height - A4_POINTS[1]) < 0.5


def test_pdf_dates_come_from_source_date_epoch(pdf):
    info = PdfReader(pdf).metadata
    assert info["/CreationDate"].startswith("D:20220120000000")
    assert info["/ModDate"] == info["/CreationDate"]
    assert info["/Title"] == TITLE


def test_pdf_is_byte_identical_between_runs(pdf, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = tmp_path / "again.pdf"
    typst_pdf.write_pdf(build_notebook(), again, TITLE)
    assert again.read_bytes() == pdf.read_bytes()


def test_pdf_refuses_remote_resources(tmp_path):
    html = '<p>正文</p><img src="http://127.0.0.1:9/x.png">'
    nb = new_notebook(cells=[new_code_cell("x", outputs=[_html_output(html)])])
    with pytest.raises(RenderError, match="PNG"):
        typst_pdf.write_pdf(nb, tmp_path / "x.pdf", TITLE)


@pytest.mark.parametrize(
    "text",
    [
        "#set page(width: 1cm) *x* _y_ $z$ @ref <l> [a] `c` // d",
        "1. 列表 - 项 + 项 = 题 \\ 反斜杠 {} ~ ' \" .",
    ],
)
def test_typst_syntax_in_text_is_printed_literally(text, tmp_path):
    html = f"<p>{escape(text)}</p>"
    nb = new_notebook(cells=[new_code_cell("x", outputs=[_html_output(html)])])
    typst_pdf.write_pdf(nb, tmp_path / "x.pdf", TITLE)
    printed = "".join(page.extract_text() for page in PdfReader(tmp_path / "x.pdf").pages)
    assert re.sub(r"\s+", "", text) in re.sub(r"\s+", "", printed)


def test_bad_source_date_epoch_is_reported(notebook, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH"):
        typst_pdf.write_pdf(notebook, tmp_path / "x.pdf", TITLE)


def _fake_licensed_font(folder: Path, family: str) -> Path:
    """A free face renamed to a licensed family, standing in for a file a bureau drops in."""
    from fontTools.ttLib import TTFont

    source = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
    if not source.exists():
        pytest.skip("fonts-lxgw-wenkai not installed")
    font = TTFont(source)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family.replace(" ", "")
    path = folder / f"{family}.ttf"
    font.save(path)
    return path


def test_fonts_dropped_in_report_fonts_dir_are_used_by_the_pdf(notebook, tmp_path, monkeypatch):
    folder = tmp_path / "fonts"
    folder.mkdir()
    _fake_licensed_font(folder, "FangSong_GB2312")
    monkeypatch.setenv("REPORT_FONTS_DIR", str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert fonts.resolve_fonts()["body"].family == "FangSong_GB2312"
    assert fonts.font_manifest()["body"] == {"family": "FangSong_GB2312",
                                             "file": "FangSong_GB2312.ttf"}  # fmt: skip
    typst_fonts = typst_pdf.typst_fonts(typst_pdf.typst_font_set())
    assert typst_fonts["body"][0] == "FangSong_GB2312"
    # the face has no bold, and Typst fakes none: bold leads are set in the 黑体
    assert typst_fonts["bold"] == typst_fonts["heading"]
    typst_pdf.write_pdf(notebook, tmp_path / "x.pdf", TITLE)
    embedded = subprocess.run(["pdffonts", str(tmp_path / "x.pdf")], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
    assert "FangSong_GB2312" in embedded


def test_a_missing_fonts_dir_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORT_FONTS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(fonts.FontNotFoundError, match="REPORT_FONTS_DIR"):
        fonts.resolve_fonts()
