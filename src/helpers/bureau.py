"""The bureau profile (params/<bureau-id>/bureau.yaml): who the bureau is and the names its
ledgers use.

Every district or county HR bureau writes the same report from the same ledgers; what differs is
its name, its streets and towns, its arbitration court, its units and its programmes. Those live
here, one file per bureau, so a second bureau validates its own ledgers without editing Python.
The contract's allowed organisation names, the metrics that mean one named programme and the
sample generator all read the profile.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from helpers import config
from helpers.errors import ParamsError
from helpers.yamlfile import MARKUP_RE, read_mapping, translate_errors

_BUREAU_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
# What `make new-bureau` writes into every profile key a bureau must fill in.
TO_FILL = "【待填写】"


def _unique(values: list[str], key: str) -> list[str]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"{key} 中有重复的名称 / repeated names in {key}: {'、'.join(repeated)}")
    return values


class Organisations(BaseModel):
    """Names the ledgers refer to; enum columns of the contract take their allowed values here."""

    model_config = ConfigDict(extra="forbid")
    streets: list[str] = Field(description="街道（欠薪线索台账“所在街镇/开发区”的允许值之一）")
    towns: list[str] = Field(default_factory=list, description="镇（同上）")
    development_zones: list[str] = Field(default_factory=list, description="开发区、园区（同上）")
    arbitration_court: str = Field(description="劳动人事争议仲裁院名称")
    enforcement_units: list[str] = Field(
        description="行政执法单位（执法人员台账“所在单位”的允许值）"
    )
    outreach_organisers: list[str] = Field(
        description="普法活动组织单位（普法宣传活动台账“组织单位”的允许值）"
    )
    publicity_columns: list[str] = Field(
        description="普法推送栏目（普法宣传推送台账“栏目”的允许值）"
    )

    @model_validator(mode="after")
    def _no_repeats(self) -> Organisations:
        _unique(self.streets + self.towns + self.development_zones,
                "streets、towns、development_zones")  # fmt: skip
        for key in ("enforcement_units", "outreach_organisers", "publicity_columns"):
            _unique(getattr(self, key), key)
        return self


class Programmes(BaseModel):
    """Which named organiser or column a metric counts."""

    model_config = ConfigDict(extra="forbid")
    lecture_brand: str = Field(
        description="普法讲堂品牌：组织单位为此名称的“线下培训”计入讲堂线下培训场次"
    )
    policy_video_column: str = Field(description="政策短视频栏目：栏目为此名称的推送计入短视频期数")
    enforcement_trainer: str = Field(
        description="面向企业开展普法培训的执法机构：组织单位为此名称的“企业普法培训”计入执法普法培训场次"
    )


class SampleMaking(BaseModel):
    """What the synthetic sample ledgers of this bureau are made with (`make data`); a real
    bureau's profile omits it."""

    model_config = ConfigDict(extra="forbid")
    seed: int = Field(description="随机种子")
    years: list[int] = Field(description="生成的年度（首年之前一年只生成结转到首年的案件）")
    case_volume: float = Field(
        default=1.0, gt=0, description="案件类台账规模，相对于内置计划的倍数"
    )
    office_volume: float = Field(default=1.0, gt=0, description="会议、文件、人员等台账规模的倍数")
    city: str = Field(description="所在城市，如“上海市”")
    employer_prefix: str = Field(description="虚构用人单位名称的前缀（城市简称）")
    region_codes: list[str] = Field(description="虚构身份证号的行政区划代码")
    courts: dict[str, str] = Field(description="各审级的法院或检察机关名称")
    case_number_marks: dict[str, list[str]] = Field(description="各审级案号中的法院代字和类型代字")
    procuratorate: str = Field(description="制发检察建议的检察院")
    reconsideration_bodies: list[str] = Field(description="复议机关")
    document_prefix: str = Field(description="规范性文件文号的机关代字，如“浦人社规”")
    wechat_account: str = Field(description="推送发布平台名称")
    mediation_centre: str = Field(description="劳动人事争议联合调解中心名称")
    late_committees: dict[str, dt.date] = Field(
        default_factory=dict, description="样例期间新设调解委员会的街镇及设立日期"
    )
    zone_centre_dates: list[dt.date] = Field(description="各开发区调解中心的设立日期，逐个对应")
    centre_branches: list[tuple[str, dt.date]] = Field(
        default_factory=list, description="联调分中心：简称与设立日期"
    )
    dissolved_committee: tuple[str, str, dt.date, dt.date] | None = Field(
        default=None, description="样例期间撤销的调解组织：名称、所在地、设立日期、撤销日期"
    )
    enforcement_unit_shares: list[float] = Field(description="执法人员在各执法单位中的比例")
    other_organisers: list[str] = Field(description="其他普法活动组织单位")
    post_formats: dict[str, str] = Field(description="各推送栏目的形式（视频、图文、直播）")
    about_zh: str = Field(description="样例台账说明（中文）")
    about_en: str = Field(description="样例台账说明（英文）")


