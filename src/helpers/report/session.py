"""What the report notebook calls: one object holding the year's ledgers, figures and narrative.

The notebook's parameters cell holds literals only (papermill injects them); everything derived
from them — default paths, the params file for the year — is resolved here, after injection.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display
from markupsafe import Markup, escape

from helpers import config
from helpers.bureau import BureauProfile, profile_for
from helpers.errors import ParamsError, ReportError, gathering, raise_gathered
from helpers.figures import breakdowns, catalogue, evidence, quality
from helpers.ledgers.load import Ledgers, is_synthetic, load_ledgers
from helpers.provenance import input_files, resolve, shown
from helpers.report import cards, charts, handover
from helpers.report.document import require_year_in_ledgers, year_figures
from helpers.report.narrative import Narrative, base_metric, figures_for_templates, number
from helpers.report.params import Params, check_finished, load_params, require_disclosure
from helpers.report.shape import Shape, shapes_for


def resolve_inputs(year: int, data_dir: str = "", params_file: str = "",
                   bureau: str = "") -> tuple[Path, Path]:  # fmt: skip
    """Empty means the bureau's default (the sample bureau's when no bureau is named); relative
    paths are taken from the project's folder, so the notebook runs the same from JupyterLab,
    from papermill and from `make report`."""
    bureau = bureau or config.DEFAULT_BUREAU
    return (resolve(data_dir, config.data_dir(bureau)),
            resolve(params_file, config.params_path(year, bureau)))  # fmt: skip


@dataclass
class ReportSession:
    year: int
    data_dir: Path
    params_file: Path
    bureau: str = config.DEFAULT_BUREAU
    _charts_shown: int = 0
    # The charts shown so far, in order: caption (numbered as shown), the figures drawn, frames.
    _charts: dict[str, dict] = field(default_factory=dict)
    # The wording a section was given in the notebook itself (None: its template file).
    _templates: dict[str, str | None] = field(default_factory=dict)

    @cached_property
    def profile(self) -> BureauProfile:
        return profile_for(self.bureau)

    kind = catalogue.RULE_OF_LAW

    @cached_property
    def shape(self) -> Shape:
        """The report as its notebook shapes it: the one `make report` runs (handed over), else
        the bureau's own notebook, else the package's."""
        return shapes_for(self.bureau, self.kind, self._notebook)[self.kind]

    @cached_property
    def _notebook(self) -> Path | None:
        folder = config.scratch_dir()
        return handover.read_notebook(folder / handover.LEDGER_CACHE if folder else None)

    @cached_property
    def params(self) -> Params:
        shapes = shapes_for(self.bureau, self.kind, self._notebook)
        return load_params(self.params_file, self.year, self.profile, shapes)

    @cached_property
    def ledgers(self) -> Ledgers:
        """`make report` validates the ledgers before the notebook starts and leaves them in its
        scratch folder as Arrow files, which are memory-mapped here: a report run neither reads
        and validates the same files twice nor holds a second copy of them."""
        folder = config.scratch_dir()
        cache = folder / handover.LEDGER_CACHE if folder else None
        if handover.present(cache):
            return handover.read_ledgers(cache, self.profile)
        return load_ledgers(self.data_dir, profile=self.profile)

    def check(self) -> None:
        """The rules `make report` applies before it starts the notebook, applied again here so
        that a run from JupyterLab or a bare papermill call stops the same way instead of
        rendering a report of zeros or of unfinished text: the ledgers' faults first, with the
        params file's in the same message."""
        found: list[ReportError] = []
        with gathering(found):
            require_year_in_ledgers(self.ledgers, self.year)
        with gathering(found):
            self.check_params()
        raise_gathered(found)

    def check_params(self) -> None:
        """The params file is finished (no 【待改写】, every manual figure filled in)."""
        check_finished(self.params, self.params_file)

    def inputs(self) -> HTML:
        """The files this report was computed from, for the review edition's first page."""
        facts = input_files(self.ledgers.files, self.params_file)
        rows = [{"输入 input": name, "文件 file": f["file"], "字节 bytes": f["bytes"],
                 "修改时间 modified": f["modified"], "SHA-256": f["sha256"]}
                for name, f in facts.items()]  # fmt: skip
        caption = Markup(
            "<p>台账目录 / data folder: <code>{}</code>；参数文件 / params: <code>{}</code></p>{}"
        )
        return HTML(caption.format(shown(self.data_dir), shown(self.params_file),
                                   Markup(table(pd.DataFrame(rows)).data)))  # fmt: skip

    @cached_property
    def stats(self) -> dict:
        return self._handed_stats(catalogue.RULE_OF_LAW) or year_figures(
            self.year, self.data_dir, self.params_file, self.ledgers
        )

    def _take_new_figures(self) -> None:
        """A figure of the bureau's own defined after the figures were computed (its cell run
        again in JupyterLab): the figures are computed anew, so that the text can state it."""
        stats = self.__dict__.get("stats")
        if stats is None:
            return
        metrics = stats["metrics"]
        if all(m.id in metrics for m in catalogue.local_of(self.ledgers, self.kind)):
            return
        del self.__dict__["stats"]
        if "narrative" in self.__dict__:  # its outline (the numbers given so far) is kept
            self.narrative.context["m"] = figures_for_templates(self.stats)

    def _handed_stats(self, kind: str) -> dict | None:
        """The figures `make report` computed before starting the notebook, when they are this
        report's (same year, kind, data folder and params file)."""
        folder = config.scratch_dir()
        cache = folder / handover.LEDGER_CACHE if folder else None
        return handover.read_stats(cache, year=self.year, kind=kind, data_dir=self.data_dir,
                                   params=self.params_file)  # fmt: skip

    @cached_property
    def narrative(self) -> Narrative:
        return Narrative(self.stats, self.params, synthetic=is_synthetic(self.data_dir),
                         overrides=self.shape.overrides)  # fmt: skip

    def part(self, title: str) -> HTML:
        """A part's heading, numbered by its place among the parts (一、二、…): the notebook's
        order of parts and sections is the report's."""
        return HTML(self.narrative.part(title))

    def section(self, name: str, template: str | None = None) -> HTML:
        """A section of the report, from its template (the bureau's own where it has one) or from
        the wording given here; its heading is numbered by its place within the part."""
        self._templates[name] = template
        self._take_new_figures()
        return HTML(self.narrative.section(name, template))

    def chart(self, name: str) -> None:
        """Display one of the report's charts, drawn from the year's figures (each value a figure
        of stats.json with its card), numbered by its place among the charts shown, with an alt
        text stating every value it shows."""
        if name not in breakdowns.CHARTS:
            raise KeyError(f"未知图表 / unknown chart: {name}")
        entry = self.stats.get("charts", {}).get(name)
        if entry is None:  # nothing to chart (a trend of one year): no figure, no number taken
            return
        frames = breakdowns.chart_frames(name, self.stats, self.year)
        self._show(name, breakdowns.CHARTS[name].caption, charts.draw(name, frames), frames)

    def figures_frame(self, ids: list[str]) -> pd.DataFrame:
        """Figures as a chart of the bureau's own draws them: a row per figure (its name), this
        year's and last year's value, each traced to the figure (see `show_chart`)."""
        metrics = self.stats["metrics"]
        unknown = [id for id in ids if id not in metrics]
        if unknown:
            raise KeyError(f"本报告没有这些指标 / not figures of this report: {', '.join(unknown)}")
        from helpers.fonts import configure_matplotlib

        configure_matplotlib()  # the notebook's own chart sets its Chinese in the report's fonts
        this, last = f"{self.year}年", f"{self.year - 1}年"
        frame = pd.DataFrame({"指标": [metrics[id]["name"] for id in ids],
                              this: [metrics[id]["value"] for id in ids],
                              last: [metrics[id]["previous"] for id in ids]})  # fmt: skip
        frame.attrs = {"ids": {this: list(ids), last: list(ids)}, "totals": {}}
        return frame

    def local_examples(self) -> HTML:
        """The bureau's own figures' worked examples, each computed now: the same check a build
        makes before it starts (a wrong example stops it)."""
        from helpers.figures.examples import example_value

        rows = []
        for metric in catalogue.local_of(self.ledgers, self.kind):
            for n, example in enumerate(metric.examples, 1):
                got = example_value(metric, example, self.profile)
                rows.append({"编号": metric.id, "名称": metric.name, "示例": n, "说明": example.note,
                             "应为": number(example.value, metric.unit),
                             "按代码算得": number(got, metric.unit),
                             "结果": "成立" if got == example.value else "不成立 ✗"})  # fmt: skip
        if not rows:
            return HTML("<p>本笔记本没有定义本机关自有指标 / no figures of the bureau's own</p>")
        return table(pd.DataFrame(rows))

    def show_chart(self, name: str, title: str, figure, data: pd.DataFrame) -> None:
        """Show a chart the notebook drew (a matplotlib figure) from figures (`figures_frame`):
        numbered among the report's charts, its alt text stating each value, its data and
        figures recorded like the package's charts (stats.json, the review edition's table)."""
        if name in breakdowns.CHARTS:
            raise KeyError(f"图表名 {name} 与包内图表重名 / the package has a chart {name}")
        self._show(name, title, figure, [data])

    def _show(self, name: str, title: str, figure, frames: list[pd.DataFrame]) -> None:
        self._charts_shown += 1
        label = f"图{self._charts_shown}　{title}"
        drawn = list(dict.fromkeys(id for frame in frames for id in breakdowns.frame_ids(frame)))
        self._charts[name] = {"number": self._charts_shown, "caption": label, "metrics": drawn,
                              "frames": frames}  # fmt: skip
        self._hand_charts_back()
        charts.show(figure, label, charts.alt_text(label, frames))
        display(HTML(Markup('<p class="chart-caption">{}</p>').format(label)))

    def _hand_charts_back(self) -> None:
        """The charts as shown, for stats.json: `make report` reads them after the run."""
        folder = config.scratch_dir()
        if folder is None or not (folder / handover.LEDGER_CACHE).is_dir():
            return
        shown = {name: {k: v for k, v in entry.items() if k != "frames"}
                 for name, entry in self._charts.items()}  # fmt: skip
        (folder / handover.LEDGER_CACHE / handover.SHOWN_CHARTS).write_text(
            json.dumps(shown, ensure_ascii=False), encoding="utf-8")  # fmt: skip

    def chart_data(self, name: str) -> HTML | None:
        """The figures a chart draws, each linked to its card: the review edition's table under
        the chart (the notebook tags its cell remove-cell, so the reader's edition and the PDF
        show the chart alone)."""
        shown = self._charts.get(name)
        if shown is None:
            return None
        return HTML(charts.data_table(shown["caption"], shown["frames"]))

    def row_counts(self) -> HTML:
        return table(quality.row_counts(self.ledgers))

    def exclusions(self) -> HTML:
        return table(quality.exclusions(self.ledgers, self.year))

    def consistency_checks(self) -> HTML:
        """The checks between the figures the report's sections state (those the notebook
        leaves out are not asked to reconcile)."""
        return table(quality.consistency_checks(self.stats, self.ledgers, self.stated_figures()))

    def stated_figures(self) -> set[str]:
        """Every figure the sections of this report's notebook state."""
        return {id for name in self.shape.sections for id in self.figure_ids(name)}

    def intake(self) -> HTML:
        """What the validator found and what intake normalised, file by file: a report is built
        only from ledgers with no problem, so this says "0 problems" with the work shown."""
        rows = []
        for name, note in self.ledgers.intake.items():
            if not note:
                continue
            renamed = "、".join(
                f"{heading}→{column}" for column, heading in note["headings"].items()
            )
            rows.append({
                "台账 ledger": name, "文件 file": note["file"] + (f"（工作表 {note['sheet']}）" if note["sheet"] else ""),
                "读入行数 rows": note["rows"], "问题 problems": 0,
                "表头所在行 header line": note["header_line"],
                "按别名或中文名对应的表头 headers mapped": renamed or "—",
                "跳过的其他工作表 sheets passed over": note["other_sheets"],
                "删去的空行 blank rows dropped": note["blank_rows"],
                "规范化的日期 dates normalised": note["dates"],
                "规范化的数字 numbers normalised": note["numbers"],
                "含全角字符的单元格 full-width cells": note["fullwidth"],
            })  # fmt: skip
        if not rows:
            return HTML("<p>本次运行没有记录台账读入情况 / no intake notes for this run</p>")
        head = (f"<p>校验结果：{len(rows)} 个台账文件，共 {sum(r['读入行数 rows'] for r in rows)} 行，"
                "发现问题 0 个（有问题的台账不会生成报告）。下表列出读入时所做的规范化处理。/ Validation found "
                "0 problems; what intake normalised, per file:</p>")  # fmt: skip
        return HTML(head + table(pd.DataFrame(rows)).data)

    def published_comparison(self) -> HTML:
        """How last year's values were obtained, and where they differ from last year's
        published figures (the reviewer decides which base the 比上年 phrases use)."""
        basis = ("<p>上年数一律用本次读取的台账、按同一口径对上一年重新计算；人工填报指标的上年数取上一年度参数文件。"
                 "/ Last year's values are recomputed from today's ledgers by the same rules.</p>")  # fmt: skip
        compared = self.stats.get("published_previous")
        if compared is None:
            return HTML(basis + "<p>未找到上年已发布的数字（输出目录中上次生成的上年 stats.json，或参数文件 "
                        "<code>published_previous</code> 所指的文件），无法与已发布的上年数比对。/ Last "
                        "year's published figures are not at hand.</p>")  # fmt: skip
        head = (f"<p>与上年已发布的数字比对：<code>{escape(compared['file'])}</code>（SHA-256 "
                f"<code>{compared['sha256']}</code>），共比对 {compared['compared']} 个指标，"
                f"{len(compared['differences'])} 个不同。</p>")  # fmt: skip
        if not compared["differences"]:
            return HTML(basis + head + "<p>全部相同 / all equal</p>")
        rows = [{"编号": d["metric"], "名称": d["name"], "已发布的上年数": number(d["published"], d["unit"]),
                 "本次重新计算的上年数": number(d["recomputed"], d["unit"]), "单位": d["unit"]}
                for d in compared["differences"]]  # fmt: skip
        note = ("<p>不同之处说明上年报告发布后台账有过更正；“比上年”的表述以哪个数为基数，由审核人员决定。"
                "/ The ledgers were corrected since publication: decide which base the 比上年 "
                "phrases use.</p>")  # fmt: skip
        return HTML(basis + head + note + table(pd.DataFrame(rows)).data)

    @cached_property
    def results(self) -> dict[str, catalogue.Result]:
        """Each ledger figure of the year with the rows behind it."""
        return catalogue.evaluate(self.ledgers, self.year)

    def evidence(self, metric_id: str) -> pd.DataFrame:
        """The rows behind one figure in long form (line, record, role, columns read); the work
        paper shows the same rows as a row per record and figure on its ledger's sheet."""
        if metric_id not in catalogue.CATALOGUE:
            raise KeyError(f"未知指标 / unknown metric: {metric_id}")
        metric = catalogue.CATALOGUE[metric_id]
        if metric.is_manual:
            return pd.DataFrame(columns=list(evidence.DETAIL_FIXED))
        result = self.__dict__.get("results", {}).get(metric_id) or metric.evaluate(
            self.ledgers, self.year)  # fmt: skip
        return evidence.evidence_frame(metric_id, result)

    def explain(self, section: str, rows: int = 10) -> HTML:
        """On request, how a section's figures were computed: for each, its card (value, last
        year, 口径, ledger columns, the code that ran) and its first rows (`evidence` gives all).
        For JupyterLab: run it in a cell of your own beside the section."""
        parts = []
        for metric_id in self.figure_ids(section):
            card = str(cards.figure_card(metric_id, self.stats["metrics"][metric_id], self.ledgers))
            # Not a link target: the review edition's cards are the figure cards at the end.
            parts.append(re.sub(r"<div class=\"fig-uses\"[^>]*></div>", "",
                                card.replace(f' id="fig-{metric_id}"', "", 1)))  # fmt: skip
            frame = self.evidence(metric_id)
            if len(frame):
                parts.append(Markup('<p>前 {} 行，共 {} 行（全部：<code>report.evidence("{}")</code>）'
                                    "/ first rows</p>").format(min(rows, len(frame)), len(frame),
                                                               metric_id))  # fmt: skip
                parts.append(table(frame.head(rows)).data)
        if not parts:
            return HTML("<p>本节不引用数字 / this section states no figure</p>")
        return HTML("".join(parts))

    def figure_ids(self, section: str) -> list[str]:
        """The figures a section states, read from what its template renders (not a kept list)."""
        return list(
            dict.fromkeys(
                base_metric(id)
                for id in re.findall(
                    r'data-metric="([^"]+)"', self.narrative.preview(section, self._inline(section))
                )
            )  # fmt: skip
        )

    def _inline(self, section: str) -> str | None:
        """A section's wording written in the notebook (read from the notebook's cells when it
        has not been shown yet, as `figures_of` comes before the section)."""
        if section in self._templates:
            return self._templates[section]
        return self.shape.inline.get(section)

    def figures_of(self, section: str) -> HTML:
        """The figures a section states, with their definitions, shown before its narrative;
        each id and number links to the figure's card."""
        self._take_new_figures()
        rows = [
            {"编号": _card_link(id), "名称": e["name"], "数值": _listed(id, e), "单位": e["unit"],
             "口径": e["definition"]}
            for id in self.figure_ids(section) for e in [self.stats["metrics"][id]]
        ]  # fmt: skip
        if not rows:
            return HTML("<p>本节不引用数字 / this section states no figure</p>")
        return HTML(markup_table(rows))

    def figure_cards(self) -> HTML:
        """One card per figure (value, last year, 口径, ledger file and hash, columns, rows counted,
        the code that ran), then one per comparison value the text can state (formula, base,
        rounding): the targets of the review edition's number links."""
        derived = cards.derived_ids(self.stats, self.params.comparisons)
        return HTML(cards.figure_cards(self.stats, self.ledgers, derived))

    def figures_table(self) -> HTML:
        """Every figure with its id, definition and source, for reviewers tracing a number; each
        id and number links to the figure's card."""
        rows = [
            {"编号": _card_link(id), "名称": e["name"], "数值": _listed(id, e), "单位": e["unit"],
             "上年": number(e["previous"], e["unit"]), "变化": "—" if e["change"] is None else f"{e['change']:g}",
             "来源": cards.MANUAL_MARK + " 人工填报 manual" if e["source"] == "manual" else e["source"],
             "口径": e["definition"]}
            for id, e in self.stats["metrics"].items()
        ]  # fmt: skip
        return HTML(markup_table(rows))

    def comparisons(self) -> HTML:
        """Which figures the text compares with last year: the params file's choice (key
        `comparisons`), each with its card and the cards of the values the text states."""
        metrics = self.stats["metrics"]
        chosen = [id for id in self.params.comparisons if id in metrics]
        others = [id for id in self.params.comparisons if id not in metrics]
        derived = cards.derived_ids(self.stats, chosen)
        intro = Markup(
            "<p>只有年度参数文件 <code>{}</code> 中键 <code>comparisons</code> 列出的指标才写“比上年"
            "增加（减少）……、增长（下降）……%”，由分析人员逐年确定；其余数字不作比较。上年数为空或与本年相同"
            "时只写“与上年持平”或不写。/ Only the figures listed under the params file's key "
            "<code>comparisons</code> get a 比上年 phrase.</p>"
        ).format(shown(self.params_file))
        if not chosen:
            listed = Markup("<p>本报告的数字均未列入 <code>comparisons</code> / none of this "
                            "report's figures is listed</p>")  # fmt: skip
        else:
            rows = [
                {"编号": _card_link(id), "名称": metrics[id]["name"], "数值": _listed(id, metrics[id]),
                 "上年": number(metrics[id]["previous"], metrics[id]["unit"]),
                 "比较值 comparison values": Markup("、").join(
                     _card_link(traced) for traced in derived if base_metric(traced) == id) or "—"}
                for id in chosen
            ]  # fmt: skip
            listed = Markup(markup_table(rows))
        if others:
            listed += Markup("<p>另列入 comparisons、不属于本报告的指标 / listed, of the other "
                             "report：{}</p>").format(Markup("、").join(
                                 Markup("<code>{}</code>").format(id) for id in others))  # fmt: skip
        return HTML(intro + listed)

    def unstated_figures(self) -> HTML:
        """The figures computed for this report that no edition prints. Which numbers an edition
        prints is known only from the whole notebook, so the list is filled in when the review
        edition is exported (helpers.render.html), from the outputs the reader's edition shows."""
        return HTML(
            Markup(
                '<div class="unstated-figures" data-report="{}"><p>清单在导出审核版时按阅读版（PDF、Word 版'
                "与之相同）实际印出的数字生成 / listed when the review edition is exported, from the "
                "numbers the reader's edition prints</p></div>"
            ).format(self.stats.get("report", catalogue.RULE_OF_LAW))
        )


