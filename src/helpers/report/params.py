"""The year's params file (params/<YEAR>.yaml): everything of a report that no ledger holds.

Validated on load by a typed model, so a misspelt or missing key stops the run with the key and
the file named, instead of a blank paragraph in a public document.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from helpers.bureau import BureauProfile, default_profile, profile_beside
from helpers.errors import ParamsError
from helpers.figures.catalogue import CATALOGUE, DISCLOSURE, RULE_OF_LAW
from helpers.yamlfile import MARKUP_RE, excerpt, read_mapping, read_yaml, translate_errors

# Analyst-written passages, one per key, in the order they appear in the report.
PASSAGE_KEYS: dict[str, str] = {
    "intro_basis": "引言：编制依据（所依据的文件，用顿号分隔）",
    "intro_overview": "引言：年度总体情况（可多段，空行分段）",
    "overall_planning": "（一）统筹推进法治政府建设",
    "key_tasks_heading": "（二）的小标题，如“贯彻落实上级部署的重点任务”",
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
    "outreach_responsibility": "（十）一是：落实普法责任制，接执法机构培训数字",
    "outreach_responsibility_after": "（十）一是：培训数字之后的做法",
    "outreach_brand": "（十）二是：普法品牌，接政策短视频栏目和讲堂品牌数字",
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

# The rules an analyst follows when writing a params file. One text, written as comments into every
# scaffolded file and the sample files' headers, and available to the docs via rules_comment().
PARAMS_RULES: tuple[str, ...] = (
    "段落中不写统计数字：数字由模板根据台账和人工填报数字生成，紧接在相应段落之后插入。",
    "确需在段落中写出目录以外的数字（如“3个”），在 numbers_in_passages 下按段落键列出原文，"
    '如 key_tasks: ["3个"]；列出的写法在段落中不再出现时同样报错。',
    "与上一年度参数文件相同的段落不予发布；确属有意沿用（如小标题），把段落键列入 reused_passages。",
    f"“{TO_REWRITE}”由 make new-year 加上，表示该处仍是上一年的文字，须按本年度实际改写后删去标记；"
    "只删标记不改写，仍会因与上一年相同而被拒绝。",
    "manual_figures 下的人工填报数字须全部填写，只写数字，不带单位。",
    "日期写作 2024-01-31（也可写 2024年1月31日 或 2024/1/31）。",
    "段落为纯文本，不得包含 HTML 标签或字符实体（如 <a …>、&lt;）。",
)


def rules_comment() -> str:
    """PARAMS_RULES as the YAML comment block that heads a params file."""
    lines = ["# 填写规则："] + [f"# {n}. {rule}" for n, rule in enumerate(PARAMS_RULES, 1)]
    return "\n".join(lines) + "\n"


# Units a computed figure is stated in: the catalogue's own, plus counting words a passage may use
# for the same things. Derived from the catalogue so that a new metric's unit is caught too.
FIGURE_UNITS: frozenset[str] = frozenset(
    {m.unit.replace(" ", "") for m in CATALOGUE.values()} | set("件起个家次场名人%％")
)
_NUMBER = r"(?<![0-9０-９.．])[0-9０-９]+(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?[ \u3000]?(?:万|亿)?"
FIGURE_RE = re.compile(
    _NUMBER
    + "(?:"
    + "|".join(re.escape(u) for u in sorted(FIGURE_UNITS, key=len, reverse=True))
    + ")"
)


def _parse_date(value: object) -> object:
    """Analysts write 2024年1月31日 or 2024/1/31; YAML itself only reads 2024-01-31 as a date."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text) or re.fullmatch(
        r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})", text
    )
    if not match:
        return value
    year, month, day = (int(g) for g in match.groups() if g.isdigit())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("没有这一天 / no such date") from None


