"""The charts' data, one frame per chart (or per panel), built from the catalogue's figures.

A chart draws figures, never its own counts: every value of a frame is looked up by its metric
id among the year's figures (the series elements of `rule_of_law`, such as
`disputes.accepted_total.by_month.03`, and the earlier years of a trend, `…@2019`), so the
chart, stats.json, the review edition's cards and the work paper state one number, by one rule.
A frame says which figure each value is (``attrs["ids"]``: per value column, one id a row) and
which whole-year figures the chart prints besides (``attrs["totals"]``: column → [id, value],
such as the title's 共32014件); the report year is ``attrs["year"]``, so a chart can title itself.

The figures come from stats.json's document (the report notebook: nothing is computed twice) or,
given the ledgers, are computed when first looked up (`catalogue.Values`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from helpers.figures import catalogue
from helpers.figures import rule_of_law as m
from helpers.figures.catalogue import Value
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers

MONTH = "月份"
MONTHS = range(1, 13)

MEDIATION, ARBITRATION = c.DISPUTE_BODY_TYPES
TOTAL = "合计"
WHOLE_YEAR = "全年"

BODY = "受理机构类型"
OUTCOME = "处理结果"
CASES = "案件数"
SHARE = "占比（%）"

WAGE_RECEIVED = "接收线索数"
WAGE_CLOSED = "年底前办结数"
WAGE_RESOLVED = "已解决数"
WAGE_CLOSURE_RATE = "办结率（%）"
WAGE_RESOLUTION_RATE = "解决率（%）"
WAGE_SOURCE = "线索来源"

STAGE = "审级"
RECEIVED = "收到"
HEARD = "开庭"
CONCLUDED = "审结"
CORRECTED = "纠错"
ITEM = "类别"
RECONSIDERATION = "行政复议"

YEAR = "年度"

# Metric ids of the multi-year trends, with the short label a chart legend uses.
TREND_METRICS = m.TREND_FIGURES
MIN_TREND_YEARS = m.MIN_TREND_YEARS

Figures = Mapping[str, Value]
Source = Ledgers | Mapping


def figures(source: Source, year: int) -> Figures:
    """The figures a frame is built from: stats.json's document (or its "metrics"), a mapping of
    id → value, or ledgers (each figure then computed when first looked up)."""
    if isinstance(source, Ledgers):
        return catalogue.Values(source, year)
    if isinstance(source, catalogue.Values):
        return source
    metrics = source.get("metrics", source)
    return {id: v["value"] if isinstance(v, dict) else v for id, v in metrics.items()}


def _frame(labels: dict[str, list], ids: dict[str, list[str | None]], values: Figures,
           year: int, totals: dict[str, str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Label columns, then one column per series, each value the figure of its id; a missing
    figure (a year its ledgers do not cover in full) is left empty, not shown as zero."""
    frame = pd.DataFrame(labels)
    ids = {column: [id if id is not None and id in values else None for id in column_ids]
           for column, column_ids in ids.items()}  # fmt: skip
    for column, column_ids in ids.items():
        cells = [values[id] if id is not None else None for id in column_ids]
        whole = all(v is None or float(v).is_integer() for v in cells)
        is_rate = any(id and catalogue.CATALOGUE[id].unit == "%" for id in column_ids)
        frame[column] = pd.array(cells, dtype="Float64" if is_rate or not whole else "Int64")
    frame.attrs["year"] = year
    frame.attrs["ids"] = {column: list(column_ids) for column, column_ids in ids.items()}
    frame.attrs["totals"] = {column: [id, values.get(id)] for column, id in (totals or {}).items()}
    return frame


def dispute_intake_by_month(source: Source, year: int) -> pd.DataFrame:
    """Cases accepted per month by channel, and in all (the bar labels)."""
    values = figures(source, year)
    totals = {MEDIATION: "disputes.accepted_by_mediation_orgs",
              ARBITRATION: "disputes.accepted_by_arbitration", TOTAL: "disputes.accepted_total"}  # fmt: skip
    ids = {column: [m.by_month(parent, month) for month in MONTHS]
           for column, parent in totals.items()}  # fmt: skip
    return _frame({MONTH: list(MONTHS)}, ids, values, year, totals)


