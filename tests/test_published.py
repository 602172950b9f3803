"""Last year's values: recomputed from today's ledgers, and compared with last year's published
stats.json where one is at hand (the previous build's output, or the file the params name)."""

from __future__ import annotations

import json

import pytest

from helpers import config
from helpers.errors import ParamsError
from helpers.figures.published import compare, published_previous
from helpers.report.document import to_json, year_figures
from helpers.runs.report import ReportRequest, build_report

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def years(ledgers):
    return {
        year: year_figures(year, config.DATA_DIR, config.params_path(year), ledgers)
        for year in (2020, 2021)
    }


def test_published_values_equal_to_the_recomputed_ones_give_no_difference(years, tmp_path):
    built = tmp_path / "2020" / "stats.json"
    built.parent.mkdir()
    built.write_text(to_json(years[2020]), encoding="utf-8")
    found = published_previous(years[2021], None, config.params_path(2021).parent, built)
    assert found["file"] == "2020/stats.json" and found["year"] == 2020
    assert found["differences"] == [] and found["compared"] > 40


def test_a_value_corrected_since_publication_is_listed(years):
    published = json.loads(to_json(years[2020]))
    published["metrics"]["disputes.accepted_total"]["value"] = 30000
    found = compare(years[2021], published, "2020/stats.json", "0" * 64)
    assert found["differences"] == [{
        "metric": "disputes.accepted_total", "name": years[2021]["metrics"]["disputes.accepted_total"]["name"],
        "unit": "件", "published": 30000, "recomputed": 30100,
    }]  # fmt: skip


def test_a_published_file_of_another_year_or_missing_is_refused(years, tmp_path):
    with pytest.raises(ParamsError, match="应为 2020 年"):
        compare(years[2021], json.loads(to_json(years[2021])), "x.json", "")
    with pytest.raises(ParamsError, match="published_previous"):
        published_previous(years[2021], "nowhere.json", tmp_path, None)
    assert published_previous(years[2021], None, tmp_path, tmp_path / "2020" / "stats.json") is None


def test_the_build_compares_with_last_years_output_and_says_so(years, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    published = json.loads(to_json(years[2020]))
    published["metrics"]["wage_arrears.leads_received"]["value"] += 5
    (out / "2020").mkdir(parents=True)
    (out / "2020" / "stats.json").write_text(to_json(published), encoding="utf-8")
    request = ReportRequest(2021, config.DATA_DIR, out, config.params_path(2021))
    build_report(request, log=lambda *_: None)
    stats = json.loads((out / "2021" / "stats.json").read_text(encoding="utf-8"))
    [difference] = stats["published_previous"]["differences"]
    assert difference["metric"] == "wage_arrears.leads_received"
    review = (out / "2021" / "review.html").read_text(encoding="utf-8")
    assert "与上年已发布的数字比对" in review and "本次重新计算的上年数" in review
    assert str(tmp_path) not in (out / "2021" / "stats.json").read_text(encoding="utf-8")


def test_a_published_file_named_by_an_absolute_path_is_shown_by_its_name(years, tmp_path):
    published = tmp_path / "published-2020.json"
    published.write_text(to_json(years[2020]), encoding="utf-8")
    found = published_previous(years[2021], str(published), tmp_path, None)
    assert found["file"] == "published-2020.json" and str(tmp_path) not in json.dumps(found)
