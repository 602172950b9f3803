"""Executed notebook → the reader's HTML and the reviewer's HTML.

Both editions are self-contained and offline: nbconvert's stock templates fetch require.js and
MathJax from CDNs, which a bureau's intranet may block and which would make the published file
depend on a third party. The PDF (`helpers.render.pdf`) is set from the same outputs the reader's
edition is exported from, so the two cannot disagree.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser

import nbformat

from helpers import config
from helpers.errors import RenderError
from helpers.fonts import ResolvedFont, resolve_fonts

NBCONVERT_TEMPLATES = config.TEMPLATES_DIR / "nbconvert"
REPORT_CSS = config.STYLES_DIR / "report.css"
REVIEW_CSS = config.STYLES_DIR / "review.css"

# nbconvert's usual tags, so authors can keep helper output out of the reader's edition. The
# reviewer's edition ignores them: reviewers see everything that ran.
REMOVE_CELL_TAGS = {"remove_cell", "remove-cell"}
REMOVE_OUTPUT_TAGS = {"remove_output", "remove-output"}

_GENERIC = {"body": "serif", "title": "serif", "heading": "sans-serif", "kai": "serif"}

# Anything that would make a browser reach the network.
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_REMOTE_ATTR = re.compile(
    r"""\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE
)
_REMOTE_RESOURCE_ATTR = re.compile(
    r"""<(?:img|script|link|iframe|source|video|audio|embed|object|input)\b[^>]*?"""
    r"""\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT_WITH_URL = re.compile(r"/\*(?:(?!\*/).)*?://.*?\*/", re.DOTALL)
_REMOTE_CSS = re.compile(r"""(?:url\(\s*["']?\s*(?:https?:)?//|@import\b)""", re.IGNORECASE)


def report_css(fonts: dict[str, ResolvedFont] | None = None) -> str:
    """The reader/PDF stylesheet with the resolved families injected as custom properties."""
    return _font_properties(fonts or resolve_fonts()) + REPORT_CSS.read_text(encoding="utf-8")


def reader_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The published edition: narrative and charts only, no code, no scripts, no network."""
    exporter = _exporter("reader")
    fonts = resolve_fonts()
    marked, has_front_matter = _mark_front_matter(_without_tagged(nb))
    html, _ = exporter.from_notebook_node(
        marked,
        resources={
            "report_title": title,
            "report_css": report_css(fonts),
            "has_front_matter": has_front_matter,
        },
    )
    html = mark_manual(html)
    _check_offline(html, edition="reader", strict=True)
    return html


def review_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The reviewer's edition: every cell with code and all outputs, still offline."""
    exporter = _exporter("review")
    fonts = resolve_fonts()
    html, _ = exporter.from_notebook_node(
        copy.deepcopy(nb),
        resources={
            "report_title": title,
            "review_css": _font_properties(fonts) + REVIEW_CSS.read_text(encoding="utf-8"),
        },
    )
    html = _STYLE_BLOCK.sub(_drop_url_comments, html)
    html = trace_review(html, stated_metrics(nb))
    _check_offline(html, edition="review", strict=False)
    return html


def contract_html() -> str:
    """The data contract (docs/data-contract.md, generated from the code) as a page shipped beside
    review.html: the target of the figure cards' links to ledger (#ledger-<name>) and metric
    (#metric-<id>) sections. Offline, like both editions."""
    from helpers.report.contract_doc import render_contract

    body = contract_markdown_html(render_contract())
    css = (config.STYLES_DIR / "contract.css").read_text(encoding="utf-8")
    html = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>数据合同 / Data contract</title>\n<style>\n{_font_properties(resolve_fonts())}"
        f"{css}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
    _check_offline(html, edition="contract", strict=False)
    return html


_INLINE = re.compile(
    r"\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]+)\)|`(?P<code>[^`]+)`|\*\*(?P<bold>.+?)\*\*"
)
_RAW_ANCHOR = re.compile(r'^<a id="[^"<>]+"></a>$')


def _inline(text: str) -> str:
    out, at = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[at : m.start()], quote=False))
        if m.group("href") is not None:
            out.append(f'<a href="{escape(m.group("href"))}">{_inline(m.group("text"))}</a>')
        elif m.group("code") is not None:
            out.append(f"<code>{escape(m.group('code'), quote=False)}</code>")
        else:
            out.append(f"<strong>{_inline(m.group('bold'))}</strong>")
        at = m.end()
    return "".join(out) + escape(text[at:], quote=False)


def contract_markdown_html(markdown: str) -> str:
    """The data contract's Markdown as HTML. The contract is generated (report.contract_doc) in a
    small subset — headings, paragraphs, `- ` lists with indented continuation lines, pipe tables,
    a quoted note, its own `<a id>` anchors, and inline code, bold and links — which is rendered
    here directly: a general Markdown parser takes most of a second over the whole contract."""
    blocks: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif _RAW_ANCHOR.match(line):
            blocks.append(line)
            i += 1
        elif m := re.match(r"(#{1,6}) (.*)", line):
            level = len(m.group(1))
            blocks.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
            i += 1
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([cell.strip() for cell in lines[i].strip().strip("|").split("|")])
                i += 1
            head, body = rows[0], [r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r)]
            blocks.append(
                "<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head)
                + "</tr></thead><tbody>"
                + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>"
                          for row in body)
                + "</tbody></table>"
            )  # fmt: skip
        elif line.startswith("- "):
            items: list[str] = []
            while i < len(lines) and (
                lines[i].startswith("- ")
                or (items and lines[i].startswith("  ") and lines[i].strip())
            ):
                if lines[i].startswith("- "):
                    items.append(lines[i][2:])
                else:
                    items[-1] += "\n" + lines[i].strip()
                i += 1
            blocks.append("<ul>" + "".join(f"<li>{_inline(t)}</li>" for t in items) + "</ul>")
        elif line.startswith(">"):
            quoted = []
            while i < len(lines) and lines[i].startswith(">"):
                quoted.append(lines[i][1:].strip())
                i += 1
            blocks.append(f"<blockquote><p>{_inline(chr(10).join(quoted))}</p></blockquote>")
        else:
            para = []
            while i < len(lines) and lines[i].strip() and not re.match(r"(#{1,6} |\||- |>)", lines[i]) \
                    and not _RAW_ANCHOR.match(lines[i]):  # fmt: skip
                para.append(lines[i])
                i += 1
            blocks.append(f"<p>{_inline(chr(10).join(para))}</p>")
    return "\n".join(blocks) + "\n"


