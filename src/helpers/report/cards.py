"""Figure cards of the review edition: each figure's value, last year's, its 口径, the ledger
columns it reads and the code that computed it, the targets of the edition's number links."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from markupsafe import Markup

from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE, round_half_up
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers
from helpers.provenance import sha256
from helpers.report.narrative import base_metric, figures_for_templates, growth, number, yoy


def contract_anchor(ledger: str) -> str:
    """The stable anchor of a ledger's table in docs/data-contract.md."""
    return f"ledger-{ledger}"


def rule_source(metric: catalogue.Metric) -> str:
    """The source of the rule that computed a figure and of every catalogue function it calls,
    so the reviewer reads the code that really ran, not a paraphrase."""
    assert metric.rule is not None
    code = metric.rule.__code__
    if metric.bureau is not None:
        # A bureau's own figure: the notebook cell that defines it, as the analyst wrote it.
        import linecache

        return "".join(linecache.getlines(code.co_filename)).rstrip() or _source(metric.rule)
    if code not in _SOURCES:
        _SOURCES[code] = _rule_source(metric.rule)
    return _SOURCES[code]


# A rule's source by its code: a series' elements are closures of one function and share its
# text, and reading source files again for each of their cards costs more than the cards.
_SOURCES: dict[object, str] = {}


def _rule_source(rule) -> str:
    import types

    seen: list[object] = []

    def visit(fn) -> None:
        if fn in seen:
            return
        seen.append(fn)
        codes = [fn.__code__]
        while codes:
            code = codes.pop()
            codes += [k for k in code.co_consts if isinstance(k, types.CodeType)]
            for name in code.co_names:
                target = fn.__globals__.get(name)
                if isinstance(target, types.FunctionType) and target.__module__.startswith(
                    "helpers.figures."
                ):
                    visit(target)

    visit(rule)
    return "\n\n".join(_source(fn) for fn in seen)


def _source(fn) -> str:
    import inspect

    code = fn.__code__
    if code not in _TEXTS:
        _TEXTS[code] = inspect.getsource(fn).rstrip()
    return _TEXTS[code]


_TEXTS: dict[object, str] = {}


@functools.lru_cache(maxsize=64)
def _hash(path: Path) -> str:
    return sha256(path)


def _columns_html(reads: dict[str, tuple[str, ...]], ledgers: Ledgers) -> Markup:
    items = []
    for ledger, columns in reads.items():
        spec = c.ledgers_for(ledgers.profile)[ledger]
        path = ledgers.files.get(ledger)
        file = Markup("<code>{}</code>，SHA-256 <code>{}</code>").format(
            path.name, _hash(path)) if path else Markup("—")  # fmt: skip
        cols = Markup("").join(
            Markup("<li><code>{}</code> {}（{}{}）</li>").format(
                col, spec.column(col).zh, spec.column(col).kind,
                "：" + "、".join(spec.column(col).allowed) if spec.column(col).allowed else "")
            for col in columns
        )  # fmt: skip
        items.append(Markup(
            "<p>台账 <code>{}</code>（{}）：文件 {}；数据合同中的这一台账 / contract section "
            '<a class="contract-link" href="{}#{}">{} #{}</a></p><ul>{}</ul>'
        ).format(ledger, spec.zh, file, CONTRACT_FILE, contract_anchor(ledger), CONTRACT_FILE,
                 contract_anchor(ledger), cols))  # fmt: skip
    return Markup("").join(items)


# Shipped beside review.html (helpers.render.html.contract_html): the data contract, whose
# ledger and metric sections the cards link to; the work paper holds the rows behind each figure.
CONTRACT_FILE = "contract.html"
EVIDENCE_FILE = "evidence.xlsx"
# The mark a manual figure carries in both HTML editions (helpers.render.html adds it).
MANUAL_MARK = "※"
PROVENANCE_FIELDS = (("source", "来源 source"), ("filled_by", "填报人 filled by"),
                     ("filled_on", "填报日期 filled on"))  # fmt: skip


