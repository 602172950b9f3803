"""The data contract: every ledger, its columns, and what each column may hold.

This module is the single source of truth. The pandera schemas used for validation and the
tables in docs/data-contract.md are both built from the specs below, so the documentation
cannot drift from what the loader enforces.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from helpers.bureau import BureauProfile, default_profile

if TYPE_CHECKING:
    import pandera.pandas as pa

# Accepted spellings are normalised to ISO before parsing (see cells.parse_dates).
DATE_FORMAT = "%Y-%m-%d"
YES, NO = "是", "否"

# Names that differ between bureaus (streets and towns, units, programmes) are not here: a column
# that takes them names its list in the bureau profile (ColumnSpec.allowed_from), and
# ledgers_for(profile) fills them in. See bureau.py and params/<bureau-id>/bureau.yaml.

DISPUTE_BODY_TYPES = ["调解组织", "仲裁院"]
MEDIATION_OUTCOMES = ["调解成功", "调解不成"]
ARBITRATION_OUTCOMES = ["仲裁调解", "仲裁裁决", "撤诉", "不予受理", "终结审理"]

WAGE_RESULTS = ["已解决", "移送公安", "不属实", "不属于管辖", "终止处理"]

DISCLOSURE_APPLICANT_TYPES = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
]
# Handling results, in the categories of the national annual-report format (国办公开办函〔2021〕30号).
DISCLOSURE_RESULTS = [
    "予以公开",
    "部分公开",
    "不予公开-属于国家秘密",
    "不予公开-其他法律行政法规禁止公开",
    "不予公开-危及“三安全一稳定”",
    "不予公开-保护第三方合法权益",
    "不予公开-属于三类内部事务信息",
    "不予公开-属于四类过程性信息",
    "不予公开-属于行政执法案卷",
    "不予公开-属于行政查询事项",
    "无法提供-本机关不掌握相关政府信息",
    "无法提供-没有现成信息需要另行制作",
    "无法提供-补正后申请内容仍不明确",
    "不予处理-信访举报投诉类申请",
    "不予处理-重复申请",
    "不予处理-要求提供公开出版物",
    "不予处理-无正当理由大量反复申请",
    "不予处理-要求行政机关确认或重新出具已获取信息",
    "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他处理-其他",
]
DISCLOSURE_CHANNELS = ["当面", "信函", "网络", "传真", "其他"]
# A reconsideration or litigation case about information disclosure is one whose challenged
# action is of this type; the disclosure report's part 四 counts those.
DISCLOSURE_ACTION = "信息公开"
# The administrative decisions the disclosure report's part 二 counts (第二十条第（五）（六）项).
DECISION_TYPES = ["行政许可", "行政处罚", "行政强制"]

ACTION_TYPES = ["行政处罚", "行政检查", "行政强制", "投诉举报处理", "行政许可", "工伤认定",
                "信息公开", "社会保险待遇", "其他"]  # fmt: skip
# Actions that are administrative enforcement (行政执法) for the 执法 figures.
ENFORCEMENT_ACTIONS = ["行政处罚", "行政检查", "行政强制", "投诉举报处理"]

LITIGATION_STAGES = ["一审", "二审", "再审", "行政案件监督"]
LITIGATION_RESULTS = ["驳回诉讼请求", "撤诉", "驳回起诉", "驳回上诉", "驳回再审申请", "不支持监督申请",
                      "撤销", "确认违法", "变更", "责令履行"]  # fmt: skip
LITIGATION_LOST = ["撤销", "确认违法", "变更", "责令履行"]
RECONSIDERATION_RESULTS = ["维持", "驳回复议申请", "终止", "撤销", "变更", "确认违法", "责令履行"]
RECONSIDERATION_CORRECTED = ["撤销", "变更", "确认违法", "责令履行"]

SUGGESTION_KINDS = ["检察建议", "司法建议"]
PROPOSAL_KINDS = ["人大代表建议", "政协提案"]
PROPOSAL_LEVELS = ["市", "区"]
PROPOSAL_ROLES = ["主办", "会办"]
SATISFACTION = ["满意", "基本满意", "不满意", "未反馈"]
MEETING_TYPES = ["局务会", "局党组会", "局长办公会"]
TOPIC_CATEGORIES = ["三重一大", "规范性文件", "一般事项"]
FAIR_DOC_TYPES = ["规范性文件", "通知", "其他政策措施"]
FAIR_CONCLUSIONS = ["符合", "修改后符合", "不予出台"]
DOC_PROCEDURES = ["普通程序", "简易程序"]
EXAM_RESULTS = ["合格", "不合格", "缺考"]
CERT_STATUSES = ["在用", "待发", "注销"]
OWNERSHIPS = ["民办", "外资"]
APPROVAL_ITEMS = ["设立", "变更", "注销"]
APPROVAL_PROCEDURES = ["告知承诺", "一般程序"]
DECISIONS = ["准予", "不予"]
MEDIATION_ORG_TYPES = ["街镇调解组织", "开发区调解组织", "联调中心", "联调分中心"]
OUTREACH_TYPES = ["企业普法培训", "线下培训", "政策宣讲", "庭审观摩"]
POST_FORMATS = ["视频", "图文", "直播"]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # id | text | enum | date | int | amount | flag
    zh: str
    en: str
    required: bool = True
    personal: bool = False
    allowed: tuple[str, ...] = ()
    minimum: int = 0
    # A list of the bureau profile the allowed values come from ("areas", "enforcement_units", …).
    allowed_from: str = ""
    # Text whose values recur from row to row (the handling body, an employer): loaded as
    # categories of the values found, one small code a row instead of the text again and again.
    repeated: bool = False


@dataclass(frozen=True)
class DateOrder:
    """`later` must not precede `earlier` on the same row (e.g. closed before received)."""

    earlier: str
    later: str


@dataclass(frozen=True)
class LedgerSpec:
    name: str
    zh: str
    en: str
    key: str
    year_column: str
    columns: tuple[ColumnSpec, ...]
    date_orders: tuple[DateOrder, ...] = ()
    notes_zh: str = ""
    notes_en: str = ""
    # The arbitration court's name in the bureau's profile, which a disputes row handled by the
    # court must name (set by ledgers_for; empty in the bare contract).
    arbitration_court: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def personal_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.personal]

    @property
    def date_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "date"]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind, zh, en, *, required=True, personal=False, allowed=(), minimum=0,
       allowed_from="", repeated=False):  # fmt: skip
    return ColumnSpec(name, kind, zh, en, required, personal, tuple(allowed), minimum, allowed_from,
                      repeated)  # fmt: skip


def _flag(name, zh, en, required=True):
    return _c(name, "flag", zh, en, required=required, allowed=(YES, NO))


def _person(name, zh, en, required=False):
    return _c(name, "text", zh, en, required=required, personal=True)


class _Contract(dict[str, LedgerSpec]):
    """The contract's ledgers, by name; a bureau's own ledger (declared in its profile and made a
    spec by ledgers_for) is found by name too, but is not listed among the contract's."""

    def __missing__(self, name: str) -> LedgerSpec:
        return LOCAL_LEDGERS[name]


