"""Executed notebook → Typst source for the GB/T 9704 PDF.

The PDF is set from the very outputs the reader's HTML is exported from: the narrative's HTML
fragments (section/h1–h4/p/strong/span.fig/br/table) become a list of format-neutral blocks
(`document()`), each block becomes a call of the functions defined in templates/typst/report.typ,
and the charts' PNG outputs become image files in the Typst root. The Word edition
(helpers.render.docx) is written from the same blocks.
Typst rather than a browser engine, because it justifies Chinese by spacing the characters and
keeps the 28 × 22 grid exactly.

Text is always emitted as escaped markup, so no character of a passage can turn into Typst
syntax. Numbers are glued to their unit, % sign and following closing punctuation (an unbreakable
box), so "8件" or "100%" never splits at a line end.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat

from helpers import config
from helpers.errors import RenderError

TEMPLATE = config.TEMPLATES_DIR / "typst" / "report.typ"

# Block geometry, mirrored from the template (for sizing charts in whole lines).
PITCH_MM = 225 / 22
BLOCK_WIDTH_MM = 156.0
GAP_MM = PITCH_MM - 16 * 25.4 / 72
CAPTION_MM = 2 + 14 * 25.4 / 72 + 1  # space, one 14 pt line, a little air

_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "embed"}
_SKIPPED_CLASSES = {"doc-meta"}  # the website's publication record: not part of the document

# Characters no line may start with (GB/T 15834 / CLREQ), glued to what precedes them.
CLOSING = "，。、；：？！）》」』”’〕】%％‰"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DIGIT = re.compile(r"[0-9０-９]")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find(self, tag: str | None = None, cls: str | None = None) -> Node | None:
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    return child
                found = child.find(tag, cls)
                if found is not None:
                    return found
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self._stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self._stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data):
        self._stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# ---------- text ----------

# HTML source whitespace; the ideographic space U+3000 is typographic and kept.
_SPACES = re.compile(r"[ \t\r\n\f]+")
_ASCII_SPECIAL = set("\\#*_$@<>[]`~/=-+\"'.:;,!?()&%^|{}")


def escape(text: str) -> str:
    """Typst markup for literal text: every ASCII symbol escaped, whitespace collapsed, and no
    space left between CJK characters (HTML source line breaks must not become gaps)."""
    text = _SPACES.sub(" ", text)
    text = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)
    return "".join("\\" + c if c in _ASCII_SPECIAL else c for c in text)


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False


def _inline_runs(node: Node | str, bold: bool = False) -> list[_Run | None]:
    """Inline content as styled runs; None marks a forced line break."""
    if isinstance(node, str):
        return [_Run(node, bold)]
    if node.tag == "br":
        return [None]
    if node.tag in ("strong", "b"):
        bold = True
    out: list[_Run | None] = []
    for child in node.children:
        out.extend(_inline_runs(child, bold))
    return out


def _glued(prev: str, nxt: str) -> bool:
    """Whether a line may not break between two characters: a number and its unit or % sign
    (including decimals and ratios such as 1.3比1), or anything and closing punctuation."""
    if nxt in CLOSING:
        return True
    numeric = _DIGIT.match(prev) or prev in ".%％"
    return bool(numeric and (_DIGIT.match(nxt) or _CJK.match(nxt) or nxt in ".%％"))


Runs = list[_Run | None]


def clean(runs: Runs) -> list[tuple[str, bool] | None]:
    """Styled runs as (character, bold) pairs, None for a forced break: HTML source whitespace
    collapsed, and dropped at the ends and between two non-ASCII characters. Shared by the
    Typst markup and the Word edition, so both hold the same text."""
    chars: list[tuple[str, bool] | None] = []
    for run in runs:
        if run is None:
            chars.append(None)
            continue
        text = _SPACES.sub(" ", run.text)
        chars.extend((c, run.bold) for c in text)
    # drop spaces between two non-ASCII characters and at the ends
    cleaned: list[tuple[str, bool] | None] = []
    for i, item in enumerate(chars):
        if item is not None and item[0] == " ":
            before = next((c for c in reversed(cleaned) if c is not None), None)
            after = next((c for c in chars[i + 1 :] if c is not None and c[0] != " "), None)
            if before is None or after is None or (ord(before[0]) > 0x7F and ord(after[0]) > 0x7F):
                continue
        cleaned.append(item)
    return cleaned


def inline(runs: Runs) -> str:
    """Escaped markup for styled runs, with glued character sequences boxed."""
    cleaned = clean(runs)
    groups: list[list[tuple[str, bool]] | None] = []
    for item in cleaned:
        if item is None:
            groups.append(None)
            continue
        last = groups[-1] if groups else None
        if last and _glued(last[-1][0], item[0]):
            last.append(item)
        else:
            groups.append([item])

    out = []
    for group in groups:
        if group is None:
            out.append("#linebreak()")
            continue
        markup = _styled(group)
        out.append(f"#box[{markup}]" if len(group) > 1 else markup)
    return "".join(out)


def _styled(chars: list[tuple[str, bool]]) -> str:
    out, current, bold = [], [], None
    for c, b in chars:
        if b != bold and current:
            out.append(_wrap("".join(current), bold))
            current = []
        bold = b
        current.append(c)
    if current:
        out.append(_wrap("".join(current), bold))
    return "".join(out)


def _wrap(text: str, bold: bool | None) -> str:
    escaped = escape(text)
    return f"#strong[{escaped}]" if bold else escaped


def content(node: Node) -> str:
    return inline(_inline_runs(node))


# ---------- blocks: the document model shared by the PDF and the Word edition ----------


@dataclass
class Chart:
    file: str
    caption: str | None
    width_px: int
    height_px: int


# Kinds of a Text block: the body paragraph and every styled paragraph of GB/T 9704 that holds
# nothing but text.
TEXT_KINDS = ("body", "title", "h2", "h3", "h4", "centred", "subtitle", "addressee", "masthead",
              "attachment-label", "signature-line")  # fmt: skip


@dataclass
class Text:
    kind: str  # one of TEXT_KINDS
    runs: Runs


@dataclass
class Notice:
    """The synthetic-data notice: above the masthead (overlay) or at the top of the flow."""

    runs: Runs
    overlay: bool


@dataclass
class DocNumber:
    """发文字号, with 签发人 (its label in the body face, the name in 楷体) when given."""

    number: Runs
    signer: Runs | None
    signer_name: Runs | None
    rule: bool  # the red separator line below, printed with a letterhead only


@dataclass
class AttachmentNote:
    label: Runs
    body: Runs


@dataclass
class Signoff:
    name: Runs
    date: Runs
    sealed: bool


@dataclass
class Imprint:
    copies: Runs | None
    printer: Runs
    printed: Runs


@dataclass
class Table:
    caption: Runs | None
    columns: int
    header: list[Runs]
    rows: list[list[Runs]]


@dataclass
class GridCell:
    runs: Runs
    colspan: int = 1
    rowspan: int = 1
    header: bool = False  # a label (th), set in the heading face


@dataclass
class GridTable:
    """A table with merged cells (the disclosure report's national tables): rows of cells in
    HTML order, spans included; `head_rows` repeat on a new page; `widths` are relative."""

    columns: int
    head_rows: int
    rows: list[list[GridCell]]
    widths: list[float]

    def layout(self) -> list[list[tuple[int, GridCell, bool]]]:
        """Per row, each grid position a cell starts at or continues down into: (column, cell,
        continued). Word needs the continued positions as vertically merged cells."""
        below: dict[tuple[int, int], GridCell] = {}
        out = []
        for r, row in enumerate(self.rows):
            placed, column, cells = [], 0, iter(row)
            while column < self.columns:
                if (r, column) in below:
                    cell = below[(r, column)]
                    placed.append((column, cell, True))
                    column += cell.colspan
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                for k in range(1, cell.rowspan):
                    below[(r + k, column)] = cell
                placed.append((column, cell, False))
                column += cell.colspan
            out.append(placed)
        return out


Block = Text | Notice | DocNumber | AttachmentNote | Signoff | Imprint | Chart | Table | GridTable


@dataclass
class Document:
    """The report as a list of blocks, plus the image files charts refer to; `parts` is its
    Typst markup."""

    blocks: list[Block] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    letter_has_masthead: bool = False
    attachment_started: bool = False
    pending_chart: Chart | None = None
    # The sample notice sits in the 35 mm above a masthead, or in the flow when there is none;
    # which one is known only when the letter's first element arrives.
    pending_notice: Runs | None = None

    @property
    def parts(self) -> list[str]:
        return [typst(block) for block in self.blocks]

    def add(self, block: Block) -> None:
        self.flush_chart()
        if self.pending_notice is not None:
            notice, self.pending_notice = self.pending_notice, None
            self.blocks.append(Notice(notice, overlay=self.letter_has_masthead))
        self.blocks.append(block)

    def image(self, data: bytes, caption: str | None) -> None:
        self.flush_chart()
        name = f"chart-{len(self.images) + 1}.png"
        self.images[name] = data
        width, height = png_size(data)
        self.pending_chart = Chart(name, caption, width, height)

    def flush_chart(self) -> None:
        chart, self.pending_chart = self.pending_chart, None
        if chart is not None:
            self.blocks.append(chart)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return (4, 3)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def chart_lines(chart: Chart) -> tuple[int, float]:
    """Whole lines a chart takes (image at the block's width, at most 120 mm tall, plus its
    caption), and the image height in mm."""
    image_mm = min(BLOCK_WIDTH_MM * chart.height_px / max(chart.width_px, 1), 120.0)
    total = image_mm + (CAPTION_MM if chart.caption else 0) + GAP_MM
    lines = -(-total // PITCH_MM)
    return int(lines), image_mm


def chart_call(chart: Chart) -> str:
    lines, image_mm = chart_lines(chart)
    caption = f"[{escape(chart.caption)}]" if chart.caption else "none"
    return f'#chart("{chart.file}", {caption}, lines: {lines}, image-height: {image_mm:.2f}mm)\n'


# ---------- Typst markup of a block ----------

_TEXT_MARKUP = {
    "body": "{}\n\n",
    "title": "#title[{}]\n#blank-line\n",
    "h2": "#h2[{}]\n",
    "h3": "#h3[{}]\n",
    "h4": "#h4[{}]\n",
    "centred": "#centred[{}]\n",
    "subtitle": "#centred[#text(font: fonts.kai)[{}]]\n#blank-line\n",
    "addressee": "#addressee[{}]\n",
    "masthead": "#masthead[{}]\n",
    "attachment-label": "#attachment-start[{}]\n",
    "signature-line": "#align(right, plain[{}#h(4 * cell)])\n",
}


def typst(block: Block) -> str:
    """The call of templates/typst/report.typ that sets `block`."""
    if isinstance(block, Text):
        return _TEXT_MARKUP[block.kind].format(inline(block.runs))
    if isinstance(block, Notice):
        overlay = "true" if block.overlay else "false"
        return f"#sample-notice(overlay: {overlay})[{inline(block.runs)}]\n"
    if isinstance(block, DocNumber):
        signer = "none"
        if block.signer is not None:
            name = block.signer_name
            kai = f"#text(font: fonts.kai)[{inline(name)}]" if name is not None else ""
            signer = f"[{inline(block.signer)}{kai}]"
        rule = "true" if block.rule else "false"
        return f"#doc-number([{inline(block.number)}], {signer}, rule: {rule})\n"
    if isinstance(block, AttachmentNote):
        return f"#attachment-note([{inline(block.label)}], [{inline(block.body)}])\n"
    if isinstance(block, Signoff):
        sealed = "true" if block.sealed else "false"
        return f"#signoff([{inline(block.name)}], [{inline(block.date)}], sealed: {sealed})\n"
    if isinstance(block, Imprint):
        copies = f"[{inline(block.copies)}]" if block.copies is not None else "none"
        return f"#imprint({copies}, [{inline(block.printer)}], [{inline(block.printed)}])\n"
    if isinstance(block, Chart):
        return chart_call(block)
    if isinstance(block, GridTable):
        return grid_call(block)
    head = ", ".join(f"[{inline(c)}]" for c in block.header)
    body = ", ".join("(" + ", ".join(f"[{inline(c)}]" for c in r) + ",)" for r in block.rows)
    caption = f"[{inline(block.caption)}]" if block.caption is not None else "none"
    return f"#data-table({caption}, {block.columns}, ({head},), ({body},))\n"


def grid_call(table: GridTable) -> str:
    """`#grid-table`: Typst's own merged cells (table.cell colspan/rowspan), header rows
    repeated when the table breaks across pages."""

    def cell(c: GridCell) -> str:
        spans = []
        if c.colspan > 1:
            spans.append(f"colspan: {c.colspan}")
        if c.rowspan > 1:
            spans.append(f"rowspan: {c.rowspan}")
        body = f"[{inline(c.runs)}]"
        if c.header:
            body = f"text(font: fonts.heading, {body})"
        return f"table.cell({', '.join(spans)})[#{body}]" if spans or c.header else body

    rows = [", ".join(cell(c) for c in row) for row in table.rows]

    def array(items: list[str]) -> str:
        items = [i for i in items if i]
        return f"({', '.join(items)},)" if items else "()"

    widths = array([f"{w:g}fr" for w in table.widths])
    return (f"#grid-table({widths}, {array(rows[: table.head_rows])}, "
            f"{array(rows[table.head_rows :])})\n")  # fmt: skip


# ---------- HTML → blocks ----------


def _data_uri(src: str) -> bytes:
    """An embedded PNG; anything else (a URL, a file) is refused, never fetched or dropped."""
    match = re.match(r"data:image/png;base64,(.*)", src.strip(), re.DOTALL)
    try:
        if match:
            return base64.b64decode(re.sub(r"\s+", "", match.group(1)), validate=True)
    except (binascii.Error, ValueError):
        pass
    raise RenderError(
        f"PDF 只能使用内嵌的 PNG 图片，不访问外部资源：{src[:80]} / "
        f"the PDF takes embedded PNG images only, never an external resource: {src[:80]}"
    )


def _runs(node: Node | None) -> Runs:
    return _inline_runs(node) if node is not None else []


def _without(node: Node, child: Node) -> Node:
    return Node("p", children=[c for c in node.children if c is not child])


def _block(doc: Document, node: Node | str) -> None:
    if isinstance(node, str):
        if node.strip():
            doc.add(Text("body", [_Run(node)]))
        return
    cls = node.classes
    if cls & _SKIPPED_CLASSES:
        return
    tag = node.tag
    if "sample-notice" in cls:
        doc.pending_notice = _runs(node)
    elif "cover-letter" in cls:
        _letter(doc, node)
    elif "imprint" in cls:
        _imprint(doc, node)
    elif "attachment-label" in cls:
        doc.attachment_started = True
        doc.add(Text("attachment-label", _runs(node)))
    elif tag == "h1":
        doc.add(Text("title", _runs(node)))
    elif tag in ("h2", "h3"):
        doc.add(Text(tag, _runs(node)))
    elif tag in ("h4", "h5", "h6"):
        doc.add(Text("h4", _runs(node)))
    elif tag == "p" and "chart-caption" in cls:
        caption = node.text().strip()
        if doc.pending_chart is not None and doc.pending_chart.caption is None:
            doc.pending_chart.caption = caption
            doc.flush_chart()
        else:
            doc.add(Text("centred", _runs(node)))
    elif tag == "p" and "doc-subtitle" in cls:
        doc.add(Text("subtitle", _runs(node)))
    elif tag == "p":
        doc.add(Text("body", _runs(node)))
    elif tag == "figure":
        img = node.find("img")
        caption = node.find("figcaption")
        if img is not None:
            doc.image(
                _data_uri(img.attrs.get("src", "")), caption.text().strip() if caption else None
            )
            doc.flush_chart()
    elif tag == "img":
        doc.image(_data_uri(node.attrs.get("src", "")), None)
    elif tag == "table":
        _table(doc, node)
    elif tag in ("div", "section", "main", "article", "root"):
        for child in node.children:
            _block(doc, child)
    else:
        runs = _runs(node)
        if inline(runs).strip():
            doc.add(Text("body", runs))


def _letter(doc: Document, node: Node) -> None:
    signer = node.find(cls="signer")
    for child in node.children:
        if isinstance(child, str):
            continue
        cls = child.classes
        if cls & _SKIPPED_CLASSES:
            continue
        if "masthead" in cls:
            doc.letter_has_masthead = True
            doc.add(Text("masthead", _runs(child)))
        elif "doc-number" in cls:
            number = child.find(cls="number")
            name = signer.find(cls="signer-name") if signer is not None else None
            doc.add(
                DocNumber(
                    number=_runs(number if number is not None else child),
                    # 签发人 in the body face, the name in 楷体 (7.2.6)
                    signer=(
                        _runs(_without(signer, name) if name is not None else signer)
                        if signer is not None
                        else None
                    ),
                    signer_name=_runs(name) if name is not None else None,
                    rule=doc.letter_has_masthead,
                )
            )
        elif child.tag == "h1":
            doc.add(Text("title", _runs(child)))
        elif "addressee" in cls:
            doc.add(Text("addressee", _runs(child)))
        elif "attachment" in cls:
            label = child.find(cls="label")
            if label is not None:
                doc.add(AttachmentNote(_runs(label), _runs(_without(child, label))))
            else:
                doc.add(AttachmentNote([], _runs(child)))
        elif "signoff" in cls:
            name, date = child.find(cls="signature"), child.find(cls="date")
            doc.add(Signoff(_runs(name), _runs(date), sealed="unsealed" not in cls))
        elif "signature" in cls or "date" in cls:  # a letter without a sign-off block
            doc.add(Text("signature-line", _runs(child)))
        else:
            _block(doc, child)


def _imprint(doc: Document, node: Node) -> None:
    copies = node.find(cls="copies")
    doc.add(
        Imprint(
            copies=_runs(copies) if copies is not None else None,
            printer=_runs(node.find(cls="printer")),
            printed=_runs(node.find(cls="printed")),
        )
    )


def _grid(doc: Document, node: Node) -> None:
    head = node.find("thead")
    head_rows = len(_all(head, "tr")) if head is not None else 0
    columns = int(node.attrs.get("data-columns", "0"))
    widths = [float(w) for w in node.attrs.get("data-widths", "").split(",") if w]
    rows = []
    for tr in _all(node, "tr"):
        rows.append([
            GridCell(_runs(c), int(c.attrs.get("colspan", 1)), int(c.attrs.get("rowspan", 1)),
                     c.tag == "th")
            for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")
        ])  # fmt: skip
    doc.add(GridTable(columns, head_rows, rows, widths or [1.0] * columns))


def _table(doc: Document, node: Node) -> None:
    if "national-table" in node.classes:
        _grid(doc, node)
        return
    caption = node.find("caption")
    rows: list[list[Node]] = []
    header: list[Node] = []
    for tr in _all(node, "tr"):
        cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
        if not header and all(c.tag == "th" for c in cells):
            header = cells
        else:
            rows.append(cells)
    columns = max([len(header), *(len(r) for r in rows)] or [1])
    doc.add(
        Table(
            caption=_runs(caption) if caption is not None else None,
            columns=columns,
            header=[_runs(c) for c in header],
            rows=[[_runs(c) for c in r] for r in rows],
        )
    )


def _all(node: Node, tag: str) -> list[Node]:
    out = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                out.append(child)
            out.extend(_all(child, tag))
    return out


# ---------- the whole document ----------


def document(nb: nbformat.NotebookNode) -> Document:
    """The reader's notebook (tagged cells already removed) as blocks and images."""
    doc = Document()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            if "text/html" in data:
                html = data["text/html"]
                _block(doc, parse_html("".join(html) if isinstance(html, list) else html))
            elif "image/png" in data:
                png = base64.b64decode(re.sub(r"\s+", "", _text(data["image/png"])))
                doc.image(png, None)  # its caption is the chart-caption output that follows
    doc.flush_chart()
    return doc


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def typst_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def source(doc: Document, *, title: str, author: str, fonts: dict[str, object]) -> str:
    """The complete Typst source: settings, the template, the body."""
    lines = ["#let fonts = ("]
    for key, value in fonts.items():
        if isinstance(value, (list, tuple)):
            lines.append(f"  {key}: ({', '.join(typst_string(v) for v in value)},),")
        elif isinstance(value, str):
            lines.append(f"  {key}: {typst_string(value)},")
        else:
            lines.append(f"  {key}: {value},")
    lines.append(")")
    lines.append(f"#let meta = (title: {typst_string(title)}, author: {typst_string(author)})")
    header = "\n".join(lines) + "\n"
    return header + TEMPLATE.read_text(encoding="utf-8") + "\n" + "".join(doc.parts)


def write_root(doc: Document, root: Path) -> None:
    for name, data in doc.images.items():
        (root / name).write_bytes(data)