def _card_link(traced_id: str) -> Markup:
    return Markup('<a class="card-link" href="#fig-{}"><code>{}</code></a>').format(
        traced_id, traced_id)  # fmt: skip


def _listed(metric_id: str, entry: dict) -> Markup:
    """A figure's number in a review table: traced like the narrative's numbers (so the review
    edition links it to the card), marked as a listing rather than a place the number is used."""
    return Markup(
        '<span class="fig" data-metric="{}" data-listed="1" data-value="{}">{}</span>'
    ).format(metric_id, "" if entry["value"] is None else f"{entry['value']:g}",
             number(entry["value"], entry["unit"]))  # fmt: skip


def markup_table(rows: list[dict[str, object]]) -> str:
    """A whole table like `table`'s, whose cells may hold links: text is escaped, Markup kept."""
    head = Markup("").join(Markup("<th>{}</th>").format(key) for key in rows[0])
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(
            Markup("<td>{}</td>").format("—" if value is None else value) for value in row.values()))
        for row in rows
    )  # fmt: skip
    return Markup('<table border="0" class="dataframe data"><thead><tr style="text-align: right;">'
                  "{}</tr></thead><tbody>{}</tbody></table>").format(head, body)  # fmt: skip


def table(frame: pd.DataFrame) -> HTML:
    """A whole table for reviewers: every row, whole numbers without decimals, text escaped."""
    return HTML(frame.to_html(index=False, na_rep="—", escape=True, classes="data", border=0,
                              float_format=lambda v: f"{v:g}", max_rows=None, max_cols=None))  # fmt: skip