# A traced number (narrative.fig, the comparison values of narrative.yoy, the review tables'
# listings); its text holds no element, so the first closing tag ends it.
# The attributes are found wherever they stand: the review template's HTML serialiser orders them.
_FIGURE_SPAN = re.compile(
    r'<span class="fig"(?=[^>]*\sdata-metric="([^"]+)")([^>]*)>.*?</span>', re.S
)
_HEADING = re.compile(r"<h([1-3])\b([^>]*)>(.*?)</h\1>", re.S)
_ID_ATTR = re.compile(r"""\bid\s*=\s*["']([^"']*)["']""")
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>\s*")
_CARD = re.compile(
    r"""<section class=["']fig-card[^"']*["'] id=["']fig-([^"']+)["']>\s*<h4><code>[^<]*</code>"""
    r"""\s*([^<]*)</h4>"""
)
_USES = re.compile(r"""<div class=["']fig-uses["'] data-uses=["']([^"']+)["']></div>""")
_UNSTATED = re.compile(
    r"""<div class=["']unstated-figures["'] data-report=["'][^"']*["']>.*?</div>""", re.S
)
_LISTED = ' data-listed="1"'
MANUAL_LEGEND = (
    "标“{mark}”的数字为人工填报数字（由本局按工作记录填写在年度参数文件中，未经台账逐条计算），"
    "其余数字均由台账逐条计算得出。"
)


def _is_manual(traced_id: str) -> bool:
    from helpers.figures.catalogue import CATALOGUE
    from helpers.report.narrative import base_metric

    metric = CATALOGUE.get(traced_id)
    return metric is not None and metric.is_manual and base_metric(traced_id) == traced_id


def _manual_mark() -> str:
    from helpers.report.cards import MANUAL_MARK

    return f'<sup class="manual-mark" title="人工填报 / manual figure">{MANUAL_MARK}</sup>'