class LocalColumn(BaseModel):
    """A column of a bureau's own ledger, declared as the contract declares its columns."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="列名（英文小写，下划线）")
    kind: Literal["id", "text", "enum", "date", "int", "amount", "flag"] = Field(
        description="类型：id 编号、text 文本、enum 限定取值、date 日期、int 整数、amount 金额（元）、flag 是/否"
    )
    zh: str = Field(description="中文列名")
    en: str = Field(default="", description="英文说明")
    required: bool = Field(default=True, description="是否必填")
    personal: bool = Field(default=False, description="是否个人信息（不进入任何输出）")
    allowed: list[str] = Field(default_factory=list, description="允许的取值（enum）")
    minimum: int = Field(default=0, description="整数的最小值")

    @model_validator(mode="after")
    def _enum_has_values(self) -> LocalColumn:
        if self.kind == "enum" and not self.allowed:
            raise ValueError(f"列 {self.name} 的类型为 enum，须列出 allowed 取值")
        return self


class LocalLedger(BaseModel):
    """A ledger the contract lacks, declared by the bureau: read from <name>.csv (or .xlsx) in
    its data folder and validated like the contract's ledgers."""

    model_config = ConfigDict(extra="forbid")
    zh: str = Field(description="台账中文名称")
    en: str = Field(default="", description="英文名称")
    key: str = Field(description="记录编号所在的列（每行唯一）")
    year_column: str = Field(description="决定记录属于哪一年的日期列")
    columns: list[LocalColumn] = Field(min_length=1, description="各列")
    notes: str = Field(default="", description="说明")
    sample_rows: int = Field(
        default=0, ge=0, description="生成样例台账时每年的大约行数（仅样例机关）"
    )

    @model_validator(mode="after")
    def _columns_named(self) -> LocalLedger:
        names = [c.name for c in self.columns]
        kinds = {c.name: c.kind for c in self.columns}
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"列名重复：{'、'.join(repeated)}")
        if kinds.get(self.key) != "id":
            raise ValueError(f"key {self.key} 应为一列 kind: id 的列名")
        if kinds.get(self.year_column) != "date":
            raise ValueError(f"year_column {self.year_column} 应为一列 kind: date 的列名")
        return self