def _show_report_errors_plainly() -> None:
    """In a kernel, an error the analyst can fix (a ledger problem, an unfinished params file)
    shows as its message alone, not as a Python traceback; the cell still fails."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return

    def plain(shell, etype, value, tb, tb_offset=None):
        shell._showtraceback(etype, value, [f"{value}"])

    shell.set_custom_exc((ReportError,), plain)


# The notebooks' parameters, as their `parameters` cells define them (a test keeps them equal).
PARAMETERS = ("year", "data_dir", "params_file", "bureau")
# How papermill's injected cell begins (its Python translator's comment line).
INJECTED_HEADER = "# Parameters\n"


def _injected_names() -> list[str]:
    """The names papermill's injected cell assigned in this kernel: the latest input that is
    such a cell, as the kernel's history holds it; none in a JupyterLab run without one."""
    from IPython import get_ipython

    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    injected = next((cell for cell in reversed(history) if cell.startswith(INJECTED_HEADER)), "")
    try:
        tree = ast.parse(injected)
    except SyntaxError:
        return []
    return [target.id for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)]  # fmt: skip


def _check_parameters(year: object) -> int:
    """A parameter papermill was given that the notebook does not have (`-p yaer 2022`) would be
    ignored with a warning, and the notebook's default year built; it stops the run instead.
    The year is checked as on the command line."""
    unknown = [name for name in _injected_names()
               if name not in PARAMETERS and not name.startswith("PAPERMILL_")]  # fmt: skip
    if unknown:
        hints = [f"{name}（是否应为 {close[0]}？）" if (close := get_close_matches(name, PARAMETERS, 1))
                 else name for name in unknown]  # fmt: skip
        known = "、".join(PARAMETERS)
        raise ParamsError(f"笔记本没有参数 {'、'.join(hints)}；可用的参数为 {known} / unknown notebook "
                          f"parameter {', '.join(unknown)}; the parameters are {', '.join(PARAMETERS)}")  # fmt: skip
    try:
        return config.parse_year(year)
    except ValueError as error:
        raise ParamsError(f"参数 year: {error}") from None


