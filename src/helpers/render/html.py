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
from html.parser import HTMLParser

import nbformat

from helpers import config
from helpers.errors import RenderError
from helpers.render.fonts import ResolvedFont, resolve_fonts

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
    html = link_figures(html)
    _check_offline(html, edition="review", strict=False)
    return html


# A traced number (narrative.fig, and the comparison values of narrative.yoy); its text holds no
# element, so the first closing tag ends it.
_FIGURE_SPAN = re.compile(r'<span class="fig" data-metric="([^"]+)"[^>]*>.*?</span>', re.S)


def link_figures(html: str) -> str:
    """In the review edition every traced number links to its figure's card (#fig-<id>); a
    comparison value links to the card of the figure it compares."""
    from helpers.report.narrative import base_metric

    return _FIGURE_SPAN.sub(
        lambda m: f'<a class="fig-link" href="#fig-{base_metric(m.group(1))}">{m.group(0)}</a>',
        html,
    )


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

    return HTMLExporter(
        template_name=template,
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_anchor_links=True,
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