def dispute_outcomes(source: Source, year: int) -> pd.DataFrame:
    """Closures of the year by body and outcome, with each one's share of all closures.

    A failed mediation is no closure under the 口径 (the case moves on to arbitration), so it has
    no row here; every other outcome has one, zero or not, so the table's shape is fixed.
    """
    values = figures(source, year)
    pairs = [(MEDIATION, "调解成功")] + [(ARBITRATION, o) for o in c.ARBITRATION_OUTCOMES]
    ids = {CASES: [m.by_outcome(o) for _, o in pairs],
           SHARE: [m.share_by_outcome(o) for _, o in pairs]}  # fmt: skip
    labels = {BODY: [body for body, _ in pairs], OUTCOME: [outcome for _, outcome in pairs]}
    return _frame(labels, ids, values, year, {CASES: "disputes.closed_total"})


def wage_arrears_by_month(source: Source, year: int) -> pd.DataFrame:
    """The year's cohort of leads by month received, with how many were closed and resolved by
    31 December (the cohort rule of the closure and resolution rates, which the chart states)."""
    values = figures(source, year)
    columns = (WAGE_RECEIVED, WAGE_CLOSED, WAGE_RESOLVED)
    ids = {column: [m.by_month(parent, month) for month in MONTHS]
           for column, (_, parent, _, _) in zip(columns, m.WAGE_SERIES, strict=True)}  # fmt: skip
    totals = {column: parent for column, (_, parent, _, _) in zip(columns, m.WAGE_SERIES,
                                                                  strict=True)}  # fmt: skip
    totals |= {WAGE_CLOSURE_RATE: "wage_arrears.closure_rate",
               WAGE_RESOLUTION_RATE: "wage_arrears.resolution_rate"}  # fmt: skip
    return _frame({MONTH: list(MONTHS)}, ids, values, year, totals)


def litigation_by_stage(source: Source, year: int) -> pd.DataFrame:
    """Each stage's cases received, heard and concluded in the year (each by its own date)."""
    values = figures(source, year)
    ids = {label: [m.litigation_figure(stage, column) for stage in c.LITIGATION_STAGES]
           for label, column in ((RECEIVED, "received_date"), (HEARD, "hearing_date"),
                                 (CONCLUDED, "concluded_date"))}  # fmt: skip
    return _frame({STAGE: list(c.LITIGATION_STAGES)}, ids, values, year)


def reconsideration_summary(source: Source, year: int) -> pd.DataFrame:
    """One row: reconsideration cases received, concluded and corrected in the year."""
    values = figures(source, year)
    ids = {RECEIVED: ["reconsideration.received"], CONCLUDED: ["reconsideration.concluded"],
           CORRECTED: ["reconsideration.corrected"]}  # fmt: skip
    return _frame({ITEM: [RECONSIDERATION]}, ids, values, year)


def wage_arrears_by_source(ledgers: Ledgers, year: int) -> pd.DataFrame:
    """The cohort by where the lead came from: a reviewers' breakdown (no chart draws it)."""
    cohort = m.wage_cohort(ledgers, year)
    sources = list(c.LEDGERS["wage_arrears_leads"].column("source").allowed)
    keys = cohort["source"]
    closed = m.closed_by_year_end(cohort, year)
    resolved = closed & (cohort["result"] == "已解决")
    frame = pd.DataFrame({WAGE_RECEIVED: keys.value_counts(), WAGE_CLOSED: keys[closed].value_counts(),
                          WAGE_RESOLVED: keys[resolved].value_counts()})  # fmt: skip
    frame = frame.reindex(sources, fill_value=0).fillna(0).astype("int64")
    frame[WAGE_CLOSURE_RATE] = [catalogue.rate(a, b) for a, b in
                                zip(frame[WAGE_CLOSED], frame[WAGE_RECEIVED], strict=True)]  # fmt: skip
    frame[WAGE_RESOLUTION_RATE] = [catalogue.rate(a, b) for a, b in
                                   zip(frame[WAGE_RESOLVED], frame[WAGE_RECEIVED], strict=True)]  # fmt: skip
    frame = frame.rename_axis(WAGE_SOURCE).reset_index()
    frame.attrs["year"] = year
    return frame


def trend_years(ledgers: Ledgers, until: int | None = None) -> list[int]:
    """Years any trend ledger covers in full, up to `until` (a report shows no later year)."""
    return m.trend_years(ledgers, until)