LEDGERS: dict[str, LedgerSpec] = _Contract()
# Bureaus' own ledgers as specs, by name: the profile last read that declares a ledger wins.
LOCAL_LEDGERS: dict[str, LedgerSpec] = {}


def _ledger(spec: LedgerSpec) -> None:
    LEDGERS[spec.name] = spec


_ledger(LedgerSpec(
    "disputes", "劳动人事争议案件台账", "Labour and personnel dispute cases",
    key="case_id", year_column="received_date",
    columns=(
        _c("case_id", "id", "案件编号", "case number"),
        _c("body_type", "enum", "受理机构类型", "handling body type", allowed=DISPUTE_BODY_TYPES),
        _c("body_name", "text", "受理机构名称（调解组织名称或仲裁院）",
           "handling body (mediation organisation or the arbitration court)", repeated=True),
        _c("case_type", "enum", "案件类别", "case category", allowed=("劳动争议", "人事争议")),
        _c("dispute_type", "enum", "争议类型", "subject of the dispute",
           allowed=("劳动报酬", "解除劳动合同经济补偿", "社会保险", "工伤待遇", "确认劳动关系", "其他")),
        _c("received_date", "date", "受理日期", "date accepted"),
        _c("closed_date", "date", "结案日期（未结案留空）", "date closed (empty if open)",
           required=False),
        _c("outcome", "enum", "处理结果（未结案留空）", "outcome (empty if open)", required=False,
           allowed=MEDIATION_OUTCOMES + ARBITRATION_OUTCOMES),
        _c("claim_amount", "amount", "请求金额（元）", "amount claimed (yuan)"),
        _c("workers", "int", "涉及劳动者人数", "workers involved", minimum=1),
        _c("employer_name", "text", "用人单位", "employer", repeated=True),
        _person("applicant_name", "申请人姓名", "applicant's name", required=True),
        _person("applicant_id_number", "申请人身份证号", "applicant's ID number"),
        _person("applicant_phone", "申请人联系电话", "applicant's phone"),
    ),
    date_orders=(DateOrder("received_date", "closed_date"),),
    notes_zh="调解组织的结果只能是“调解成功/调解不成”，仲裁院的结果只能是仲裁类结果；有结案日期必须有结果，反之亦然。"
    "受理机构类型为“仲裁院”的，受理机构名称须与机关档案的 organisations.arbitration_court 一致。",
    notes_en="Mediation organisations close with 调解成功/调解不成 only, the arbitration court with "
    "the arbitration outcomes only; a closing date and an outcome go together. A case of the "
    "arbitration court names it as the profile's organisations.arbitration_court does.",
))  # fmt: skip

