"""Render docs/data-contract.md from the contract and the metric catalogue, so they never drift.

In the report layer: it states each ledger's figures (the catalogue) with the report's number
formatting."""

from __future__ import annotations

from helpers.bureau import profile_key
from helpers.figures.catalogue import CATALOGUE, Metric
from helpers.ledgers import contract as c
from helpers.report.narrative import number

KIND_ZH = {"id": "编号 id", "text": "文本 text", "enum": "枚举 enum", "date": "日期 date",
           "int": "整数 integer", "amount": "金额 amount", "flag": "是/否 flag"}  # fmt: skip

HEADER = """# 数据合同 / Data contract

> 本文件由 `python -m helpers contract-doc --out docs/data-contract.md` 从代码生成，请勿手工修改；
> 测试会检查它与代码一致。This file is generated from `src/helpers/ledgers/contract.py` and
> `src/helpers/figures/`; a test keeps it in sync.

## 通用约定 / General rules

- 每个台账一个文件，放在台账目录（默认 `data/raw/<机关代号>`，可用 `DATA_DIR` 指定）中，文件名为
  `<台账名>.csv`、`<台账名>.xlsx` 或 `<台账名>.xls`（扩展名大小写不限）。同一台账有多个候选文件
  （如 `X (1).xlsx`、`X - 副本.csv`、同名不同扩展名）时程序停止并列出这些文件，请只保留一个；缺少文件时列出名称相近的文件。
  One file per ledger in DATA_DIR: `<ledger>.csv`, `.xlsx` or `.xls`, suffix in any case; several
  candidates for one ledger stop the load and are listed; a missing file names near misses.
- 台账是**累计**的：按案件系统导出的方式包含历年数据，每年的数字按日期筛选（受理、开庭、审结、办结日期在当年），
  因此上年结转的案件会在应计的年份计入。Ledgers are cumulative; each year's figures select rows by date.
- 编码：CSV 可为 UTF-8（带或不带 BOM）、GB18030/GBK，或带 BOM 的 UTF-16（Excel 另存为“Unicode 文本”）；
  逗号或制表符分隔自动识别；换行 CRLF 或 LF 均可。文件内容与扩展名不符（CSV 改名为 .xlsx、Excel 工作簿改名为 .csv、
  系统导出的网页表格冒充 .xls）时报错并说明应如何另存。Encodings: UTF-8 with or without BOM, GB18030/GBK, UTF-16
  with BOM (Excel's Unicode text); comma or TAB separated; CRLF or LF. A file whose content does not
  match its extension is reported as such.
- 表头：可用下表的列名（英文），也可用“含义”一栏的中文名，括号中的说明可省略（如“结案日期”）；顺序不限；
  忽略空白（首尾和中间的，如“未收取填0”与“未收取填 0”视为相同）、全角/半角差别和英文大小写。本单位系统的其他叫法可由单位配置的表头别名对应到列名
  （`load_ledgers(..., aliases={"disputes": {"收案日期": "received_date"}})`）。同一列出现两次、有数据却无表头的列、
  未知的列都会报错；未知的列会列出应有的全部列名（中英文）和最接近的一个。不允许多余的列。
  Headers: the column names below or their Chinese labels (the bracketed note may be left out), in any
  order; blanks (around or inside), full-width/half-width and ASCII case are ignored; a bureau's own spellings are
  mapped by aliases. Unknown headers are listed with the expected names and the closest match.
- 标题行：表头之上可以有标题、单位、统计期间等行（CSV 和 Excel 均可，Excel 的合并单元格标题也可）。程序在前 10 个
  非空行中取与合同列名匹配最多的一行作表头。问题中的行号始终是文件中的行号（Excel 为工作表行号），读入后每条记录也以
  该行号为索引。Title rows above the header are skipped: the header is the row, among the first ten
  non-blank ones, naming the most contract columns. Line numbers (and the frame index) stay file lines.
- 工作表：`.xlsx`/`.xls` 读取表头与合同最相符的工作表，因此“填表说明”等工作表排在数据之前也可以；也可指定工作表
  （`sheets={"disputes": "数据"}`）。关于工作簿的每条问题都写明读取的工作表，如“disputes.xlsx（工作表 数据）”。
  Workbooks: the sheet whose header fits the contract best is read (or the one named); every problem
  names the sheet read.
- 空行：空行和只含空白的行（CSV 和 Excel 相同）被忽略，不算问题。Blank and whitespace-only rows are ignored.
- 日期：`2021-03-05`、`2021/3/5`、`2021.3.5`、`2021年3月5日` 均可，可带时间（如 `2021-03-05 14:30`，只取日期）；
  Excel 的日期单元格可直接使用，工作簿日期列中日期格式丢失、只显示序号（如 44260）的数值单元格也按日期读取。
  Dates: 2021-03-05, 2021/3/5, 2021.3.5 or 2021年3月5日, with or without a time of day (the date is
  taken); Excel date cells, and serial numbers in a date column of a workbook.
- 数字与编号：全角数字（如 `１２`）按半角读取；金额可带千位分隔符（`12,345.00`）；编号中的全角字母和数字按半角读取
  （全角括号等保留）。仍无法识别的值，若含全角字符，问题中会说明。Numbers: full-width digits are read as
  half-width; amounts may have thousands separators; full-width letters and digits in ids are made
  half-width.
- 金额以元为单位，可写到分（两位小数，如 `12345.00`）；可带或不带千位分隔符，`12,345.00` 与 `12345.00`
  相同（CSV 中带逗号的金额须加引号，Excel 导出时会自动加）。Amounts are in yuan, to the fen (two
  decimals); they may be written with or without thousands separators, `12,345.00` or `12345.00`
  (in a CSV a value with a comma is quoted, as Excel does when it exports).
- 同比：某年的上年数字仅在来源台账完整覆盖上年时给出，否则不作比较。每个台账单独判断：按其归年日期列（见各台账的
  “归年日期”），台账覆盖其最早一年到最晚一年之间的各年（中间某年没有记录即为 0）；最早一年若没有 1 月至 6 月的记录，
  视为仅含上年结转案件的残留，不算覆盖、不作比较。议题台账随会议台账判断；一个指标来自几个台账的，几个台账都须覆盖
  上年。人工填报指标的上年数取上年的参数文件。Year-on-year: a previous-year value is given only when every
  source ledger covers that year in full. Each ledger is judged on its own, by its year column: it
  covers every year from its first to its last (a year in between with no row is a year of zeros),
  except that a first year with no row dated January to June holds only cases carried over into the
  period and is not compared against. Topics follow the meetings ledger; manual figures take last
  year's value from last year's params file.
- 年度缺失：生成某年的报告时，若劳动人事争议案件台账（`disputes`）或欠薪线索台账（`wage_arrears_leads`）不覆盖该年
  （按上一条：没有该年的记录，或该年只是台账最早一年的结转残留），程序认为台账目录选错，报错停止，而不是输出一份全为 0
  的报告；其他台账没有该年记录的，相应数字为 0，比率显示“—”。A missing year: a report for a year that
  the disputes or wage-arrears ledger does not cover (as above) stops with an error, as the data folder
  is the wrong one; any other ledger without rows that year gives zeros, and rates show “—”.
- 是/否 列只能填“是”或“否”。Flag columns hold 是 or 否.
- 标记为“个人信息”的列（姓名、身份证号、电话）在读取校验后立即丢弃，不进入任何输出。
  Columns marked personal are dropped right after validation and never reach any output.
- 校验不通过时，程序列出每个问题的文件、行号、列名、错误值和应填内容，并以非零状态退出。
  A failed validation lists every problem with file, line, column, value and what was expected.
"""


