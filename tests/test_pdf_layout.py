"""The 2021 PDF measured against GB/T 9704-2012, from glyph positions read with PyMuPDF.

Geometry: A4, text block 156 × 225 mm at top 37 mm, binding side 28 mm (left on odd pages, right
on even pages); body 16 pt on 22 lines of 28 characters; page numbers 14 pt, 7 mm below the
block, one character in from its outer edge.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pymupdf
import pytest

from helpers.render import pdf as typst_pdf
from helpers.render import typeset
from test_report import figure_spans

MM = 72 / 25.4
TOP, HEIGHT, WIDTH, BINDING = 37.0, 225.0, 156.0, 28.0
PITCH = HEIGHT / 22
CELL = WIDTH / 28
BODY_PT = 16.0
FIRST_BASELINE = TOP + BODY_PT / MM
CLOSING = "，。、；：？！）》」』”’%"
OPENING = "（《「『“‘"
CJK = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass
class Line:
    page: int  # 1-based
    baseline: float  # mm from the page top
    size: float
    x0: float
    x1: float
    text: str
    first_advance: float  # mm, of the first glyph
    last_x0: float

    @property
    def slot(self) -> float:
        """Grid line index (0-based) the baseline sits on; fractional when off the grid."""
        return (self.baseline - FIRST_BASELINE) / PITCH

    @property
    def end(self) -> float:
        """Right end of the ink: closing punctuation at a line end is set half-width."""
        if self.text[-1] in CLOSING and self.text[-1] != "%":
            return self.last_x0 + BODY_PT / 2 / MM
        return self.x1

    @property
    def start(self) -> float:
        if self.text[0] in OPENING:
            return self.x0 + BODY_PT / 2 / MM  # opening punctuation at a line start, half-width
        return self.x0


@dataclass
class Page:
    number: int
    lines: list[Line]
    images: list[tuple[float, float]]  # top, bottom in mm

    @property
    def left(self) -> float:
        return BINDING if self.number % 2 else 210 - BINDING - WIDTH

    @property
    def right(self) -> float:
        return self.left + WIDTH

    @property
    def body(self) -> list[Line]:
        return [ln for ln in self.lines if ln.size > 15]

    @property
    def number_line(self) -> Line | None:
        found = [ln for ln in self.lines if abs(ln.size - 14) < 0.1 and "—" in ln.text]
        return found[-1] if found else None


def read_pages(path: Path) -> list[Page]:
    pages = []
    with pymupdf.open(path) as document:
        for index, page in enumerate(document):
            rows: dict[tuple[float, float], list] = {}
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        for char in span["chars"]:
                            if char["c"].isspace():
                                continue
                            key = (round(char["origin"][1], 1), round(span["size"], 1))
                            rows.setdefault(key, []).append(char)
            lines = []
            for (y, size), chars in sorted(rows.items()):
                chars.sort(key=lambda c: c["origin"][0])
                lines.append(
                    Line(
                        index + 1,
                        y / MM,
                        size,
                        chars[0]["bbox"][0] / MM,
                        chars[-1]["bbox"][2] / MM,
                        "".join(c["c"] for c in chars),
                        (chars[0]["bbox"][2] - chars[0]["bbox"][0]) / MM,
                        chars[-1]["bbox"][0] / MM,
                    )  # fmt: skip
                )
            images = [(i["bbox"][1] / MM, i["bbox"][3] / MM) for i in page.get_image_info()]
            pages.append(Page(index + 1, lines, images))
    return pages


@pytest.fixture(scope="module")
def pages(report_dir) -> list[Page]:
    return read_pages(report_dir / "report.pdf")


@pytest.fixture(scope="module")
def attachment(pages) -> list[Page]:
    """Pages of the attached report: from the one whose first line is "附件"."""
    start = next(p for p in pages if p.body and p.body[0].text == "附件")
    return [p for p in pages if p.number >= start.number]


def _occupied_slots(page: Page) -> set[int]:
    """Grid lines taken by text, by a chart with its caption, or by the attachment's title."""
    slots = {round(line.slot) for line in page.body}
    for top, bottom in page.images:
        captions = [ln for ln in page.lines if 13.9 < ln.size < 14.1 and ln.baseline > bottom]
        end = captions[0].baseline if captions and captions[0].baseline - bottom < 15 else bottom
        for slot in range(22):
            line_top = TOP + slot * PITCH
            if line_top < end and line_top + PITCH > top:
                slots.add(slot)
    if page.body and page.body[0].text == "附件":
        titles = [round(ln.slot) for ln in page.body if ln.size > 21]
        slots |= set(range(0, max(titles) + 2))  # label, blank, title lines, blank
    return slots


