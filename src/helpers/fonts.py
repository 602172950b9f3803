"""Which installed font plays each typographic role, for the PDF, the HTML and the charts.

Fontconfig is the source of truth, so that the charts, the PDF and the Word edition agree on the
faces; asking matplotlib instead could name a face the PDF renderer cannot see. ``fc-match`` always
returns *some* font, so candidates are checked by exact family name against ``fc-list``.
A base module, beside config's font stacks: the report's charts need it as much as the
renderings do.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from helpers import config
from helpers.errors import ReportError

# Fontconfig weights: 80 regular, 200 bold.
_FC_REGULAR, _FC_BOLD = 80, 200

# Chart text uses the heading (sans) role; these stay behind it as per-glyph fallbacks so a
# licensed face with a small repertoire cannot produce tofu in a chart.
_MPL_FALLBACKS = ["Noto Sans CJK SC", "DejaVu Sans"]

# Fixed so SVG ids are stable between runs.
SVG_HASHSALT = "rule-of-law-report"

_INSTALL_HINT = {
    "body": "apt-get install fonts-noto-cjk",
    "title": "apt-get install fonts-noto-cjk",
    "heading": "apt-get install fonts-noto-cjk",
    "kai": "apt-get install fonts-lxgw-wenkai",
}


class FontNotFoundError(ReportError):
    """Raised when no family of a role's stack is installed."""


@dataclass(frozen=True)
class ResolvedFont:
    """The face chosen for a role. ``weight`` is the CSS weight to request: stand-ins for the
    heavy 小标宋 need bold, the real face has only one weight and must not be faux-bolded."""

    role: str
    family: str
    file: Path
    index: int = 0
    weight: int = 400


@dataclass(frozen=True)
class _Face:
    families: tuple[str, ...]
    weight: int
    slant: int
    index: int
    file: Path


def _norm(name: str) -> str:
    # Fontconfig compares family names ignoring case and blanks.
    return "".join(name.split()).casefold()


_FC_FORMAT = "%{family}\t%{weight}\t%{slant}\t%{index}\t%{file}\n"


def _installed_faces() -> tuple[_Face, ...]:
    return _faces_with(tuple(str(d) for d in font_dirs()))


@functools.cache
def _faces_with(extra_dirs: tuple[str, ...]) -> tuple[_Face, ...]:
    """Installed faces plus those in REPORT_FONTS_DIR (read with fc-scan, so licensed files
    work without installing them); cached per folder list, the set does not change mid-build."""
    if shutil.which("fc-list") is None:
        raise FontNotFoundError(
            "未找到 fc-list，请安装 fontconfig：apt-get install fontconfig / "
            "fc-list not found; install fontconfig: apt-get install fontconfig"
        )
    out = subprocess.run(
        ["fc-list", "--format", _FC_FORMAT], check=True, capture_output=True, text=True
    ).stdout
    for folder in extra_dirs:
        if not Path(folder).is_dir():
            raise FontNotFoundError(
                f"环境变量 {FONTS_DIR_ENV} 指定的字体目录不存在：{folder} / "
                f"the font folder named by {FONTS_DIR_ENV} does not exist: {folder}"
            )
        scanned = subprocess.run(
            ["fc-scan", "--format", _FC_FORMAT, folder], capture_output=True, text=True
        )
        out += scanned.stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or not parts[0]:
            continue
        family, weight, slant, index, file = parts
        faces.append(
            _Face(
                families=tuple(f.strip() for f in family.split(",") if f.strip()),
                weight=_first_int(weight, _FC_REGULAR),
                slant=_first_int(slant, 0),
                index=_first_int(index, 0),
                file=Path(file),
            )
        )
    # fc-list order is not stable; sort so the chosen file is.
    return tuple(sorted(faces, key=lambda f: (str(f.file), f.index)))


def _first_int(value: str, default: int) -> int:
    # Variable fonts report ranges such as "[40 210]".
    digits = value.strip("[]").split()
    try:
        return int(float(digits[0]))
    except (IndexError, ValueError):
        return default


def _faces_of(family: str) -> list[_Face]:
    wanted = _norm(family)
    return [f for f in _installed_faces() if any(_norm(n) == wanted for n in f.families)]


def _pick(faces: list[_Face], weight: int) -> _Face:
    upright = [f for f in faces if f.slant == 0] or faces
    return min(upright, key=lambda f: (abs(f.weight - weight), str(f.file), f.index))


def _resolve(role: str, stack: list[str]) -> ResolvedFont:
    for family in stack:
        faces = _faces_of(family)
        if not faces:
            continue
        css_weight = 400
        if role == "title" and any(f.weight >= _FC_BOLD for f in faces):
            css_weight = 700
        face = _pick(faces, _FC_BOLD if css_weight == 700 else _FC_REGULAR)
        return ResolvedFont(role, family, face.file, face.index, css_weight)
    hint = _INSTALL_HINT.get(role, "apt-get install fonts-noto-cjk")
    env = f"REPORT_FONT_{role.upper()}"
    tried = "、".join(stack) if stack else "（无）"
    raise FontNotFoundError(
        f"字体角色“{role}”没有可用字体（已尝试：{tried}）。请执行 {hint}，"
        f"或设置环境变量 {env} 为已安装的字体族名（多个用逗号分隔）。 / "
        f"No installed font for role '{role}' (tried: {', '.join(stack) or 'none'}). "
        f"Run `{hint}` or set {env} to installed family names, comma-separated."
    )


def resolve_fonts() -> dict[str, ResolvedFont]:
    """Not cached: REPORT_FONT_* may change between calls (tests, multi-year builds)."""
    return {role: _resolve(role, stack) for role, stack in config.font_families().items()}


def font_manifest() -> dict[str, dict[str, str]]:
    """Recorded in manifest.json so a reader can tell which faces a given PDF was set in."""
    return {
        role: {"family": font.family, "file": font.file.name}
        for role, font in resolve_fonts().items()
    }


def configure_matplotlib() -> str:
    """Point matplotlib at the heading face so chart labels match the document's 黑体 role."""
    import matplotlib
    from matplotlib import font_manager

    heading = resolve_fonts()["heading"]
    manager = font_manager.fontManager
    if not any(Path(entry.fname) == heading.file for entry in manager.ttflist):
        # matplotlib's font cache may predate the font install.
        manager.addfont(str(heading.file))
    known = {entry.name for entry in manager.ttflist}
    # A fontconfig alias (e.g. a Chinese family name) is not a matplotlib name.
    family = heading.family if heading.family in known else _mpl_name(heading)
    fallbacks = [f for f in _MPL_FALLBACKS if f != family and f in known]
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, *fallbacks],
            "axes.unicode_minus": False,
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
        }
    )
    return family


def _mpl_name(font: ResolvedFont) -> str:
    """Name matplotlib gives the resolved face (it may differ from a fontconfig alias)."""
    from matplotlib import ft2font

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ft2font.FT2Font(str(font.file), face_index=font.index).family_name


FONTS_DIR_ENV = "REPORT_FONTS_DIR"


def font_dirs() -> list[Path]:
    """Folders of licensed font files named by REPORT_FONTS_DIR (os.pathsep-separated)."""
    raw = os.environ.get(FONTS_DIR_ENV, "")
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]