def uses_placeholder(traced_id: str) -> Markup:
    """Where the card lists the places its number is used; helpers.render.html fills it when it
    exports the review edition, since only the whole notebook shows every place."""
    return Markup('<div class="fig-uses" data-uses="{}"></div>').format(traced_id)


def params_key(metric_id: str) -> str:
    """The params file key a manual figure is filled in under."""
    prefix = "disclosure." if CATALOGUE[metric_id].report == catalogue.DISCLOSURE else ""
    return f"{prefix}manual_figures.{metric_id}"


def _manual_html(metric_id: str, entry: dict) -> Markup:
    """What stands in for ledger rows on a manual figure's card: its params key and, where the
    params file gives them, where the number was read off, who filled it in and when."""
    provenance = entry.get("provenance") or {}
    key = provenance.get("params_key") or params_key(metric_id)
    facts = [
        Markup("<li>{}：{}</li>").format(label, provenance[field])
        for field, label in PROVENANCE_FIELDS
        if provenance.get(field) not in (None, "")
    ]
    if provenance.get("source") in (None, ""):
        facts.insert(0, Markup('<li class="fig-unsourced">未填写来源 / no source given</li>'))
    return Markup(
        '<p class="fig-manual"><span class="manual-mark">{}</span> 人工填报：数值来自年度参数文件，'
        "键 <code>{}</code>，未经台账计算 / manual figure, params key <code>{}</code>, not computed "
        'from a ledger</p><ul class="fig-provenance">{}</ul>'
    ).format(MANUAL_MARK, key, key, Markup("").join(facts))


def figure_card(metric_id: str, entry: dict, ledgers: Ledgers) -> Markup:
    metric = CATALOGUE[metric_id]
    # A figure of another year (`<id>@2019`, a trend's point) is defined by its figure's section.
    defined = metric_id.partition("@")[0]
    change = "—" if entry["change"] is None else f"{entry['change']:g}"
    facts = Markup(
        '<table class="fig-facts"><tr><th>数值 value</th><td>{}</td><th>上年 last year</th>'
        "<td>{}</td><th>变化 change</th><td>{}</td><th>单位 unit</th><td>{}</td></tr></table>"
        '<p class="fig-definition"><strong>口径</strong>：{}（数据合同 / contract '
        '<a class="contract-link" href="{}#metric-{}">{} #metric-{}</a>）</p>'
    ).format(number(entry["value"], entry["unit"]), number(entry["previous"], entry["unit"]),
             change, entry["unit"], entry["definition"], CONTRACT_FILE, defined, CONTRACT_FILE,
             defined)  # fmt: skip
    if metric.is_manual:
        body = _manual_html(metric_id, entry)
    else:
        # The rows counted and the columns read, as catalogue.compute recorded them.
        body = Markup(
            '{}<p>计入行数 rows counted：{}（明细见审核底稿 <a class="evidence-link" href="{}">{}</a> '
            "中该台账的工作表，按编号 <code>{}</code> 筛选；汇总表“明细位置”可直接跳转）</p>"
            "<details open><summary>计算代码 / the code that computed it</summary>"
            '<pre class="fig-code"><code>{}</code></pre></details>'
        ).format(_columns_html(entry["reads"], ledgers), entry["rows_counted"] or "0",
                 EVIDENCE_FILE, EVIDENCE_FILE, metric_id, rule_source(metric))  # fmt: skip
    return Markup(
        '<section class="fig-card" id="fig-{}"><h4><code>{}</code> {}</h4>{}{}{}</section>'
    ).format(metric_id, metric_id, entry["name"], facts, body, uses_placeholder(metric_id))


_TRACED = re.compile(r'data-metric="([^"]+)"')


def derived_ids(stats: dict, comparisons: list[str]) -> list[str]:
    """The comparison values (`<id>.change`, `<id>.growth`) the text can state: what
    narrative.yoy writes for each figure the params file compares."""
    figures = figures_for_templates(stats)
    return [traced for metric_id in comparisons if metric_id in figures
            for traced in _TRACED.findall(str(yoy(figures[metric_id])))]  # fmt: skip


