"""Number style and wording that follows the data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import config
from helpers.errors import ReportError
from helpers.report.narrative import Figure, Narrative, number, says, title_lines, yoy
from helpers.report.params import load_params


def figure(value, previous=None, unit="件"):
    return Figure("x.y", value, previous, unit, "名称", "口径")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(32014, "件", "32014"), (96.25, "%", "96.25%"), (100.0, "%", "100%"), (95.3, "%", "95.30%"),
     (1.3, "比 1", "1.3比1"), (None, "件", "—"), (45016.09, "万元", "45016.09")],
)  # fmt: skip
def test_number_style_follows_the_report(value, unit, text):
    assert number(value, unit) == text


def _plain(markup) -> str:
    return re.sub(r"<[^>]+>", "", str(markup))


def test_yoy_wording_follows_the_data():
    assert _plain(yoy(figure(32014, 30100))) == "，比上年增加1914件、增长6.4%"
    assert _plain(yoy(figure(28, 30))) == "，比上年减少2件、下降6.7%"
    assert _plain(yoy(figure(33, 30))) == "，比上年增加3件、增长10%"  # no trailing zero
    assert _plain(yoy(figure(30, 30))) == "，与上年持平"
    assert _plain(yoy(figure(96.25, 95.34, "%"))) == "，比上年提高0.91个百分点"
    assert _plain(yoy(figure(100.0, 100.0, "%"))) == "，与上年持平"
    assert yoy(figure(5, None)) == ""
    assert _plain(yoy(figure(5, 0))) == "，比上年增加5件"


def test_growth_rounds_once_half_up_to_one_decimal():
    # 6.449…% must not become 6.45% and then 6.5%
    assert _plain(yoy(figure(106449, 100000))).endswith("增长6.4%")
    assert _plain(yoy(figure(100050, 100000))).endswith("增长0.1%")


def test_comparison_values_are_traceable():
    html = str(yoy(figure(32014, 30100)))
    assert 'data-metric="x.y.change" data-value="1914"' in html
    assert 'data-metric="x.y.growth"' in html and "上年30100件" in html


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
    from helpers.figures.catalogue import CATALOGUE

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
    from helpers.report.narrative import SECTIONS

    assert {f"{s}.html.j2" for s in SECTIONS} == names


def test_only_the_listed_figures_are_compared_with_last_year(params):
    stats = stats_with({"disputes.accepted_total": 32014, "proposals.closed_total": 32})
    for entry in stats["metrics"].values():
        entry["previous"] = 1
    stats["metrics"]["disputes.accepted_total"]["previous"] = 30100
    none = params.model_copy(update={"comparisons": []})
    assert "比上年" not in Narrative(stats, none, synthetic=False).full_text()
    some = params.model_copy(update={"comparisons": ["disputes.accepted_total"]})
    text = _plain(Narrative(stats, some, synthetic=False).full_text())
    assert text.count("比上年") == 1 and "32014件，比上年增加1914件、增长6.4%" in text


def test_titles_break_between_words_or_where_the_analyst_says(params):
    narrative = Narrative(stats_with({}), params, synthetic=False)
    letter = narrative.section("cover_letter")
    title = re.search(r'<h1 class="letter-title">(.*?)</h1>', letter).group(1)
    lines = title.split("<br>")
    assert (
        "".join(lines)
        == "关于报送《浦东新区人力资源和社会保障局（医疗保障局）2021年度法治政府建设情况报告》的报告"
    )
    assert all(len(line) <= 20 for line in lines)
    assert not any(line.endswith(("情况报", "《")) for line in lines)
    given = params.model_copy(deep=True)
    given.letter.title_lines = ["关于报送《浦东新区人力资源和社会保障局（医疗保障局）",
                                "2021年度法治政府建设情况报告》的报告"]  # fmt: skip
    text = Narrative(stats_with({}), given, synthetic=False).section("cover_letter")
    assert "（医疗保障局）<br>2021年度" in text
    given.letter.title_lines = ["关于报送", "别的标题"]
    with pytest.raises(ReportError, match="title_lines"):
        Narrative(stats_with({}), given, synthetic=False)


def test_letter_is_an_upward_document_with_optional_letterhead_and_imprint(params):
    letter = params.model_copy(deep=True)
    letter.letter.signer = "张建华"
    letter.letter.printer = "区人社局办公室"
    letter.letter.copy_to = ["区司法局", "区审计局"]
    text = Narrative(stats_with({}), letter, synthetic=False).full_text()
    assert '<div class="masthead">浦东新区人力资源和社会保障局文件</div>' in text
    assert '签发人：<span class="signer-name">张建华</span>' in text
    assert 'class="signoff sealed"' in text
    assert "抄送：区司法局，区审计局。" in text and "2022年1月30日印发" in text
    letter.letter.letterhead = False
    letter.letter.sealed = False
    letter.letter.printer = ""
    text = Narrative(stats_with({}), letter, synthetic=False).full_text()
    assert "masthead" not in text and 'class="signoff unsealed"' in text
    assert "imprint" not in text