def _ledger_section(spec: c.LedgerSpec) -> list[str]:
    out = [f'<a id="ledger-{spec.name}"></a>', "", f"## `{spec.name}` — {spec.zh} / {spec.en}", ""]
    year = spec.year_column or "（见说明）"
    out.append(f"主键 key: `{spec.key}`；归年日期 year column: `{year}`")
    out.append("")
    out.append(
        "| 列 column | 类型 type | 含义（也可作表头）| meaning | 必填 required | 允许值 allowed | 个人信息 personal |"
    )
    out.append("|---|---|---|---|---|---|---|")
    for col in spec.columns:
        allowed = "、".join(col.allowed) if col.allowed else (
            f"≥ {col.minimum}" if col.kind in ("int", "amount") else "")  # fmt: skip
        if col.allowed_from:
            allowed = (
                f"机关档案 `{profile_key(col.allowed_from)}` 所列名称 / names in the bureau profile"
            )
        out.append(f"| `{col.name}` | {KIND_ZH[col.kind]} | {col.zh} | {col.en} | "
                   f"{'是' if col.required else '否'} | {allowed} | {'**是**' if col.personal else ''} |")  # fmt: skip
    rules = [
        f"`{o.later}` 不早于 `{o.earlier}` / `{o.later}` ≥ `{o.earlier}`" for o in spec.date_orders
    ]
    if spec.notes_zh:
        rules.append(f"{spec.notes_zh} / {spec.notes_en}" if spec.notes_en else spec.notes_zh)
    if rules:
        out += ["", "行内规则 / row rules:", ""] + [f"- {r}" for r in rules]
    out.append("")
    return out