class BureauProfile(BaseModel):
    """One bureau: its names for the report and the organisation names its ledgers use."""

    model_config = ConfigDict(extra="forbid")
    # The bureau's id: the name of its folder under params/ (its own figures are namespaced by it).
    _bureau_id: str | None = PrivateAttr(default=None)

    @property
    def bureau_id(self) -> str | None:
        return self._bureau_id

    name: str = Field(description="机关全称")
    short_name: str = Field(description="机关简称，如“区人社局”；报告中的自称（“我局”）取其末字")
    signature: str = Field(description="落款机关名称")
    district: str = Field(description="所在区县名称")
    jurisdiction: str | None = Field(
        default=None,
        description="报告中对本辖区的称谓，如“全区”“全县”“全市”；省略时按 district 的末字（区、县、市、旗）推定",
    )
    organisations: Organisations = Field(description="台账所用的组织名称")
    programmes: Programmes = Field(description="指标所指的品牌和栏目")
    # Intake of real exports: a header a case system prints instead of the contract's column
    # name, and the worksheet a ledger sits on in an .xlsx workbook.
    aliases: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="列名别名：台账名 → {导出表头: 合同列名}"
    )
    sheets: dict[str, str] = Field(default_factory=dict, description="工作表名：台账名 → 工作表")
    # A bureau's own ledgers, beside the contract's: name (the file's name) → declaration.
    ledgers: dict[str, LocalLedger] = Field(
        default_factory=dict, description="本机关自有台账：台账名（即文件名）→ 列的声明"
    )
    sample: SampleMaking | None = Field(default=None, description="样例台账的生成设置")

    @model_validator(mode="after")
    def _consistent(self) -> BureauProfile:
        orgs, programmes = self.organisations, self.programmes
        if programmes.lecture_brand not in orgs.outreach_organisers:
            raise ValueError(
                f"讲堂品牌“{programmes.lecture_brand}”须列在 organisations.outreach_organisers 中 / "
                "programmes.lecture_brand must be one of organisations.outreach_organisers"
            )
        if programmes.enforcement_trainer not in orgs.outreach_organisers:
            raise ValueError(
                f"执法普法培训单位“{programmes.enforcement_trainer}”须列在 "
                "organisations.outreach_organisers 中 / "
                "programmes.enforcement_trainer must be one of organisations.outreach_organisers"
            )
        if programmes.policy_video_column not in orgs.publicity_columns:
            raise ValueError(
                f"短视频栏目“{programmes.policy_video_column}”须列在 organisations.publicity_columns "
                "中 / programmes.policy_video_column must be one of organisations.publicity_columns"
            )
        if self.jurisdiction is None and self.district[-1:] not in ("区", "县", "市", "旗"):
            raise ValueError(
                f"district“{self.district}”不以区、县、市或旗结尾，无法推定报告中对辖区的称谓，"
                "请填写 jurisdiction（如“全区”）/ set jurisdiction, e.g. 全区"
            )
        # The ledgers and columns `aliases` and `sheets` name are checked against the contract
        # when ledgers are loaded (ledgers.load): the contract reads the profile, not the reverse.
        return self

    @property
    def whole_area(self) -> str:
        """How the report names the bureau's whole jurisdiction: 全区, 全县, 全市."""
        return self.jurisdiction or "全" + self.district[-1]

    @property
    def we(self) -> str:
        """How the report names the bureau itself: 我局 for a 局, 我厅 for a 厅."""
        return "我" + self.short_name[-1]

    @property
    def areas(self) -> list[str]:
        """Streets, towns and development zones, in the profile's order."""
        orgs = self.organisations
        return orgs.streets + orgs.towns + orgs.development_zones

    def names(self, key: str) -> tuple[str, ...]:
        """The names a contract column takes its allowed values from (ColumnSpec.allowed_from)."""
        if key == "areas":
            return tuple(self.areas)
        return tuple(getattr(self.organisations, key))


def profile_key(key: str) -> str:
    """Where in the profile file a column's names are listed, for messages and the contract doc."""
    if key == "areas":
        return "organisations.streets / towns / development_zones"
    return f"organisations.{key}"


