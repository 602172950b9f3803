"""report.docx: the official document as a Word file that officials edit and forward.

Written from the very blocks the PDF is typeset from (helpers.render.typeset.document), so the letter,
the attachment and every figure are the same text in the same order. The layout follows the
same GB/T 9704 numbers as templates/typst/report.typ: A4, text block 156 × 225 mm at top 37 mm
and 28 mm from the binding edge (mirrored margins), a 22-line × 28-character document grid,
16 pt body justified with a two-character first-line indent, page numbers "— n —" in 14 pt on
the outer side, continuous from the letter through the attachment. The 版记 is a last section of
its own, on an even page, at its foot, without a page number.

Every font is set in a named style (正文, 标题 1–3, 公文标题, 附件说明, 落款, 版记…) by role, with
the East Asian slot filled (python-docx sets only the Latin ones), and runs carry no font of
their own: an official changes the body face to 仿宋_GB2312 in one place. Bold lead sentences
are a character style that only adds bold, since Word, unlike Typst, emboldens a face that has
no bold.

Reproducible: core-property dates come from SOURCE_DATE_EPOCH, the zip entries carry one fixed
time, and the file names nothing of the build machine.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import nbformat

from helpers.fonts import resolve_fonts
from helpers.render import typeset

TWIPS_PER_MM = 1440 / 25.4


def _mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


# Page geometry in twips (1/20 pt), the numbers of the Typst template.
PAGE_W, PAGE_H = _mm(210), _mm(297)
TOP, BOTTOM = _mm(37), _mm(297 - 37 - 225)
INSIDE, OUTSIDE = _mm(28), _mm(210 - 28 - 156)
LINES, CHARS, BODY_PT = 22, 28, 16
BLOCK_W, BLOCK_H = PAGE_W - INSIDE - OUTSIDE, PAGE_H - TOP - BOTTOM
# A line grid (22 lines: 579 twips, since 12756 / 22 = 579.8 and Word fits whole lines).
# The 28 characters a line come from the text itself, see CONDENSED: a character grid
# ("linesAndChars") is laid out by Word with 28 cells but by LibreOffice with two cells for each
# character 0.21 pt wider than its cell, which gives 14 a line there.
LINE_PITCH = BLOCK_H // LINES
CELL = round(BLOCK_W / CHARS)  # one character of the grid, for indents
# 28 characters of 16 pt are 448 pt, the block 442.25 pt: body text is condensed by a quarter
# point (in twentieths of a point), so 28 fit (441 pt) and justification spreads the rest.
CONDENSED = '<w:spacing w:val="-5"/>'
# Page number: 14 pt, its em box 7 mm below the text block (the footer distance is measured
# from the page's bottom edge to the footer's last line).
NUMBER_PT = 14
IMPRINT_LINE = round(NUMBER_PT * 20 * 1.3)  # one 14 pt line of the 版记
HAIRLINE = 20  # a 1 pt paragraph: what Word needs after a table, taking no line
IMPRINT_SLACK = _mm(1)  # how far above the foot of the page LibreOffice sets the 版记
FOOTER = _mm(297 - 37 - 225 - 7) - NUMBER_PT * 20

RED = "E60012"
NOTICE_RED = "8B0000"
MASTHEAD_PT = 36

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NSDECL = f'xmlns:w="{W_NS}"'


def write_docx(nb: nbformat.NotebookNode, path: Path, title: str, author: str = "") -> None:
    """Write the Word edition of the reader's outputs of `nb` to `path`."""
    from helpers.render.html import _mark_front_matter, _without_tagged

    marked, _ = _mark_front_matter(_without_tagged(nb))  # the same input write_pdf typesets
    Path(path).write_bytes(docx_bytes(typeset.document(marked), title=title, author=author))


