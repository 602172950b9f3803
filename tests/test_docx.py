"""report.docx, the Word edition: read back with python-docx and checked against GB/T 9704's
numbers, the reference figures and the PDF's document model; laid out by LibreOffice when it is
installed."""

from __future__ import annotations

import base64
import io
import math
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import nbformat
import pytest
from docx.oxml.ns import qn

from conftest import EPOCH
from helpers.fonts import resolve_fonts
from helpers.render import typeset
from helpers.render.docx import docx_bytes
from test_pdf_layout import _imprint_document, check_imprint_on_an_even_last_page
from test_report import reference_rows

TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def word(report_dir):
    return docx.Document(str(report_dir / "report.docx"))


def _paragraphs(word) -> list:
    """Body paragraphs in document order, table cells included."""
    return [docx.text.paragraph.Paragraph(p, word) for p in word.element.body.iter(qn("w:p"))]


def _flat(word) -> str:
    return re.sub(r"\s+", "", "".join(p.text for p in _paragraphs(word)))


class _OrderedSpans(HTMLParser):
    def __init__(self):
        super().__init__()
        self.spans: list[tuple[str, str]] = []
        self._metric: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and attrs.get("class") == "fig":
            self._metric, self._text = attrs["data-metric"], []

    def handle_data(self, data):
        if self._metric:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "span" and self._metric:
            self.spans.append((self._metric, "".join(self._text)))
            self._metric = None


def test_every_reference_figure_is_stated_in_document_order(report_dir, word):
    parser = _OrderedSpans()
    parser.feed((report_dir / "report.html").read_text(encoding="utf-8"))
    wanted = {row["metric_id"]: row["value"] for row in reference_rows()}
    first: dict[str, str] = {}
    for metric, text in parser.spans:
        first.setdefault(metric, text)
    assert set(wanted) <= set(first)
    flat = _flat(word)
    position = 0
    for metric, text in parser.spans:
        if metric not in wanted or first.get(metric) != text:
            continue
        found = flat.find(re.sub(r"\s+", "", text), position)
        assert found >= 0, (metric, text, flat[position : position + 80])
        position = found
        first.pop(metric)
        if re.search(r"\d", text):
            assert re.search(rf"(?<![\d.]){re.escape(wanted[metric])}(?![\d.])", text)