_ledger(LedgerSpec(
    "wage_arrears_leads", "欠薪线索台账", "Wage-arrears leads",
    key="lead_id", year_column="received_date",
    columns=(
        _c("lead_id", "id", "线索编号", "lead number"),
        _c("received_date", "date", "接收日期", "date received"),
        _c("source", "enum", "线索来源", "source",
           allowed=("部转线索", "12345市民热线", "来信来访", "网络舆情", "主动排查")),
        _c("street_town", "enum", "所在街镇/开发区", "street, town or zone",
           allowed_from="areas"),
        _c("industry", "enum", "行业", "industry",
           allowed=("建筑业", "制造业", "批发零售", "住宿餐饮", "教育培训", "其他服务业")),
        _c("employer_name", "text", "被反映单位", "employer reported", repeated=True),
        _c("workers", "int", "涉及人数", "workers involved", minimum=1),
        _c("amount_claimed", "amount", "反映欠薪金额（元）", "wages claimed (yuan)"),
        _c("closed_date", "date", "办结日期（未办结留空）", "date closed (empty if open)",
           required=False),
        _c("result", "enum", "办结结果（未办结留空）", "result (empty if open)", required=False,
           allowed=WAGE_RESULTS),
        _c("amount_recovered", "amount", "追回金额（元）", "wages recovered (yuan)", required=False),
        _person("complainant_name", "反映人姓名", "complainant's name"),
        _person("complainant_phone", "反映人电话", "complainant's phone"),
    ),
    date_orders=(DateOrder("received_date", "closed_date"),),
    notes_zh="有办结日期必须有办结结果，反之亦然。",
    notes_en="A closing date and a result go together.",
))  # fmt: skip

_ledger(LedgerSpec(
    "disclosure_requests", "政府信息公开申请台账", "Government-information disclosure requests",
    key="request_id", year_column="received_date",
    columns=(
        _c("request_id", "id", "申请编号", "request number"),
        _c("received_date", "date", "收到申请日期", "date received"),
        _c("applicant_type", "enum", "申请人类型（按国家年报格式）",
           "applicant type (national report format)", allowed=DISCLOSURE_APPLICANT_TYPES),
        _c("channel", "enum", "申请方式", "channel", allowed=DISCLOSURE_CHANNELS),
        _c("subject", "text", "申请内容摘要", "what was requested"),
        _c("reply_date", "date", "答复日期（未答复留空）", "date answered (empty if pending)",
           required=False),
        _c("result", "enum", "办理结果（按国家年报格式分类）",
           "result (national report format categories)", required=False,
           allowed=DISCLOSURE_RESULTS),
        _flag("reconsideration_filed", "是否被申请行政复议", "challenged by reconsideration"),
        _flag("litigation_filed", "是否被提起行政诉讼", "challenged in court"),
        _c("fee_charged", "amount", "实际收取的信息处理费（元，未收取填 0）",
           "information-processing fee actually charged (yuan, 0 if none)"),
        _person("applicant_name", "申请人姓名或单位名称", "applicant's name", required=True),
        _person("applicant_id_number", "申请人身份证号", "applicant's ID number"),
        _person("applicant_phone", "申请人联系电话", "applicant's phone"),
    ),
    date_orders=(DateOrder("received_date", "reply_date"),),
    notes_zh="有答复日期必须有办理结果，反之亦然。",
    notes_en="A reply date and a result go together.",
))  # fmt: skip