def test_body_lines_sit_on_the_grid(attachment):
    for page in attachment:
        for line in page.body:
            assert abs(line.slot - round(line.slot)) * PITCH < 0.3, (page.number, line.text)
            assert 0 <= round(line.slot) < 22, (page.number, line.text)


def _text_pages(attachment: list[Page]) -> list[Page]:
    """The attachment's pages up to its last body line (the imprint may follow on its own)."""
    last = max(p.number for p in attachment if p.body)
    return [p for p in attachment if p.number <= last]


HEADING = re.compile(r"（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、")


def test_every_full_text_page_has_22_lines(attachment):
    text = _text_pages(attachment)
    # A heading is kept with its paragraph's first line: when only the heading would fit, it
    # starts the next page and leaves this one a line short.
    full = [p for p, following in zip(text[1:-1], text[2:], strict=True)
            if not p.images and not (following.body and HEADING.match(following.body[0].text))]  # fmt: skip
    assert full, "no text-only page to measure"
    for page in full:
        assert len(page.body) == 22, (page.number, len(page.body))
        assert sorted(round(line.slot) for line in page.body) == list(range(22))


def test_no_page_ends_more_than_two_lines_short(attachment):
    for page in _text_pages(attachment)[:-1]:
        free = 22 - (max(_occupied_slots(page)) + 1)
        assert free <= 2, (page.number, free)


def _paragraph_continues(line: Line, following: Line | None, page: Page) -> bool:
    """A line is not its paragraph's last when the next body line starts flush at the left edge
    (a new paragraph is indented two characters; headings are indented too)."""
    if following is None or following.size != line.size:
        return False
    left = 210 - BINDING - WIDTH if following.page % 2 == 0 else BINDING
    return abs(following.start - left) < 0.5


def _body_sequence(attachment: list[Page]) -> list[tuple[Line, Page]]:
    return [(line, page) for page in attachment for line in page.body if line.size < 16.5]


def test_lines_are_justified_to_the_right_edge(attachment):
    sequence = _body_sequence(attachment)
    measured = 0
    for (line, page), (following, _) in zip(sequence, sequence[1:], strict=False):
        if not _paragraph_continues(line, following, page):
            continue
        measured += 1
        assert abs(line.end - page.right) < 0.5, (page.number, line.text, line.end, page.right)
    assert measured > 200


def test_full_chinese_lines_hold_28_characters(attachment):
    sequence = _body_sequence(attachment)
    full = []
    for (line, page), (following, _) in zip(sequence, sequence[1:], strict=False):
        if CJK.match(line.text) and _paragraph_continues(line, following, page):
            if abs(line.start - page.left) < 0.5:  # not a first, indented line
                full.append(line)
    assert full, "no all-Chinese full line to count"
    for line in full:
        assert len(line.text) == 28, (line.page, line.text)


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(pages):
    for page in pages:
        for line in page.body:
            assert line.text[0] not in CLOSING, (page.number, line.text)
            assert line.text[-1] not in OPENING, (page.number, line.text)


def test_no_number_is_separated_from_its_unit(attachment):
    sequence = _body_sequence(attachment)
    for (line, _), (following, _) in zip(sequence, sequence[1:], strict=False):
        if re.search(r"[0-9.]$", line.text):
            assert not re.match(r"[\u4e00-\u9fff%]", following.text), (line.text, following.text)


