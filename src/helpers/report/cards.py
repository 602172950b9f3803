"""Figure cards of the review edition: each figure's value, last year's, its 口径, the ledger
columns it reads and the code that computed it, the targets of the edition's number links."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup

from helpers.build.provenance import sha256
from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE, Result
from helpers.figures.evidence import row_makeup
from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers
from helpers.report.narrative import number


def contract_anchor(ledger: str) -> str:
    """The stable anchor of a ledger's table in docs/data-contract.md."""
    return f"ledger-{ledger}"


def rule_source(metric: catalogue.Metric) -> str:
    """The source of the rule that computed a figure and of every catalogue function it calls,
    so the reviewer reads the code that really ran, not a paraphrase."""
    import inspect
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

    assert metric.rule is not None
    visit(metric.rule)
    return "\n\n".join(inspect.getsource(fn).rstrip() for fn in seen)  # type: ignore[arg-type]


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
            "<p>台账 <code>{}</code>（{}）：文件 {}；数据合同 docs/data-contract.md 中锚点 "
            "<code>#{}</code> 一节 / contract section <code>#{}</code></p><ul>{}</ul>"
        ).format(ledger, spec.zh, file, contract_anchor(ledger), contract_anchor(ledger), cols))  # fmt: skip
    return Markup("").join(items)


def figure_card(metric_id: str, entry: dict, result: Result | None, ledgers: Ledgers) -> Markup:
    metric = CATALOGUE[metric_id]
    change = "—" if entry["change"] is None else f"{entry['change']:g}"
    facts = Markup(
        "<table class='fig-facts'><tr><th>数值 value</th><td>{}</td><th>上年 last year</th>"
        "<td>{}</td><th>变化 change</th><td>{}</td><th>单位 unit</th><td>{}</td></tr></table>"
        "<p class='fig-definition'><strong>口径</strong>：{}</p>"
    ).format(number(entry["value"], entry["unit"]), number(entry["previous"], entry["unit"]),
             change, entry["unit"], entry["definition"])  # fmt: skip
    if result is None:
        body = Markup("<p>人工填报，数值来自年度参数文件 / manual figure from the params file</p>")
    else:
        body = Markup(
            "{}<p>计入行数 rows counted：{}（明细见 evidence.xlsx 工作表“明细”，按编号筛选）</p>"
            "<details open><summary>计算代码 / the code that computed it</summary>"
            "<pre class='fig-code'><code>{}</code></pre></details>"
        ).format(_columns_html(result.reads(), ledgers), row_makeup(result) or "0",
                 rule_source(metric))  # fmt: skip
    return Markup(
        "<section class='fig-card' id='fig-{}'><h4><code>{}</code> {}</h4>{}{}</section>"
    ).format(metric_id, metric_id, entry["name"], facts, body)


def figure_cards(stats: dict, results: Mapping[str, Result], ledgers: Ledgers) -> Markup:
    """One card per figure, the targets of the review edition's number links."""
    return Markup("").join(
        figure_card(metric_id, entry, results.get(metric_id), ledgers)
        for metric_id, entry in stats["metrics"].items()
    )