def mark_manual(html: str) -> str:
    """The reader's edition: a manual figure's number is followed by a mark (not only a colour,
    so it survives printing and colour blindness), explained once at the end."""
    marked = 0

    def mark(m: re.Match[str]) -> str:
        nonlocal marked
        if not _is_manual(m.group(1)):
            return m.group(0)
        marked += 1
        return m.group(0) + _manual_mark()

    html = _FIGURE_SPAN.sub(mark, html)
    if marked:
        from helpers.report.cards import MANUAL_MARK

        legend = f'<p class="manual-legend">注：{MANUAL_LEGEND.format(mark=MANUAL_MARK)}</p>\n'
        html = _replace_last(html, "</main>", legend + "</main>")
    return html


def stated_metrics(nb: nbformat.NotebookNode) -> set[str]:
    """The figures an edition prints: traced numbers in the outputs the reader's edition shows
    (the PDF and the Word edition are set from the same outputs), and the figures a chart draws,
    which the review edition lists under the chart (`<div class="chart-data">`) and the reader's
    edition prints as the chart and its alt text."""
    stated: set[str] = set()
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        shown = not tags & (REMOVE_CELL_TAGS | REMOVE_OUTPUT_TAGS)
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            for mime in ("text/html", "text/markdown"):
                text = _as_text(data.get(mime, ""))
                if shown or _CHART_DATA.search(text):
                    stated.update(m.group(1) for m in _FIGURE_SPAN.finditer(text)
                                  if _LISTED not in m.group(2))  # fmt: skip
    return stated


_CHART_DATA = re.compile(r"""<div class=["']chart-data["']""")


@dataclass(frozen=True)
class _Use:
    anchor: str
    heading: str
    heading_anchor: str


def trace_review(html: str, stated: set[str]) -> str:
    """The review edition's navigation, in one pass over the exported page: an anchor on every
    heading and a table of contents; every traced number a link to its card (a comparison value
    to its own card) with an anchor of its own; each card's list of the places it is used; the
    list of figures no edition prints; manual figures marked."""
    toc: list[tuple[int, str, str]] = []
    uses: dict[str, list[_Use]] = {}
    heading = ("", "")  # the text and anchor of the heading a number sits under
    taken = set(_ID_ATTR.findall(html))

    def visit(m: re.Match[str]) -> str:
        nonlocal heading
        if m.group("h"):
            level, attrs, inner = int(m.group("h")), m.group("hattrs"), m.group("htext")
            text = " ".join(unescape(_TAG.sub(" ", _BREAK.sub("", inner))).split())
            if not text:
                return m.group(0)
            if found := _ID_ATTR.search(attrs):
                anchor = found.group(1)
            else:
                anchor = f"sec-{len(toc) + 1}"
                while anchor in taken:
                    anchor += "-"
                taken.add(anchor)
                attrs = f' id="{anchor}"{attrs}'
            toc.append((level, anchor, text))
            heading = (text, anchor)
            return f"<h{level}{attrs}>{inner}</h{level}>"
        traced, span = m.group("metric"), m.group(0)
        mark = _manual_mark() if _is_manual(traced) else ""
        if _LISTED in m.group("sattrs"):
            return f'<a class="fig-link" href="#fig-{traced}">{span}</a>{mark}'
        places = uses.setdefault(traced, [])
        anchor = f"use-{traced}-{len(places) + 1}"
        places.append(_Use(anchor, *heading))
        return f'<a class="fig-link" href="#fig-{traced}" id="{anchor}">{span}</a>{mark}'

    html = _REVIEW_TOKENS.sub(visit, html)
    html = _USES.sub(lambda m: _uses_html(m.group(1), uses.get(m.group(1), [])), html)
    cards = {m.group(1): m.group(2).strip() for m in _CARD.finditer(html)}
    unstated = [(id, name) for id, name in cards.items()
                if id not in stated and _base(id) == id]  # fmt: skip
    html = _UNSTATED.sub(lambda m: _unstated_html(unstated), html, count=1)
    return html.replace("<main>", "<main>\n" + _toc_html(toc), 1)


def _base(traced_id: str) -> str:
    from helpers.report.narrative import base_metric

    return base_metric(traced_id)


