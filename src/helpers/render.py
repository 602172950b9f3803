"""Executed notebook → reader's HTML, reviewer's HTML and the GB/T 9704 PDF.

Both HTML editions are self-contained and offline: nbconvert's stock templates fetch
require.js and MathJax from CDNs, which a bureau's intranet may block and which would make the
published file depend on a third party. The PDF is typeset with Typst (helpers.typeset) from the
same notebook outputs the reader's HTML is exported from, so the two cannot disagree.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import nbformat

from helpers import config
from helpers.errors import RenderError
from helpers.fonts import ResolvedFont, font_dirs, resolve_fonts
from helpers.scratch import scratch_dir

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
    from helpers.narrative import base_metric

    return _FIGURE_SPAN.sub(
        lambda m: f'<a class="fig-link" href="#fig-{base_metric(m.group(1))}">{m.group(0)}</a>',
        html,
    )


def write_pdf(nb: nbformat.NotebookNode, path: Path, title: str, author: str = "") -> None:
    """Set the reader's edition of `nb` with Typst to GB/T 9704 and write the PDF.

    The same outputs as the reader's HTML (tagged cells removed) are typeset, so the two cannot
    disagree. Reproducible: with SOURCE_DATE_EPOCH set the creation date comes from it, image
    files are named by their order, and nothing in the file names the build machine.
    """
    import tempfile

    import typst

    from helpers import typeset

    marked, _ = _mark_front_matter(_without_tagged(nb))
    doc = typeset.document(marked)
    font_set = typst_font_set()
    source = typeset.source(doc, title=title, author=author, fonts=typst_fonts(font_set))
    # Inside a report run the Typst root lives in the run's scratch folder, so a killed run
    # leaves nothing in the temporary directory that the next build would not sweep.
    with tempfile.TemporaryDirectory(prefix="typst-", dir=scratch_dir()) as root:
        typeset.write_root(doc, Path(root))
        try:
            pdf = typst.Compiler(root=root, font_paths=font_set).compile(
                input=source.encode("utf-8"), format="pdf", timestamp=_pdf_epoch()
            )
        except typst.TypstError as error:
            raise RenderError(
                f"PDF 排版失败 / typesetting the PDF failed: {error.message} {error.hints}"
            ) from None
    Path(path).write_bytes(pdf)


def typst_font_set():
    """Typst's view of the installed fonts plus REPORT_FONTS_DIR, scanned once per PDF."""
    import typst

    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=False,
                       font_paths=[str(p) for p in font_dirs()])  # fmt: skip


def typst_fonts(font_set) -> dict[str, object]:
    """Family lists per role, by the names Typst gives the files fontconfig resolved."""
    infos = font_set.fonts()
    by_file = {(str(Path(i.path).resolve()), i.index): i.family for i in infos if i.path}
    families = {i.family for i in infos}
    resolved = resolve_fonts()
    stacks = config.font_families()

    def stack(role: str) -> list[str]:
        font = resolved[role]
        first = by_file.get((str(font.file.resolve()), font.index), font.family)
        rest = [f for f in stacks[role] if f in families and f != first]
        fallback = ["Noto Sans CJK SC"] if role == "heading" else ["Noto Serif CJK SC"]
        return list(dict.fromkeys([first, *rest, *[f for f in fallback if f in families]]))

    body = stack("body")
    has_bold = any(i.family == body[0] and i.weight >= 600 for i in infos)
    return {
        "body": body,
        "title": stack("title"),
        "heading": stack("heading"),
        "kai": stack("kai"),
        # Typst does not embolden a face that has no bold (typst#394): 仿宋_GB2312 has none, so
        # bold leads are then set in the 黑体 instead.
        "bold": body if has_bold else stack("heading"),
        "bold-weight": "bold" if has_bold else "regular",
        "title-weight": "bold" if resolved["title"].weight >= 700 else "regular",
        "number": body,  # page numbers: 宋体/仿宋 figures (7.5)
    }


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


def _pdf_epoch() -> int:
    """Creation time of the PDF in UNIX seconds, from SOURCE_DATE_EPOCH when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return int(datetime.now(UTC).timestamp())
    try:
        return int(datetime.fromtimestamp(int(epoch), UTC).timestamp())
    except (ValueError, OverflowError, OSError) as exc:
        raise RenderError(
            f"环境变量 SOURCE_DATE_EPOCH 应为整数秒，实际为 “{epoch}”。 / "
            f"SOURCE_DATE_EPOCH must be an integer number of seconds, got '{epoch}'."
        ) from exc
