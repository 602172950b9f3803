"""Charts of the report, drawn from the frames in `breakdowns`, whose every value is a figure.

Each chart goes out with an alt text stating what it shows, value by value (`alt_text`), and, in
the review edition only, its data table, each number linked to its figure's card (`data_table`).

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot so that no figure is ever
registered with pyplot: nothing leaks between charts, and a notebook's inline backend does not
display a chart a second time. Styling is applied to each artist (not through rc_context) because
matplotlib creates tick labels lazily at draw time, after any context would have been left.
"""

from __future__ import annotations

import io
import re
import sys

import numpy as np
import pandas as pd
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from helpers import fonts
from helpers.figures import breakdowns as b
from helpers.figures.catalogue import CATALOGUE
from helpers.report.narrative import number

# 156 mm text width of the A4 PDF; the chart is placed at that width, so points stay points.
FIGSIZE = (6.2, 3.2)
DPI = 200
TITLE_SIZE = 10.5  # 五号
TEXT_SIZE = 9.0

DEEP = "#1F3F66"
MID = "#5F84AD"
LIGHT = "#B4C6DB"
INK = "#262626"
RULE = "#8C8C8C"
GRID = "#DDDDDD"


def _figure(ncols: int = 1, width_ratios: list[float] | None = None) -> tuple[Figure, list[Axes]]:
    fonts.configure_matplotlib()
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04, wspace=0.06)
    axes = fig.subplots(1, ncols, squeeze=False, width_ratios=width_ratios)[0]
    for ax in axes:
        _style(ax)
    return fig, list(axes)


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(RULE)
        ax.spines[side].set_linewidth(0.6)
    ax.tick_params(labelsize=TEXT_SIZE, colors=INK, width=0.6, length=3, color=RULE)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    # Every value axis counts cases or leads: ticks at whole numbers only, or small counts
    # would print 0, 0, 1, 1, 2 (half steps rounded). The steps are matplotlib's default
    # (AutoLocator's: 20, 40, 60, not 8, 16, 24). Category axes replace both.
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
        axis.set_major_formatter(FuncFormatter(_tick))


def _tick(value: float, _position: int) -> str:
    """A tick label as the text prints the number (every number a chart prints goes through
    `number`)."""
    return number(value)


def _count_limits(ax: Axes, top: float) -> None:
    """From 0 to `top`, at least 1: an axis of zeros still spans two whole ticks."""
    ax.set_ylim(0, max(top, 1))


def _title(fig: Figure, text: str) -> None:
    fig.suptitle(text, fontsize=TITLE_SIZE, color=INK)


def _legend(ax: Axes, ncols: int, **kwargs) -> None:
    options = {"handlelength": 1.4, "columnspacing": 1.2, "borderaxespad": 0.2, **kwargs}
    ax.legend(fontsize=TEXT_SIZE, frameon=False, ncols=ncols, **options)


def _values(column: pd.Series) -> np.ndarray:
    """A column of figures as floats for matplotlib; a missing figure is a gap (NaN)."""
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _total(frame: pd.DataFrame, column: str):
    """The whole-year figure a chart prints beside its bars (a title's 共N件, a legend's rate)."""
    return frame.attrs["totals"][column][1]


def _year_prefix(frame: pd.DataFrame) -> str:
    year = frame.attrs.get("year")
    return f"{year}年" if year is not None else ""


def _bar_labels(ax: Axes, bars, values) -> None:
    labels = [number(int(v)) for v in values]
    ax.bar_label(bars, labels=labels, fontsize=TEXT_SIZE, color=INK, padding=2)


def _headroom(ax: Axes, factor: float = 1.12) -> None:
    """Room above the tallest bar for its label."""
    _count_limits(ax, ax.get_ylim()[1] * factor)