_REVIEW_TOKENS = re.compile(
    r"<h(?P<h>[1-3])\b(?P<hattrs>[^>]*)>(?P<htext>.*?)</h(?P=h)>"
    r'|<span class="fig"(?=[^>]*\sdata-metric="(?P<metric>[^"]+)")(?P<sattrs>[^>]*)>.*?</span>',
    re.S,
)


def _uses_html(traced: str, places: list[_Use]) -> str:
    if not places:
        return ('<div class="fig-uses"><p><strong>用于 / used in</strong>：'
                "任何版本均未写出这个数字 / no edition states this number</p></div>")  # fmt: skip
    items = "".join(
        f'<li><a href="#{u.anchor}">第{n}处 / use {n}</a>：'
        + (f'<a href="#{u.heading_anchor}">{escape(u.heading)}</a>' if u.heading_anchor else "—")
        + "</li>"
        for n, u in enumerate(places, start=1)
    )
    return (f'<div class="fig-uses"><p><strong>用于 / used in</strong>（{len(places)} 处）：</p>'
            f"<ol>{items}</ol></div>")  # fmt: skip


def _unstated_html(unstated: list[tuple[str, str]]) -> str:
    if not unstated:
        return ('<div class="unstated-figures"><p>本报告计算的数字都已写出 / every figure '
                "computed is stated</p></div>")  # fmt: skip
    items = "".join(
        f'<li><a class="card-link" href="#fig-{id}"><code>{id}</code></a> {name}</li>'
        for id, name in unstated
    )
    return (f'<div class="unstated-figures"><p>以下 {len(unstated)} 个数字已计算、有卡片并列入审核底稿，'
            "但阅读版、PDF 和 Word 版均未写出 / computed, carded and in the work paper, but stated "
            f"in no edition：</p><ul>{items}</ul></div>")  # fmt: skip


def _toc_html(toc: list[tuple[int, str, str]]) -> str:
    from helpers.report.cards import MANUAL_MARK

    items = "".join(
        f'<li class="toc-h{level}"><a href="#{anchor}">{escape(text)}</a></li>'
        for level, anchor, text in toc
    )
    return (
        '<nav class="review-toc" id="toc"><h2 class="toc-title">目录 / Contents</h2>'
        f"<ol>{items}</ol>"
        '<p class="review-legend">正文和表格中带虚线下划线的数字链接到它的数字卡片，卡片列出并链接回这个数字的每一处用处；'
        "“比上年”的变化量和增长率有各自的卡片（公式、基数、修约）。"
        f"{MANUAL_LEGEND.format(mark=MANUAL_MARK)} / Every underlined number links to its card; "
        f"each card links back to every place it is used; {MANUAL_MARK} marks a manual figure.</p>"
        "</nav>\n"
    )


def _replace_last(text: str, old: str, new: str) -> str:
    head, sep, tail = text.rpartition(old)
    return head + new + tail if sep else text


def _font_properties(fonts: dict[str, ResolvedFont]) -> str:
    """CSS custom properties: the resolved family first, then the rest of its configured stack,
    so the free stand-ins cover characters a licensed GB 2312 face lacks (rare names)."""
    stacks = config.font_families()
    lines = [":root {"]
    for role, font in fonts.items():
        stack = stacks.get(role, [])
        rest = stack[stack.index(font.family) + 1 :] if font.family in stack else []
        families = [font.family, *rest]
        quoted = ", ".join(_css_string(f) for f in families)
        lines.append(f"  --font-{role}: {quoted}, {_GENERIC.get(role, 'serif')};")
    title = fonts.get("title")
    lines.append(f"  --weight-title: {title.weight if title else 700};")
    lines.append("}\n\n")
    return "\n".join(lines)


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _exporter(template: str):
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        """HTMLExporter without its closing BeautifulSoup round trip (pinned nbconvert 7.17),
        which only adds an alt text our templates always write and focus attributes, and which
        took 1.7 s of the review edition's 2.3 s. The rest is the stock exporter's own steps."""

        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))  # fmt: skip
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))  # fmt: skip
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _FOCUSABLE.sub(r'\1 tabindex="0"', html), resources

    return Exporter(
        template_name=template,
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_anchor_links=True,
    )


# What the stock exporter makes keyboard-focusable: each cell's input and each output.
_FOCUSABLE = re.compile(
    r'(<div class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)")'
)