class Letter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document_number: str = Field(description="发文字号")
    index_number: str = Field(description="索引号")
    addressee: str = Field(description="主送机关")
    date: dt.date = Field(description="成文日期")
    publish_date: dt.date = Field(description="发布日期")
    publisher: str = Field(description="发布机构")
    # GB/T 9704 layout of the covering letter; every key optional so older files stay valid.
    signer: str = Field(default="", description="签发人姓名（上行文须标注；留空则不标）")
    letterhead: bool = Field(
        default=True,
        description="是否印版头（红色发文机关标志和分隔线）；在普通纸上打印时设为 false",
    )
    issuer_mark: str = Field(
        default="", description="发文机关标志；留空时为落款机关名称加“文件”二字"
    )
    sealed: bool = Field(
        default=True, description="是否加盖印章：true 为盖章落款格式，false 为不盖章落款格式"
    )
    title_lines: list[str] = Field(
        default_factory=list,
        description="公文标题的分行，逐行列出，连起来须与标题原文一致；留空则按词自动分行",
    )
    report_title_lines: list[str] = Field(
        default_factory=list,
        description="附件（报告）标题的分行，逐行列出，连起来须与标题原文一致；留空则按词自动分行",
    )
    copy_to: list[str] = Field(default_factory=list, description="版记：抄送机关，逐个列出")
    printer: str = Field(default="", description="版记：印发机关；留空则不印版记")
    print_date: dt.date | None = Field(default=None, description="版记：印发日期；留空时同成文日期")

    _dates = field_validator("date", "publish_date", "print_date", mode="before")(_parse_date)


# The disclosure report's passages (国办公开办函〔2021〕30号 parts 一, 五, 六), in report order.
DISCLOSURE_PASSAGE_KEYS: dict[str, str] = {
    "proactive": "一、总体情况（一）主动公开",
    "on_request": "一、（二）依申请公开，接收到和办理申请的数字",
    "information_management": "一、（三）政府信息管理",
    "platforms": "一、（四）平台建设",
    "oversight": "一、（五）监督保障",
    "problems": "五、存在的主要问题及改进情况（可多段）",
    "other_matters": "六、其他需要报告的事项，接信息处理费数字",
}


def _manual_of(report: str, value: dict) -> dict:
    """Manual figures must be exactly the manual metrics of one kind of report."""
    expected = {m.id for m in CATALOGUE.values() if m.is_manual and m.report == report}
    unknown = sorted(set(value) - expected)
    missing = sorted(expected - set(value))
    if unknown:
        raise ValueError(f"未知的人工填报指标 / unknown manual figure: {', '.join(unknown)}")
    if missing:
        raise ValueError(f"缺少人工填报指标 / missing manual figure: {', '.join(missing)}")
    return value


def checked_passages(value: dict[str, str], keys: dict[str, str], report: str,
                     info: ValidationInfo | None = None) -> dict[str, str]:  # fmt: skip
    """A report's passages: those its sections read (all of the package's, or as the bureau's
    notebook and templates shape the report: `shapes` in the validation context), none empty,
    surrounding blanks stripped; a key no template reads is a slip of the pen."""
    context = (info.context or {}) if info is not None else {}
    if context.get("any_passages"):  # read for its figures only (manual values, last year's)
        required, known = [], set(value)
        shape = None
    elif (shape := (context.get("shapes") or {}).get(report)) is None:
        required, known = list(keys), set(keys)
    else:
        from helpers.report.shape import known_passages

        required, known = shape.passages(), set(keys) | known_passages(report, shape.bureau)
    # A passage no section reads is let be (a section the notebook left out, another bureau's
    # template); one that is missing is named with its section, and any unread key offered as
    # the misspelling it may be.
    unknown = sorted(str(k) for k in value if k not in known)
    missing = [k for k in required if k not in value]
    if missing:
        where = "" if shape is None else "".join(
            f"（{k}：章节 {shape.section_of(k)}）" for k in missing)  # fmt: skip
        hint = f"；文件中未被读取的键：{', '.join(unknown)}" if unknown else ""
        raise ValueError(f"缺少段落键 / missing passage key: {', '.join(missing)}{where}{hint}")
    empty = [k for k, v in value.items() if not str(v).strip()]
    if empty:
        raise ValueError(f"段落不能为空 / empty passage: {', '.join(empty)}")
    return {k: str(v).strip() for k, v in value.items()}