def test_page_numbers_follow_the_standard_and_run_on_from_the_letter(pages):
    block_bottom = TOP + HEIGHT
    for page in pages[: _last_text_page(pages)]:
        number = page.number_line
        assert number is not None, page.number
        assert re.fullmatch(rf"—{page.number}—", number.text), (page.number, number.text)
        em_top = number.baseline - 0.88 * 14 / MM
        assert abs(em_top - block_bottom - 7) < 1, (page.number, em_top - block_bottom)
        one_char = 14 / MM
        if page.number % 2:
            assert abs(page.right - one_char - number.x1) < 0.5, (page.number, number.x1)
        else:
            assert abs(page.left + one_char - number.x0) < 0.5, (page.number, number.x0)


def test_letter_layout(pages):
    letter = pages[0]
    texts = [line.text for line in letter.lines]
    masthead = next(ln for ln in letter.lines if ln.text.endswith("文件"))
    assert abs((masthead.x0 + masthead.x1) / 2 - 105 - (BINDING - 26) / 2) < 1  # centred
    number = next(ln for ln in letter.body if "〔" in ln.text)
    assert abs(number.x0 - (letter.left + CELL)) < 0.5  # 发文字号 one character in
    if "签发人" in number.text:
        assert abs(number.x1 - (letter.right - CELL)) < 0.5
    date = next(ln for ln in letter.body if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ln.text))
    assert abs(letter.right - date.x1 - 4 * CELL) < 0.5  # sealed: date four characters in
    signature = letter.body[letter.body.index(date) - 1]
    assert abs((signature.x0 + signature.x1) / 2 - (date.x0 + date.x1) / 2) < 0.5
    assert any(t.startswith("附件：") for t in texts)


def test_attachment_starts_with_label_and_title_on_line_three(attachment):
    first = attachment[0]
    label, title = first.body[0], [ln for ln in first.body if ln.size > 21]
    assert label.text == "附件" and round(label.slot) == 0
    assert abs(label.x0 - first.left) < 0.5
    assert title and round(title[0].slot) == 2
    for line in title:
        assert abs((line.x0 + line.x1) / 2 - (first.left + first.right) / 2) < 1


def test_imprint_closes_the_last_page(pages):
    last = pages[-1]
    printed = next(ln for ln in last.lines if ln.text.endswith("印发"))
    assert TOP + HEIGHT - printed.baseline < 8  # at the foot of the block
    assert abs(printed.x0 - (last.left + 14 / MM)) < 0.5  # 印发机关 one character in
    assert abs(printed.x1 - (last.right - 14 / MM)) < 0.5  # 印发日期 one character in
    assert any(ln.text.startswith("抄送：") for ln in last.lines)


def _last_text_page(pages: list[Page]) -> int:
    """Number of the last page holding text of the document (body lines), 1-based."""
    return max(p.number for p in pages if p.body)


def _rule_bottoms(path: Path, page: int) -> list[float]:
    """Lower edges (mm from the page top) of the horizontal rules drawn on a page."""
    with pymupdf.open(path) as document:
        drawings = document[page - 1].get_drawings()
    return sorted(d["rect"].y1 / MM for d in drawings if d["rect"].width / MM > 100)


def check_imprint_on_an_even_last_page(path: Path, slack: float = 0.5) -> list[Page]:
    """GB/T 9704 7.4 and 7.5, measured: the 版记 is on the last page, an even one (封四), its
    last rule on the block's bottom edge (within `slack` mm) and its last line just above; the
    pages after the text (the 版记's own page, and the blank page before it) carry no page
    number, the others do."""
    pages = read_pages(path)
    holding = [p.number for p in pages if any(ln.text.endswith("印发") for ln in p.lines)]
    assert holding == [len(pages)], holding
    assert len(pages) % 2 == 0, len(pages)
    last = pages[-1]
    printed = next(ln for ln in last.lines if ln.text.endswith("印发"))
    assert 0 < TOP + HEIGHT - printed.baseline < 8, printed.baseline
    assert abs(_rule_bottoms(path, last.number)[-1] - (TOP + HEIGHT)) < slack
    text_end = _last_text_page(pages)
    for page in pages:
        numbered = page.number_line is not None
        assert numbered == (page.number <= text_end), (page.number, text_end)
        if page.number > text_end:  # nothing but the 版记 on the last page; the rest blank
            assert not page.body and (page is last or not page.lines), page.number
    return pages


