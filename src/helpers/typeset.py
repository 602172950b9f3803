"""Executed notebook → Typst source for the GB/T 9704 PDF.

The PDF is set from the very outputs the reader's HTML is exported from: the narrative's HTML
fragments (section/h1–h4/p/strong/span.fig/br/table) become calls of the functions defined in
templates/typst/report.typ, and the charts' PNG outputs become image files in the Typst root.
Typst rather than a browser engine, because it justifies Chinese by spacing the characters and
keeps the 28 × 22 grid exactly; WeasyPrint stretches only spaces.

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


def inline(runs: list[_Run | None]) -> str:
    """Escaped markup for styled runs, with glued character sequences boxed."""
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


# ---------- blocks ----------


@dataclass
class Chart:
    file: str
    caption: str | None
    width_px: int
    height_px: int


@dataclass
class Document:
    """The report as Typst calls, plus the image files they refer to."""

    parts: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    in_letter: bool = False
    letter_has_masthead: bool = False
    attachment_started: bool = False
    pending_chart: Chart | None = None
    # The sample notice sits in the 35 mm above a masthead, or in the flow when there is none;
    # which one is known only when the letter's first element arrives.
    pending_notice: str | None = None

    def add(self, markup: str) -> None:
        self.flush_chart()
        if self.pending_notice is not None:
            notice, self.pending_notice = self.pending_notice, None
            overlay = "true" if self.letter_has_masthead else "false"
            self.parts.append(f"#sample-notice(overlay: {overlay})[{notice}]\n")
        self.parts.append(markup)

    def image(self, data: bytes, caption: str | None) -> None:
        self.flush_chart()
        name = f"chart-{len(self.images) + 1}.png"
        self.images[name] = data
        width, height = png_size(data)
        self.pending_chart = Chart(name, caption, width, height)

    def flush_chart(self) -> None:
        chart, self.pending_chart = self.pending_chart, None
        if chart is not None:
            self.parts.append(chart_call(chart))


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


def _block(doc: Document, node: Node | str) -> None:
    if isinstance(node, str):
        if node.strip():
            doc.add(f"{content(Node('p', children=[node]))}\n\n")
        return
    cls = node.classes
    if cls & _SKIPPED_CLASSES:
        return
    tag = node.tag
    if "sample-notice" in cls:
        doc.pending_notice = content(node)
    elif "cover-letter" in cls:
        _letter(doc, node)
    elif "imprint" in cls:
        _imprint(doc, node)
    elif "attachment-label" in cls:
        doc.attachment_started = True
        doc.add(f"#attachment-start[{content(node)}]\n")
    elif tag == "h1":
        doc.add(f"#title[{content(node)}]\n#blank-line\n")
    elif tag == "h2":
        doc.add(f"#h2[{content(node)}]\n")
    elif tag == "h3":
        doc.add(f"#h3[{content(node)}]\n")
    elif tag in ("h4", "h5", "h6"):
        doc.add(f"#h4[{content(node)}]\n")
    elif tag == "p" and "chart-caption" in cls:
        caption = node.text().strip()
        if doc.pending_chart is not None and doc.pending_chart.caption is None:
            doc.pending_chart.caption = caption
            doc.flush_chart()
        else:
            doc.add(f"#centred[{content(node)}]\n")
    elif tag == "p" and "doc-subtitle" in cls:
        doc.add(f"#centred[#text(font: fonts.kai)[{content(node)}]]\n#blank-line\n")
    elif tag == "p":
        doc.add(f"{content(node)}\n\n")
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
        text = content(node)
        if text.strip():
            doc.add(f"{text}\n\n")


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
            doc.add(f"#masthead[{content(child)}]\n")
        elif "doc-number" in cls:
            number = child.find(cls="number")
            number_markup = f"[{content(number)}]" if number else f"[{content(child)}]"
            signer_markup = f"[{_signer(signer)}]" if signer else "none"
            rule = "true" if doc.letter_has_masthead else "false"
            doc.add(f"#doc-number({number_markup}, {signer_markup}, rule: {rule})\n")
        elif child.tag == "h1":
            doc.add(f"#title[{content(child)}]\n#blank-line\n")
        elif "addressee" in cls:
            doc.add(f"#addressee[{content(child)}]\n")
        elif "attachment" in cls:
            label = child.find(cls="label")
            if label is not None:
                rest = Node("p", children=[c for c in child.children if c is not label])
                doc.add(f"#attachment-note([{content(label)}], [{content(rest)}])\n")
            else:
                doc.add(f"#attachment-note([], [{content(child)}])\n")
        elif "signoff" in cls:
            name, date = child.find(cls="signature"), child.find(cls="date")
            sealed = "false" if "unsealed" in cls else "true"
            doc.add(
                f"#signoff([{content(name) if name else ''}], [{content(date) if date else ''}], "
                f"sealed: {sealed})\n"
            )
        elif "signature" in cls or "date" in cls:  # a letter without a sign-off block
            doc.add(f"#align(right, plain[{content(child)}#h(4 * cell)])\n")
        else:
            _block(doc, child)


def _signer(node: Node) -> str:
    """签发人 in the body face, the name in 楷体 (7.2.6)."""
    name = node.find(cls="signer-name")
    if name is None:
        return content(node)
    label = Node("span", children=[c for c in node.children if c is not name])
    return f"{content(label)}#text(font: fonts.kai)[{content(name)}]"


def _imprint(doc: Document, node: Node) -> None:
    copies = node.find(cls="copies")
    printer = node.find(cls="printer")
    printed = node.find(cls="printed")
    copies_markup = f"[{content(copies)}]" if copies else "none"
    doc.add(
        f"#imprint({copies_markup}, [{content(printer) if printer else ''}], "
        f"[{content(printed) if printed else ''}])\n"
    )


def _table(doc: Document, node: Node) -> None:
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
    head = ", ".join(f"[{content(c)}]" for c in header)
    body = ", ".join("(" + ", ".join(f"[{content(c)}]" for c in r) + ",)" for r in rows)
    caption_markup = f"[{content(caption)}]" if caption else "none"
    doc.add(f"#data-table({caption_markup}, {columns}, ({head},), ({body},))\n")


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
    """The reader's notebook (tagged cells already removed) as Typst calls and images."""
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