class ManualSource(BaseModel):
    """Where a manual figure comes from: the document it was read off, who filled it in, when.
    Shown on the figure's card, so a reviewer can check it as they check a ledger figure."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(default="", description="来源文件或材料，如“区政务服务中心2021年工作总结”")
    filled_by: str = Field(default="", description="填报人（科室、姓名）")
    filled_on: dt.date | None = Field(default=None, description="填报日期")

    _dates = field_validator("filled_on", mode="before")(_parse_date)


def _sources_of(sources: dict, figures: dict) -> dict:
    unknown = sorted(set(sources) - set(figures))
    if unknown:
        raise ValueError(f"manual_sources 中的指标不在 manual_figures 中 / not a manual figure: "
                         f"{', '.join(unknown)}")  # fmt: skip
    return sources


class DisclosureParams(BaseModel):
    """The disclosure report's own inputs: its passages and its manual figures."""

    model_config = ConfigDict(extra="forbid")
    manual_figures: dict[str, int | float | None] = Field(description="人工填报数字")
    manual_sources: dict[str, ManualSource] = Field(
        default_factory=dict, description="人工填报数字的出处：来源、填报人、填报日期"
    )
    passages: dict[str, str] = Field(description="人工撰写的段落")

    @field_validator("manual_figures")
    @classmethod
    def _known_manual_figures(cls, value: dict) -> dict:
        return _manual_of(DISCLOSURE, value)

    @model_validator(mode="after")
    def _known_sources(self) -> DisclosureParams:
        _sources_of(self.manual_sources, self.manual_figures)
        return self

    @field_validator("passages")
    @classmethod
    def _known_passages(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        return checked_passages(value, DISCLOSURE_PASSAGE_KEYS, DISCLOSURE, info)


def _unknown_passage_keys(keys: object, info: ValidationInfo | None = None) -> list[str]:
    """Keys naming no passage; the disclosure report's are written "disclosure.<key>"."""
    known = set(PASSAGE_KEYS) | {f"disclosure.{k}" for k in DISCLOSURE_PASSAGE_KEYS}
    context = (info.context or {}) if info is not None else {}
    if context.get("any_passages"):
        return []
    shapes = context.get("shapes") or {}
    if shapes:
        from helpers.report.shape import known_passages

        bureau = next(iter(shapes.values())).bureau
        known |= known_passages(RULE_OF_LAW, bureau)
        known |= {f"disclosure.{k}" for k in known_passages(DISCLOSURE, bureau)}
    return sorted(str(k) for k in keys if k not in known)


def passage_texts(params: Params) -> dict[str, str]:
    """Every analyst-written passage the report's sections read, by the key numbers_in_passages
    and reused_passages use: the rule-of-law report's by key, the disclosure report's prefixed.
    A passage of a section the bureau's notebook leaves out is not checked."""
    shapes = params._shapes

    def present(kind: str, passages: dict[str, str]) -> dict[str, str]:
        shape = shapes.get(kind)
        if shape is None:
            return dict(passages)
        wanted = set(shape.passages())
        return {k: v for k, v in passages.items() if k in wanted}

    texts = present(RULE_OF_LAW, params.passages)
    if params.disclosure is not None:
        texts |= {f"disclosure.{k}": v
                  for k, v in present(DISCLOSURE, params.disclosure.passages).items()}  # fmt: skip
    return texts


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(description="报告年度")
    letter: Letter = Field(description="公文信息")
    # None marks a figure still to be filled in (as `make new-year` leaves them).
    manual_figures: dict[str, int | float | None] = Field(description="人工填报数字")
    manual_sources: dict[str, ManualSource] = Field(
        default_factory=dict, description="人工填报数字的出处：来源、填报人、填报日期"
    )
    # Exact phrases such as "3个" an analyst allows in a passage although they look like figures.
    numbers_in_passages: dict[str, list[str]] = Field(
        default_factory=dict, description="段落中允许出现的数字"
    )
    # Passage keys whose paragraphs deliberately repeat last year's.
    reused_passages: list[str] = Field(default_factory=list, description="确认沿用上一年的段落")
    passages: dict[str, str] = Field(description="人工撰写的段落")
    # Which figures the narrative compares with last year: an analyst's call, not every one.
    comparisons: list[str] = Field(
        default_factory=list,
        description="与上年比较的指标编号（如 disputes.accepted_total），只对列出的指标写“比上年增加/减少”",
    )
    # Last year's published figures, to compare with last year's values recomputed today.
    published_previous: str | None = Field(
        default=None,
        description="上年已发布的 stats.json 的路径（相对于本参数文件所在文件夹）；"
        "省略时使用输出目录中上次生成的上年报告",
    )
    # The government-information disclosure report of the same year (absent: not built).
    disclosure: DisclosureParams | None = Field(
        default=None, description="政府信息公开工作年度报告"
    )

    # The bureau's profile (names, signature, programmes), set by load_params: one place for them.
    _profile: BureauProfile | None = PrivateAttr(default=None)
    _shapes: dict = PrivateAttr(default_factory=dict)

    @property
    def bureau(self) -> BureauProfile:
        return self._profile or default_profile()

    @field_validator("comparisons")
    @classmethod
    def _known_comparisons(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CATALOGUE))
        if unknown:
            raise ValueError(f"未知的比较指标 / unknown metric to compare: {', '.join(unknown)}")
        return value

    @field_validator("manual_figures")
    @classmethod
    def _known_manual_figures(
        cls, value: dict[str, int | float | None]
    ) -> dict[str, int | float | None]:
        return _manual_of(RULE_OF_LAW, value)

    @field_validator("passages")
    @classmethod
    def _known_passages(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        return checked_passages(value, PASSAGE_KEYS, RULE_OF_LAW, info)

    @model_validator(mode="after")
    def _known_sources(self) -> Params:
        _sources_of(self.manual_sources, self.manual_figures)
        return self

    @field_validator("numbers_in_passages", "reused_passages")
    @classmethod
    def _passage_keys_only(cls, value: dict | list, info: ValidationInfo) -> dict | list:
        unknown = _unknown_passage_keys(value, info)
        if unknown:
            raise ValueError(f"未知的段落键 / unknown passage key: {', '.join(unknown)}")
        return value


def _key_name(mapping: str, key: str) -> str | None:
    """A manual figure's name, a passage's description: what a key of those mappings means."""
    if mapping == "manual_figures" and key in CATALOGUE:
        return CATALOGUE[key].name
    if mapping in ("passages", "numbers_in_passages") and key in PASSAGE_KEYS:
        return PASSAGE_KEYS[key]
    return None


def _translate(errors: list[dict], model: type[BaseModel] = Params) -> list[str]:
    """pydantic's errors about a params file, one Chinese-first line per faulty key."""
    return translate_errors(errors, model, _key_name)


def _markup(params: Params) -> list[str]:
    texts = {f"letter.{k}": v for k, v in params.letter.model_dump().items() if isinstance(v, str)}
    texts |= {f"passages.{k}": v for k, v in params.passages.items()}
    if params.disclosure is not None:
        texts |= {f"disclosure.passages.{k}": v for k, v in params.disclosure.passages.items()}
    problems = []
    for key, text in texts.items():
        found = list(dict.fromkeys(excerpt(m.group()) for m in MARKUP_RE.finditer(text)))
        if found:
            shown = "、".join(f"“{f}”" for f in found)
            problems.append(f"键 {key} 含有 HTML 标记 {shown}，段落只能是纯文本，请删去 / "
                            f"{key} contains markup {shown}; write plain text")  # fmt: skip
    return problems


def figures_in(text: str) -> list[str]:
    """Phrases of a passage that state a figure: digits followed by a unit of the catalogue."""
    return list(dict.fromkeys(m.group() for m in FIGURE_RE.finditer(text)))


def _figures(params: Params) -> list[str]:
    problems = []
    for key, text in passage_texts(params).items():
        allowed = params.numbers_in_passages.get(key, [])
        found = figures_in(text)
        for phrase in found:
            if phrase not in allowed:
                problems.append(
                    f"段落 {key} 中写有统计数字“{phrase}”：数字由模板根据台账插入，请删去；"
                    f"确非台账数字的，在 numbers_in_passages.{key} 中列出 / passage {key} states "
                    f'a figure "{phrase}": remove it, or list it under numbers_in_passages'
                )
        for phrase in allowed:
            if phrase not in found:
                problems.append(
                    f"numbers_in_passages.{key} 列出的“{phrase}”已不在段落 {key} 中，请从列表删去 / "
                    f'"{phrase}" no longer occurs in passage {key}; remove it from the list'
                )
    return problems


def _refuse(path: Path, problems: list[str]) -> None:
    if len(problems) == 1:
        raise ParamsError(f"{path}: {problems[0]}")
    raise ParamsError(f"{path}: 参数文件有 {len(problems)} 处问题 / {len(problems)} problems:\n"
                      + "\n".join(f"  - {p}" for p in problems))  # fmt: skip


def load_params(path: Path, year: int | None = None, profile: BureauProfile | None = None,
                shapes: dict | None = None, *, any_passages: bool = False) -> Params:  # fmt: skip
    """Load and check a params file: its shape and types, and passages free of markup and of
    figures the ledgers compute (which would contradict the figures printed beside them).

    The bureau's names come from `profile`, else from the profile beside the file (where a
    bureau's params live), else from the sample bureau's. `shapes` (report kind → shape.Shape)
    are the reports as the bureau's notebooks shape them: the passages their sections read are
    the ones required; without, those of the bureau's own notebooks (the params file's folder
    names the bureau), else every passage of the package's templates. `any_passages` reads a file
    for its figures only (its passages unchecked: last year's file may have other sections)."""
    path = Path(path)
    raw = read_mapping(path, "参数文件不存在 / params file not found"
                       + (f"（可运行 make new-year YEAR={year} 生成）" if year else ""))  # fmt: skip
    if "bureau" in raw:
        raise ParamsError(f"{path}: 键 bureau（机关名称和落款）已移至机关档案 bureau.yaml，只在那里填写，"
                          "请从年度参数文件中删去 / the bureau's names live in its profile "
                          "(bureau.yaml); remove the bureau key")  # fmt: skip
    try:
        if shapes is None and not any_passages and profile_beside(path) is not None:
            from helpers.report.shape import shapes_for

            shapes = shapes_for(path.parent.name)
        params = Params.model_validate(raw, context={"shapes": shapes or {},
                                                     "any_passages": any_passages})  # fmt: skip
    except ValidationError as error:
        lines = [f"{path}: 参数文件有误 / invalid params file:"]
        lines += [f"  - {line}" for line in _translate(error.errors())]
        raise ParamsError("\n".join(lines)) from None
    if year is not None and params.year != year:
        raise ParamsError(f"{path}: 键 year 为 {params.year}，但报告年度为 {year} / "
                          f"year is {params.year}, the report is for {year}")  # fmt: skip
    problems = _markup(params) + _figures(params)
    if problems:
        _refuse(path, problems)
    params._profile = profile or profile_beside(path) or default_profile()
    params._shapes = dict(shapes or {})
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
    # A passage of a section the bureau's notebook leaves out is not asked for.
    shown = passage_texts(params)
    marked = [key for key in marked
              if not (key.startswith("passages.") and key.removeprefix("passages.") not in shown)
              if not (key.startswith("disclosure.passages.")
                      and key.removeprefix("disclosure.passages.") not in
                      {k.removeprefix("disclosure.") for k in shown if k.startswith("disclosure.")})]  # fmt: skip
    empty = [f"manual_figures.{k}" for k, v in params.manual_figures.items() if v is None]
    if params.disclosure is not None:
        empty += [f"disclosure.manual_figures.{k}"
                  for k, v in params.disclosure.manual_figures.items() if v is None]  # fmt: skip
    return marked + empty


def _normalised(paragraph: str) -> str:
    return re.sub(r"\s+", " ", paragraph.replace(TO_REWRITE, "")).strip()


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t\u3000]*\n", text) if p.strip()]