def test_the_imprint_is_alone_on_an_even_last_page_without_a_number(report_dir):
    pages = check_imprint_on_an_even_last_page(report_dir / "report.pdf")
    assert _last_text_page(pages) < len(pages)  # the text ends on page 16 in the sample


def _imprint_document(lines: int) -> typeset.Document:
    """One-line paragraphs of body text, then the 版记."""
    doc = typeset.Document()
    for _ in range(lines):
        doc.add(typeset.Text("body", [typeset._Run("国" * 20)]))
    doc.add(typeset.Imprint([typeset._Run("抄送：区司法局。")], [typeset._Run("某区人社局办公室")],
                            [typeset._Run("2022年1月30日印发")]))  # fmt: skip
    return doc


@pytest.mark.parametrize(
    ("lines", "pages", "shared"),
    [
        (10, 2, False),  # text ends on page 1, odd: the 版记 on page 2 alone
        (50, 4, False),  # on page 3, odd
        (30, 2, True),  # on page 2, even, with room below: the 版记 at its foot
        (42, 4, False),  # on page 2, 20 lines: no room, so a blank page 3 and the 版记 on 4
        (44, 4, False),  # page 2 full to its last line
    ],
)
def test_the_imprint_goes_to_the_next_even_page_unless_it_fits(tmp_path, lines, pages, shared):
    path = tmp_path / "imprint.pdf"
    path.write_bytes(typst_pdf.pdf_bytes(_imprint_document(lines), title="版记"))
    measured = check_imprint_on_an_even_last_page(path)
    assert len(measured) == pages
    assert sum(len(p.body) for p in measured) == lines
    assert (_last_text_page(measured) == pages) == shared


class _Paragraphs(HTMLParser):
    """Text of every <p> (and heading) of the reader's HTML, except the website's record and what
    only the web page carries: the manual-figure mark ※ and its legend."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._depth = 0
        self._text: list[str] = []
        self._skip = False
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "sup" and "manual-mark" in classes:
            self._in_mark = True
        if tag in ("p", "h1", "h2", "h3", "h4") and self._depth == 0:
            self._depth = 1
            self._text = []
            self._skip = "doc-meta" in classes or "manual-legend" in classes

    def handle_endtag(self, tag):
        if tag == "sup":
            self._in_mark = False
        if tag in ("p", "h1", "h2", "h3", "h4") and self._depth:
            self._depth = 0
            if not self._skip:
                self.paragraphs.append("".join(self._text))

    def handle_data(self, data):
        if self._depth and not self._in_mark:
            self._text.append(data)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_paragraph_and_figure_of_the_html_is_in_the_pdf(report_dir, pages):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    body = _flat("".join(ln.text for p in pages for ln in p.lines if ln.size > 15))
    everything = _flat("".join(ln.text for p in pages for ln in p.lines))
    parser = _Paragraphs()
    parser.feed(html.split("</style>", 1)[1])
    assert len(parser.paragraphs) > 50
    for paragraph in parser.paragraphs:
        flat = _flat(paragraph)
        assert flat in body or flat in everything, paragraph[:60]
    for metric, spans in figure_spans(html).items():
        for _, text in spans:
            assert _flat(text) in body, (metric, text)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_page_renders_to_an_image(report_dir, pages, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(report_dir / "report.pdf"),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    assert len(list(tmp_path.glob("page-*.png"))) == len(pages)


def test_fonts_are_embedded_and_chinese_has_no_missing_glyphs(report_dir):
    with pymupdf.open(report_dir / "report.pdf") as document:
        for page in document:
            for font in page.get_fonts():
                assert font[1] != "n/a"
            text = page.get_text()
            assert "\ufffd" not in text and "\u25a1" not in text