def test_page_margins_mirror_and_document_grid(word):
    section = word.sections[0]
    mm = lambda length: length.twips / TWIPS_PER_MM  # noqa: E731
    assert round(mm(section.page_width)) == 210 and round(mm(section.page_height)) == 297
    assert round(mm(section.top_margin)) == 37 and round(mm(section.left_margin)) == 28
    block_w = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    block_h = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    assert round(block_w / TWIPS_PER_MM) == 156 and round(block_h / TWIPS_PER_MM) == 225
    assert word.settings.element.find(qn("w:mirrorMargins")) is not None
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    # Word fits whole lines: 22 of them; and 28 body characters of 16 pt, condensed, to a line
    assert block_h // int(grid.get(qn("w:linePitch"))) == 22
    normal = word.styles["Normal"].element.find(qn("w:rPr"))
    size = int(normal.find(qn("w:sz")).get(qn("w:val"))) / 2
    condensed = int(normal.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert size == 16 and math.floor(block_w / 20 / (size + condensed)) == 28


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _east_asian(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts")) if element is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _run_font(word, paragraph, run) -> str | None:
    direct = run._r.rPr.rFonts.get(qn("w:eastAsia")) if run._r.rPr is not None and (
        run._r.rPr.rFonts is not None) else None  # fmt: skip
    if direct:
        return direct
    styles = [*(_style_chain(run.style) if run._r.rPr is not None and run._r.rPr.rStyle is not None
                else []), *_style_chain(paragraph.style)]  # fmt: skip
    return next((f for s in styles if (f := _east_asian(s.element))), None)


def test_every_run_has_an_east_asian_font_from_its_style(word):
    paragraphs = _paragraphs(word)
    section = word.sections[0]
    paragraphs += section.footer.paragraphs + section.even_page_footer.paragraphs
    checked = 0
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                assert _run_font(word, paragraph, run), (paragraph.style.name, run.text)
                checked += 1
    assert checked > 100
    # the body face is chosen once, in the styles: no run of the body names a font
    assert not word.element.body.findall(
        ".//" + qn("w:r") + "/" + qn("w:rPr") + "/" + qn("w:rFonts")
    )


def test_named_styles_carry_the_roles_fonts_and_are_used(word):
    fonts = resolve_fonts()
    used: dict[str, list[str]] = {}
    for paragraph in _paragraphs(word):
        used.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert all(t.startswith(("一、", "二、", "三、", "四、", "引言")) for t in used["Heading 1"])
    assert all(t.startswith("（") for t in used["Heading 2"]) and len(used["Heading 2"]) >= 5
    assert {"公文标题", "发文机关标志", "发文字号", "主送机关", "附件说明", "落款", "附件标识",
            "图题", "版记"} <= set(used)  # fmt: skip
    styles = word.styles
    assert _east_asian(styles["Normal"].element) == fonts["body"].family
    assert _east_asian(styles["Heading 1"].element) == fonts["heading"].family
    assert _east_asian(styles["Heading 2"].element) == fonts["kai"].family
    assert _east_asian(styles["公文标题"].element) == fonts["title"].family
    assert styles["公文标题"].font.size.pt == 22 and styles["Normal"].font.size.pt == 16
    normal = styles["Normal"].element.pPr
    assert normal.find(qn("w:jc")).get(qn("w:val")) == "both"
    assert normal.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    body = [p for p in _paragraphs(word) if p.style.name == "Normal" and len(p.text) > 60]
    assert len(body) > 20
    assert all(p.paragraph_format.alignment is None for p in body)  # justified by the style


def test_letter_comes_first_and_the_attachment_starts_a_page(word):
    names = [p.style.name for p in _paragraphs(word) if p.text.strip()]
    letter = [
        "发文机关标志",
        "发文字号",
        "公文标题",
        "主送机关",
        "Normal",
        "附件说明",
        "落款",
        "落款",
    ]
    assert [n for n in names if n != "样例提示"][: len(letter)] == letter
    label = next(p for p in _paragraphs(word) if p.style.name == "附件标识")
    assert label.text == "附件" and label.style.paragraph_format.page_break_before
    number = next(p for p in _paragraphs(word) if p.style.name == "发文字号")
    assert "签发人" in number.text and "〔2022〕" in number.text
    assert number._p.pPr.find(qn("w:pBdr")) is not None  # the red separator line


def test_page_numbers_in_odd_and_even_footers(word):
    assert word.settings.odd_and_even_pages_header_footer
    section = word.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == side
        assert re.sub(r"\s+", "", paragraph.text) == "—1—" and "w:fldChar" in xml
        assert paragraph.style.font.size.pt == 14


def test_charts_are_the_notebooks_pngs_at_the_block_width(report_dir, word):
    notebook = nbformat.read(report_dir / "report.ipynb", as_version=4)
    pngs = [base64.b64decode(re.sub(r"\s+", "", "".join(o["data"]["image/png"])))
            for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]  # fmt: skip
    shapes = word.inline_shapes
    assert len(shapes) == len(pngs) >= 4
    for shape, png in zip(shapes, pngs, strict=True):
        assert round(shape.width.mm) == 156
        rel = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        assert word.part.related_parts[rel].blob == png


def test_the_package_is_stable_and_names_no_machine(report_dir):
    with zipfile.ZipFile(report_dir / "report.docx") as package:
        stamps = {info.date_time for info in package.infolist()}
        names = package.namelist()
        core = package.read("docProps/core.xml").decode("utf-8")
    assert stamps == {(2022, 1, 30, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in names
    assert "2022-01-30T00:00:00Z" in core and "python-docx" not in core


# -- letter options, from hand-made outputs: no build needed ------------------------------------

LETTER = """<section class="cover-letter">
<p class="doc-number"><span class="number">浦人社〔2022〕5号</span></p>
<h1 class="letter-title">关于报送报告的报告</h1>
<p class="addressee">区法治办：</p>
<p>现将报告报送你办，请予审阅。</p>
<p class="attachment"><span class="label">附件：</span>2021年度报告</p>
<div class="signoff unsealed"><p class="signature">某区人力资源和社会保障局</p>
<p class="date">2022年1月30日</p></div></section>"""


def _document(html: str) -> typeset.Document:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    notebook.cells = [cell]
    return typeset.document(notebook)


def test_without_letterhead_or_seal_the_letter_follows_the_params(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = docx_bytes(_document(LETTER), title="t", author="a")
    assert data == docx_bytes(_document(LETTER), title="t", author="a")
    word = docx.Document(io.BytesIO(data))
    names = [p.style.name for p in word.paragraphs]
    assert "发文机关标志" not in names
    number = next(p for p in word.paragraphs if p.style.name == "发文字号")
    assert number._p.pPr.find(qn("w:pBdr")) is None  # no red line without the letterhead
    name, date = [p for p in word.paragraphs if p.style.name == "落款"]
    # unsealed: the name two characters in from the right, the date further right (7.3.5)
    assert name.paragraph_format.right_indent.twips == 2 * _cell(word)
    assert date.paragraph_format.right_indent.twips > name.paragraph_format.right_indent.twips


def _cell(word) -> int:
    section = word.sections[0]
    width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    return round(width / 28)


def test_sealed_sign_off_has_the_date_four_characters_in(word):
    name, date = [p for p in _paragraphs(word) if p.style.name == "落款"]
    assert date.paragraph_format.right_indent.twips == 4 * _cell(word)
    assert name.paragraph_format.right_indent.twips < date.paragraph_format.right_indent.twips


def _lines_per_page(pdf_path) -> list[tuple[int, bool]]:
    import pymupdf

    out = []
    with pymupdf.open(pdf_path) as pdf:
        for page in pdf:
            baselines = {round(span["origin"][1]) for block in page.get_text("dict")["blocks"]
                         for line in block.get("lines", []) for span in line["spans"]
                         if span["size"] > 15 and span["text"].strip()}  # fmt: skip
            out.append((len(baselines), bool(page.get_image_info())))
    return out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_sets_22_lines_of_28_characters(report_dir, tmp_path):
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(report_dir / "report.docx")],
                   capture_output=True, check=True, timeout=180)  # fmt: skip
    pages = _lines_per_page(tmp_path / "report.pdf")
    text_pages = [lines for lines, has_image in pages[2:-1] if not has_image]
    assert text_pages and max(text_pages) == 22
    assert sum(lines == 22 for lines in text_pages) >= len(text_pages) // 2
    assert max(_chinese_per_line(tmp_path / "report.pdf")) == 28


def _chinese_per_line(pdf: Path) -> list[int]:
    """Chinese characters on each body line (16 pt) of a PDF."""
    import pymupdf

    counts: dict[tuple[int, int], int] = {}
    with pymupdf.open(pdf) as document:
        for number, page in enumerate(document):
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        if span["size"] > 15:
                            key = (number, round(span["origin"][1]))
                            counts[key] = counts.get(key, 0) + sum(
                                "\u4e00" <= c["c"] <= "\u9fff" for c in span["chars"]
                            )
    return list(counts.values())


# -- the 版记: a last section of its own, on an even page, at its foot, without a page number ----


def _field_codes(paragraphs) -> str:
    return "".join(t.text for p in paragraphs for t in p._p.iter(qn("w:instrText")))


def test_the_imprint_is_a_last_section_on_an_even_page_at_its_foot(word):
    from docx.enum.section import WD_SECTION_START

    text, imprint = word.sections
    assert imprint.start_type == WD_SECTION_START.EVEN_PAGE
    assert imprint._sectPr.find(qn("w:vAlign")).get(qn("w:val")) == "bottom"
    for footer in (text.footer, text.even_page_footer):
        assert "PAGE" in _field_codes(footer.paragraphs)
    for footer in (imprint.footer, imprint.even_page_footer):  # its own footers, empty
        assert not footer.is_linked_to_previous
        assert not _field_codes(footer.paragraphs)
        assert not any(p.text for p in footer.paragraphs)
    body = list(word.element.body)
    section_break = f"{qn('w:pPr')}/{qn('w:sectPr')}"
    [end] = [i for i, e in enumerate(body) if e.find(section_break) is not None]
    assert "推动依法行政" in "".join(t.text for t in body[end].iter(qn("w:t")))  # the text's end
    last = body[end + 1 : -1]
    [table] = [e for e in last if e.tag == qn("w:tbl")]
    words = "".join(t.text for t in table.iter(qn("w:t")))
    assert words.startswith("抄送：") and words.endswith("印发")
    assert table.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}") is None  # in the flow, not floating
    assert not "".join(t.text for e in last if e is not table for t in e.iter(qn("w:t")))
    assert "抄送：" not in "".join(t.text for e in body[:end] for t in e.iter(qn("w:t")))


IMPRINT_LINES = (10, 30, 44)  # text ending on page 1 (odd), on page 2 with room, page 2 full


@pytest.fixture(scope="module")
def libreoffice_pdfs(report_dir, tmp_path_factory) -> dict[str, Path]:
    """The sample report.docx and hand-made ones, laid out by LibreOffice, the blank pages it
    inserts before an even-page section exported too (as a printer prints them)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    files = [report_dir / "report.docx"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for lines in IMPRINT_LINES:
            files.append(folder / f"imprint-{lines}.docx")
            files[-1].write_bytes(docx_bytes(_imprint_document(lines), title="版记", author=""))
    export = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", export, "--outdir", str(folder), *map(str, files)],
                   capture_output=True, check=True, timeout=300)  # fmt: skip
    return {f.stem: folder / f"{f.stem}.pdf" for f in files}


def test_libreoffice_sets_the_imprint_on_an_even_last_page(libreoffice_pdfs):
    # LibreOffice ignores the section's bottom alignment; the filled space above the 版记
    # leaves it 1 mm short of the foot (docx.IMPRINT_SLACK).
    pages = check_imprint_on_an_even_last_page(libreoffice_pdfs["report"], slack=1.5)
    assert len(pages) > 10


@pytest.mark.parametrize("lines", IMPRINT_LINES)
def test_libreoffice_gives_the_imprint_a_page_of_its_own(libreoffice_pdfs, lines):
    pages = check_imprint_on_an_even_last_page(libreoffice_pdfs[f"imprint-{lines}"], slack=1.5)
    assert len(pages) == (2 if lines <= 22 else 4)  # after page 2: a blank page 3, then page 4
    assert sum(len(p.body) for p in pages) == lines
