"""Charts: render cleanly, reproducibly, at print size, and with every glyph in the font used."""

from __future__ import annotations

import csv
import io
import re
import shutil
import warnings
from functools import cache
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from IPython.core.formatters import format_display_data
from matplotlib import font_manager
from PIL import Image

from conftest import EPOCH, spread_sample
from helpers import config
from helpers.figures import breakdowns as b
from helpers.figures import rule_of_law as m
from helpers.figures.catalogue import CATALOGUE, rate
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import load_ledgers
from helpers.report import charts
from helpers.report import session as session_module
from helpers.report.narrative import number

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


def test_show_displays_a_png_with_the_alt_text(frames, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda obj, **kwargs: shown.append((obj, kwargs))
    )
    alt = charts.alt_text("图5　主要指标历年变化", [frames["trends"]])
    charts.show(BUILDERS["trends"](frames), "图5　主要指标历年变化", alt)
    [(obj, kwargs)] = shown
    data, metadata = format_display_data(obj)
    assert set(data) >= {"image/png"}
    assert metadata["image/png"]["alt"] == alt
    assert kwargs["metadata"] == {"alt": alt}


def test_the_alt_text_states_every_value_the_chart_draws(frames):
    alt = charts.alt_text("图1　劳动人事争议案件月度受理情况", [frames["intake"]])
    assert alt.startswith(
        "图1　劳动人事争议案件月度受理情况：1月：调解组织1493件、仲裁院661件、合计2154件；"
    )
    assert alt.endswith("全年：调解组织20557件、仲裁院11457件、合计32014件。")
    alt = charts.alt_text("图5", [frames["trends"]])
    assert "2019年：受理劳动人事争议案件数27600件" in alt
    alt = charts.alt_text("图2", [frames["outcomes"]])
    assert "调解成功：案件数14978件、占比56.50%" in alt
    alt = charts.alt_text("图3", [frames["wage"]])
    assert alt.endswith("办结率96.25%、解决率69.57%。")


# ---------- counts: whole-number ticks; numbers as the text prints them ----------

SMALL_SIZES = {"disputes": 40, "wage_arrears_leads": 40, "litigation_cases": 8,
               "reconsideration_cases": 6}  # fmt: skip


@pytest.fixture(scope="module")
def small_frames(sample_ledgers_dir, tmp_path_factory):
    """The charts' frames from ledgers thinned across all years: a few cases a month, at most
    a few a stage, so a count axis spans 0 to 2 or 3."""
    target = tmp_path_factory.mktemp("small_ledgers")
    shutil.copytree(sample_ledgers_dir, target, dirs_exist_ok=True)
    for name, rows in SMALL_SIZES.items():
        source = (config.DATA_DIR / f"{name}.csv").read_bytes()
        (target / f"{name}.csv").write_bytes(spread_sample(source, rows))
    small = load_ledgers(target)
    return {
        "intake": b.dispute_intake_by_month(small, YEAR),
        "outcomes": b.dispute_outcomes(small, YEAR),
        "wage": b.wage_arrears_by_month(small, YEAR),
        "litigation": b.litigation_by_stage(small, YEAR),
        "reconsideration": b.reconsideration_summary(small, YEAR),
        "trends": b.trends(small, b.trend_years(small, until=YEAR)),
    }


def _value_ticks(fig) -> list[list[tuple[float, str]]]:
    """Per shown value axis, its ticks within the view as (position, label)."""
    fig.draw_without_rendering()
    out = []
    for ax in fig.axes:
        for axis, (low, high) in ((ax.yaxis, ax.get_ylim()), (ax.xaxis, ax.get_xlim())):
            if not axis.get_visible():
                continue
            ticks = [(float(t.get_loc()), t.label1.get_text()) for t in axis.get_major_ticks()
                     if min(low, high) <= t.get_loc() <= max(low, high)
                     and t.label1.get_visible()]  # fmt: skip
            if ticks and all(re.fullmatch(r"\d+", text) for _, text in ticks):
                out.append(ticks)
    return out


