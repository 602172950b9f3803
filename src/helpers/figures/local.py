"""A bureau's own figures, defined where its analyst works: in a cell of its notebook, in pandas
over the validated ledgers, with an id namespaced by the bureau, a Chinese name, a unit, the 口径
and at least one worked example.

    from helpers.figures.local import Example, counted, local_figure

    @local_figure("xinqu.fund_audits", "社会保险基金专项审计项目数", "个", ["fund_supervision"],
                  "检查类型为“专项审计”、开始日期在当年的项目数",
                  examples=[Example(2022, 1, "只计当年开始的专项审计", {"fund_supervision": "…"})])
    def fund_audits(L, year):
        rows = L["fund_supervision"]
        return counted("fund_supervision", rows[...], "check_type", "started_on")

Such a figure is then a figure like any other: in stats.json, on a card whose code is the cell's,
its rows in the work paper, usable in the text, the charts and the comparison with last year.

`make report` reads the definition cells out of the notebook and runs them before the kernel
starts (the figures must be in stats.json and the work paper, which this process writes); the
kernel runs the same cells when it reaches them. Each worked example is computed at every build,
and a wrong one stops it, naming the figure.
"""

from __future__ import annotations

import ast
import json
import linecache
from collections.abc import Callable, Iterable
from pathlib import Path

from helpers.errors import ParamsError, ReportError
from helpers.figures.catalogue import (  # noqa: F401  (re-exported for notebook cells)
    CATALOGUE,
    COUNT,
    DENOMINATOR,
    DISCLOSURE,
    LOCAL,
    NUMERATOR,
    RULE_OF_LAW,
    Example,
    Metric,
    Result,
    Rows,
    by_year,
    combined,
    counted,
    distinct,
    in_year,
    rate,
    rate_of,
    round_half_up,
    summed,
)
from helpers.figures.examples import example_value

DECORATOR = "local_figure"


def local_figure(id: str, name: str, unit: str, ledgers: Iterable[str], definition: str, *,
                 examples: Iterable[Example], report: str = RULE_OF_LAW) -> Callable:  # fmt: skip
    """Register a bureau's own figure: `rule(L, year)` returns a Result (`counted`, `summed`, …)
    like the package's figures, so that its rows are traced."""
    bureau, _, rest = id.partition(".")
    problems = []
    if not bureau or not rest:
        problems.append(
            "编号应为“<机关代号>.<名称>”，如 xinqu.fund_audits / the id is <bureau>.<name>"
        )
    elif id in CATALOGUE and id not in LOCAL:
        problems.append("与指标目录中的编号重复 / the catalogue has this id")
    for label, value in (("名称 name", name), ("单位 unit", unit), ("口径 definition", definition)):
        if not str(value or "").strip():
            problems.append(f"缺少{label}")
    ledgers = list(ledgers)
    if not ledgers:
        problems.append("缺少所读台账 / no ledger named")
    examples = tuple(examples)
    if not examples:
        problems.append("至少要有一个演算示例 / at least one worked example")
    if report not in (RULE_OF_LAW, DISCLOSURE):
        problems.append(f"报告种类应为 {RULE_OF_LAW} 或 {DISCLOSURE}")
    if problems:
        raise ParamsError(f"本机关指标 {id}：" + "；".join(problems))

    def register(rule: Callable) -> Callable:
        LOCAL[id] = Metric(id, name, unit, "+".join(ledgers), definition, rule, examples, report,
                           bureau=bureau)  # fmt: skip
        return rule

    return register


def definition_cells(notebook: Path) -> list[tuple[int, str]]:
    """The notebook's code cells that define figures (a function decorated `@local_figure`),
    numbered from 1 as JupyterLab shows them, with their source."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    found = []
    for n, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        if any(_decorated(node) for node in ast.walk(tree)):
            found.append((n, source))
    return found


def _decorated(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (isinstance(target, ast.Name) and target.id == DECORATOR) or (
            isinstance(target, ast.Attribute) and target.attr == DECORATOR
        ):
            return True
    return False


def define_from_notebook(notebook: Path, bureau: str, profile) -> list[Metric]:
    """Run the notebook's figure-definition cells here, check each figure is the bureau's, and
    compute every worked example: the figures then join the catalogue's for this bureau."""
    for stale in [id for id, metric in LOCAL.items() if metric.bureau == bureau]:
        del LOCAL[stale]  # what an earlier run of this bureau's notebook defined
    before = set(LOCAL)
    for n, source in definition_cells(notebook):
        # Registered as a file of its own, so that the figure's card can show the cell's code.
        filename = f"<{Path(notebook).name} 第 {n} 个单元格>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), {"__name__": f"notebook_cell_{n}"})  # noqa: S102
        except ReportError:
            raise
        except Exception as error:  # the analyst's own code: say where, not a traceback
            raise ParamsError(
                f"{notebook}: 第 {n} 个单元格（定义本机关指标）运行出错 / the cell defining figures "
                f"failed: {type(error).__name__}: {error}。定义指标的单元格只应包含 import 和指标函数 / "
                "a definition cell holds imports and figure functions only"
            ) from None
    defined = [LOCAL[id] for id in LOCAL if id not in before or LOCAL[id].bureau == bureau]
    foreign = [m.id for m in defined if m.bureau != bureau]
    if foreign:
        raise ParamsError(f"{notebook}: 本机关指标的编号应以“{bureau}.”开头 / a bureau's own "
                          f"figure is named <bureau>.<name>: {'、'.join(foreign)}")  # fmt: skip
    check_examples(defined, profile)
    return defined


def check_examples(metrics: Iterable[Metric], profile) -> None:
    """Compute each worked example; a wrong one stops the build, naming the figure."""
    wrong = []
    for metric in metrics:
        for n, example in enumerate(metric.examples, 1):
            try:
                got = example_value(metric, example, profile)
            except ReportError as error:
                wrong.append(f"  - {metric.id} 示例 {n}（{example.note}）：示例数据有误 / invalid "
                             f"example rows: {error}")  # fmt: skip
                continue
            if got != example.value:
                wrong.append(f"  - {metric.id}（{metric.name}）示例 {n}（{example.note}）：应为 "
                             f"{example.value}，按代码算得 {got} / expected {example.value}, "
                             f"computed {got}")  # fmt: skip
    if wrong:
        raise ParamsError("本机关指标的演算示例不成立，请改正指标代码或示例 / a worked example of a "
                          "bureau's own figure does not hold:\n" + "\n".join(wrong))  # fmt: skip