def reused_paragraphs(params: Params, path: Path) -> dict[str, str]:
    """Passage keys with a paragraph unchanged from last year's file in the same folder, each with
    the first such paragraph. Paragraphs still marked 【待改写】 are left to unfinished(); keys
    listed under reused_passages are deliberate."""
    previous = Path(path).parent / f"{params.year - 1}.yaml"
    if not previous.is_file():
        return {}
    try:
        raw = read_yaml(previous)
    except ParamsError as error:
        raise ParamsError(f"{error}（上一年度的参数文件，用于比对 / last year's file, read "
                          "to compare)") from None  # fmt: skip
    passages = raw.get("passages") if isinstance(raw, dict) else None
    disclosure = raw.get("disclosure") if isinstance(raw, dict) else None
    disclosure = disclosure.get("passages") if isinstance(disclosure, dict) else None
    earlier = {
        _normalised(p)
        for section in (passages, disclosure) if isinstance(section, dict)
        for text in section.values() if isinstance(text, str)
        for p in paragraphs(text)
    }  # fmt: skip
    reused = {}
    for key, text in passage_texts(params).items():
        if key in params.reused_passages:
            continue
        same = [p for p in paragraphs(text) if TO_REWRITE not in p and _normalised(p) in earlier]
        if same:
            reused[key] = same[0]
    return reused