def _fmt(value: float) -> str:
    """An operand as the card writes it: whole numbers plain, others to two decimals."""
    return number(value)


def derived_card(traced_id: str, entry: dict) -> Markup:
    """The card of a comparison value: formula, base, rounding, the values, and the figure it
    compares, so that "增长6.4%" can be recomputed from this card alone."""
    metric_id = base_metric(traced_id)
    value, previous, unit = entry["value"], entry["previous"], entry["unit"]
    shown_unit = "" if unit in ("%", "比 1") else unit
    diff = value - previous
    base = Markup('<a class="fig-base" href="#fig-{}"><code>{}</code> {}</a>').format(
        metric_id, metric_id, entry["name"])  # fmt: skip
    if traced_id.endswith(".growth"):
        exact = 100 * abs(diff) / previous
        name = "比上年增长率 / growth on last year"
        formula = "（本年 − 上年）÷ 上年 × 100，取绝对值，方向由“增长”“下降”写出"
        working = (f"（{_fmt(value)} − {_fmt(previous)}）÷ {_fmt(previous)} × 100 = "
                   f"{'−' if diff < 0 else ''}{exact:.4f}")  # fmt: skip
        rounding = "增长率四舍五入保留一位小数，去掉末尾的 0 / rounded half-up to one decimal"
        stated = f"{'增长' if diff > 0 else '下降'}{growth(exact)}"
    elif unit == "%":
        points = round_half_up(diff, 2)
        name = "比上年变化（百分点）/ change on last year, in points"
        formula = "本年 − 上年，以百分点表示"
        working = f"{_fmt(value)} − {_fmt(previous)} = {diff:.4f}"
        rounding = (
            "比率变化以百分点、四舍五入保留两位小数 / in points, rounded half-up to two decimals"
        )
        stated = f"{'提高' if points > 0 else '下降'}{abs(points):g}个百分点"
    else:
        name = "比上年变化 / change on last year"
        formula = "本年 − 上年"
        working = f"{_fmt(value)} − {_fmt(previous)} = {_fmt(diff)}"
        rounding = (
            "按指标自身的单位与小数位，不另行修约 / in the figure's own unit, not rounded again"
        )
        stated = f"{'增加' if diff > 0 else '减少'}{_fmt(abs(diff))}{shown_unit}"
    return Markup(
        '<section class="fig-card fig-derived" id="fig-{}"><h4><code>{}</code> {}{}</h4>'
        '<table class="fig-facts"><tr><th>公式 formula</th><td>{}</td></tr>'
        '<tr><th>基数 base（上年值）</th><td><a class="fig-base" href="#fig-{}">{}{}</a></td></tr>'
        "<tr><th>本年 this year</th><td>{}{}</td></tr>"
        "<tr><th>计算 working</th><td>{}</td></tr>"
        "<tr><th>修约 rounding</th><td>{}</td></tr>"
        "<tr><th>文中写法 as stated</th><td>比上年{}</td></tr></table>"
        "<p>所比较的数字 / the figure compared：{}；上年数的来源与写法见数据合同 "
        '<a class="contract-link" href="{}#derived">{} #derived</a>；只对参数文件 '
        "<code>comparisons</code> 中列出的指标写比上年。</p>{}</section>"
    ).format(traced_id, traced_id, entry["name"], name, formula, metric_id, _fmt(previous), shown_unit,
             _fmt(value), shown_unit, working, rounding, stated, base, CONTRACT_FILE,
             CONTRACT_FILE, uses_placeholder(traced_id))  # fmt: skip


def figure_cards(stats: dict, ledgers: Ledgers, derived: list[str] = ()) -> Markup:
    """One card per figure, then one per comparison value the text can state: the targets of
    the review edition's number links."""
    metrics = stats["metrics"]
    return Markup("").join(
        figure_card(metric_id, entry, ledgers) for metric_id, entry in metrics.items()
    ) + Markup("").join(
        derived_card(traced, metrics[base_metric(traced)]) for traced in derived
    )  # fmt: skip
