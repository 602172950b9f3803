"""Chinese narrative from computed figures, through Jinja templates an analyst can edit.

Templates live in templates/narrative/, one per section of the report. They receive the figures
(`m["disputes.accepted_total"]`), the params passages (`p.mediation`) and the filters below, which
hold the report's one set of number rules: integers without separators, rates to two decimals
(100% stays 100%), ratios as "1.3比1", and year-on-year wording that follows the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import config
from .metrics import rate, round_half_up
from .params import Params

SECTIONS = [
    "cover_letter", "title", "intro",
    "m01_overall", "m02_key_tasks", "m03_functions", "m04_decisions", "m05_documents",
    "m06_enforcement", "m07_governance", "m08_supervision", "m09_capacity", "m10_outreach",
    "problems", "leader", "plan",
]  # fmt: skip

CN_NUMERALS = "〇一二三四五六七八九十"


@dataclass(frozen=True)
class Figure:
    """One metric as the templates see it."""

    id: str
    value: int | float | None
    previous: int | float | None
    unit: str
    name: str
    definition: str

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


def number(value: int | float | None, unit: str = "") -> str:
    """The report's number style: 32014, 96.25%, 100%, 1.3比1."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:g}%" if float(value).is_integer() else f"{value:.2f}%"
    if unit == "比 1":
        return f"{value:.1f}比1"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return str(int(value))


def _span(figure: Figure, text: str) -> Markup:
    """Wrap a figure so a reviewer can trace it: the metric id and its definition travel along
    (the hover shows the id too; the review edition links the span to the figure's card)."""
    value = "" if figure.value is None else f"{figure.value:g}"
    return Markup(
        '<span class="fig" data-metric="{}" data-value="{}" title="{} {}：{}">{}</span>'
    ).format(figure.id, value, figure.id, figure.name, figure.definition, text)


def traced_yoy(figure: Figure) -> Markup:
    """The year-on-year wording of `yoy`, marked with its figure so the review edition can link
    last year's value to the same card."""
    text = yoy(figure)
    if not text:
        return text
    return Markup('<span class="fig-yoy" data-metric="{}" title="{} 上年：{}">{}</span>').format(
        figure.id, figure.id, number(figure.previous, figure.unit), text
    )


def fig(figure: Figure) -> Markup:
    """The figure's number in report style, traceable."""
    return _span(figure, number(figure.value, figure.unit))


def says(figure: Figure, zero_text: str, other_text: str) -> Markup:
    """Wording that follows the data: `zero_text` when the count is 0, else `other_text` with {n}.

    For rates, `zero_text` stands for "all" (100%) and `other_text` gets the rate.
    """
    complete = figure.value == 100 if figure.is_rate else figure.value == 0
    if complete:
        return _span(figure, zero_text)
    return Markup(escape(other_text)).replace(escape("{n}"), fig(figure))


def yoy(figure: Figure) -> Markup:
    """ ", 同比增长6.36%（上年为30100件）" — empty when the ledgers do not hold last year."""
    if figure.value is None or figure.previous is None:
        return Markup("")
    before = f"上年为{number(figure.previous, figure.unit)}"
    if figure.unit not in ("%", "比 1"):
        before += figure.unit
    if figure.is_rate:
        points = round_half_up(figure.value - figure.previous, 2)
        if points == 0:
            return Markup("，与上年持平")
        word = "提高" if points > 0 else "下降"
        return Markup(f"，较上年{word}{abs(points):g}个百分点（{before}）")
    if figure.value == figure.previous:
        return Markup(f"，与上年持平（{before}）")
    if figure.previous == 0:
        return Markup(f"（{before}）")
    change = rate(abs(figure.value - figure.previous), figure.previous)
    word = "增长" if figure.value > figure.previous else "下降"
    return Markup(f"，同比{word}{number(change, '%')}（{before}）")


def lead(text: str) -> Markup:
    """Bold the run-in lead sentence (up to the first 。) of a passage, as official reports do."""
    head, sep, rest = text.partition("。")
    if not sep or len(head) > 60:
        return Markup(escape(text))
    return Markup('<strong class="lead">{}{}</strong>{}').format(head, sep, rest)


def paragraphs(text: str, bold_lead: bool = True) -> Markup:
    """Blank-line separated passages as <p> elements, each opening with its run-in lead."""
    parts = [part.strip() for part in text.split("\n\n") if part.strip()]
    body = lead if bold_lead else escape
    return Markup("").join(Markup("<p>{}</p>").format(body(part)) for part in parts)


def prose(text: str) -> Markup:
    """Paragraphs without run-in leads (introductions, problems, plans)."""
    return paragraphs(text, bold_lead=False)


def title_lines(name: str, width: int = 18) -> Markup:
    """Break a long bureau name before its parenthesis, so no title line ends with a stray char."""
    head, sep, tail = name.partition("（")
    if len(name) <= width or not sep or not head:
        return Markup(escape(name))
    return Markup("{}<br>{}{}").format(head, sep, tail)


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n]
    return ("十" if n < 20 else CN_NUMERALS[n // 10] + "十") + (
        CN_NUMERALS[n % 10] if n % 10 else ""
    )


def environment(template_dir: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir or config.TEMPLATES_DIR / "narrative")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals.update(fig=fig, says=says, yoy=traced_yoy, number=number)
    env.filters.update(
        lead=lead,
        paragraphs=paragraphs,
        prose=prose,
        title_lines=title_lines,
        cn_date=cn_date,
        cn_ordinal=cn_ordinal,
    )
    return env


def figures_for_templates(stats: dict) -> dict[str, Figure]:
    return {
        id: Figure(
            id, entry["value"], entry["previous"], entry["unit"], entry["name"], entry["definition"]
        )  # fmt: skip
        for id, entry in stats["metrics"].items()
    }


class Narrative:
    """Renders the report's sections for one year."""

    def __init__(self, stats: dict, params: Params, *, synthetic: bool,
                 template_dir: Path | None = None):  # fmt: skip
        self.env = environment(template_dir)
        self.context = {
            "year": stats["year"],
            "next_year": stats["year"] + 1,
            "m": figures_for_templates(stats),
            "p": params.passages,
            "bureau": params.bureau,
            "letter": params.letter,
            "synthetic": synthetic,
        }

    def section(self, name: str) -> str:
        return self.env.get_template(f"{name}.html.j2").render(self.context).strip()

    def full_text(self) -> str:
        return "\n".join(self.section(name) for name in SECTIONS)