@pytest.mark.parametrize("name", BUILDERS)
def test_count_axes_tick_whole_numbers_once_each(small_frames, name):
    """With small counts, ticks at 0.5 steps printed rounded read 0, 0, 1, 1, 2."""
    axes = _value_ticks(BUILDERS[name](small_frames))
    if name != "dispute_outcomes":  # its value axis is hidden: the bars carry their values
        assert axes, "no value axis measured"
    for ticks in axes:
        labels = [text for _, text in ticks]
        assert len(labels) == len(set(labels)), labels
        assert all(at.is_integer() and text == str(int(at)) for at, text in ticks), ticks


def test_an_axis_of_zeros_still_has_whole_ticks(small_frames):
    frame = small_frames["litigation"].copy()
    for column in (b.RECEIVED, b.HEARD, b.CONCLUDED):
        frame[column] = 0
    none = small_frames["reconsideration"].copy()
    for column in (b.RECEIVED, b.CONCLUDED, b.CORRECTED):
        none[column] = 0
    [ticks, *_] = _value_ticks(charts.litigation_chart(frame, none))
    assert [text for _, text in ticks] == ["0", "1"]


def _wage_frame(received: list[int], closed: list[int], resolved: list[int]) -> pd.DataFrame:
    values = {}
    for _column, (_, parent, _, _), counts in zip(
        (b.WAGE_RECEIVED, b.WAGE_CLOSED, b.WAGE_RESOLVED), m.WAGE_SERIES,
        (received, closed, resolved), strict=True,
    ):  # fmt: skip
        values |= {m.by_month(parent, month): n for month, n in zip(b.MONTHS, counts, strict=True)}
        values[parent] = sum(counts)
    values["wage_arrears.closure_rate"] = rate(sum(closed), sum(received))
    values["wage_arrears.resolution_rate"] = rate(sum(resolved), sum(received))
    return b.wage_arrears_by_month(values, YEAR)


def test_rates_read_as_in_the_text_whole_rates_without_decimals():
    """5 leads, all closed, 2 resolved: the text says 办结率100%, 解决率40%; so must the chart."""
    received = [1, 1, 1, 1, 1] + [0] * 7
    resolved = [1, 1, 0, 0, 0] + [0] * 7
    texts = charts.chart_texts(charts.wage_arrears_chart(_wage_frame(received, received, resolved)))
    assert "年底前办结（办结率100%）" in texts and "已解决（解决率40%）" in texts
    assert not [t for t in texts if re.search(r"\.0+%", t)]


def test_shares_read_as_in_the_text(small_frames):
    frame = small_frames["outcomes"].copy()
    frame[b.CASES] = [2, 1, 1, 0, 0, 0]
    frame[b.SHARE] = [50.0, 25.0, 25.0, 0.0, 0.0, 0.0]
    texts = charts.chart_texts(charts.dispute_outcomes_chart(frame))
    assert {"2件（50%）", "1件（25%）", "0件（0%）"} <= set(texts)


def test_the_wage_chart_states_the_reports_rates(ledgers, frames):
    texts = charts.chart_texts(BUILDERS["wage_arrears"](frames))
    for metric_id, label in (("wage_arrears.closure_rate", "办结率"),
                             ("wage_arrears.resolution_rate", "解决率")):  # fmt: skip
        metric = CATALOGUE[metric_id]
        stated = f"{label}{number(metric.compute(ledgers, YEAR), metric.unit)}"
        assert any(stated in t for t in texts), (stated, texts)


@pytest.mark.parametrize("name", BUILDERS)
def test_every_number_a_chart_prints_is_in_the_reports_style(frames, small_frames, name):
    """As `number` writes them: integers without separators, rates to two decimals and a whole
    rate without any (40%, never 40.00%)."""
    for source in (frames, small_frames):
        for text in charts.chart_texts(BUILDERS[name](source)):
            assert not re.search(r"\d,\d{3}", text), text
            for decimal in re.findall(r"\d+\.\d+", text):
                assert re.fullmatch(r"\d+\.\d{2}", decimal) and not decimal.endswith(".00"), text


# ---------- the trend chart needs two years ----------