def borrowed_names(params: Params) -> dict[str, tuple[str, str]]:
    """Passages (by their place in the file) naming a place or programme of a sample bureau other
    than this one, with the first such name and its bureau: text copied from a sample file."""
    from helpers.bureau import sample_bureaus_names

    foreign = sample_bureaus_names(params.bureau)
    found = {}
    for key, text in passage_texts(params).items():
        hit = next((name for name in sorted(foreign, key=len, reverse=True) if name in text), None)
        if hit is not None:
            where = (f"disclosure.passages.{key.removeprefix('disclosure.')}"
                     if key.startswith("disclosure.") else f"passages.{key}")  # fmt: skip
            found[where] = (hit, foreign[hit])
    return found


def check_finished(params: Params, path: Path) -> None:
    """Refuse a file that still holds last year's work: 【待改写】 markers, empty manual figures,
    and paragraphs unchanged from last year's file, all listed in one message."""
    reasons: dict[str, list[str]] = {}
    for key in unfinished(params):
        if "manual_figures." in key:
            metric = CATALOGUE.get(key.split("manual_figures.", 1)[1])
            name = f"（{metric.name}，单位：{metric.unit}）" if metric else ""
            reasons[key + name] = ["未填写 / not filled in"]
        else:
            reasons[key] = [f"标有“{TO_REWRITE}” / marked to rewrite"]
    reused = reused_paragraphs(params, path)
    for key, (name, bureau) in borrowed_names(params).items():
        reasons.setdefault(key, []).append(
            f"提到“{name}”，这是样例机关 {bureau} 的名称，段落可能是从其参数文件复制来的，请按本机关"
            f"实际改写 / names {name} of the sample bureau {bureau}"
        )
    for key, paragraph in reused.items():
        shown = paragraph if len(paragraph) <= 20 else paragraph[:20] + "…"
        where = (f"disclosure.passages.{key.removeprefix('disclosure.')}"
                 if key.startswith("disclosure.") else f"passages.{key}")  # fmt: skip
        reasons.setdefault(where, []).append(
            f"与 {params.year - 1} 年相同的段落“{shown}” / unchanged from {params.year - 1}"
        )
    if not reasons:
        return
    lines = [
        f"{path}: 以下内容仍待改写或填写，请完成后再生成报告 / still to be rewritten or filled in:"
    ]
    lines += [f"  - {key}：{'；'.join(why)}" for key, why in reasons.items()]
    if reused:
        lines.append("  与上一年度相同的段落须改写；确属有意沿用的，把段落键列入 reused_passages / "
                     "rewrite paragraphs unchanged from last year, or list deliberate reuse under "
                     "reused_passages")  # fmt: skip
    raise ParamsError("\n".join(lines))