_ledger(LedgerSpec(
    "litigation_cases", "行政诉讼案件台账", "Administrative litigation cases",
    key="case_id", year_column="received_date",
    columns=(
        _c("case_id", "id", "案号", "court case number"),
        _c("stage", "enum", "审级", "stage", allowed=LITIGATION_STAGES),
        _c("court", "text", "法院或检察机关", "court or procuratorate"),
        _c("action_type", "enum", "被诉行政行为类别", "type of the challenged action",
           allowed=ACTION_TYPES),
        _c("received_date", "date", "收到应诉通知日期", "date the bureau was served"),
        _c("hearing_date", "date", "开庭日期（未开庭留空）", "hearing date (empty if none)",
           required=False),
        _flag("leader_appeared", "行政负责人是否出庭应诉（未开庭留空）",
              "responsible official appeared (empty if no hearing)", required=False),
        _c("concluded_date", "date", "审结日期（未审结留空）", "date concluded (empty if open)",
           required=False),
        _c("result", "enum", "裁判结果（未审结留空）", "judgment (empty if open)", required=False,
           allowed=LITIGATION_RESULTS),
        _flag("after_reconsideration", "是否经行政复议后起诉", "filed after a reconsideration"),
        _person("plaintiff_name", "原告（上诉人）姓名", "plaintiff's name", required=True),
    ),
    date_orders=(DateOrder("received_date", "hearing_date"),
                 DateOrder("received_date", "concluded_date")),
    notes_zh="有开庭日期必须填写负责人是否出庭；有审结日期必须有裁判结果。被诉行为类别为“信息公开”的案件即"
             "政府信息公开行政诉讼案件。",
    notes_en="A hearing date needs leader_appeared; a concluded date needs a result. A case whose "
             "action type is 信息公开 is an information-disclosure lawsuit.",
))  # fmt: skip

_ledger(LedgerSpec(
    "suggestions", "检察建议与司法建议台账", "Procuratorial and judicial suggestions",
    key="suggestion_id", year_column="received_date",
    columns=(
        _c("suggestion_id", "id", "文书编号", "document number"),
        _c("kind", "enum", "类别", "kind", allowed=SUGGESTION_KINDS),
        _c("issuer", "text", "制发机关", "issuing body"),
        _c("received_date", "date", "收到日期", "date received"),
        _c("subject", "text", "建议事项", "subject"),
        _c("reply_date", "date", "反馈日期（未反馈留空）", "date answered (empty if pending)",
           required=False),
    ),
    date_orders=(DateOrder("received_date", "reply_date"),),
))  # fmt: skip

_ledger(LedgerSpec(
    "reconsideration_cases", "行政复议案件台账", "Administrative reconsideration cases",
    key="case_id", year_column="received_date",
    columns=(
        _c("case_id", "id", "复议案号", "case number"),
        _c("reconsideration_body", "text", "复议机关", "reconsideration body"),
        _c("action_type", "enum", "被申请行政行为类别", "type of the challenged action",
           allowed=ACTION_TYPES),
        _c("received_date", "date", "收到答复通知日期", "date the bureau was notified"),
        _c("concluded_date", "date", "审结日期（未审结留空）", "date concluded (empty if open)",
           required=False),
        _c("result", "enum", "复议结果（未审结留空）", "decision (empty if open)", required=False,
           allowed=RECONSIDERATION_RESULTS),
        _person("applicant_name", "申请人姓名", "applicant's name", required=True),
    ),
    date_orders=(DateOrder("received_date", "concluded_date"),),
    notes_zh="有审结日期必须有复议结果，反之亦然。被申请行为类别为“信息公开”的案件即政府信息公开行政复议案件。",
    notes_en="A concluded date and a decision go together. A case whose action type is 信息公开 is "
             "an information-disclosure reconsideration.",
))  # fmt: skip