def dispute_intake_chart(frame: pd.DataFrame) -> Figure:
    """Stacked monthly bars: cases accepted by mediation organisations and by the court."""
    fig, (ax,) = _figure()
    months = frame[b.MONTH].to_numpy()
    mediation = _values(frame[b.MEDIATION])
    arbitration = _values(frame[b.ARBITRATION])
    ax.bar(months, mediation, width=0.64, color=DEEP, label=b.MEDIATION)
    top = ax.bar(
        months, arbitration, width=0.64, bottom=mediation, color=LIGHT, label=b.ARBITRATION
    )
    _bar_labels(ax, top, frame[b.TOTAL])
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_xlim(months.min() - 0.6, months.max() + 0.6)
    ax.set_ylabel("受理案件数（件）", fontsize=TEXT_SIZE, color=INK)
    _headroom(ax, 1.08)
    _legend(ax, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    total = number(_total(frame, b.TOTAL))
    _title(fig, f"{_year_prefix(frame)}各月劳动人事争议案件受理量（共{total}件）")
    return fig


def dispute_outcomes_chart(frame: pd.DataFrame) -> Figure:
    """Horizontal bars: the year's closures by outcome, coloured by the body that closed them."""
    fig, (ax,) = _figure()
    ax.grid(False)  # the bars carry their values; the value axis is hidden
    rows = frame.iloc[::-1].reset_index(drop=True)  # first row at the top
    colours = [DEEP if body == b.MEDIATION else MID for body in rows[b.BODY]]
    bars = ax.barh(range(len(rows)), _values(rows[b.CASES]), height=0.62, color=colours)
    labels = [
        f"{number(int(n))}件（{number(share, '%')}）" if pd.notna(share) else f"{number(int(n))}件"
        for n, share in zip(rows[b.CASES], rows[b.SHARE], strict=True)
    ]
    ax.bar_label(bars, labels=labels, fontsize=TEXT_SIZE, color=INK, padding=2)
    ax.set_yticks(range(len(rows)), list(rows[b.OUTCOME]))
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max(int(rows[b.CASES].max()), 1) * 1.32)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    handles = [
        bars[list(rows[b.BODY]).index(body)] for body in (b.MEDIATION, b.ARBITRATION)
        if body in set(rows[b.BODY])
    ]  # fmt: skip
    ax.legend(
        handles,
        [f"{body}结案" for body in (b.MEDIATION, b.ARBITRATION) if body in set(rows[b.BODY])],
        fontsize=TEXT_SIZE,
        frameon=False,
        loc="lower right",
    )
    total = number(_total(frame, b.CASES))
    _title(fig, f"{_year_prefix(frame)}办结劳动人事争议案件处理结果（共{total}件）")
    return fig


def _rate_note(name: str, value: float | None) -> str:
    """The rate in brackets, "（解决率40%）"; nothing when there is no lead to divide by."""
    return f"（{name}{number(value, '%')}）" if value is not None else ""


