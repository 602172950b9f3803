"""Chinese narrative from computed figures, through Jinja templates an analyst can edit.

Templates live in templates/narrative/, one per section of the report. They receive the figures
(`m["disputes.accepted_total"]`), the params passages (`p.mediation`) and the filters below, which
hold the report's one set of number rules: integers without separators, rates to two decimals
(100% stays 100%), ratios as "1.3比1", growth to one decimal ("比上年增长6.4%"), and
year-on-year comparisons only for the figures the params file lists under `comparisons`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from helpers import config
from helpers.errors import ReportError
from helpers.figures.catalogue import round_half_up
from helpers.report.params import Params

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


def growth(value: float) -> str:
    """A growth rate as Chinese official writing states it: one decimal, no trailing zero."""
    rounded = round_half_up(value, 1)
    return f"{rounded:.1f}".rstrip("0").rstrip(".") + "%"


def _change(figure: Figure, suffix: str, name: str, value: float, text: str) -> Markup:
    """A comparison value, traceable like every figure: its definition names both years."""
    unit = "" if figure.unit in ("%", "比 1") else figure.unit
    definition = (
        f"{figure.name}本年{number(figure.value, figure.unit)}{unit}，"
        f"上年{number(figure.previous, figure.unit)}{unit}"
    )
    derived = Figure(f"{figure.id}.{suffix}", value, None, figure.unit, name, definition)
    return _span(derived, text)


# A comparison value is traced as "<metric id>.change" or ".growth"; its card is the metric's.
DERIVED_SUFFIXES = (".change", ".growth")


def base_metric(traced_id: str) -> str:
    """The catalogue id a traced number belongs to (a comparison value belongs to its figure)."""
    for suffix in DERIVED_SUFFIXES:
        if traced_id.endswith(suffix):
            return traced_id.removesuffix(suffix)
    return traced_id


def yoy(figure: Figure) -> Markup:
    """ "，比上年增加2件、增长6.7%" — empty when the ledgers do not hold last year.

    Counts state the difference and the growth (one decimal); rates the change in percentage
    points; equal values "与上年持平". Which figures are compared is the params file's call
    (`comparisons`), applied by Narrative.
    """
    if figure.value is None or figure.previous is None:
        return Markup("")
    if figure.is_rate:
        points = round_half_up(figure.value - figure.previous, 2)
        if points == 0:
            return Markup("，与上年持平")
        word = "提高" if points > 0 else "下降"
        text = f"{abs(points):g}"
        span = _change(figure, "change", f"{figure.name}比上年变化（百分点）", points, text)
        return Markup("，比上年{}{}个百分点").format(word, span)
    if figure.value == figure.previous:
        return Markup("，与上年持平")
    unit = "" if figure.unit == "比 1" else figure.unit
    diff = figure.value - figure.previous
    more = diff > 0
    diff_text = number(abs(diff))
    diff_span = _change(figure, "change", f"{figure.name}比上年变化", diff, diff_text)
    out = Markup("，比上年{}{}{}").format("增加" if more else "减少", diff_span, unit)
    if figure.previous:
        pct = 100 * abs(diff) / figure.previous
        pct_span = _change(figure, "growth", f"{figure.name}比上年增长率", pct, growth(pct))
        out += Markup("、{}{}").format("增长" if more else "下降", pct_span)
    return out


def lead(text: str) -> Markup:
    """Bold the run-in lead sentence (up to the first 。) of a passage, as official reports do."""
    head, sep, rest = text.partition("。")
    if not sep or len(head) > 60:
        return Markup(escape(text))
    return Markup('<strong class="lead">{}{}</strong>{}').format(head, sep, rest)


def paragraphs(text: str, bold_lead: bool = True, each=lambda part: part) -> Markup:
    """Blank-line separated passages as <p> elements, each opening with its run-in lead
    (`each` is applied to every paragraph first: the outline's renumbering)."""
    parts = [each(part.strip()) for part in text.split("\n\n") if part.strip()]
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


# 22 pt title characters in the 156 mm measure (GB/T 9704 7.3.1).
TITLE_WIDTH = 20


def _title_width(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2000 else 1 for c in text)


def _balanced_lines(segments: list[str], width: float) -> list[str]:
    """Join unbreakable segments into the fewest lines no wider than `width`, then the most even
    (smallest widest line), so a title breaks between words in a compact, symmetric shape."""
    n = len(segments)
    widths = [_title_width(s) for s in segments]
    # best[i] = (lines, widest, breaks) for segments[i:]
    best: list[tuple[int, float, list[int]] | None] = [None] * n + [(0, 0.0, [])]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n + 1):
            line = sum(widths[i:j])
            if line > width and j > i + 1:
                break
            rest = best[j]
            if rest is None:
                continue
            candidate = (rest[0] + 1, max(line, rest[1]), [j, *rest[2]])
            if best[i] is None or candidate[:2] < best[i][:2]:
                best[i] = candidate
    breaks, start, lines = best[0][2], 0, []
    for end in breaks:
        lines.append("".join(segments[start:end]))
        start = end
    return lines


