"""`make new-year YEAR=2023`: start next year's params file from the last one; `make new-bureau`:
start a bureau, with a profile to fill in and a first year's params file with every key empty.

Dates and the document number move on a year; every passage is kept as a starting point but
marked 【待改写】 so that none is published unchanged by accident. A year whose source has no
disclosure section gets one with every key empty. The file carries the params rules as comments,
since analysts edit it by hand and never see the docs at that moment.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from helpers import config
from helpers.bureau import TO_FILL
from helpers.errors import ParamsError
from helpers.figures.catalogue import CATALOGUE, DISCLOSURE, RULE_OF_LAW, of_report
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


# What a passage read only by the bureau's own template is said to be.
OWN_PASSAGE = "本机关自有模板读取的段落 / read by the bureau's own template"


def _render(data: dict, year: int, origin: str, confirmed: list[str], source_year: int) -> str:
    """The new file, written section by section so that it carries the rules and, at each key, what
    it is for: yaml.dump alone would drop every comment."""
    header = (
        f"# {year} 年度参数文件，{origin}。\n"
        f"# 标有“{TO_REWRITE}”的段落、文号、索引号和空着的人工填报数字须按 {year} 年实际情况"
        "改写、填写后再生成报告。\n#\n" + rules_comment()
    )
    figures = ""
    for key in data["manual_figures"]:
        metric = CATALOGUE.get(key)
        note = f"  # {metric.name}（单位：{metric.unit}）" if metric else ""
        figures += f"  {yaml.safe_dump(key).splitlines()[0]}:{note}\n"
    passages = "".join(
        f"  # {PASSAGE_KEYS.get(key, OWN_PASSAGE)}\n" + _dump({key: text}, 2) + "\n"
        for key, text in data["passages"].items()
    )
    reused_hint = f"（{source_year} 年确认沿用的：{', '.join(confirmed)}）" if confirmed else ""
    return (
        f"{header}\n"
        + _dump({"year": data["year"]}) + "\n"
        + _dump({"letter": data["letter"]}) + "\n"
        + "# 人工填报数字：全部填写，只写数字，不带单位。\n"
        + f"manual_figures:\n{figures}\n"
        + _sources(data["manual_figures"], 0)
        + "# 段落中确需写出的目录以外的数字，按段落键列出原文，如 key_tasks: [\"3个\"]（见规则 2）。\n"
        + _dump({"numbers_in_passages": data["numbers_in_passages"]}) + "\n"
        + f"# 有意沿用上一年原文的段落键（见规则 3），逐年确认{reused_hint}。\n"
        + "reused_passages: []\n\n"
        + "# 与上年比较的指标编号：只对列出的指标写“比上年增加/减少”，由分析人员逐年确定。\n"
        + _dump({"comparisons": data["comparisons"]}) + "\n"
        + f"passages:\n{passages}"
        + _disclosure(data.get("disclosure"))
    )  # fmt: skip


def empty_disclosure() -> dict:
    """A disclosure section with every passage still to write and every manual figure empty."""
    return {
        "manual_figures": {m.id: None for m in of_report(DISCLOSURE) if m.is_manual},
        "passages": dict.fromkeys(DISCLOSURE_PASSAGE_KEYS, TO_REWRITE),
    }


def _sources(figures: dict, indent: int) -> str:
    """The block asking, for each manual figure, where it comes from (shown on its card)."""
    pad = " " * indent
    lines = "".join(
        f'{pad}  {key}: {{source: "", filled_by: "", filled_on: null}}\n' for key in figures
    )
    return (f"{pad}# 人工填报数字的出处：来源文件、填报人、填报日期（审核版的数字卡片中列出，建议逐项填写）。\n"
            f"{pad}manual_sources:\n{lines}\n")  # fmt: skip


def _disclosure(section: dict | None) -> str:
    """The disclosure report's section: passages marked to rewrite, manual figures emptied; a year
    whose source has none gets every key empty, so that the disclosure report is one fill-in
    away rather than a section to write from the README."""
    section = section or empty_disclosure()
    figures = "".join(
        f"    {key}:  # {CATALOGUE[key].name}（单位：{CATALOGUE[key].unit}）\n"
        for key in section["manual_figures"]
    )
    passages = "".join(
        f"    # {DISCLOSURE_PASSAGE_KEYS.get(key, OWN_PASSAGE)}\n"
        + _dump({key: _mark(text)}, 4)
        + "\n"
        for key, text in section["passages"].items()
    )
    return ("\n# 政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）的段落和人工填报数字。\n"
            f"disclosure:\n  manual_figures:\n{figures}"
            + _sources(section["manual_figures"], 2)
            + f"  passages:\n{passages}")  # fmt: skip


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
    origin = f"由 make new-year 从 {source.year} 年复制生成"
    text = _render(data, year, origin, data["reused_passages"], source.year)
    target.write_text(text, encoding="utf-8")
    return target


def first_year(year: int, bureau: str) -> dict:
    """A first params file's content: every passage to write, every manual figure empty, the
    letter's texts marked (its dates default to early the next year)."""
    marked = f"{TO_REWRITE}"
    return {
        "year": year,
        "letter": {
            "document_number": f"{marked}某人社〔{year + 1}〕1号",
            "index_number": marked,
            "addressee": f"{marked}区人民政府",
            "date": dt.date(year + 1, 1, 31).isoformat(),
            "publish_date": dt.date(year + 1, 2, 28).isoformat(),
            "publisher": marked,
            "signer": "",
            "letterhead": True,
            "issuer_mark": "",
            "sealed": True,
            "title_lines": [],
            "report_title_lines": [],
            "copy_to": [],
            "printer": "",
            "print_date": None,
        },
        "manual_figures": {m.id: None for m in of_report(RULE_OF_LAW) if m.is_manual},
        "numbers_in_passages": {},
        "reused_passages": [],
        "comparisons": [],
        "passages": dict.fromkeys(PASSAGE_KEYS, TO_REWRITE),
        "disclosure": empty_disclosure(),
    }