def _value_shown(value: object, unit: str) -> str:
    """The expected value as the report writes it (66.67%, 0.3比1, 2.68万元, —)."""
    shown = number(value, unit)  # type: ignore[arg-type]
    return shown if value is None or unit in ("%", "比 1") else f"{shown} {unit}"


def _metric_lines(m: Metric) -> list[str]:
    out = [f'<a id="metric-{m.id}"></a>', "", f"### `{m.id}` — {m.name}", ""]
    if m.is_manual:
        out += [f"- 单位 unit：{m.unit}；来源 source：人工填报 manual（params）",
                f"- 口径 definition：{m.definition}",
                "- 人工填报，无示例：数值取自年度参数文件，不由台账计算。Manual figure: no worked "
                "example, the value comes from the params file.", ""]  # fmt: skip
        return out
    sources = " + ".join(f"`{s}`" for s in m.ledgers)
    out += [
        f"- 单位 unit：{m.unit}；来源 source：{sources}",
        f"- 口径 definition：{m.definition}",
        "",
    ]
    for n, example in enumerate(m.examples, 1):
        out += [f"示例 {n} / example {n}：{example.year} 年，应得 expected "
                f"**{_value_shown(example.value, m.unit)}**。{example.note}", ""]  # fmt: skip
        for ledger, rows in example.tables().items():
            header = [
                f"`{c}`（不读取 not read）" if c in example.unread else f"`{c}`" for c in rows[0]
            ]
            out += [f"`{ledger}`：", "", "| " + " | ".join(header) + " |",
                    "|" + "---|" * len(header)]  # fmt: skip
            out += ["| " + " | ".join(row.values()) + " |" for row in rows]
            out.append("")
    return out


def _metrics_section() -> list[str]:
    out = ["## 指标口径 / Metric definitions", "",
           "报告中每个数字的编号、名称、单位、来源台账和计算口径。比率以百分数保留两位小数（四舍五入），"
           "比值保留一位小数，写作“X 比 1”。Every figure of the report; rates are percentages rounded "
           "half-up to two decimals, ratios to one decimal.", "",
           "每个由台账计算的指标都附有示例：几行手工编写的台账记录（只列编号和该指标读取的列）、年度、应得的数值"
           "和一句说明，示例覆盖口径点名的边界情况（1 月 1 日与 12 月 31 日、两年前结转的案件、同一机构两次获批、"
           "恰好落在 5 上的四舍五入）。测试逐一运行这些示例，结果不符即失败。标“不读取”的列是口径明言不看的列，"
           "列出来以示它不影响结果。Each ledger figure has worked examples: hand-made rows (the id and "
           "the columns the rule reads), the year and the value they must give; the tests run them. "
           "Columns marked “not read” are shown to prove they do not matter.", "",
           "示例中形如 `{lecture_brand}` 的值指机关档案 `programmes` 下的名称，`{street_1}`、`{town_1}`、"
           "`{zone_1}` 指档案所列的第一个街道、镇、开发区（`{street_2}` 为第二个街道）；各局不同，测试时以样例机关的名称代入。"
           "Values like `{lecture_brand}` stand for the bureau profile's programme names, `{street_1}` "
           "and the like for the profile's streets, towns and zones.", "",
           "| 编号 id | 名称 name | 单位 unit | 来源 source |", "|---|---|---|---|"]  # fmt: skip
    for m in CATALOGUE.values():
        source = (
            "人工填报 manual（params）" if m.is_manual else " + ".join(f"`{s}`" for s in m.ledgers)
        )
        out.append(f"| [`{m.id}`](#metric-{m.id}) | {m.name} | {m.unit} | {source} |")
    out.append("")
    for m in CATALOGUE.values():
        out += _metric_lines(m)
    return out