def docx_bytes(doc: typeset.Document, *, title: str, author: str) -> bytes:
    import docx

    word = docx.Document()
    fonts = _fonts()
    _prune_package(word)
    _styles(word, fonts, _masthead_pt(doc))
    _settings(word)
    _section(word)
    _core_properties(word, title, author)
    body = word.element.body
    sect_pr = body[-1]
    writer = _Writer(word, doc)
    for block in doc.blocks:
        writer.block(block)
    for element in writer.elements:
        sect_pr.addprevious(element)
    if writer.imprint_section:
        _imprint_section(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return _stable_zip(buffer.getvalue())


# ---------- fonts and styles ----------


def _fonts() -> dict[str, str]:
    resolved = resolve_fonts()
    return {role: font.family for role, font in resolved.items()} | {
        "title-bold": "1" if resolved["title"].weight >= 700 else "0"
    }


def _rfonts(family: str) -> str:
    name = quoteattr(family)
    return f"<w:rFonts w:ascii={name} w:hAnsi={name} w:eastAsia={name} w:cs={name}/>"


def _paragraph_style(style_id, name, *, based_on="Normal", ppr="", rpr="", next_id=None,
                     outline=None) -> str:  # fmt: skip
    parts = [f'<w:style {_NSDECL} w:type="paragraph" w:styleId="{style_id}"'
             + (' w:default="1"' if style_id == "Normal" else "") + ">",
             f"<w:name w:val={quoteattr(name)}/>"]  # fmt: skip
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    parts.append("<w:qFormat/>")
    if outline is not None:
        ppr = ppr.replace("<w:jc", f'<w:outlineLvl w:val="{outline}"/><w:jc', 1) if (
            "<w:jc" in ppr) else ppr + f'<w:outlineLvl w:val="{outline}"/>'  # fmt: skip
    parts.append(f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>")
    return "".join(parts)


def _character_style(style_id: str, name: str, rpr: str) -> str:
    return (f'<w:style {_NSDECL} w:type="character" w:styleId="{style_id}">'
            f'<w:name w:val={quoteattr(name)}/><w:basedOn w:val="DefaultParagraphFont"/>'
            f"<w:qFormat/><w:rPr>{rpr}</w:rPr></w:style>")  # fmt: skip


# pPr children in schema order: keepNext, pageBreakBefore, framePr, widowControl, pBdr, tabs,
# snapToGrid, spacing, ind, jc, outlineLvl.
_NO_INDENT = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
_OFF_GRID = '<w:snapToGrid w:val="0"/>'


def _exact(twips: int, before: int = 0, after: int = 0) -> str:
    return (f'<w:spacing w:before="{before}" w:after="{after}" w:line="{twips}" '
            'w:lineRule="exact"/>')  # fmt: skip


def _auto(before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'


def _size(pt: float) -> str:
    half = round(pt * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _masthead_pt(doc: typeset.Document) -> float:
    """36 pt, scaled down (to half points) so the masthead fits the block less two characters,
    as the PDF does; CJK characters are one em wide, others taken as half an em."""
    masthead = next((b for b in doc.blocks if isinstance(b, typeset.Text) and b.kind == "masthead"),
                    None)  # fmt: skip
    if masthead is None:
        return MASTHEAD_PT
    ems = sum(1 if ord(c) > 0x7F else 0.5 for c in _plain(masthead.runs)) or 1
    room = (BLOCK_W - 2 * CELL) / 20
    return min(MASTHEAD_PT, math.floor(room / ems * 2) / 2)


def _styles(word, fonts: dict[str, str], masthead_pt: float) -> None:
    from docx.oxml import parse_xml

    styles = word.styles.element
    keep = {"DefaultParagraphFont", "TableNormal", "NoList"}
    for style in styles.findall(f"{{{W_NS}}}style"):
        if style.get(f"{{{W_NS}}}styleId") not in keep:
            styles.remove(style)
    defaults = styles.find(f"{{{W_NS}}}docDefaults")
    defaults.getparent().remove(defaults)
    styles.insert(0, parse_xml(
        f"<w:docDefaults {_NSDECL}><w:rPrDefault><w:rPr>{_rfonts(fonts['body'])}{_size(BODY_PT)}"
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        # no extra space between Chinese and Latin text or digits, as in the PDF
        f"<w:pPrDefault><w:pPr>{_auto()}</w:pPr></w:pPrDefault></w:docDefaults>"
    ))  # fmt: skip
    body, heading, kai, title = fonts["body"], fonts["heading"], fonts["kai"], fonts["title"]
    one = LINE_PITCH
    cells = f'<w:ind w:left="{5 * CELL}" w:leftChars="500" w:hanging="{3 * CELL}" w:hangingChars="300"/>'
    title_bold = "<w:b/><w:bCs/>" if fonts["title-bold"] == "1" else ""
    box = "".join(f'<w:{side} w:val="single" w:sz="12" w:space="2" w:color="{NOTICE_RED}"/>'
                  for side in ("top", "left", "bottom", "right"))  # fmt: skip
    specs = [
        _paragraph_style("Normal", "Normal", based_on=None,
                         # no extra space between Chinese and Latin text, as in the PDF
                         ppr='<w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/>'
                         '<w:autoSpaceDN w:val="0"/>' + _exact(one)
                         + f'<w:ind w:firstLine="{2 * CELL}" w:firstLineChars="200"/><w:jc w:val="both"/>',
                         rpr=_rfonts(body) + _size(BODY_PT) + CONDENSED),
        _paragraph_style("Heading1", "heading 1", next_id="Normal", outline=0,
                         ppr="<w:keepNext/>", rpr=_rfonts(heading)),
        _paragraph_style("Heading2", "heading 2", next_id="Normal", outline=1,
                         ppr="<w:keepNext/>", rpr=_rfonts(kai)),
        _paragraph_style("Heading3", "heading 3", next_id="Normal", outline=2,
                         ppr="<w:keepNext/>", rpr="<w:b/><w:bCs/>"),
        _paragraph_style("DocTitle", "公文标题", next_id="Normal",
                         ppr="<w:keepNext/>" + _OFF_GRID + _exact(one, after=one) + _NO_INDENT
                         + '<w:jc w:val="center"/>',
                         rpr=_rfonts(title) + title_bold + _size(22)),
        _paragraph_style("Subtitle", "副标题", next_id="Normal",
                         ppr=_exact(one, after=one) + _NO_INDENT + '<w:jc w:val="center"/>',
                         rpr=_rfonts(kai)),
        _paragraph_style("Centred", "居中", ppr=_NO_INDENT + '<w:jc w:val="center"/>'),
        _paragraph_style("Masthead", "发文机关标志",
                         ppr=_OFF_GRID + _auto(before=_mm(35)) + _NO_INDENT + '<w:jc w:val="center"/>',
                         rpr=_rfonts(title) + title_bold + f'<w:color w:val="{RED}"/>'
                         + _size(masthead_pt)),
        # 发文字号 one character in from the left, 签发人 one in from the right (a right tab).
        _paragraph_style("DocNumber", "发文字号",
                         ppr=f'<w:tabs><w:tab w:val="right" w:pos="{BLOCK_W - CELL}"/></w:tabs>'
                         + _OFF_GRID + _exact(one, before=2 * one - (one - 320))
                         + f'<w:ind w:left="{CELL}" w:firstLine="0" w:firstLineChars="0"/>'),
        _paragraph_style("Addressee", "主送机关", ppr=_NO_INDENT),
        _paragraph_style("AttachmentNote", "附件说明", ppr=_exact(one, before=one) + cells),
        _paragraph_style("Signoff", "落款",
                         ppr=_OFF_GRID + _NO_INDENT + '<w:jc w:val="right"/>'),
        _paragraph_style("AttachmentLabel", "附件标识", next_id="DocTitle",
                         ppr="<w:keepNext/><w:pageBreakBefore/>" + _exact(one, after=one)
                         + _NO_INDENT + '<w:jc w:val="left"/>',
                         rpr=_rfonts(heading)),
        _paragraph_style("Figure", "图片",
                         ppr="<w:keepNext/>" + _OFF_GRID + _NO_INDENT + '<w:jc w:val="center"/>'),
        _paragraph_style("ChartCaption", "图题",
                         ppr=_OFF_GRID + _NO_INDENT + '<w:jc w:val="center"/>',
                         rpr=_rfonts(heading) + _size(14)),
        _paragraph_style("TableText", "表格文字",
                         ppr=_OFF_GRID + _auto() + _NO_INDENT + '<w:jc w:val="center"/>',
                         rpr=_size(14)),
        _paragraph_style("TableHeader", "表头", based_on="TableText", rpr=_rfonts(heading)),
        # The national tables of the disclosure report: 五号, as in the PDF.
        # Exact 13 pt lines, 0.4 mm above and below: a CJK face's own line height is nearly 1.5
        # em, which would push table 三 past a page.
        _paragraph_style("GridText", "国家格式表格文字", based_on="TableText",
                         ppr=_exact(260, before=23, after=23), rpr=_size(10.5)),
        _paragraph_style("GridHeader", "国家格式表头", based_on="GridText", rpr=_rfonts(heading)),
        _paragraph_style("Imprint", "版记",
                         ppr=_OFF_GRID + _exact(IMPRINT_LINE)
                         + f'<w:ind w:left="{NUMBER_PT * 20}" w:right="{NUMBER_PT * 20}" '
                         'w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="left"/>',
                         rpr=_size(NUMBER_PT)),
        _paragraph_style("Notice", "样例提示",
                         ppr=f"<w:pBdr>{box}</w:pBdr>" + _OFF_GRID + _auto(after=_mm(4))
                         + _NO_INDENT + '<w:jc w:val="left"/>',
                         rpr=_rfonts(heading) + f'<w:color w:val="{NOTICE_RED}"/>' + _size(10.5)),
        _paragraph_style("PageNumber", "页码",
                         ppr=_OFF_GRID + _exact(NUMBER_PT * 20) + _NO_INDENT,
                         rpr=_size(NUMBER_PT)),
        _character_style("Lead", "段首句", "<w:b/><w:bCs/>"),
        _character_style("SignerName", "签发人姓名", _rfonts(kai)),
    ]  # fmt: skip
    for spec in specs:
        styles.append(parse_xml(spec))


# ---------- settings, section, properties, package ----------


def _settings(word) -> None:
    from docx.oxml import parse_xml

    word.settings.odd_and_even_pages_header_footer = True
    settings = word.settings.element
    zoom = settings.find(f"{{{W_NS}}}zoom")
    # inside/outside margins follow the physical page (binding left on odd pages)
    zoom.addnext(parse_xml(f"<w:mirrorMargins {_NSDECL}/>"))
    for tag in ("savePreviewPicture", "rsids"):
        for element in settings.findall(f"{{{W_NS}}}{tag}"):
            settings.remove(element)
    lang = settings.find(f"{{{W_NS}}}themeFontLang")
    if lang is not None:
        lang.set(f"{{{W_NS}}}eastAsia", "zh-CN")


def _section(word) -> None:
    from docx.oxml import parse_xml
    from docx.shared import Twips

    section = word.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin, section.bottom_margin = Twips(TOP), Twips(BOTTOM)
    section.left_margin, section.right_margin = Twips(INSIDE), Twips(OUTSIDE)
    section.header_distance, section.footer_distance = Twips(_mm(15)), Twips(FOOTER)
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    for key in list(sect_pr.attrib):
        del sect_pr.attrib[key]  # revision ids of the template
    grid = sect_pr.find(f"{{{W_NS}}}docGrid")
    grid.set(f"{{{W_NS}}}type", "lines")
    grid.set(f"{{{W_NS}}}linePitch", str(LINE_PITCH))
    grid.attrib.pop(f"{{{W_NS}}}charSpace", None)
    # "— n —", odd pages on the right and even pages on the left, one character in
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]._p
        for child in list(paragraph):
            paragraph.remove(child)
        indent = f'w:{side}="{NUMBER_PT * 20}"'
        paragraph.append(parse_xml(
            f'<w:pPr {_NSDECL}><w:pStyle w:val="PageNumber"/><w:ind {indent}/>'
            f'<w:jc w:val="{side}"/></w:pPr>'
        ))  # fmt: skip
        for run in ('<w:t xml:space="preserve">— </w:t>', '<w:fldChar w:fldCharType="begin"/>',
                    '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
                    '<w:fldChar w:fldCharType="separate"/>', "<w:t>1</w:t>",
                    '<w:fldChar w:fldCharType="end"/>', '<w:t xml:space="preserve"> —</w:t>'):  # fmt: skip
            paragraph.append(parse_xml(f"<w:r {_NSDECL}>{run}</w:r>"))


def _imprint_section(word) -> None:
    """The last section holds the 版记 alone: it starts on an even page (Word inserts a blank
    page when the text ends on one), its content sits at the foot of the page, and its footers
    are empty, as GB/T 9704 7.5 allows for the 版记 page and the blank page before it."""
    from docx.enum.section import WD_SECTION_START
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    section = word.sections[-1]
    section.start_type = WD_SECTION_START.EVEN_PAGE
    sect_pr = section._sectPr
    # Dropped by hand: python-docx would also drop the relationship the text's section uses.
    for reference in sect_pr.findall(qn("w:footerReference")):
        sect_pr.remove(reference)
    for footer in (section.footer, section.even_page_footer):
        footer.is_linked_to_previous = False  # a new, empty footer part
        paragraph = footer.paragraphs[0]._p
        for child in list(paragraph):
            paragraph.remove(child)
        paragraph.append(parse_xml(f'<w:pPr {_NSDECL}><w:pStyle w:val="PageNumber"/></w:pPr>'))
    # No line grid on a page without body text: LibreOffice would start the page's flow below
    # the block's top edge and push the 版记 past its foot.
    sect_pr.find(qn("w:docGrid")).attrib.pop(qn("w:type"), None)
    sect_pr.insert_element_before(
        parse_xml(f'<w:vAlign {_NSDECL} w:val="bottom"/>'),
        *("w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
          "w:printerSettings", "w:sectPrChange"),
    )  # fmt: skip


def _epoch() -> dt.datetime:
    from helpers.render.pdf import _pdf_epoch

    return dt.datetime.fromtimestamp(_pdf_epoch(), dt.UTC).replace(tzinfo=None)


def _core_properties(word, title: str, author: str) -> None:
    props = word.core_properties
    when = _epoch()
    props.title, props.author, props.last_modified_by = title, author, author
    props.comments, props.keywords, props.subject, props.category = "", "", "", ""
    props.language = "zh-CN"
    props.created = props.modified = when
    props.revision = 1


def _prune_package(word) -> None:
    """Drop what the template carries but a report should not: its thumbnail (a picture of an
    empty page) and Word 2010's second copy of the template styles."""
    package = word.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel_id)
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            word.part.rels.pop(rel_id)


def _stable_zip(data: bytes) -> bytes:
    """The same package with every entry stamped with one time (SOURCE_DATE_EPOCH, not before
    1980 as zip allows), so equal inputs give equal bytes."""
    when = max(_epoch(), dt.datetime(1980, 1, 1))
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# ---------- blocks → WordprocessingML ----------


def _plain(runs: typeset.Runs) -> str:
    return "".join(c[0] for c in typeset.clean(runs) if c is not None)


def _width_twips(text: str, pt: float = BODY_PT) -> float:
    """Natural width: CJK and full-width characters one em, the rest half an em."""
    return sum(20 * pt if ord(c) > 0x7F else 10 * pt for c in text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _runs_xml(runs: typeset.Runs, char_style: str | None = None) -> str:
    """Runs of one style each: bold text (a lead sentence) in the 段首句 character style, a forced
    line break as <w:br/>; no run names a font."""
    out: list[str] = []
    current: list[str] = []
    bold: bool | None = None

    def flush() -> None:
        if current:
            style = "Lead" if bold else char_style
            rpr = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
            out.append(
                f'<w:r>{rpr}<w:t xml:space="preserve">{_escape("".join(current))}</w:t></w:r>'
            )
            current.clear()

    for item in typeset.clean(runs):
        if item is None:
            flush()
            out.append("<w:r><w:br/></w:r>")
            continue
        char, is_bold = item
        if is_bold != bold:
            flush()
            bold = is_bold
        current.append(char)
    flush()
    return "".join(out)


# A national table of more rows than this fills most of a page (table 三 has 29 rows).
PAGE_FILLING_ROWS = 20

_TEXT_STYLE = {"body": "Normal", "title": "DocTitle", "h2": "Heading1", "h3": "Heading2",
               "h4": "Heading3", "centred": "Centred", "subtitle": "Subtitle",
               "addressee": "Addressee", "masthead": "Masthead",
               "attachment-label": "AttachmentLabel", "signature-line": "Signoff"}  # fmt: skip


class _Writer:
    """Turns blocks into body elements (paragraphs and tables), in order."""

    def __init__(self, word, doc: typeset.Document):
        self.word = word
        self.doc = doc
        self.elements: list = []
        self.imprint_section = False  # whether the 版记 ended the text's section

    def paragraph(self, style: str, content: str, ppr: str = "") -> None:
        from docx.oxml import parse_xml

        self.elements.append(parse_xml(
            f'<w:p {_NSDECL}><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'
        ))  # fmt: skip

    def block(self, block: typeset.Block) -> None:
        if isinstance(block, typeset.Text):
            ppr = f'<w:ind w:right="{4 * CELL}"/>' if block.kind == "signature-line" else ""
            self.paragraph(_TEXT_STYLE[block.kind], _runs_xml(block.runs), ppr)
        elif isinstance(block, typeset.Notice):
            self.notice(block)
        elif isinstance(block, typeset.DocNumber):
            self.doc_number(block)
        elif isinstance(block, typeset.AttachmentNote):
            self.paragraph("AttachmentNote", _runs_xml(block.label) + _runs_xml(block.body))
        elif isinstance(block, typeset.Signoff):
            self.signoff(block)
        elif isinstance(block, typeset.Imprint):
            self.imprint(block)
        elif isinstance(block, typeset.Chart):
            self.chart(block)
        elif isinstance(block, typeset.GridTable):
            self.grid(block)
        else:
            self.table(block)

    def notice(self, block: typeset.Notice) -> None:
        # Above a masthead the notice sits in the 35 mm before it, in a frame at the block's
        # top, so the masthead keeps its place; otherwise it opens the flow.
        frame = (f'<w:framePr w:w="{BLOCK_W}" w:wrap="around" w:vAnchor="margin" '
                 'w:hAnchor="margin" w:x="0" w:y="0"/>') if block.overlay else ""  # fmt: skip
        self.paragraph("Notice", _runs_xml(block.runs), frame)

    def doc_number(self, block: typeset.DocNumber) -> None:
        content = _runs_xml(block.number)
        if block.signer is not None:
            content += "<w:r><w:tab/></w:r>" + _runs_xml(block.signer)
            if block.signer_name is not None:
                content += _runs_xml(block.signer_name, "SignerName")
        # with a letterhead, the red separator line 4 mm below (7.2.7); then two blank lines
        rule = (f'<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="{RED}"/></w:pBdr>'
                if block.rule else "")  # fmt: skip
        after = 2 * LINE_PITCH - (LINE_PITCH - 320)
        ppr = rule + _exact(LINE_PITCH, before=2 * LINE_PITCH - (LINE_PITCH - 320), after=after)
        if block.signer is not None:
            ppr += f'<w:ind w:left="{CELL}" w:right="{CELL}" w:firstLine="0" w:firstLineChars="0"/>'
        self.paragraph("DocNumber", content, ppr)

    def signoff(self, block: typeset.Signoff) -> None:
        """Sealed: the date four characters in from the right, the name centred over it.
        Unsealed: the name two characters in from the right, the date starting two characters
        right of the name (7.3.5), as the PDF computes them."""
        name_w, date_w = _width_twips(_plain(block.name)), _width_twips(_plain(block.date))
        if block.sealed:
            date_right = 4 * CELL
            name_right = max(0, date_right + date_w / 2 - name_w / 2)
        else:
            name_right = 2 * CELL
            date_right = name_right + name_w - 2 * CELL - date_w
            if date_right < 2 * CELL:
                name_right += 2 * CELL - date_right
                date_right = 2 * CELL
        first = _exact(LINE_PITCH, before=LINE_PITCH)
        self.paragraph("Signoff", _runs_xml(block.name),
                       first + f'<w:ind w:right="{round(name_right)}"/>')  # fmt: skip
        self.paragraph("Signoff", _runs_xml(block.date), f'<w:ind w:right="{round(date_right)}"/>')

    def imprint(self, block: typeset.Imprint) -> None:
        """版记 between rules, in a table of exact row heights, on the last page, an even page,
        at its foot (7.4). Word cannot be told "the next even page unless the text ends on an
        even page with room to spare", so the 版记 always has a page of its own: the text's last
        paragraph ends the first section, and the last section (see `_imprint_section`) starts
        on an even page, Word adding a blank page when the text ends on an even page, and sets
        its content at the foot of the page. LibreOffice ignores that alignment, so a blank
        paragraph above the table fills the page down to it, short of the foot by IMPRINT_SLACK
        (a table one hair too tall for the page would open another)."""
        from docx.oxml import parse_xml

        self._end_section()

        side = NUMBER_PT * 20
        rows: list[tuple[int, str]] = []
        if block.copies is not None:
            hanging = 3 * side
            room = BLOCK_W - 2 * side - hanging
            lines = max(
                1, math.ceil((_width_twips(_plain(block.copies), NUMBER_PT) - hanging) / room)
            )
            rows.append((lines, _cell_paragraph(
                "Imprint", _runs_xml(block.copies),
                f'<w:ind w:left="{side + hanging}" w:hanging="{hanging}"/>')))  # fmt: skip
        tab = f'<w:tabs><w:tab w:val="right" w:pos="{BLOCK_W - side}"/></w:tabs>'
        rows.append((1, _cell_paragraph(
            "Imprint", _runs_xml(block.printer) + "<w:r><w:tab/></w:r>" + _runs_xml(block.printed),
            tab)))  # fmt: skip
        heights = [IMPRINT_LINE * lines + 2 * _mm(2) for lines, _ in rows]
        room = BLOCK_H - sum(heights) - HAIRLINE - IMPRINT_SLACK
        self.paragraph("Imprint", "", _OFF_GRID + _exact(room))
        thick, thin = 8, 6  # eighths of a point: 0.35 mm and 0.25 mm
        borders = (f'<w:top w:val="single" w:sz="{thick}" w:space="0" w:color="000000"/>'
                   '<w:left w:val="nil"/>'
                   f'<w:bottom w:val="single" w:sz="{thick}" w:space="0" w:color="000000"/>'
                   '<w:right w:val="nil"/>'
                   f'<w:insideH w:val="single" w:sz="{thin}" w:space="0" w:color="000000"/>'
                   '<w:insideV w:val="nil"/>')  # fmt: skip
        xml = (f"<w:tbl {_NSDECL}><w:tblPr>"
               f'<w:tblW w:w="{BLOCK_W}" w:type="dxa"/>'
               f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
               '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
               "</w:tblCellMar></w:tblPr>"
               f'<w:tblGrid><w:gridCol w:w="{BLOCK_W}"/></w:tblGrid>'
               + "".join(f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" '
                         'w:hRule="exact"/></w:trPr>'
                         f'<w:tc><w:tcPr><w:tcW w:w="{BLOCK_W}" w:type="dxa"/>'
                         f'<w:vAlign w:val="center"/></w:tcPr>{row}</w:tc></w:tr>'
                         for height, (_, row) in zip(heights, rows, strict=True))
               + "</w:tbl>")  # fmt: skip
        self.elements.append(parse_xml(xml))
        # Word needs a paragraph after a table; a hairline one, so it cannot start a page.
        self.paragraph("Imprint", "", _OFF_GRID + _exact(HAIRLINE)
                       + '<w:rPr><w:sz w:val="2"/></w:rPr>')  # fmt: skip

    def _end_section(self) -> None:
        """End the section of the text at its last paragraph, with the page setup and numbered
        footers of the whole document (a copy of the body's section properties); a paragraph of
        its own only when the text ends in something else, which a section break cannot end."""
        from docx.oxml.ns import qn

        last = self.elements[-1] if self.elements else None
        if last is None or last.tag != qn("w:p") or last.find(qn("w:pPr")) is None:
            self.paragraph("Imprint", "", _OFF_GRID + _exact(HAIRLINE))
            last = self.elements[-1]
        last.find(qn("w:pPr")).append(copy.deepcopy(self.word.sections[0]._sectPr))
        self.imprint_section = True

    def chart(self, chart: typeset.Chart) -> None:
        """The chart at the block's width in a paragraph a whole number of lines high (less its
        caption's line), so the text after it stays on the grid, as in the PDF."""
        from docx.shared import Mm

        lines, image_mm = typeset.chart_lines(chart)
        width_mm = min(typeset.BLOCK_WIDTH_MM, image_mm * chart.width_px / max(chart.height_px, 1))
        image_lines = max(lines - (1 if chart.caption else 0), 1)
        holder = self.word.add_paragraph()  # python-docx embeds the picture through a paragraph
        holder.add_run().add_picture(io.BytesIO(self.doc.images[chart.file]), width=Mm(width_mm),
                                     height=Mm(image_mm))  # fmt: skip
        drawing = holder._p.r_lst[0]
        holder._p.getparent().remove(holder._p)
        from docx.oxml import parse_xml

        paragraph = parse_xml(
            f'<w:p {_NSDECL}><w:pPr><w:pStyle w:val="Figure"/>'
            f"{_exact(image_lines * LINE_PITCH)}</w:pPr></w:p>"
        )
        paragraph.append(drawing)
        self.elements.append(paragraph)
        if chart.caption:
            self.paragraph("ChartCaption", _runs_xml([typeset._Run(chart.caption)]),
                           _exact(LINE_PITCH))  # fmt: skip

    def table(self, table: typeset.Table) -> None:
        from docx.oxml import parse_xml

        if table.caption is not None:
            self.paragraph("ChartCaption", _runs_xml(table.caption), "<w:keepNext/>")
        width = BLOCK_W // max(table.columns, 1)
        border = "".join(f'<w:{s} w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
                         for s in ("top", "left", "bottom", "right", "insideH", "insideV"))  # fmt: skip

        def row(cells: list[typeset.Runs], style: str, header: bool) -> str:
            padded = cells + [[]] * (table.columns - len(cells))
            trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else (
                "<w:trPr><w:cantSplit/></w:trPr>")  # fmt: skip
            return ("<w:tr>" + trpr + "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
                f"</w:tcPr>{_cell_paragraph(style, _runs_xml(c))}</w:tc>" for c in padded)
                + "</w:tr>")  # fmt: skip

        rows = ([row(table.header, "TableHeader", True)] if table.header else []) + [
            row(r, "TableText", False) for r in table.rows
        ]
        xml = (f'<w:tbl {_NSDECL}><w:tblPr><w:tblW w:w="{BLOCK_W}" w:type="dxa"/>'
               f'<w:jc w:val="center"/><w:tblBorders>{border}</w:tblBorders>'
               '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
               + f'<w:gridCol w:w="{width}"/>' * table.columns + "</w:tblGrid>"
               + "".join(rows) + "</w:tbl>")  # fmt: skip
        self.elements.append(parse_xml(xml))
        self.paragraph("Normal", "")  # one blank line after the table, and Word's anchor

    def grid(self, table: typeset.GridTable) -> None:
        """Merged cells as Word draws them: gridSpan across, vMerge restart/continue down."""
        from docx.oxml import parse_xml

        total = sum(table.widths)
        widths = [int(BLOCK_W * w / total) for w in table.widths]
        border = "".join(f'<w:{s} w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
                         for s in ("top", "left", "bottom", "right", "insideH", "insideV"))  # fmt: skip
        rows = []
        layout = table.layout()
        if len(layout) > PAGE_FILLING_ROWS:
            self._heading_starts_a_page()
        for r, placed in enumerate(layout):
            header = r < table.head_rows
            # Every row kept with the next: Word then moves the whole table to the next page
            # rather than break it inside a group whose label spans the rows (as the PDF does).
            keep = "<w:keepNext/>" if r < len(layout) - 1 else ""
            trpr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else (
                "<w:trPr><w:cantSplit/></w:trPr>")  # fmt: skip
            cells = []
            for column, cell, continued in placed:
                width = sum(widths[column : column + cell.colspan])
                props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
                if cell.colspan > 1:
                    props += f'<w:gridSpan w:val="{cell.colspan}"/>'
                if cell.rowspan > 1:
                    props += "<w:vMerge/>" if continued else '<w:vMerge w:val="restart"/>'
                props += '<w:vAlign w:val="center"/>'
                style = "GridHeader" if cell.header else "GridText"
                content = "" if continued else _runs_xml(cell.runs)
                cells.append(f"<w:tc><w:tcPr>{props}</w:tcPr>"
                             f"{_cell_paragraph(style, content, keep)}</w:tc>")  # fmt: skip
            rows.append("<w:tr>" + trpr + "".join(cells) + "</w:tr>")
        xml = (f'<w:tbl {_NSDECL}><w:tblPr><w:tblW w:w="{BLOCK_W}" w:type="dxa"/>'
               f'<w:jc w:val="center"/><w:tblBorders>{border}</w:tblBorders>'
               '<w:tblLayout w:type="fixed"/>'
               # 1 mm either side, as in the PDF: Word's default 1.9 mm leaves a 五号 label
               # one character per line in the narrow figure columns.
               '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
               "</w:tblCellMar></w:tblPr><w:tblGrid>"
               + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
               + "".join(rows) + "</w:tbl>")  # fmt: skip
        self.elements.append(parse_xml(xml))
        self.paragraph("Normal", "")

    def _heading_starts_a_page(self) -> None:
        """A table that fills most of a page is kept whole (every row kept with the next), so it
        often moves to the next page; its heading must move with it, and Word and WPS do not
        carry a keep-with-next heading over a whole table. The heading starts the page instead."""
        from docx.oxml.ns import qn
        from docx.oxml.parser import OxmlElement

        previous = self.elements[-1] if self.elements else None
        if previous is None or previous.tag != qn("w:p"):
            return
        style = previous.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")).startswith("Heading"):
            style.addnext(OxmlElement("w:pageBreakBefore"))


def _cell_paragraph(style: str, content: str, ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'