def trend_point(metric_id: str, year: int, report_year: int) -> str:
    """A trend's point: the figure itself in the report's year, `<id>@<year>` before it."""
    return metric_id if year == report_year else catalogue.at_year(metric_id, year)


def _charted_years(values: Figures, year: int) -> list[int]:
    """The years stats.json holds trend points of (`<id>@<year>`), and the report's year."""
    years = {year}
    for id in values:
        base, at, when = id.rpartition("@")
        if at and base in TREND_METRICS and when.isdigit():
            years.add(int(when))
    return sorted(years)


def trends(source: Source, years: list[int] | None = None, year: int | None = None) -> pd.DataFrame:
    """Key figures per year, columns named as in the catalogue: the report year's figure, then the
    same figure in each earlier year (`disputes.accepted_total@2019`); a year a figure's ledgers
    do not cover in full is left empty rather than shown as a misleading partial count.

    Without `years`: from ledgers, every year they cover; from figures, the years they chart."""
    if years is None and isinstance(source, Ledgers):
        years = trend_years(source)
    if years is not None:
        years = sorted(years)
        year = year if year is not None else (years[-1] if years else 0)
    values = figures(source, year)  # type: ignore[arg-type]
    if years is None:
        years = _charted_years(values, year)  # type: ignore[arg-type]
    ids = {catalogue.CATALOGUE[id].name: [trend_point(id, y, year) for y in years]  # type: ignore[arg-type]
           for id in TREND_METRICS}  # fmt: skip
    frame = _frame({YEAR: years}, ids, values, year)  # type: ignore[arg-type]
    for column in ids:
        frame[column] = frame[column].astype("Int64")
    if years:
        frame.attrs["years"] = (years[0], years[-1])
    return frame


@dataclass(frozen=True)
class Chart:
    """One of the report's charts: its caption and the frames it is drawn from."""

    caption: str
    frames: Callable[[Figures, int], list[pd.DataFrame]]


def _trend_frames(values: Figures, year: int) -> list[pd.DataFrame]:
    frame = trends(values, year=year)
    return [frame] if len(frame) >= MIN_TREND_YEARS else []


# The report's charts in the order the notebook shows them (their numbers 图1, 图2, … follow it).
CHARTS: dict[str, Chart] = {
    "dispute_intake": Chart("劳动人事争议案件月度受理情况",
                            lambda f, y: [dispute_intake_by_month(f, y)]),
    "dispute_outcomes": Chart("劳动人事争议案件结案方式", lambda f, y: [dispute_outcomes(f, y)]),
    "wage_arrears": Chart("欠薪线索接收与办结情况", lambda f, y: [wage_arrears_by_month(f, y)]),
    "litigation": Chart("行政诉讼与行政复议案件情况",
                        lambda f, y: [litigation_by_stage(f, y), reconsideration_summary(f, y)]),
    "trends": Chart("主要指标历年变化", _trend_frames),
}  # fmt: skip


def chart_frames(name: str, source: Source, year: int) -> list[pd.DataFrame]:
    """The frames one chart is drawn from; none when there is nothing to chart (a trend of one
    year)."""
    return CHARTS[name].frames(figures(source, year), year)


def frame_ids(frame: pd.DataFrame) -> Iterator[str]:
    """The figures a frame's chart draws, in order: row by row, then the totals it prints."""
    ids = frame.attrs["ids"]
    for row in range(len(frame)):
        for column_ids in ids.values():
            if column_ids[row] is not None:
                yield column_ids[row]
    for id, _ in frame.attrs["totals"].values():
        yield id


def chart_index(source: Source, year: int) -> dict[str, dict]:
    """stats.json's "charts": each chart the report shows, numbered in order, with its caption
    and the id of every figure it draws (a value missing for an uncovered year has none)."""
    values = figures(source, year)
    out: dict[str, dict] = {}
    for name, chart in CHARTS.items():
        frames = chart.frames(values, year)
        if not frames:
            continue
        number = len(out) + 1
        drawn = list(dict.fromkeys(id for frame in frames for id in frame_ids(frame)))
        out[name] = {"number": number, "caption": f"图{number}　{chart.caption}", "metrics": drawn}
    return out
