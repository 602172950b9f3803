"""Executed notebook → reader's HTML, reviewer's HTML and the GB/T 9704 PDF.

Both HTML editions are self-contained and offline: nbconvert's stock templates fetch
require.js and MathJax from CDNs, which a bureau's intranet may block and which would make the
published file depend on a third party. The PDF is rendered from the reader's HTML, so the two
cannot disagree.
"""

from __future__ import annotations

import copy
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from helpers import config
from helpers.errors import RenderError
from helpers.fonts import ResolvedFont, resolve_fonts

NBCONVERT_TEMPLATES = config.TEMPLATES_DIR / "nbconvert"
REPORT_CSS = config.STYLES_DIR / "report.css"
REVIEW_CSS = config.STYLES_DIR / "review.css"

# nbconvert's standard tags, so authors can keep helper output out of the published edition.
REMOVE_CELL_TAGS = {"remove_cell", "remove-cell"}
REMOVE_OUTPUT_TAGS = {"remove_output", "remove-output"}
REMOVE_INPUT_TAGS = {"remove_input", "remove-input"}

_GENERIC = {"body": "serif", "title": "serif", "heading": "sans-serif", "kai": "serif"}

_COVER_LETTER = re.compile(r"""class\s*=\s*["'][^"']*\bcover-letter\b""")
_SAMPLE_NOTICE = re.compile(r"""class\s*=\s*["'][^"']*\bsample-notice\b""")

# Anything that would make a browser or WeasyPrint reach the network.
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_REMOTE_ATTR = re.compile(
    r"""\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)
_REMOTE_RESOURCE_ATTR = re.compile(
    r"""<(?:img|script|link|iframe|source|video|audio|embed|object|input)\b[^>]*?"""
    r"""\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
_REMOTE_CSS = re.compile(r"""(?:url\(\s*["']?\s*(?:https?:)?//|@import\b)""", re.IGNORECASE)


def report_css(fonts: dict[str, ResolvedFont] | None = None) -> str:
    """The reader/PDF stylesheet with the resolved families injected as custom properties."""
    return _font_properties(fonts or resolve_fonts()) + REPORT_CSS.read_text(encoding="utf-8")


def reader_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The published edition: narrative and charts only, no code, no scripts, no network."""
    exporter = _exporter("reader")
    exporter.exclude_anchor_links = True
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
    _check_offline(html, edition="review", strict=False)
    return html


def write_pdf(html: str, path: Path) -> None:
    """Render the reader's HTML with WeasyPrint.

    Reproducible: with SOURCE_DATE_EPOCH set, /CreationDate and /ModDate come from it and the
    /ID is a hash of the content, so the same HTML gives byte-identical files. Font subset
    prefixes in WeasyPrint 70 are already derived from the font description, not random.
    """
    from weasyprint import HTML

    fetcher, refused = _offline_fetcher()
    try:
        document = HTML(string=html, url_fetcher=fetcher).render()
    except refused as exc:
        raise RenderError(
            f"PDF 渲染不允许访问外部资源：{str(exc)[:100]} / "
            f"PDF rendering refused an external resource: {str(exc)[:100]}"
        ) from None
    stamp = _pdf_timestamp()
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.write_pdf(Path(path), pdf_identifier=True)


def _font_properties(fonts: dict[str, ResolvedFont]) -> str:
    stacks = config.font_families()
    lines = [":root {"]
    for role, font in fonts.items():
        families = [font.family]
        # The free stand-in behind a licensed face covers characters outside GB 2312.
        standin = stacks.get(role, [])[-1:] or []
        families += [f for f in standin if f != font.family]
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
    """Flag the cover letter's output as the end of the front matter.

    The letter gets its own unnumbered page group only when nothing but sample notices comes
    before it; a letter placed later is left in the body (it still breaks the page after).
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            html = _as_text(data.get("text/html", ""))
            if _COVER_LETTER.search(html):
                output.setdefault("metadata", {})["helpers.front_matter_end"] = True
                return nb, True
            if html and _SAMPLE_NOTICE.search(html):
                continue
            if any(k in data for k in ("text/html", "text/markdown", "image/png", "image/jpeg",
                                       "image/svg+xml")):  # fmt: skip
                return nb, False
    return nb, False


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


def _pdf_timestamp() -> str:
    """W3C date for the PDF info dictionary, from SOURCE_DATE_EPOCH when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        moment = datetime.now(UTC).replace(microsecond=0)
    else:
        try:
            moment = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise RenderError(
                f"环境变量 SOURCE_DATE_EPOCH 应为整数秒，实际为 “{epoch}”。 / "
                f"SOURCE_DATE_EPOCH must be an integer number of seconds, got '{epoch}'."
            ) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _offline_fetcher():
    """Only data: URIs are fetched; anything else aborts the render instead of being skipped."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class OfflineFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise FatalURLFetchingError(url)
            return super().fetch(url, headers)

    return OfflineFetcher(allowed_protocols=("data",)), FatalURLFetchingError
