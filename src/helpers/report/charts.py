"""Charts of the report, drawn from the frames in `breakdowns`.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot so that no figure is ever
registered with pyplot: nothing leaks between charts, and a notebook's inline backend does not
display a chart a second time. Styling is applied to each artist (not through rc_context) because
matplotlib creates tick labels lazily at draw time, after any context would have been left.
"""

from __future__ import annotations

import io
import sys

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from helpers.figures import breakdowns as b
from helpers.figures.catalogue import CATALOGUE, rate
from helpers.render import fonts
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
    mediation = frame[b.MEDIATION].to_numpy()
    arbitration = frame[b.ARBITRATION].to_numpy()
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
    total = number(int(frame[b.TOTAL].sum()))
    _title(fig, f"{_year_prefix(frame)}各月劳动人事争议案件受理量（共{total}件）")
    return fig


def dispute_outcomes_chart(frame: pd.DataFrame) -> Figure:
    """Horizontal bars: the year's closures by outcome, coloured by the body that closed them."""
    fig, (ax,) = _figure()
    ax.grid(False)  # the bars carry their values; the value axis is hidden
    rows = frame.iloc[::-1].reset_index(drop=True)  # first row at the top
    colours = [DEEP if body == b.MEDIATION else MID for body in rows[b.BODY]]
    bars = ax.barh(range(len(rows)), rows[b.CASES], height=0.62, color=colours)
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
    total = number(int(frame[b.CASES].sum()))
    _title(fig, f"{_year_prefix(frame)}办结劳动人事争议案件处理结果（共{total}件）")
    return fig


def _rate_note(name: str, value: float | None) -> str:
    """The rate in brackets, "（解决率40%）"; nothing when there is no lead to divide by."""
    return f"（{name}{number(value, '%')}）" if value is not None else ""


def wage_arrears_chart(frame: pd.DataFrame) -> Figure:
    """Grouped monthly bars of the year's cohort: received, closed by year end, resolved."""
    fig, (ax,) = _figure()
    months = frame[b.MONTH].to_numpy()
    received = int(frame[b.WAGE_RECEIVED].sum())
    closure = rate(int(frame[b.WAGE_CLOSED].sum()), received)
    resolution = rate(int(frame[b.WAGE_RESOLVED].sum()), received)
    closed_label = "年底前办结" + _rate_note("办结率", closure)
    resolved_label = "已解决" + _rate_note("解决率", resolution)
    series = [
        (b.WAGE_RECEIVED, LIGHT, f"接收线索（共{number(received)}起）"),
        (b.WAGE_CLOSED, MID, closed_label),
        (b.WAGE_RESOLVED, DEEP, resolved_label),
    ]
    width = 0.27
    for i, (column, colour, label) in enumerate(series):
        ax.bar(months + (i - 1) * width, frame[column], width=width, color=colour, label=label)
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
            litigation[column],
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
MIN_TREND_YEARS = 2


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


def show(fig: Figure, caption: str) -> None:
    """Display as an embedded PNG output with the caption as its alt text.

    The alt goes both where JupyterLab looks (the image/png metadata) and at the top level of
    the output metadata, which is where the reader's nbconvert template reads it.
    """
    from IPython.display import Image, display

    display(Image(data=to_png(fig), format="png", alt=caption), metadata={"alt": caption})


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
