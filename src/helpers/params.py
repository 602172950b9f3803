"""The year's params file (params/<YEAR>.yaml): everything of a report that no ledger holds.

Validated on load by a typed model, so a misspelt or missing key stops the run with the key and
the file named, instead of a blank paragraph in a public document.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ParamsError
from .metrics import CATALOGUE

# Analyst-written passages, one per key, in the order they appear in the report.
PASSAGE_KEYS: dict[str, str] = {
    "intro_basis": "引言：编制依据（所依据的文件，用顿号分隔）",
    "intro_overview": "引言：年度总体情况（可多段，空行分段）",
    "overall_planning": "（一）统筹推进法治政府建设",
    "key_tasks_heading": "（二）的小标题，如“贯彻落实引领区重点任务”",
    "key_tasks": "（二）重点任务的落实情况",
    "approval_reform": "（三）一是：涉企审批服务，接审批发证数字",
    "online_services": "（三）二是：“一网通办”政务服务，接窗口数字",
    "city_governance": "（三）三是：“一网统管”",
    "open_government": "（三）四是：政务公开，接依申请公开数字",
    "collective_decisions": "（四）一是：集体决策制度，接局务会数字",
    "fair_competition": "（四）二是：公平竞争审查，接审查数字",
    "document_procedure": "（五）一是：规范性文件制定程序，接出台数字",
    "document_interpretation": "（五）二是：政策解读和评估清理",
    "officer_management": "（六）一是：执法人员管理，接培训考试人数",
    "enforcement_systems": "（六）二是：行政执法“三项制度”，接纠错败诉情况",
    "mediation": "（七）一是：调解体系建设，接调解组织和争议案件数字",
    "labour_supervision": "（七）二是：劳动用工智能监管",
    "wage_arrears": "（七）三是：根治欠薪，接线索数字",
    "wage_arrears_after": "（七）三是：根治欠薪，线索数字之后的做法",
    "congress_supervision": "（八）一是：接受人大、政协监督，接建议提案数字",
    "judicial_supervision": "（八）二是：接受司法监督，接行政诉讼数字",
    "reconsideration": "（八）三是：接受复议监督，接行政复议数字",
    "audit_supervision": "（八）四是：审计监督",
    "staff_capacity": "（九）工作人员依法行政意识和能力（可多段）",
    "outreach_responsibility": "（十）一是：落实普法责任制，接执法大队培训数字",
    "outreach_responsibility_after": "（十）一是：培训数字之后的做法",
    "outreach_brand": "（十）二是：普法品牌，接“秒懂政策”和大讲堂数字",
    "outreach_plan": "（十）三是：普法规划",
    "problems": "二、存在的主要问题（可多段）",
    "leader_intro": "三、主要负责人履职：总述",
    "leader_coordination": "三、一是：统筹协调，接考核得分",
    "leader_legislation": "三、二是：带头研究立法",
    "leader_example": "三、三是：率先垂范，接败诉纠错情况",
    "plan_intro": "四、下一年度工作计划：总述",
    "plan_items": "四、下一年度工作计划：各项安排（每段一项，空行分段）",
}

TO_REWRITE = "【待改写】"


class Bureau(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="机关全称，如 浦东新区人力资源和社会保障局（医疗保障局）")
    short_name: str = Field(description="简称，如 区人社局")
    signature: str = Field(description="落款机关名称")


class Letter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document_number: str
    index_number: str
    addressee: str
    date: dt.date
    publish_date: dt.date
    publisher: str


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int
    bureau: Bureau
    letter: Letter
    # None marks a figure still to be filled in (as `make new-year` leaves them).
    manual_figures: dict[str, int | float | None]
    passages: dict[str, str]

    @field_validator("manual_figures")
    @classmethod
    def _known_manual_figures(
        cls, value: dict[str, int | float | None]
    ) -> dict[str, int | float | None]:
        expected = {m.id for m in CATALOGUE.values() if m.is_manual}
        unknown = sorted(set(value) - expected)
        missing = sorted(expected - set(value))
        if unknown:
            raise ValueError(f"未知的人工填报指标 / unknown manual figure: {', '.join(unknown)}")
        if missing:
            raise ValueError(f"缺少人工填报指标 / missing manual figure: {', '.join(missing)}")
        return value

    @field_validator("passages")
    @classmethod
    def _known_passages(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(PASSAGE_KEYS))
        missing = [k for k in PASSAGE_KEYS if k not in value]
        if unknown:
            raise ValueError(f"未知的段落键 / unknown passage key: {', '.join(unknown)}")
        if missing:
            raise ValueError(f"缺少段落键 / missing passage key: {', '.join(missing)}")
        empty = [k for k, v in value.items() if not str(v).strip()]
        if empty:
            raise ValueError(f"段落不能为空 / empty passage: {', '.join(empty)}")
        return {k: str(v).strip() for k, v in value.items()}


def _location(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(顶层 / top level)"


def load_params(path: Path, year: int | None = None) -> Params:
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"{path}: 参数文件不存在 / params file not found"
                          + (f"（可运行 make new-year YEAR={year} 生成）" if year else ""))  # fmt: skip
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ParamsError(f"{path}: 不是有效的 YAML / not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: 应为键值映射 / expected a mapping of keys")
    try:
        params = Params.model_validate(raw)
    except ValidationError as error:
        lines = [f"{path}: 参数文件有误 / invalid params file:"]
        for item in error.errors():
            key = _location(item["loc"])
            if item["type"] == "extra_forbidden":
                lines.append(f"  - 键 {key}: 未知的键 / unknown key")
            elif item["type"] == "missing":
                lines.append(f"  - 键 {key}: 缺少必填键 / missing key")
            else:
                lines.append(f"  - 键 {key}: {item['msg']}")
        raise ParamsError("\n".join(lines)) from None
    if year is not None and params.year != year:
        raise ParamsError(f"{path}: 键 year 为 {params.year}，但报告年度为 {year} / "
                          f"year is {params.year}, the report is for {year}")  # fmt: skip
    return params


def unfinished(params: Params) -> list[str]:
    """What `make new-year` left for the analyst: keys still marked 【待改写】 anywhere in the
    file, and manual figures not filled in. A report is not built until this is empty."""
    marked = []

    def walk(value: object, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, str) and TO_REWRITE in value:
            marked.append(key)

    walk(params.model_dump(mode="json"), "")
    empty = [f"manual_figures.{k}" for k, v in params.manual_figures.items() if v is None]
    return marked + empty


def check_finished(params: Params, path: Path) -> None:
    left = unfinished(params)
    if left:
        raise ParamsError(
            f"{path}: 以下内容仍待改写或填写（标有“{TO_REWRITE}”或人工填报数字为空），请完成后再生成报告 / "
            f"still to be rewritten or filled in:\n" + "\n".join(f"  - {key}" for key in left)
        )


def manual_values(path: Path | None) -> dict[str, float | int]:
    """Manual figures of a params file, or none when there is no such file."""
    if path is None or not Path(path).is_file():
        return {}
    return load_params(path).manual_figures
