"""Font resolution and chart text: the PDF and the charts must find real CJK SC faces."""

from __future__ import annotations

import io
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from helpers import config, fonts  # noqa: E402
from helpers.errors import ReportError  # noqa: E402

ROLES = ("body", "title", "heading", "kai")


@pytest.fixture(autouse=True)
def _default_font_env(monkeypatch):
    for role in ROLES:
        monkeypatch.delenv(f"REPORT_FONT_{role.upper()}", raising=False)


def _chinese_chart() -> bytes:
    fig, ax = plt.subplots(figsize=(4, 2.5), dpi=72)
    ax.bar(["调解", "仲裁", "诉讼"], [32014, -1200, 870])
    ax.set_title("劳动人事争议案件受理量（件）")
    ax.set_xlabel("处理方式")
    ax.set_ylabel("案件数")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from" in str(w.message).lower()]


def test_every_role_resolves_to_an_installed_file():
    resolved = fonts.resolve_fonts()
    assert set(resolved) == set(config.font_families())
    for role, font in resolved.items():
        assert font.role == role
        assert font.file.is_file()
        assert font.family in config.font_families()[role]


def test_default_stand_ins_are_simplified_chinese_faces():
    resolved = fonts.resolve_fonts()
    assert resolved["body"].family == "Noto Serif CJK SC"
    assert resolved["heading"].family == "Noto Sans CJK SC"
    assert resolved["kai"].family in ("LXGW WenKai", "AR PL KaitiM GB")
    # The stand-in for the heavy 小标宋 is the bold cut, requested as bold.
    assert resolved["title"].weight == 700
    assert "Bold" in resolved["title"].file.name


def test_environment_override_takes_precedence(monkeypatch):
    monkeypatch.setenv("REPORT_FONT_KAI", "Noto Sans CJK SC")
    assert fonts.resolve_fonts()["kai"].family == "Noto Sans CJK SC"


def test_uninstalled_override_falls_through_to_stand_in(monkeypatch):
    # fc-match would substitute something for any name; that must not count as found.
    monkeypatch.setenv("REPORT_FONT_BODY", "Not An Installed Font 9704")
    assert fonts.resolve_fonts()["body"].family == "Noto Serif CJK SC"


@pytest.mark.parametrize(
    ("role", "package"),
    [("body", "fonts-noto-cjk"), ("heading", "fonts-noto-cjk"), ("kai", "fonts-lxgw-wenkai")],
)
def test_missing_role_names_what_to_install(monkeypatch, role, package):
    stacks = config.font_families()
    stacks[role] = ["Not An Installed Font 9704", "Another Missing Face"]
    monkeypatch.setattr(config, "font_families", lambda: stacks)
    with pytest.raises(fonts.FontNotFoundError) as excinfo:
        fonts.resolve_fonts()
    message = str(excinfo.value)
    assert isinstance(excinfo.value, ReportError)
    assert f"apt-get install {package}" in message
    assert f"REPORT_FONT_{role.upper()}" in message
    assert "Not An Installed Font 9704" in message
    assert "字体" in message  # Chinese first


def test_manifest_records_families_and_file_names_only():
    manifest = fonts.font_manifest()
    assert set(manifest) == set(ROLES)
    for entry in manifest.values():
        assert set(entry) == {"family", "file"}
        assert "/" not in entry["file"] and "\\" not in entry["file"]


def test_matplotlib_renders_chinese_without_missing_glyphs():
    with matplotlib.rc_context():
        family = fonts.configure_matplotlib()
        assert family == fonts.resolve_fonts()["heading"].family
        assert matplotlib.rcParams["font.sans-serif"][0] == family
        assert matplotlib.rcParams["axes.unicode_minus"] is False
        assert matplotlib.rcParams["svg.hashsalt"] == fonts.SVG_HASHSALT
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _chinese_chart()
    assert _glyph_warnings(caught) == []


def test_glyph_check_detects_tofu():
    """Control for the test above: a Latin-only font must trip the same check."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _chinese_chart()
    assert _glyph_warnings(caught)


def test_chart_png_is_reproducible():
    with matplotlib.rc_context():
        fonts.configure_matplotlib()
        assert _chinese_chart() == _chinese_chart()
