"""The GB/T 9704 PDF, typeset with Typst from the reader's edition of the executed notebook.

The same outputs as the reader's HTML (tagged cells removed) are set, through the block model of
`helpers.render.typeset`, so the PDF and the HTML cannot disagree.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from helpers import config
from helpers.errors import RenderError
from helpers.fonts import font_dirs, resolve_fonts
from helpers.render.html import _mark_front_matter, _without_tagged

if TYPE_CHECKING:
    from helpers.render import typeset


def write_pdf(nb: nbformat.NotebookNode, path: Path, title: str, author: str = "") -> None:
    """Set the reader's edition of `nb` with Typst to GB/T 9704 and write the PDF.

    The same outputs as the reader's HTML (tagged cells removed) are typeset, so the two cannot
    disagree. Reproducible: with SOURCE_DATE_EPOCH set the creation date comes from it, image
    files are named by their order, and nothing in the file names the build machine.
    """
    from helpers.render import typeset

    marked, _ = _mark_front_matter(_without_tagged(nb))
    Path(path).write_bytes(pdf_bytes(typeset.document(marked), title=title, author=author))


def pdf_bytes(doc: typeset.Document, *, title: str, author: str = "") -> bytes:
    """The PDF of a block document (see `helpers.render.typeset`)."""
    import tempfile

    import typst

    from helpers.render import typeset

    font_set = typst_font_set()
    source = typeset.source(doc, title=title, author=author, fonts=typst_fonts(font_set))
    # Inside a report run the Typst root lives in the run's scratch folder, so a killed run
    # leaves nothing in the temporary directory that the next build would not sweep.
    with tempfile.TemporaryDirectory(prefix="typst-", dir=config.scratch_dir()) as root:
        typeset.write_root(doc, Path(root))
        try:
            pdf, warnings = typst.Compiler(root=root, font_paths=font_set).compile_with_warnings(
                input=source.encode("utf-8"), format="pdf", timestamp=_pdf_epoch()
            )
        except typst.TypstError as error:
            raise RenderError(
                f"PDF 排版失败 / typesetting the PDF failed: {error.message} {error.hints}"
            ) from None
    # A layout that did not settle (the 版记's page, the page numbers) is not the document.
    unsettled = [w.message for w in warnings if "converge" in w.message or "stabilize" in w.message]
    if unsettled:
        raise RenderError(
            f"PDF 排版未能收敛 / the PDF layout did not settle: {'; '.join(unsettled)}"
        )
    return pdf


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