def render_contract() -> str:
    lines = [HEADER]
    lines.append("## 台账一览 / Ledgers\n")
    lines += [f"- `{s.name}` — {s.zh} / {s.en}" for s in c.LEDGERS.values()]
    lines.append("")
    for spec in c.LEDGERS.values():
        lines += _ledger_section(spec)
    lines += _metrics_section()
    lines += DERIVED_SECTION
    return "\n".join(lines)


# The numbers derived from a figure and its last-year value: how the text's 比上年 phrases are made
# (helpers.report.narrative.yoy), so that a reviewer can recompute "增长6.4%" from two cards.
DERIVED_SECTION = [
    '<a id="derived"></a>', "",
    "## 上年数、比上年变化与增长率 / Last year, change and growth", "",
    "- **上年数**：用本次读取的台账、按同一口径对上一年重新计算（台账覆盖上一整年时才计算，否则不作比较）；"
    "人工填报指标的上年数取上一年度参数文件中的值。Last year's value is recomputed from the same "
    "ledgers by the same rule; a manual figure's comes from last year's params file.",
    "- **历年数** `<编号>@<年度>`：趋势图中以前年度的点，用同一口径对该年重新计算（如 "
    "`disputes.accepted_total@2019`）；本年度的点就是该指标本身。A trend's earlier points are the "
    "figure recomputed for that year by the same rule.",
    "- **变化** `<编号>.change`：本年数 − 上年数。计数以指标自身的单位表示；比率以百分点表示，"
    "四舍五入保留两位小数。Change: this year minus last year; for rates in percentage points, "
    "rounded half-up to two decimals.",
    "- **增长率** `<编号>.growth`：|本年数 − 上年数| ÷ 上年数 × 100，四舍五入保留一位小数，"
    "去掉末尾的 0（如 6.4%、10%）；上年数为 0 时不写增长率。Growth: the absolute change over last "
    "year's value, in percent, rounded half-up once to one decimal; none when last year is 0.",
    "- **写法**：计数写“比上年增加（减少）X件、增长（下降）Y%”；比率写“比上年提高（下降）X个百分点”；"
    "两年相同写“与上年持平”。Wording: counts state the difference and the growth, rates the change "
    "in points, equal values 与上年持平.",
    "- **哪些指标写比上年**：只有年度参数文件 `comparisons` 中列出的指标，由分析人员逐年确定。"
    "Only the figures listed under the params file's `comparisons` are compared.",
    "",
]  # fmt: skip


def render_bureau_ledgers(profile, bureau: str) -> str:
    """One bureau's page beside the contract: the ledgers its profile declares, documented as the
    contract's are (its own figures are defined, with their 口径 and examples, in its notebook)."""
    specs = c.local_ledgers(profile)
    lines = [
        f"# {profile.name}的自有台账 / Ledgers of the bureau's own ({bureau})", "",
        f"> 本文件由 `python -m helpers contract-doc --bureau {bureau} --out docs/bureaus/{bureau}.md` "
        f"从机关档案 `params/{bureau}/bureau.yaml` 生成，请勿手工修改。/ Generated from the bureau's "
        "profile; do not edit by hand.", "",
        "这些台账在数据合同（[data-contract.md](../data-contract.md)）之外，由本机关在档案的 `ledgers` 下声明；"
        "文件放在台账目录中，名为 `<台账名>.csv`（或 `.xlsx`、`.xls`），按与合同台账相同的规则读取和校验，错误信息"
        "同样指明文件、行、列、值和应填内容。本机关自有指标在其笔记本中定义。/ Declared under `ledgers` in "
        "the profile, read and validated by the contract's rules; the bureau's own figures are "
        "defined in its notebook.", "",
    ]  # fmt: skip
    if not specs:
        lines += ["本机关没有自有台账。/ No ledger of its own.", ""]
    for spec in specs.values():
        lines += _ledger_section(spec)
    return "\n".join(lines)