_ledger(LedgerSpec(
    "proposals", "人大代表建议和政协提案办理台账", "NPC suggestions and CPPCC proposals",
    key="proposal_id", year_column="closed_date",
    columns=(
        _c("proposal_id", "id", "建议提案编号", "proposal number"),
        _c("kind", "enum", "类别", "kind", allowed=PROPOSAL_KINDS),
        _c("level", "enum", "层级", "level", allowed=PROPOSAL_LEVELS),
        _c("role", "enum", "承办方式", "role of the bureau", allowed=PROPOSAL_ROLES),
        _c("title", "text", "标题", "title"),
        _c("received_date", "date", "交办日期", "date assigned"),
        _c("closed_date", "date", "办结日期（未办结留空）", "date closed (empty if open)",
           required=False),
        _flag("is_revisit", "是否为“回头看”件", "re-examined case (回头看)"),
        _c("attitude_satisfaction", "enum", "对办理态度的评价", "rating of the handling",
           allowed=SATISFACTION),
        _c("result_satisfaction", "enum", "对办理结果的评价", "rating of the result",
           allowed=SATISFACTION),
        _flag("answer_published", "答复是否主动公开", "answer published"),
        _person("proposer_name", "代表或委员姓名", "deputy's or member's name", required=True),
    ),
    date_orders=(DateOrder("received_date", "closed_date"),),
))  # fmt: skip

_ledger(LedgerSpec(
    "meetings", "局务会议台账", "Bureau meetings",
    key="meeting_id", year_column="meeting_date",
    columns=(
        _c("meeting_id", "id", "会议编号", "meeting number"),
        _c("meeting_type", "enum", "会议类型", "kind of meeting", allowed=MEETING_TYPES),
        _c("meeting_date", "date", "会议日期", "date"),
        _c("session_label", "text", "会次", "session label"),
    ),
))  # fmt: skip

_ledger(LedgerSpec(
    "meeting_topics", "会议议题台账", "Meeting agenda topics",
    key="topic_id", year_column="",
    columns=(
        _c("topic_id", "id", "议题编号", "topic number"),
        _c("meeting_id", "text", "所属会议编号（须在会议台账中）",
           "meeting number (must exist in the meetings ledger)"),
        _c("topic_title", "text", "议题名称", "title"),
        _c("category", "enum", "议题类别", "category", allowed=TOPIC_CATEGORIES),
    ),
    notes_zh="议题的年度取所属会议的日期。", notes_en="A topic's year is its meeting's date.",
))  # fmt: skip

_ledger(LedgerSpec(
    "fair_competition_reviews", "公平竞争审查台账", "Fair-competition reviews",
    key="review_id", year_column="review_date",
    columns=(
        _c("review_id", "id", "审查编号", "review number"),
        _c("document_title", "text", "被审查文件名称", "document reviewed"),
        _c("document_type", "enum", "文件类型", "document type", allowed=FAIR_DOC_TYPES),
        _c("review_date", "date", "审查日期", "date of review"),
        _c("conclusion", "enum", "审查结论", "conclusion", allowed=FAIR_CONCLUSIONS),
    ),
))  # fmt: skip

_ledger(LedgerSpec(
    "normative_documents", "行政规范性文件台账", "Normative documents",
    key="doc_number", year_column="issued_date",
    columns=(
        _c("doc_number", "id", "文号", "document number"),
        _c("title", "text", "文件名称", "title"),
        _c("drafting_unit", "text", "起草处室", "drafting division"),
        _c("issued_date", "date", "印发日期", "date issued"),
        _c("procedure", "enum", "制定程序", "procedure", allowed=DOC_PROCEDURES),
        _flag("legal_review", "是否经法制审核", "reviewed by the legal division"),
        _flag("deliberated", "是否经局务会审议", "deliberated by the bureau meeting"),
        _flag("filed_for_record", "是否报送备案", "filed for record"),
        _c("filing_date", "date", "备案日期", "date filed", required=False),
        _c("expiry_date", "date", "有效期至", "valid until", required=False),
        _c("repealed_date", "date", "废止日期（未废止留空）", "date repealed (empty if in force)",
           required=False),
    ),
    date_orders=(DateOrder("issued_date", "filing_date"), DateOrder("issued_date", "expiry_date"),
                 DateOrder("issued_date", "repealed_date")),
    notes_zh="须列出本机关制发、仍现行有效的全部规范性文件（含以前年度制发的），废止的填废止日期。",
    notes_en="Lists every document of the bureau still in force, whatever its year; a repealed one "
             "has its repeal date.",
))  # fmt: skip