@pytest.fixture(scope="module")
def one_year_dir(report_ledgers_dir, tmp_path_factory) -> Path:
    """A bureau whose ledgers hold 2021 only (every row dated in 2021 by its ledger's year
    column; topics follow their meetings)."""
    target = tmp_path_factory.mktemp("one_year")
    kept: dict[str, set[str]] = {}
    for name, spec in LEDGERS.items():
        with (report_ledgers_dir / f"{name}.csv").open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            fields, rows = reader.fieldnames, list(reader)
        if spec.year_column:
            rows = [r for r in rows if r[spec.year_column].startswith(str(YEAR))]
        else:
            rows = [r for r in rows if r["meeting_id"] in kept["meetings"]]
        kept[name] = {r[spec.key] for r in rows}
        with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return target


def test_a_single_year_draws_no_trend_chart(one_year_dir):
    one_year = load_ledgers(one_year_dir)
    assert b.trend_years(one_year, until=YEAR) == [YEAR]
    assert charts.trends_chart(b.trends(one_year, b.trend_years(one_year, until=YEAR))) is None


def test_two_years_draw_the_trend_chart(ledgers):
    fig = charts.trends_chart(b.trends(ledgers, [YEAR - 1, YEAR]))
    assert fig is not None and fig.get_suptitle() == f"{YEAR - 1}—{YEAR}年主要指标变化情况"


NOTEBOOK_CHARTS = ["dispute_intake", "dispute_outcomes", "wage_arrears", "litigation", "trends"]


def _shown_captions(report, monkeypatch) -> list[str]:
    captions = []
    monkeypatch.setattr(charts, "show", lambda fig, caption, alt: captions.append(caption))
    monkeypatch.setattr(session_module, "display", lambda *args, **kwargs: None)
    for name in NOTEBOOK_CHARTS:
        report.chart(name)
    return captions


def test_a_single_year_report_numbers_its_figures_without_the_trend(one_year_dir, monkeypatch):
    report = session_module.ReportSession(YEAR, one_year_dir, config.params_path(YEAR))
    captions = _shown_captions(report, monkeypatch)
    assert [c.split("　")[0] for c in captions] == ["图1", "图2", "图3", "图4"]
    assert not [c for c in captions if "主要指标" in c]


def test_a_report_over_years_keeps_the_trend_as_its_fifth_figure(report_ledgers_dir, monkeypatch):
    report = session_module.ReportSession(YEAR, report_ledgers_dir, config.params_path(YEAR))
    captions = _shown_captions(report, monkeypatch)
    assert captions[-1] == "图5　主要指标历年变化"


@pytest.fixture(scope="module")
def one_year_report(one_year_dir, tmp_path_factory) -> Path:
    from helpers.runs.report import ReportRequest, build_report

    request = ReportRequest(YEAR, one_year_dir, tmp_path_factory.mktemp("one_year_out"),
                            config.params_path(YEAR))  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_report(request, log=lambda *_: None)
    return request.final_dir


def _edition_texts(folder: Path) -> dict[str, str]:
    import docx
    import pymupdf

    with pymupdf.open(folder / "report.pdf") as pdf:
        pdf_text = "".join(page.get_text() for page in pdf)
    word = docx.Document(str(folder / "report.docx"))
    return {
        "reader": (folder / "report.html").read_text(encoding="utf-8"),
        "review": (folder / "review.html").read_text(encoding="utf-8"),
        "pdf": pdf_text,
        "docx": "\n".join(p.text for p in word.paragraphs),
    }


def test_every_edition_of_a_single_year_report_leaves_the_trend_out(one_year_report):
    for edition, text in _edition_texts(one_year_report).items():
        flat = re.sub(r"\s+", "", text)
        assert "主要指标历年变化" not in flat and f"{YEAR}—{YEAR}年" not in flat, edition
        # each caption once or twice (an HTML image's alt repeats it), in order
        found = re.findall(r"图(\d)\s*(?:劳动|欠薪|行政)", text)
        assert list(dict.fromkeys(found)) == ["1", "2", "3", "4"], (edition, found)