def wage_arrears_chart(frame: pd.DataFrame) -> Figure:
    """Grouped monthly bars of the year's cohort: received, closed by year end, resolved."""
    fig, (ax,) = _figure()
    months = frame[b.MONTH].to_numpy()
    received = _total(frame, b.WAGE_RECEIVED)
    closure = _total(frame, b.WAGE_CLOSURE_RATE)
    resolution = _total(frame, b.WAGE_RESOLUTION_RATE)
    closed_label = "年底前办结" + _rate_note("办结率", closure)
    resolved_label = "已解决" + _rate_note("解决率", resolution)
    series = [
        (b.WAGE_RECEIVED, LIGHT, f"接收线索（共{number(received)}起）"),
        (b.WAGE_CLOSED, MID, closed_label),
        (b.WAGE_RESOLVED, DEEP, resolved_label),
    ]
    width = 0.27
    for i, (column, colour, label) in enumerate(series):
        ax.bar(months + (i - 1) * width, _values(frame[column]), width=width, color=colour,
               label=label)  # fmt: skip
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_xlim(months.min() - 0.6, months.max() + 0.6)
    ax.set_ylabel("线索数（起）", fontsize=TEXT_SIZE, color=INK)
    _count_limits(ax, ax.get_ylim()[1])
    # The labels carry the rates and are too wide for the plot area; they go above it.
    _legend(ax, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    _title(fig, f"{_year_prefix(frame)}各月接收欠薪线索及年底前办结、解决情况")
    return fig


def litigation_chart(litigation: pd.DataFrame, reconsideration: pd.DataFrame) -> Figure:
    """Grouped bars per litigation stage (received, heard, concluded) beside reconsideration
    (received, concluded, corrected), on one scale so the two can be compared."""
    fig, (left, right) = _figure(ncols=2, width_ratios=[3.0, 1.25])
    measures = [(b.RECEIVED, LIGHT), (b.HEARD, MID), (b.CONCLUDED, DEEP)]
    width = 0.26
    positions = range(len(litigation))
    for i, (column, colour) in enumerate(measures):
        bars = left.bar(
            [p + (i - 1) * width for p in positions],
            _values(litigation[column]),
            width=width,
            color=colour,
            label=column,
        )
        _bar_labels(left, bars, litigation[column])
    left.set_xticks(list(positions), list(litigation[b.STAGE]))
    left.set_title("行政诉讼（按审级）", fontsize=TEXT_SIZE, color=INK)
    left.set_ylabel("案件数（件）", fontsize=TEXT_SIZE, color=INK)
    _legend(left, ncols=3, loc="upper right")

    row = reconsideration.iloc[0]
    items = [(b.RECEIVED, LIGHT), (b.CONCLUDED, DEEP), (b.CORRECTED, "#8C8C8C")]
    values = [int(row[k]) for k, _ in items]
    bars = right.bar(range(len(items)), values, width=0.55, color=[c for _, c in items])
    _bar_labels(right, bars, values)
    right.set_xticks(range(len(items)), [k for k, _ in items])
    right.set_title("行政复议", fontsize=TEXT_SIZE, color=INK)

    top = max(left.get_ylim()[1], right.get_ylim()[1]) * 1.22
    for ax in (left, right):
        _count_limits(ax, top)
    right.tick_params(axis="y", labelleft=False, length=0)
    right.spines["left"].set_visible(False)
    _title(fig, f"{_year_prefix(litigation)}行政诉讼和行政复议案件办理情况")
    return fig


_TREND_PANELS = [
    ("劳动人事争议案件", "件", [
        "disputes.accepted_total", "disputes.closed_total", "disputes.mediated_successfully"]),
    ("欠薪线索", "起", ["wage_arrears.leads_received"]),
    ("行政诉讼与行政复议", "件", ["litigation.first_instance_cases", "reconsideration.received"]),
]  # fmt: skip
_LINE_STYLES = [(DEEP, "o"), (MID, "s"), (RULE, "^")]

# A trend needs two years: one year is a single dot under a title like "2021—2021年".
MIN_TREND_YEARS = b.MIN_TREND_YEARS


def trends_chart(frame: pd.DataFrame) -> Figure | None:
    """Lines with markers per panel, grouped by magnitude so small series are not flattened.

    None when the frame holds fewer than two years: the report then shows no trend chart, and
    no caption or figure number for it.
    """
    years = [int(y) for y in frame[b.YEAR]]
    if len(years) < MIN_TREND_YEARS:
        return None
    fig, axes = _figure(ncols=3, width_ratios=[1.25, 1.0, 1.0])
    for ax, (heading, unit, ids) in zip(axes, _TREND_PANELS, strict=True):
        for metric_id, (colour, marker) in zip(ids, _LINE_STYLES, strict=False):
            column = CATALOGUE[metric_id].name
            values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
            ax.plot(
                years,
                values,
                color=colour,
                marker=marker,
                markersize=4,
                linewidth=1.4,
                label=b.TREND_METRICS[metric_id],
            )
        ax.set_title(f"{heading}（{unit}）", fontsize=TEXT_SIZE, color=INK)
        ax.xaxis.set_major_locator(FixedLocator(years))
        ax.set_xlim(years[0] - 0.35, years[-1] + 0.35)
        _count_limits(ax, ax.get_ylim()[1] * 1.12)
        if len(ids) > 1:
            _legend(ax, ncols=1, loc="lower right", handlelength=1.8)
        else:
            for x, y in zip(years, ax.lines[0].get_ydata(), strict=True):
                if pd.notna(y):
                    ax.annotate(
                        number(int(y)), (x, y), xytext=(0, 7), textcoords="offset points",
                        ha="center", fontsize=TEXT_SIZE, color=INK,
                    )  # fmt: skip
    _title(fig, f"{years[0]}—{years[-1]}年主要指标变化情况")
    return fig


def to_png(fig: Figure) -> bytes:
    """PNG bytes, identical across runs (no software stamp), then release the figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    _close(fig)
    return buffer.getvalue()


def _close(fig: Figure) -> None:
    # Only a figure made through pyplot is registered there; importing pyplot just to close
    # would switch a notebook's backend for nothing.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


def show(fig: Figure, caption: str, alt: str | None = None) -> None:
    """Display as an embedded PNG output whose alt text states what it shows (`alt_text`; the
    caption when none is given).

    The alt goes both where JupyterLab looks (the image/png metadata) and at the top level of
    the output metadata, which is where the reader's nbconvert template reads it.
    """
    from IPython.display import Image, display

    alt = alt or caption
    display(Image(data=to_png(fig), format="png", alt=alt), metadata={"alt": alt})


# A chart's frames: label columns name a row (月份, 审级, 年度), value columns hold figures.
def _labels(frame: pd.DataFrame) -> list[str]:
    return [col for col in frame.columns if col not in frame.attrs["ids"]]


def _row_label(frame: pd.DataFrame, row: int) -> str:
    """How the text names a row: 3月, 2019年, 一审, 仲裁裁决."""
    column = _labels(frame)[-1]
    value = frame[column].iloc[row]
    return {b.MONTH: f"{value}月", b.YEAR: f"{value}年"}.get(column, str(value))


def _measure(column: str) -> str:
    return re.sub(r"（.*?）", "", column)


def _stated(metric_id: str | None, value) -> str:
    """A figure as the text prints it, with its unit: 2154件, 56.50%, —."""
    if metric_id is None or value is None or pd.isna(value):
        return "—"
    unit = CATALOGUE[metric_id].unit
    return number(value, unit) + ("" if unit in ("%", "比 1") else unit)


def _total_label(frame: pd.DataFrame) -> str:
    return b.WHOLE_YEAR if b.MONTH in frame.columns else b.TOTAL


def alt_text(caption: str, frames: list[pd.DataFrame]) -> str:
    """What a chart shows, in words, value by value, for a reader who cannot see the image:
    "图1　劳动人事争议案件月度受理情况：1月：调解组织1493件、仲裁院661件、合计2154件；……"."""
    parts = []
    for frame in frames:
        ids = frame.attrs["ids"]
        for row in range(len(frame)):
            cells = [
                f"{_measure(col)}{_stated(ids[col][row], frame[col].iloc[row])}" for col in ids
            ]
            parts.append(f"{_row_label(frame, row)}：{'、'.join(cells)}")
        totals = frame.attrs["totals"]
        if totals:
            cells = [f"{_measure(col)}{_stated(id, value)}" for col, (id, value) in totals.items()]
            parts.append(f"{_total_label(frame)}：{'、'.join(cells)}")
    return f"{caption}：{'；'.join(parts)}。"


def _figure_cell(metric_id: str | None, value) -> Markup:
    """A value of a chart's table, traced like the narrative's numbers: the review edition
    links it to its figure's card."""
    if metric_id is None or value is None or pd.isna(value):
        return Markup("—")
    metric = CATALOGUE[metric_id]
    return Markup(
        '<span class="fig" data-metric="{}" data-value="{}" title="{} {}：{}">{}</span>'
    ).format(metric_id, f"{value:g}", metric_id, metric.name, metric.definition,
             number(value, metric.unit))  # fmt: skip


def data_table(caption: str, frames: list[pd.DataFrame]) -> Markup:
    """The figures a chart draws, as tables under it in the review edition: one row per bar
    group or year, then the whole-year figures it prints, each number linked to its card."""
    tables = []
    for frame in frames:
        ids, totals, labels = frame.attrs["ids"], frame.attrs["totals"], _labels(frame)
        columns = list(dict.fromkeys([*ids, *totals]))
        head = Markup("").join(Markup("<th>{}</th>").format(col) for col in [*labels, *columns])
        rows = []
        for row in range(len(frame)):
            cells = [Markup("<td>{}</td>").format(frame[col].iloc[row]) for col in labels]
            cells += [Markup("<td>{}</td>").format(
                _figure_cell(ids[col][row], frame[col].iloc[row]) if col in ids else "")
                for col in columns]  # fmt: skip
            rows.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
        if totals:
            cells = [Markup("<td>{}</td>").format(_total_label(frame) if n == 0 else "")
                     for n in range(len(labels))]  # fmt: skip
            cells += [Markup("<td>{}</td>").format(_figure_cell(*totals[col]) if col in totals
                                                  else "") for col in columns]  # fmt: skip
            rows.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
        tables.append(Markup('<table border="0" class="dataframe data"><thead><tr>{}</tr></thead>'
                             "<tbody>{}</tbody></table>").format(head, Markup("").join(rows)))  # fmt: skip
    return Markup(
        '<div class="chart-data"><p>{}的数据：图中每个数字都是一个指标，链接到它的数字卡片 / the '
        "figures the chart draws, each linked to its card</p>{}</div>"
    ).format(caption, Markup("").join(tables))


def draw(name: str, frames: list[pd.DataFrame]) -> Figure | None:
    """One of the report's charts (breakdowns.CHARTS) from its frames; None when it has none."""
    if not frames:
        return None
    return DRAWERS[name](*frames)


def _texts(fig: Figure) -> list[Text]:
    # Tick labels get their text only when drawn.
    fig.draw_without_rendering()
    return [
        t
        for t in fig.findobj(Text)
        if isinstance(t, Text) and t.get_visible() and t.get_text().strip()
    ]


def chart_texts(fig: Figure) -> list[str]:
    """Every visible string in the figure (titles, labels, ticks, legend, data labels)."""
    return [t.get_text() for t in _texts(fig)]


# How each of breakdowns.CHARTS is drawn from its frames.
DRAWERS = {
    "dispute_intake": dispute_intake_chart,
    "dispute_outcomes": dispute_outcomes_chart,
    "wage_arrears": wage_arrears_chart,
    "litigation": litigation_chart,
    "trends": trends_chart,
}
