"""Charts: render cleanly, reproducibly, at print size, and with every glyph in the font used."""

from __future__ import annotations

import io
import re
import warnings
from functools import cache

import matplotlib
import pytest
from fontTools.ttLib import TTFont
from IPython.core.formatters import format_display_data
from matplotlib import font_manager
from PIL import Image

from helpers.figures import breakdowns as b
from helpers.report import charts

YEAR = 2021
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def frames(ledgers):
    return {
        "intake": b.dispute_intake_by_month(ledgers, YEAR),
        "outcomes": b.dispute_outcomes(ledgers, YEAR),
        "wage": b.wage_arrears_by_month(ledgers, YEAR),
        "litigation": b.litigation_by_stage(ledgers, YEAR),
        "reconsideration": b.reconsideration_summary(ledgers, YEAR),
        "trends": b.trends(ledgers, b.trend_years(ledgers, until=YEAR)),
    }


BUILDERS = {
    "dispute_intake": lambda f: charts.dispute_intake_chart(f["intake"]),
    "dispute_outcomes": lambda f: charts.dispute_outcomes_chart(f["outcomes"]),
    "wage_arrears": lambda f: charts.wage_arrears_chart(f["wage"]),
    "litigation": lambda f: charts.litigation_chart(f["litigation"], f["reconsideration"]),
    "trends": lambda f: charts.trends_chart(f["trends"]),
}


@pytest.fixture(autouse=True)
def _restore_rcparams():
    # configure_matplotlib() sets global rcParams; keep other test modules unaffected.
    with matplotlib.rc_context():
        yield


@cache
def _cmap(path: str, index: int) -> frozenset[int]:
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap())


@pytest.mark.parametrize("name", BUILDERS)
def test_chart_renders_without_any_warning(frames, name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.to_png(BUILDERS[name](frames))
    assert png.startswith(b"\x89PNG")
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "missing from font" in m.lower()]
    assert messages == []


@pytest.mark.parametrize("name", BUILDERS)
def test_png_is_byte_identical_across_runs(frames, name):
    assert charts.to_png(BUILDERS[name](frames)) == charts.to_png(BUILDERS[name](frames))


@pytest.mark.parametrize("name", BUILDERS)
def test_png_is_a_valid_image_of_print_size(frames, name):
    png = charts.to_png(BUILDERS[name](frames))
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (round(6.2 * charts.DPI), round(3.2 * charts.DPI))
        assert "Software" not in image.info


@pytest.mark.parametrize("name", BUILDERS)
def test_chart_texts_are_chinese_and_legible(frames, name):
    fig = BUILDERS[name](frames)
    texts = charts.chart_texts(fig)
    assert fig.get_suptitle() in texts
    assert CJK.search(fig.get_suptitle())
    assert sum(bool(CJK.search(t)) for t in texts) >= 3
    assert min(t.get_fontsize() for t in charts._texts(fig)) >= 9


@pytest.mark.parametrize("name", BUILDERS)
def test_every_character_is_in_the_font_matplotlib_uses(frames, name):
    fig = BUILDERS[name](frames)
    missing = set()
    for text in charts._texts(fig):
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        cmap = _cmap(str(path), getattr(path, "face_index", 0))
        missing |= {ch for ch in text.get_text() if ch != "\n" and ord(ch) not in cmap}
    assert not missing, f"no glyph for {sorted(missing)}"


def test_glyph_check_catches_a_latin_only_font(frames):
    """Control: the same check must fail when chart text is set in a Latin font."""
    fig = BUILDERS["dispute_intake"](frames)
    text = fig.get_suptitle()
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    cmap = _cmap(str(path), getattr(path, "face_index", 0))
    assert any(ord(ch) not in cmap for ch in text)


def test_trend_chart_has_integer_years_on_the_x_axis(frames):
    fig = BUILDERS["trends"](frames)
    fig.draw_without_rendering()
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels == ["2019", "2020", "2021"]
        assert all(float(x).is_integer() for x in ax.get_xticks())


def test_monthly_chart_labels_every_month(frames):
    fig = BUILDERS["dispute_intake"](frames)
    fig.draw_without_rendering()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == [f"{m}月" for m in range(1, 13)]
    assert "4960" in charts.chart_texts(fig)  # December's total above its bar


def test_charts_never_register_with_pyplot(frames):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    for build in BUILDERS.values():
        charts.to_png(build(frames))
    assert plt.get_fignums() == before


def test_to_png_closes_a_pyplot_figure():
    import matplotlib.pyplot as plt

    fig = plt.figure()
    charts.to_png(fig)
    assert not plt.fignum_exists(fig.number)


def test_show_displays_a_png_with_the_caption_as_alt(frames, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda obj, **kwargs: shown.append((obj, kwargs))
    )
    charts.show(BUILDERS["trends"](frames), "图5 主要指标变化情况")
    [(obj, kwargs)] = shown
    data, metadata = format_display_data(obj)
    assert set(data) >= {"image/png"}
    assert metadata["image/png"]["alt"] == "图5 主要指标变化情况"
    assert kwargs["metadata"] == {"alt": "图5 主要指标变化情况"}
