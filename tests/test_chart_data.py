"""Every value a chart of the 2021 report draws is a figure: in stats.json, with its card and its
linked cell in the review edition, stated in the image's alt text, and reproduced by its rows."""

from __future__ import annotations

import json
import re
from functools import cache

import nbformat
import pytest
from matplotlib.patches import Rectangle

from helpers.figures import breakdowns as b
from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE, COUNT, DENOMINATOR, NUMERATOR
from helpers.report import charts
from helpers.report.narrative import number

YEAR = 2021


@pytest.fixture(scope="module")
def stats(report_dir) -> dict:
    return json.loads((report_dir / "stats.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def review(report_dir) -> str:
    return (report_dir / "review.html").read_text(encoding="utf-8")


@cache
def _stated_values(chart: str, stats_text: str) -> set[float]:
    stats = json.loads(stats_text)
    return {float(stats["metrics"][id]["value"]) for id in stats["charts"][chart]["metrics"]
            if stats["metrics"][id]["value"] is not None}  # fmt: skip


def test_stats_list_the_five_charts_and_every_figure_they_draw(stats):
    assert [e["caption"] for e in stats["charts"].values()] == [
        "图1　劳动人事争议案件月度受理情况", "图2　劳动人事争议案件结案方式", "图3　欠薪线索接收与办结情况",
        "图4　行政诉讼与行政复议案件情况", "图5　主要指标历年变化"]  # fmt: skip
    for entry in stats["charts"].values():
        assert entry["metrics"] and set(entry["metrics"]) <= set(stats["metrics"])
    trend = stats["charts"]["trends"]["metrics"]
    for metric_id in b.TREND_METRICS:
        assert [f"{metric_id}@2019", f"{metric_id}@2020", metric_id] == [
            id for id in trend if id.split("@")[0] == metric_id]  # fmt: skip
    assert stats["metrics"]["disputes.accepted_total@2019"]["value"] == 27600


@pytest.mark.parametrize("chart", list(b.CHARTS))
def test_every_value_drawn_is_a_figure_of_the_chart(stats, chart):
    """Bars, lines, bar labels and legend numbers of the chart as the report draws it (from
    stats.json): each is the value of one of the figures stats.json lists for the chart."""
    fig = charts.draw(chart, b.chart_frames(chart, stats, YEAR))
    fig.draw_without_rendering()
    drawn: list[float] = []
    for ax in fig.axes:
        for patch in ax.patches:
            if isinstance(patch, Rectangle):
                drawn.append(
                    patch.get_width() if chart == "dispute_outcomes" else patch.get_height()
                )
        for line in ax.lines:
            drawn += [float(y) for y in line.get_ydata()]
        texts = [t.get_text() for t in ax.texts]
        if ax.get_legend():
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
        drawn += [float(n) for t in texts for n in re.findall(r"\d+(?:\.\d+)?", t)]
    drawn += [float(n) for n in re.findall(r"共(\d+)", fig.get_suptitle())]
    assert drawn
    values = _stated_values(chart, json.dumps(stats))
    assert {v for v in drawn if v == v} <= values, sorted(set(drawn) - values)


def _card_ids(review: str) -> set[str]:
    return set(re.findall(r'<section class="fig-card" id="fig-([^"]+)"', review))


def test_each_figure_a_chart_draws_has_a_card_and_a_linked_cell_under_the_chart(stats, review):
    cards = _card_ids(review)
    for chart, entry in stats["charts"].items():
        start = review.index(f"{entry['caption']}的数据")
        block = review[start : review.index("</div>", start)]  # the chart's data tables
        linked = re.findall(r'<a class="fig-link" href="#fig-([^"]+)"[^>]*><span class="fig" '
                            r'data-metric="([^"]+)" data-value="([^"]*)"', block)  # fmt: skip
        assert [metric for _, metric, _ in linked] == entry["metrics"], chart
        for target, metric, value in linked:
            assert target == metric and metric in cards, metric
            expected = stats["metrics"][metric]["value"]
            assert value == ("" if expected is None else f"{expected:g}")


def test_reader_edition_and_pdf_have_no_data_table_but_the_alt_text_states_the_values(
    stats, report_dir
):
    reader = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "chart-data" not in reader and "的数据：图中每个数字" not in reader
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', reader)
    assert [alt.split("：")[0] for alt in alts] == [e["caption"] for e in stats["charts"].values()]
    metrics = stats["metrics"]
    for alt, entry in zip(alts, stats["charts"].values(), strict=True):
        for metric_id in entry["metrics"]:
            shown = number(metrics[metric_id]["value"], metrics[metric_id]["unit"])
            assert shown in alt, (metric_id, shown)
    assert "2019年：受理劳动人事争议案件数27600件" in alts[-1]
    notebook = nbformat.read(report_dir / "report.ipynb", as_version=4)
    images = [o for cell in notebook.cells for o in cell.get("outputs", [])
              if "image/png" in o.get("data", {})]  # fmt: skip
    assert [o.metadata["alt"] for o in images] == alts
    assert [o.metadata["image/png"]["alt"] for o in images] == alts


def _from_rows(result: catalogue.Result) -> float | int | None:
    """A figure's value recomputed from the rows it lists, role by role."""
    counts: dict[str, int] = {}
    for part in result.rows:
        n = part.frame[part.key].nunique() if part.key else len(part.frame)
        counts[part.role] = counts.get(part.role, 0) + n
    if DENOMINATOR in counts:
        return catalogue.rate(counts.get(NUMERATOR, 0), counts[DENOMINATOR])
    return counts.get(COUNT, 0)


def test_the_rows_behind_each_figure_a_chart_draws_reproduce_it(stats, ledgers):
    checked = 0
    for entry in stats["charts"].values():
        for metric_id in entry["metrics"]:
            result = CATALOGUE[metric_id].evaluate(ledgers, YEAR)
            assert result.value == stats["metrics"][metric_id]["value"], metric_id
            assert _from_rows(result) == result.value, metric_id
            assert result.rows or result.value == 0, metric_id
            checked += 1
    assert checked > 100


def test_the_work_paper_lists_every_figure_a_chart_draws(stats, report_dir):
    from openpyxl import load_workbook

    book = load_workbook(report_dir / "evidence.xlsx", read_only=True)
    try:
        summary = book["汇总"]
        ids = {row[0] for row in summary.iter_rows(min_row=2, values_only=True)}
    finally:
        book.close()
    drawn = {id for entry in stats["charts"].values() for id in entry["metrics"]}
    assert drawn <= ids
    assert "disputes.accepted_total@2019" in ids and "disputes.accepted_total@2020" in ids