def open_report(year: int, data_dir: str = "", params_file: str = "",
                bureau: str = "") -> ReportSession:  # fmt: skip
    """The report of `year`, after the same checks as `make report`: raises a ReportError (shown
    as its message) when a parameter is unknown, the params file is unfinished or the ledgers are
    invalid or lack the year."""
    _show_report_errors_plainly()
    year = _check_parameters(year)
    data, params = resolve_inputs(year, data_dir, params_file, bureau)
    session = ReportSession(year, data, params, bureau or config.DEFAULT_BUREAU)
    session.check()
    return session


class DisclosureSession(ReportSession):
    """The same year's 政府信息公开工作年度报告: its own figures, templates and tables, from the
    same ledgers and params file (section `disclosure`)."""

    kind = catalogue.DISCLOSURE

    def check_params(self) -> None:
        super().check_params()
        require_disclosure(self.params, self.params_file)

    @cached_property
    def stats(self) -> dict:
        return self._handed_stats(catalogue.DISCLOSURE) or year_figures(
            self.year, self.data_dir, self.params_file, self.ledgers, report=catalogue.DISCLOSURE
        )

    @cached_property
    def narrative(self) -> Narrative:
        narrative = Narrative(self.stats, self.params, synthetic=is_synthetic(self.data_dir),
                              template_dir=config.TEMPLATES_DIR / "disclosure",
                              overrides=self.shape.overrides)  # fmt: skip
        narrative.context["p"] = require_disclosure(self.params, self.params_file).passages
        return narrative

    @cached_property
    def results(self) -> dict[str, catalogue.Result]:
        return catalogue.evaluate(self.ledgers, self.year, catalogue.DISCLOSURE)

    def table(self, key: str) -> HTML:
        """One of the format's tables (proactive, requests, challenges), every cell traced."""
        from helpers.report.disclosure_tables import table_html, table_title

        heading = self.narrative.outline.part(table_title(key))
        return HTML(table_html(key, figures_for_templates(self.stats), heading))

    def format_checks(self) -> HTML:
        """The rules the format implies, each with both sides; a broken one stops the run."""
        from helpers.report.disclosure_tables import explain, format_checks

        frame = format_checks(self.stats, self.ledgers, self.params_file, self.data_dir)
        shown = table(frame)
        display(shown)
        broken = explain(frame, self.ledgers, self.year)
        if broken:
            raise ReportError("政府信息公开年报的勾稽关系不成立 / the format's checks failed:\n"
                              + "\n".join(f"  - {b}" for b in broken))  # fmt: skip
        return HTML("<p>全部检查通过 / every check holds</p>")


def open_disclosure(year: int, data_dir: str = "", params_file: str = "",
                    bureau: str = "") -> DisclosureSession:  # fmt: skip
    """The disclosure report of `year`, after the checks of `make report --kind disclosure`."""
    _show_report_errors_plainly()
    year = _check_parameters(year)
    data, params = resolve_inputs(year, data_dir, params_file, bureau)
    session = DisclosureSession(year, data, params, bureau or config.DEFAULT_BUREAU)
    session.check()
    return session