_ledger(LedgerSpec(
    "administrative_decisions", "行政许可、行政处罚、行政强制决定台账",
    "Licensing, penalty and coercive-measure decisions",
    key="decision_id", year_column="decision_date",
    columns=(
        _c("decision_id", "id", "决定书编号", "decision number"),
        _c("decision_type", "enum", "决定类别", "kind of decision", allowed=DECISION_TYPES),
        _c("decision_date", "date", "决定日期", "date decided"),
        _c("matter", "text", "事项名称", "matter"),
    ),
    notes_zh="每份处理决定一行（准予和不予许可都计），供政府信息公开年报第二部分第（五）（六）项使用。",
    notes_en="One row per decision (grants and refusals alike), for part 二 of the disclosure report.",
))  # fmt: skip

_ledger(LedgerSpec(
    "enforcement_officers", "行政执法人员台账", "Enforcement officers",
    key="officer_id", year_column="exam_date",
    columns=(
        _c("officer_id", "id", "人员编号", "officer number"),
        _c("unit", "enum", "所在单位", "unit", allowed_from="enforcement_units"),
        _c("onboard_date", "date", "上岗日期", "date started"),
        _c("exam_date", "date", "执法资格培训考试日期", "date of the certification training and exam",
           required=False),
        _c("exam_result", "enum", "考试结果", "exam result", required=False, allowed=EXAM_RESULTS),
        _c("certificate_status", "enum", "执法证状态", "certificate status", allowed=CERT_STATUSES),
        _person("officer_name", "姓名", "name", required=True),
        _person("officer_id_number", "身份证号", "ID number"),
    ),
))  # fmt: skip

_ledger(LedgerSpec(
    "training_approvals", "职业培训机构审批台账", "Vocational-training institution approvals",
    key="approval_id", year_column="decision_date",
    columns=(
        _c("approval_id", "id", "审批编号", "approval number"),
        _c("institution_name", "text", "机构名称", "institution"),
        _c("ownership", "enum", "机构性质", "ownership", allowed=OWNERSHIPS),
        _c("item", "enum", "审批事项", "item", allowed=APPROVAL_ITEMS),
        _c("procedure", "enum", "审批方式", "procedure", allowed=APPROVAL_PROCEDURES),
        _c("application_date", "date", "申请日期", "date applied"),
        _c("decision_date", "date", "决定日期", "date decided"),
        _c("decision", "enum", "审批决定", "decision", allowed=DECISIONS),
        _flag("video_inspection", "是否视频踏勘", "inspected by video"),
    ),
    date_orders=(DateOrder("application_date", "decision_date"),),
))  # fmt: skip

_ledger(LedgerSpec(
    "mediation_orgs", "劳动人事争议调解组织台账", "Labour-dispute mediation organisations",
    key="org_id", year_column="established_date",
    columns=(
        _c("org_id", "id", "组织编号", "organisation number"),
        _c("org_name", "text", "组织名称", "name"),
        _c("org_type", "enum", "组织类型", "kind", allowed=MEDIATION_ORG_TYPES),
        _c("area", "text", "所在街镇或开发区", "street, town or zone"),
        _c("established_date", "date", "设立日期", "date established"),
        _c("dissolved_date", "date", "撤销日期", "date dissolved", required=False),
    ),
    date_orders=(DateOrder("established_date", "dissolved_date"),),
))  # fmt: skip

_ledger(LedgerSpec(
    "outreach_events", "普法宣传活动台账", "Legal-education events",
    key="event_id", year_column="event_date",
    columns=(
        _c("event_id", "id", "活动编号", "event number"),
        _c("event_date", "date", "活动日期", "date"),
        _c("organiser", "enum", "组织单位", "organiser", allowed_from="outreach_organisers"),
        _c("event_type", "enum", "活动类型", "kind of event", allowed=OUTREACH_TYPES),
        _c("title", "text", "活动主题", "title"),
        _c("units", "int", "参加单位数", "organisations attending"),
        _c("participants", "int", "参加人数", "people attending"),
    ),
))  # fmt: skip

