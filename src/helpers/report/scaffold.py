"""`make new-year YEAR=2023`: start next year's params file from the last one.

Dates and the document number move on a year; every passage is kept as a starting point but
marked 【待改写】 so that none is published unchanged by accident. The file carries the params rules
as comments, since analysts edit it by hand and never see the docs at that moment.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from helpers import config
from helpers.errors import ParamsError
from helpers.figures.catalogue import CATALOGUE
from helpers.report.params import (
    DISCLOSURE_PASSAGE_KEYS,
    PASSAGE_KEYS,
    TO_REWRITE,
    load_params,
    rules_comment,
)


class _Dumper(yaml.SafeDumper):
    """Multi-line passages as block scalars, so the file stays readable for analysts."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _next_year(date: dt.date) -> dt.date:
    try:
        return date.replace(year=date.year + 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year + 1, day=28)


def _mark(text: str) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join(p if p.startswith(TO_REWRITE) else f"{TO_REWRITE}{p}" for p in paragraphs)


def _dump(data: object, indent: int = 0) -> str:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _render(data: dict, year: int, source_year: int, confirmed: list[str]) -> str:
    """The new file, written section by section so that it carries the rules and, at each key, what
    it is for: yaml.dump alone would drop every comment."""
    header = (
        f"# {year} 年度参数文件，由 make new-year 从 {source_year} 年复制生成。\n"
        f"# 标有“{TO_REWRITE}”的段落、文号、索引号和空着的人工填报数字须按 {year} 年实际情况"
        "改写、填写后再生成报告。\n#\n" + rules_comment()
    )
    figures = ""
    for key in data["manual_figures"]:
        metric = CATALOGUE.get(key)
        note = f"  # {metric.name}（单位：{metric.unit}）" if metric else ""
        figures += f"  {yaml.safe_dump(key).splitlines()[0]}:{note}\n"
    passages = "".join(
        f"  # {PASSAGE_KEYS[key]}\n" + _dump({key: text}, 2) + "\n"
        for key, text in data["passages"].items()
    )
    reused_hint = f"（{source_year} 年确认沿用的：{', '.join(confirmed)}）" if confirmed else ""
    return (
        f"{header}\n"
        + _dump({"year": data["year"]}) + "\n"
        + _dump({"letter": data["letter"]}) + "\n"
        + "# 人工填报数字：全部填写，只写数字，不带单位。\n"
        + f"manual_figures:\n{figures}\n"
        + "# 段落中确需写出的目录以外的数字，按段落键列出原文，如 key_tasks: [\"3个\"]（见规则 2）。\n"
        + _dump({"numbers_in_passages": data["numbers_in_passages"]}) + "\n"
        + f"# 有意沿用上一年原文的段落键（见规则 3），逐年确认{reused_hint}。\n"
        + "reused_passages: []\n\n"
        + "# 与上年比较的指标编号：只对列出的指标写“比上年增加/减少”，由分析人员逐年确定。\n"
        + _dump({"comparisons": data["comparisons"]}) + "\n"
        + f"passages:\n{passages}"
        + _disclosure(data.get("disclosure"))
    )  # fmt: skip


def _disclosure(section: dict | None) -> str:
    """The disclosure report's section: passages marked to rewrite, manual figures emptied."""
    if not section:
        return ""
    figures = "".join(
        f"    {key}:  # {CATALOGUE[key].name}（单位：{CATALOGUE[key].unit}）\n"
        for key in section["manual_figures"]
    )
    passages = "".join(
        f"    # {DISCLOSURE_PASSAGE_KEYS[key]}\n" + _dump({key: _mark(text)}, 4) + "\n"
        for key, text in section["passages"].items()
    )
    return ("\n# 政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）的段落和人工填报数字。\n"
            f"disclosure:\n  manual_figures:\n{figures}  passages:\n{passages}")  # fmt: skip


def scaffold(
    year: int, params_dir: Path | None = None, bureau: str = config.DEFAULT_BUREAU
) -> Path:
    """Next year's params file beside the bureau's profile, from its latest earlier one."""
    params_dir = params_dir or config.bureau_dir(bureau)
    target = params_dir / f"{year}.yaml"
    if target.exists():
        raise ParamsError(f"{target}: 已存在，不会覆盖 / already exists, not overwritten")
    earlier = sorted(
        int(p.stem) for p in params_dir.glob("*.yaml") if p.stem.isdigit() and int(p.stem) < year
    )
    if not earlier:
        raise ParamsError(f"{params_dir}: 没有更早年度的参数文件可作起点 / no earlier params file")
    source = load_params(params_dir / f"{earlier[-1]}.yaml")
    data = source.model_dump(mode="python")
    shift = year - source.year
    data["year"] = year
    letter = data["letter"]
    for key in ("date", "publish_date", "print_date"):
        if letter.get(key) is None:
            continue
        for _ in range(shift):
            letter[key] = _next_year(letter[key])
        letter[key] = letter[key].isoformat()
    # Title line breaks spell last year's title; the new year's are broken afresh.
    letter["title_lines"] = []
    letter["report_title_lines"] = []
    letter["document_number"] = re.sub(
        r"〔(\d{4})〕", lambda m: f"〔{int(m.group(1)) + shift}〕", letter["document_number"]
    )
    for key in ("index_number", "document_number"):
        letter[key] = f"{TO_REWRITE}{letter[key]}"
    data["passages"] = {key: _mark(text) for key, text in data["passages"].items()}
    data["manual_figures"] = dict.fromkeys(data["manual_figures"])  # must be filled in again
    # Reuse is confirmed for one year against the year before; the new year confirms afresh.
    text = _render(data, year, source.year, data["reused_passages"])
    target.write_text(text, encoding="utf-8")
    return target