def _text_values(value: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [
            pair for k, v in value.items() for pair in _text_values(v, f"{key}.{k}".lstrip("."))
        ]
    if isinstance(value, (list, tuple)):
        return [pair for i, v in enumerate(value) for pair in _text_values(v, f"{key}[{i}]")]
    return [(key, value)] if isinstance(value, str) else []


def load_profile(path: Path) -> BureauProfile:
    """Load and check a profile; errors name the file and the key, Chinese first."""
    path = Path(path)
    raw = read_mapping(path, "机关档案不存在 / bureau profile not found")
    to_fill = [key for key, text in _text_values(raw) if TO_FILL in text]
    if to_fill:
        raise ParamsError(f"{path}: 机关档案尚未填写完成，以下键仍标有“{TO_FILL}” / keys still to "
                          f"fill in: {'、'.join(to_fill)}")  # fmt: skip
    try:
        profile = BureauProfile.model_validate(raw)
    except ValidationError as error:
        lines = [f"{path}: 机关档案有误 / invalid bureau profile:"]
        lines += [f"  - {line}" for line in translate_errors(error.errors(), BureauProfile)]
        raise ParamsError("\n".join(lines)) from None
    marked = [key for key, text in _text_values(raw) if MARKUP_RE.search(text)]
    if marked:
        raise ParamsError(f"{path}: 键 {'、'.join(marked)} 含有 HTML 标记，只能是纯文本 / "
                          "markup in a name; write plain text")  # fmt: skip
    if path.name == config.PROFILE_FILE:
        profile._bureau_id = path.parent.name
    return profile


def bureau_ids() -> list[str]:
    """Bureaus with a profile in the project."""
    return sorted(p.parent.name for p in config.PARAMS_DIR.glob(f"*/{config.PROFILE_FILE}"))


@functools.cache
def profile_for(bureau: str) -> BureauProfile:
    """The profile of a bureau by its id (the name of its folder under params/)."""
    if not _BUREAU_ID.fullmatch(bureau or ""):
        raise ParamsError(f"机关代号“{bureau}”无效，应为小写字母、数字和连字符 / "
                          "a bureau id is lower-case letters, digits and hyphens")  # fmt: skip
    path = config.profile_path(bureau)
    if not path.is_file():
        known = "、".join(bureau_ids()) or "—"
        raise ParamsError(f"{path}: 没有机关“{bureau}”的档案，已有：{known} / "
                          f"no profile for bureau {bureau}; known: {known}")  # fmt: skip
    return load_profile(path)


def default_profile() -> BureauProfile:
    """The sample bureau's profile: what a caller that names no bureau means."""
    return profile_for(config.DEFAULT_BUREAU)


def profile_beside(params_file: Path) -> BureauProfile | None:
    """The profile in a params file's folder, where a bureau's yearly params live."""
    path = Path(params_file).parent / config.PROFILE_FILE
    return load_profile(path) if path.is_file() else None


# How a district's name ends; its stem ("浦东") is what local programmes are named after.
_DISTRICT_ENDINGS = ("新区", "区", "县", "市", "旗")


def distinctive_names(profile: BureauProfile) -> set[str]:
    """The names that mark a text as one bureau's own: its district and the district's stem, its
    places, court and programmes. Unit names every bureau shares (执法大队, 仲裁院) are left out."""
    orgs, programmes = profile.organisations, profile.programmes
    names = {profile.name, profile.signature, profile.district, orgs.arbitration_court,
             *orgs.streets, *orgs.towns, *orgs.development_zones,
             programmes.lecture_brand, programmes.policy_video_column}  # fmt: skip
    for ending in _DISTRICT_ENDINGS:
        if profile.district.endswith(ending) and len(profile.district) - len(ending) >= 2:
            names.add(profile.district.removesuffix(ending))
            break
    if profile.sample is not None:
        names.add(profile.sample.mediation_centre)
    return {name for name in names if len(name) >= 2}


def sample_bureaus_names(profile: BureauProfile) -> dict[str, str]:
    """Names distinctive of the project's sample bureaus (profiles with a `sample` section) and not
    of this one, each with the bureau it belongs to: a passage naming one was most likely copied
    from that bureau's params file."""
    own = distinctive_names(profile)
    shared = {*own, *profile.organisations.enforcement_units,
              *profile.organisations.outreach_organisers}  # fmt: skip
    out: dict[str, str] = {}
    for bureau in bureau_ids():
        try:
            other = profile_for(bureau)
        except ParamsError:  # a bureau still filling in its profile has nothing to lend
            continue
        if other.sample is None or other.name == profile.name:
            continue
        for name in distinctive_names(other):
            if name not in shared and not any(name in mine for mine in own):
                out.setdefault(name, bureau)
    return out