_ledger(LedgerSpec(
    "publicity_posts", "普法宣传推送台账", "Publicity posts",
    key="post_id", year_column="publish_date",
    columns=(
        _c("post_id", "id", "推送编号", "post number"),
        _c("publish_date", "date", "发布日期", "date published"),
        _c("channel", "text", "发布平台", "channel"),
        _c("column_name", "enum", "栏目", "column", allowed_from="publicity_columns"),
        _c("title", "text", "标题", "title"),
        _c("format", "enum", "形式", "format", allowed=POST_FORMATS),
    ),
))  # fmt: skip


# -- pandera schemas -----------------------------------------------------------------------

KIND_EXPECTED = {
    "id": "非空且不重复的编号 / a non-empty, unique id",
    "text": "非空文本 / non-empty text",
    "date": "日期，格式 YYYY-MM-DD（也接受 YYYY/M/D）/ a date as YYYY-MM-DD",
    "int": "非负整数 / a non-negative whole number",
    "amount": "非负金额（元）/ a non-negative amount in yuan",
    "flag": "“是”或“否” / 是 or 否",
}

# pandera is imported by the functions that build schemas: a process that only reads the
# contract (the notebook's kernel, which gets validated ledgers) does not pay for its import.


def _column(spec: ColumnSpec) -> pa.Column:
    import pandera.pandas as pa
    from pandera.engines import pandas_engine

    checks: list[pa.Check] = []
    dtype: object = str
    if spec.repeated:
        dtype = "category"  # its categories are the values the ledger holds
    if spec.kind in ("enum", "flag"):
        checks.append(pa.Check.isin(list(spec.allowed)))
        if spec.kind == "enum":
            # Loaded ledgers hold an enumeration as categories of its allowed values, in the
            # contract's order: one byte a row, and the same categories in every file.
            dtype = pd.CategoricalDtype(list(spec.allowed))
    elif spec.kind == "date":
        dtype = pandas_engine.DateTime(to_datetime_kwargs={"format": DATE_FORMAT})
    elif spec.kind == "int":
        dtype = "Int64"
        checks.append(pa.Check.ge(spec.minimum))
    elif spec.kind == "amount":
        dtype = "float64"
        checks.append(pa.Check.ge(0))
    return pa.Column(
        dtype,
        checks=checks,
        nullable=not spec.required,
        # Ids must be unique too; the loader checks that itself (problems._duplicate_problems), as
        # pandera's own check builds a frame of every repeat and names only the later line.
        coerce=True,
        title=spec.zh,
        description=spec.en,
        metadata={"kind": spec.kind, "personal": spec.personal},
    )


def _has(df: pd.DataFrame, *columns: str) -> bool:
    """Row checks skip a missing column: that is reported once, as a missing column."""
    return all(column in df for column in columns)


def _date_order_check(order: DateOrder) -> pa.Check:
    import pandera.pandas as pa

    def check(df: pd.DataFrame) -> pd.Series:
        if not _has(df, order.earlier, order.later):
            return pd.Series(True, index=df.index)
        return (
            df[order.later].isna()
            | df[order.earlier].isna()
            | (df[order.later] >= df[order.earlier])
        )

    return pa.Check(check, name=f"date_order:{order.earlier}:{order.later}")


def _paired_check(first: str, second: str) -> pa.Check:
    """Both filled or both empty (a closing date needs an outcome, and back)."""
    import pandera.pandas as pa

    def check(df: pd.DataFrame) -> pd.Series:
        if not _has(df, first, second):
            return pd.Series(True, index=df.index)
        return df[first].isna() == df[second].isna()

    return pa.Check(check, name=f"paired:{first}:{second}")


def _dispute_outcome_check() -> pa.Check:
    import pandera.pandas as pa

    def check(df: pd.DataFrame) -> pd.Series:
        if not _has(df, "body_type", "outcome"):
            return pd.Series(True, index=df.index)
        mediation = df["body_type"] == "调解组织"
        ok_med = df["outcome"].isin(MEDIATION_OUTCOMES)
        ok_arb = df["outcome"].isin(ARBITRATION_OUTCOMES)
        return df["outcome"].isna() | (mediation & ok_med) | (~mediation & ok_arb)

    return pa.Check(check, name="dispute_outcome:body_type:outcome")