def _without_tagged(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of the notebook without cells/outputs tagged for removal (remove_cell, …)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "code" and tags & REMOVE_OUTPUT_TAGS:
            cell.outputs = []
        cells.append(cell)
    out.cells = cells
    return out


def _mark_front_matter(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, bool]:
    """Flag the output that ends the cover letter, so the template can close the front matter.

    The letter gets its own unnumbered page group only when nothing but sample notices comes
    before it; a letter placed later stays in the body (its section still breaks the page).
    When the letter shares an HTML output with the report that follows, that output is split
    at the end of the letter's <section>.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        for position, output in enumerate(outputs):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            if "text/html" not in data:
                if any(k in data for k in _SHOWN_WITHOUT_HTML):
                    return nb, False
                continue
            html = _as_text(data["text/html"])
            for block in _top_level_blocks(html):
                if "sample-notice" in block.classes:
                    continue
                if "cover-letter" not in block.classes:
                    return nb, False
                head, tail = html[: block.end], html[block.end :]
                if tail.strip():
                    rest = copy.deepcopy(output)
                    rest.data["text/html"] = tail
                    outputs.insert(position + 1, rest)
                    data["text/html"] = head
                output.setdefault("metadata", {})["helpers.front_matter_end"] = True
                return nb, True
    return nb, False


_SHOWN_WITHOUT_HTML = ("text/markdown", "image/png", "image/jpeg", "image/svg+xml")
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
              "source", "track", "wbr"}  # fmt: skip


@dataclass(frozen=True)
class _Block:
    end: int
    classes: tuple[str, ...]


def _top_level_blocks(html: str) -> list[_Block]:
    """Top-level elements (and loose text) of an HTML fragment, with where each ends."""
    parser = _BlockParser(html)
    return parser.blocks


class _BlockParser(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._html = html
        self._line_starts = [0] + [i + 1 for i, c in enumerate(html) if c == "\n"]
        self._depth = 0
        self._classes: tuple[str, ...] = ()
        self.blocks: list[_Block] = []
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _tag_end(self) -> int:
        return self._html.index(">", self._offset()) + 1

    def handle_starttag(self, tag, attrs):
        if self._depth == 0:
            self._classes = tuple((dict(attrs).get("class") or "").split())
            if tag in _VOID_TAGS:
                self.blocks.append(_Block(self._tag_end(), self._classes))
                return
        if tag not in _VOID_TAGS:
            self._depth += 1

    def handle_startendtag(self, tag, attrs):
        if self._depth == 0:
            classes = tuple((dict(attrs).get("class") or "").split())
            self.blocks.append(_Block(self._tag_end(), classes))

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS or self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            self.blocks.append(_Block(self._tag_end(), self._classes))

    def handle_data(self, data):
        if self._depth == 0 and data.strip():
            self.blocks.append(_Block(self._offset() + len(data), ()))


def _as_text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _check_offline(html: str, *, edition: str, strict: bool) -> None:
    """Fail loudly rather than publish a page that needs the network.

    The reader's edition allows no script and no external URL at all; the reviewer's edition
    (whose markdown may legitimately link to a statute online) only forbids loading resources.
    """
    problems = []
    if strict and _SCRIPT.search(html):
        problems.append("<script>")
    attr = _REMOTE_ATTR if strict else _REMOTE_RESOURCE_ATTR
    for pattern in (attr, _REMOTE_CSS):
        if match := pattern.search(html):
            problems.append(match.group(0)[:80])
    if problems:
        raise RenderError(
            f"{edition} 版 HTML 含有脚本或外部资源，离线无法正常显示：{'; '.join(problems)}。"
            "请改用内嵌内容（图片用 PNG 输出或 data: URI）。 / "
            f"The {edition} HTML contains a script or an external resource and would not work "
            f"offline: {'; '.join(problems)}. Embed the content instead."
        )


def _drop_url_comments(match: re.Match[str]) -> str:
    """JupyterLab's CSS credits its sources by URL in comments; harmless, but it would make
    every 'no external URL' check on the file noisy."""
    return match.group(1) + _CSS_COMMENT_WITH_URL.sub("", match.group(2)) + match.group(3)