def title_markup(segments: list[str], given: list[str], key: str) -> Markup:
    """A title as lines joined by <br>: the analyst's lines from params when given (they must
    spell the title exactly), otherwise broken between the segments (words)."""
    whole = "".join(segments)
    if given:
        if "".join(given) != whole:
            raise ReportError(
                f"参数文件 letter.{key} 各行连起来应为“{whole}”，实际为“{''.join(given)}”。 / "
                f"letter.{key} must spell the title exactly: {whole}"
            )
        lines = given
    else:
        lines = _balanced_lines(segments, TITLE_WIDTH)
    return Markup("<br>").join(escape(line) for line in lines)


def _name_segments(name: str) -> list[str]:
    head, sep, tail = name.partition("（")
    return [head, sep + tail] if sep and head else [name]


def report_title(bureau, letter, year: int) -> Markup:
    segments = [*_name_segments(bureau.name), f"{year}年度法治政府建设情况报告"]
    return title_markup(segments, letter.report_title_lines, "report_title_lines")


def letter_title(bureau, letter, year: int) -> Markup:
    name = _name_segments(bureau.name)
    segments = ["关于报送", "《" + name[0], *name[1:], f"{year}年度", "法治政府建设情况报告》",
                "的报告"]  # fmt: skip
    return title_markup(segments, letter.title_lines, "title_lines")


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n]
    return ("十" if n < 20 else CN_NUMERALS[n // 10] + "十") + (
        CN_NUMERALS[n % 10] if n % 10 else ""
    )


# An enumerated point's ordinal ("一是…"), at the head of a paragraph or of a sentence within it:
# the analyst marks the point, the outline gives it its number.
_ITEM_ORDINAL = re.compile(r"(?:^\s*|(?<=[。；;！？]))[一二三四五六七八九十]+是")


class Outline:
    """The report's numbering, taken from the order in which parts, sections and points are
    rendered: 一、 for a part, （一） within a part, 一是 for a point within a section. No
    template writes a number and a passage's "一是" is renumbered where it stands, so moving or
    removing a section or a paragraph renumbers every edition."""

    def __init__(self) -> None:
        self.parts = self.sections = self.points = 0

    def part(self, title: str) -> Markup:
        self.parts += 1
        self.sections = self.points = 0
        return Markup("<h2>{}、{}</h2>").format(cn_ordinal(self.parts), title)

    def section(self, title: str) -> Markup:
        self.sections += 1
        self.points = 0
        return Markup("<h3>（{}）{}</h3>").format(cn_ordinal(self.sections), title)

    def renumber(self, paragraph: str) -> str:
        """Each point marker of a paragraph (opening it or a sentence) gets the next ordinal."""

        def next_point(_: re.Match[str]) -> str:
            self.points += 1
            return cn_ordinal(self.points) + "是"

        return _ITEM_ORDINAL.sub(next_point, paragraph)

    def restart_points(self) -> None:
        self.points = 0


def environment(template_dir: Path | None = None, *,
                overrides: Path | None = None) -> Environment:  # fmt: skip
    """The templates' environment: a bureau's own templates (`overrides`, beside its profile)
    take the place of the package's of the same name."""
    package = FileSystemLoader(str(template_dir or config.TEMPLATES_DIR / "narrative"))
    loader = (
        package if overrides is None else ChoiceLoader([FileSystemLoader(str(overrides)), package])
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals.update(fig=fig, says=says, yoy=yoy, number=number)
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
                 template_dir: Path | None = None, overrides: Path | None = None):  # fmt: skip
        self.env = environment(template_dir, overrides=overrides)
        self.outline = outline = Outline()
        self.env.globals["heading"] = outline.section
        self.env.filters.update(
            lead=lambda text: lead(outline.renumber(text)),
            paragraphs=lambda text, bold_lead=True: paragraphs(text, bold_lead, outline.renumber),
            prose=lambda text: paragraphs(text, False, outline.renumber),
        )
        compared = set(params.comparisons)
        self.env.globals["yoy"] = lambda figure: (
            yoy(figure) if figure.id in compared else Markup("")
        )
        self.context = {
            "year": stats["year"],
            "next_year": stats["year"] + 1,
            "m": figures_for_templates(stats),
            "p": params.passages,
            "bureau": params.bureau,
            "letter": params.letter,
            "letter_title": letter_title(params.bureau, params.letter, stats["year"]),
            "report_title": report_title(params.bureau, params.letter, stats["year"]),
            "synthetic": synthetic,
        }

    def section(self, name: str, template: str | None = None) -> str:
        """A section from its template file, or from `template`, the wording the notebook
        itself gives (the same placeholders, filters and rules)."""
        self.outline.restart_points()
        if template is not None:
            return self.env.from_string(template).render(self.context).strip()
        return self.env.get_template(f"{name}.html.j2").render(self.context).strip()

    def preview(self, name: str, template: str | None = None) -> str:
        """A section rendered without taking numbers from the outline (to read which figures
        it states before it is shown)."""
        kept = vars(self.outline).copy()
        try:
            return self.section(name, template)
        finally:
            vars(self.outline).update(kept)

    def part(self, title: str) -> str:
        return str(self.outline.part(title))

    def full_text(self) -> str:
        return "\n".join(self.section(name) for name in SECTIONS)
