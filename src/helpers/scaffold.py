"""`make new-year YEAR=2023`: start next year's params file from the last one.

Dates and the document number move on a year; every passage is kept as a starting point but
marked 【待改写】 so that none is published unchanged by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from . import config
from .errors import ParamsError
from .params import TO_REWRITE, load_params


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


def scaffold(year: int, params_dir: Path | None = None) -> Path:
    params_dir = params_dir or config.PARAMS_DIR
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
    for key in ("date", "publish_date"):
        for _ in range(shift):
            letter[key] = _next_year(letter[key])
        letter[key] = letter[key].isoformat()
    letter["document_number"] = re.sub(
        r"〔(\d{4})〕", lambda m: f"〔{int(m.group(1)) + shift}〕", letter["document_number"]
    )
    for key in ("index_number", "document_number"):
        letter[key] = f"{TO_REWRITE}{letter[key]}"
    data["passages"] = {key: _mark(text) for key, text in data["passages"].items()}
    data["manual_figures"] = dict.fromkeys(data["manual_figures"])  # must be filled in again
    header = (
        f"# {year} 年度参数文件，由 make new-year 从 {earlier[-1]} 年复制生成。\n"
        f"# 标有“{TO_REWRITE}”的段落和人工填报数字须按 {year} 年实际情况改写后再生成报告。\n"
    )
    target.write_text(header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                                         width=1000), encoding="utf-8")  # fmt: skip
    return target
