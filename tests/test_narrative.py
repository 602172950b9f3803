"""Number style and wording that follows the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import config
from helpers.narrative import Figure, Narrative, number, says, title_lines, yoy
from helpers.params import load_params


def figure(value, previous=None, unit="件"):
    return Figure("x.y", value, previous, unit, "名称", "口径")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(32014, "件", "32014"), (96.25, "%", "96.25%"), (100.0, "%", "100%"), (95.3, "%", "95.30%"),
     (1.3, "比 1", "1.3比1"), (None, "件", "—"), (45016.09, "万元", "45016.09")],
)  # fmt: skip
def test_number_style_follows_the_report(value, unit, text):
    assert number(value, unit) == text


def test_yoy_wording_follows_the_data():
    assert yoy(figure(32014, 30100)) == "，同比增长6.36%（上年为30100件）"
    assert yoy(figure(28, 30)) == "，同比下降6.67%（上年为30件）"
    assert yoy(figure(30, 30)) == "，与上年持平（上年为30件）"
    assert yoy(figure(96.25, 95.34, "%")) == "，较上年提高0.91个百分点（上年为95.34%）"
    assert yoy(figure(100.0, 100.0, "%")) == "，与上年持平"
    assert yoy(figure(5, None)) == ""
    assert yoy(figure(5, 0)) == "（上年为0件）"


def test_says_uses_words_for_zero_and_the_count_otherwise():
    zero = str(says(figure(0), "均无败诉和纠错", "败诉或被纠错{n}件"))
    assert "均无败诉和纠错" in zero and 'data-value="0"' in zero
    some = str(says(figure(2), "均无败诉和纠错", "败诉或被纠错{n}件"))
    assert "败诉或被纠错" in some and ">2</span>件" in some
    assert "均无" not in some
    assert "所有" in str(says(figure(100.0, unit="%"), "所有文件均经审核", "审核比例为{n}"))
    assert "92.86%" in str(says(figure(92.86, unit="%"), "所有文件均经审核", "审核比例为{n}"))


def test_long_bureau_name_breaks_before_parenthesis():
    assert str(title_lines("浦东新区人力资源和社会保障局（医疗保障局）")) == (
        "浦东新区人力资源和社会保障局<br>（医疗保障局）"
    )
    assert str(title_lines("某区人社局")) == "某区人社局"


def stats_with(values: dict) -> dict:
    from helpers.metrics import CATALOGUE

    metrics = {
        id: {"value": values.get(id, 1), "previous": None, "unit": m.unit, "name": m.name,
             "definition": m.definition, "source": m.source, "change": None}
        for id, m in CATALOGUE.items()
    }  # fmt: skip
    return {"year": 2021, "metrics": metrics}


@pytest.fixture(scope="module")
def params():
    return load_params(config.params_path(2021), 2021)


def test_sections_render_and_escape_passages(params):
    hostile = params.model_copy(deep=True)
    hostile.passages["problems"] = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    text = Narrative(stats_with({}), hostile, synthetic=False).full_text()
    assert "<script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "sample-notice" not in text


def test_losses_and_corrections_are_counted_when_not_zero(params):
    text = Narrative(
        stats_with({"litigation.lost_or_corrected": 2}), params, synthetic=True
    ).section("m08_supervision")
    assert "均无败诉和纠错" not in text and "败诉或被纠错" in text


def test_synthetic_data_gets_a_notice(params):
    text = Narrative(stats_with({}), params, synthetic=True).section("cover_letter")
    assert "sample-notice" in text and "合成" in text


def test_templates_are_files_an_analyst_can_edit():
    names = {p.name for p in Path(config.TEMPLATES_DIR, "narrative").glob("*.html.j2")}
    from helpers.narrative import SECTIONS

    assert {f"{s}.html.j2" for s in SECTIONS} == names