def _court_name_check(court: str) -> pa.Check:
    """A case the arbitration court handled names the court as the bureau's profile does."""
    import pandera.pandas as pa

    def check(df: pd.DataFrame) -> pd.Series:
        if not _has(df, "body_type", "body_name"):
            return pd.Series(True, index=df.index)
        return (df["body_type"] != "仲裁院") | (df["body_name"] == court)

    return pa.Check(check, name="court_name:body_type:body_name")


_PAIRS = {
    "disputes": [("closed_date", "outcome")],
    "wage_arrears_leads": [("closed_date", "result")],
    "disclosure_requests": [("reply_date", "result")],
    "litigation_cases": [("hearing_date", "leader_appeared"), ("concluded_date", "result")],
    "reconsideration_cases": [("concluded_date", "result")],
}


def ledgers_for(profile: BureauProfile | None = None) -> dict[str, LedgerSpec]:
    """The contract as one bureau's ledgers must meet it: each column that takes its allowed
    values from the profile gets that bureau's names (the sample bureau's when none is given)."""
    profile = profile or default_profile()
    known = _RESOLVED.get(id(profile))
    if known is not None and known[0] is profile:
        return dict(known[1])
    if len(_RESOLVED) >= 8:
        _RESOLVED.clear()

    def resolved(spec: LedgerSpec) -> LedgerSpec:
        columns = tuple(
            replace(col, allowed=profile.names(col.allowed_from)) if col.allowed_from else col
            for col in spec.columns
        )
        court = profile.organisations.arbitration_court if spec.name == "disputes" else ""
        return replace(spec, columns=columns, arbitration_court=court)

    specs = {name: resolved(spec) for name, spec in LEDGERS.items()} | local_ledgers(profile)
    _RESOLVED[id(profile)] = (profile, specs)
    return dict(specs)


# The specs resolved for a profile, by its identity (a profile is read once and not changed):
# each card of the review edition asks for them again.
_RESOLVED: dict[int, tuple[BureauProfile, dict[str, LedgerSpec]]] = {}


def local_ledgers(profile: BureauProfile) -> dict[str, LedgerSpec]:
    """The bureau's own ledgers (its profile's `ledgers`) as specs like the contract's."""
    out = {}
    for name, declared in profile.ledgers.items():
        columns = tuple(
            _c(col.name, col.kind, col.zh, col.en or col.zh, required=col.required,
               personal=col.personal,
               allowed=(YES, NO) if col.kind == "flag" else tuple(col.allowed),
               minimum=col.minimum)
            for col in declared.columns
        )  # fmt: skip
        out[name] = LedgerSpec(name, declared.zh, declared.en or declared.zh, declared.key,
                               declared.year_column, columns, notes_zh=declared.notes)  # fmt: skip
    LOCAL_LEDGERS.update(out)
    return out


def schema_for(name: str, profile: BureauProfile | None = None) -> pa.DataFrameSchema:
    return schema_of(ledgers_for(profile)[name])


@functools.lru_cache(maxsize=64)
def schema_of(spec: LedgerSpec) -> pa.DataFrameSchema:
    """The pandera schema of a ledger spec whose profile names are filled in (ledgers_for)."""
    import pandera.pandas as pa

    name = spec.name
    checks = [_date_order_check(o) for o in spec.date_orders]
    checks += [_paired_check(a, b) for a, b in _PAIRS.get(name, [])]
    if name == "disputes":
        checks.append(_dispute_outcome_check())
        if spec.arbitration_court:
            checks.append(_court_name_check(spec.arbitration_court))
    return pa.DataFrameSchema(
        {c.name: _column(c) for c in spec.columns},
        checks=checks,
        strict=True,
        ordered=False,
        coerce=True,
        name=name,
        title=spec.zh,
        description=spec.en,
    )


def personal_columns() -> dict[str, list[str]]:
    """Each ledger's personal columns, the bureaus' own ledgers' included."""
    return {name: spec.personal_columns for name, spec in (LEDGERS | LOCAL_LEDGERS).items()}