PROFILE_SKELETON = """\
# 机关档案：由 make new-bureau 生成。标有“{mark}”的键须按本机关实际填写（填写后删去标记），
# 填完之前不生成报告。台账中“所在街镇/开发区”“所在单位”“组织单位”“栏目”等列只接受本文件列出的名称。
# Bureau profile: fill in every key marked {mark}; the README's 机关档案 section says what each is.

# 机关名称：报告标题、报送函和落款使用
name: {mark}机关全称，如某某区人力资源和社会保障局
short_name: {mark}简称，如区人社局（报告中的自称“我局”取其末字）
signature: {mark}落款机关名称
district: {mark}所在区县，如某某区
# jurisdiction: 全区   # 报告中对本辖区的称谓；省略时按 district 的末字推定

organisations:
  streets: [{mark}街道名称]          # 街道，逗号分隔
  towns: []                          # 镇；没有则留空
  development_zones: []              # 开发区、园区；没有则留空
  arbitration_court: {mark}劳动人事争议仲裁院名称
  enforcement_units: [{mark}执法单位名称]
  outreach_organisers: [{mark}执法普法培训单位, {mark}普法讲堂品牌]
  publicity_columns: [{mark}政策短视频栏目]

# 指标所指的名称，须分别列在上面的 outreach_organisers、publicity_columns 中
programmes:
  lecture_brand: {mark}普法讲堂品牌
  policy_video_column: {mark}政策短视频栏目
  enforcement_trainer: {mark}执法普法培训单位

# 导入真实导出文件时的列名别名和工作表名（可省略）:
# aliases: {{disputes: {{受理机构: body_name}}}}
# sheets: {{disputes: 争议案件}}
"""


def start_bureau(bureau: str, year: int) -> tuple[Path, Path]:
    """A new bureau's folder: its profile to fill in and the first year's params file with
    every key empty and marked. Nothing is overwritten."""
    from helpers.bureau import _BUREAU_ID

    if not _BUREAU_ID.fullmatch(bureau or ""):
        raise ParamsError(f"机关代号“{bureau}”无效，应为小写字母、数字和连字符，如 xinqu / "
                          "a bureau id is lower-case letters, digits and hyphens")  # fmt: skip
    folder = config.bureau_dir(bureau)
    profile, params = folder / config.PROFILE_FILE, folder / f"{year}.yaml"
    for path in (profile, params):
        if path.exists():
            raise ParamsError(f"{path}: 已存在，不会覆盖 / already exists, not overwritten")
    folder.mkdir(parents=True, exist_ok=True)
    profile.write_text(PROFILE_SKELETON.format(mark=TO_FILL), encoding="utf-8")
    origin = f"由 make new-bureau 生成，为 {bureau} 的第一个年度"
    params.write_text(_render(first_year(year, bureau), year, origin, [], year), encoding="utf-8")
    return profile, params