def read_if_present(path: Path | None) -> Params | None:
    """The params file at `path`, or None when there is none (a year without a file)."""
    if path is None or not Path(path).is_file():
        return None
    return load_params(path, any_passages=True)


def _manual_section(params: Params | None, report: str):
    """The part of a params file holding one report's manual figures, and its key prefix."""
    if params is None:
        return None, ""
    if report == DISCLOSURE:
        return params.disclosure, "disclosure.manual_figures"
    return params, "manual_figures"


def manual_values(params: Params | None, report: str = RULE_OF_LAW) -> dict[str, float | int]:
    """Manual figures of one report in a params file, or none when there is no such file or
    section."""
    section, _ = _manual_section(params, report)
    return section.manual_figures if section is not None else {}


def manual_provenance(params: Params | None, report: str = RULE_OF_LAW) -> dict[str, dict]:
    """Each manual figure's params key and, where the file gives them, its source, who filled it
    in and when: what the figure's card shows in place of ledger rows."""
    section, prefix = _manual_section(params, report)
    if section is None:
        return {}
    out = {}
    for metric_id in section.manual_figures:
        given = section.manual_sources.get(metric_id, ManualSource())
        out[metric_id] = {
            "params_key": f"{prefix}.{metric_id}",
            "source": given.source or None,
            "filled_by": given.filled_by or None,
            "filled_on": given.filled_on.isoformat() if given.filled_on else None,
        }
    return out


def require_disclosure(params: Params, path: Path) -> DisclosureParams:
    """The disclosure section, or a message saying where to write it."""
    if params.disclosure is None:
        raise ParamsError(f"{path}: 没有 disclosure 一节（政府信息公开工作年度报告的段落和人工填报数字），"
                          "请按 README 补写后再生成 / the params file has no disclosure section")  # fmt: skip
    return params.disclosure
