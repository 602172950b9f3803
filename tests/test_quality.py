"""Data-quality tables: every row accounted for, and consistency checks that can fail."""

from __future__ import annotations

import copy

import pytest

from helpers import config
from helpers.figures import quality
from helpers.report.document import year_figures

YEAR = 2021


@pytest.fixture(scope="session")
def stats(ledgers):
    return year_figures(YEAR, config.DATA_DIR, ledgers=ledgers)


def test_row_counts_add_up_to_each_ledger(ledgers):
    table = quality.row_counts(ledgers).set_index(quality.LEDGER)
    parts = [quality.EARLIER, 2019, 2020, 2021, 2022, quality.LATER, quality.NO_DATE]
    assert list(table.columns) == [quality.FILE, quality.DATE_BASIS, *parts, quality.TOTAL]
    assert table[parts].sum(axis=1).equals(table[quality.TOTAL])
    assert table.loc["劳动人事争议案件台账", 2021] == 32014
    assert table.loc["劳动人事争议案件台账", quality.EARLIER] == 3250  # the late-2018 stub
    assert table.loc["劳动人事争议案件台账", quality.TOTAL] == len(ledgers["disputes"])
    # A topic is dated by its meeting.
    assert table.loc["会议议题台账", quality.TOTAL] == len(ledgers["meeting_topics"])
    assert table.loc["会议议题台账", 2021] == 87


def test_row_counts_for_chosen_years(ledgers):
    table = quality.row_counts(ledgers, range(2020, 2022)).set_index(quality.LEDGER)
    parts = [quality.EARLIER, 2020, 2021, quality.LATER, quality.NO_DATE]
    assert table[parts].sum(axis=1).equals(table[quality.TOTAL])
    assert table.loc["劳动人事争议案件台账", quality.EARLIER] == 3250 + 27600
    assert table.loc["劳动人事争议案件台账", quality.LATER] == 33900


def test_row_counts_name_files_without_directories(ledgers):
    files = quality.row_counts(ledgers)[quality.FILE]
    assert not files.str.contains(r"[/\\]").any()


def test_exclusions_account_for_every_row_once(ledgers):
    table = quality.exclusions(ledgers, YEAR)
    for (_, _), group in table.groupby([quality.LEDGER, quality.BASIS], sort=False):
        rows, counted = group[quality.ROWS].iloc[0], group[quality.COUNTED].iloc[0]
        assert counted + group[quality.EXCLUDED].sum() == rows
    assert quality.UNEXPLAINED not in set(table[quality.REASON])


def test_exclusions_count_what_the_figures_count(ledgers, stats):
    table = quality.exclusions(ledgers, YEAR)
    counted = table.drop_duplicates([quality.LEDGER, quality.BASIS]).set_index(quality.BASIS)[
        quality.COUNTED
    ]
    value = {k: v["value"] for k, v in stats["metrics"].items()}
    assert counted["受理（受理日期在当年）"] == value["disputes.accepted_total"]
    assert counted["办结（结案日期在当年，调解不成不计）"] == value["disputes.closed_total"]
    assert counted["接收（接收日期在当年）"] == value["wage_arrears.leads_received"]
    assert counted["办结（当年接收、年底前办结）"] == value["wage_arrears.leads_closed"]
    assert counted["解决（当年接收、年底前办结且已解决）"] == value["wage_arrears.leads_resolved"]
    assert counted["局务会议题（所属会议日期在当年）"] == value["decisions.meeting_topics"]
    assert counted["年末存续的街镇、开发区调解组织"] == (
        value["mediation.street_town_orgs"] + value["mediation.development_zone_orgs"]
    )
    # These three row filters are restated in quality.py; catch them drifting from metrics.py.
    assert counted["执法机构企业普法培训、讲堂品牌线下培训（活动日期在当年）"] == (
        value["outreach.enforcement_trainings"] + value["outreach.lecture_hall_offline_sessions"]
    )
    assert (
        counted["政策短视频栏目推送（发布日期在当年）"] == value["outreach.policy_video_episodes"]
    )
    assert counted["设立准予（决定日期在当年）"] >= (
        value["licensing.private_training_institutions_approved"]
        + value["licensing.foreign_training_institutions_approved"]
    )


def test_exclusions_give_reasons_in_chinese(ledgers):
    reasons = set(quality.exclusions(ledgers, YEAR)[quality.REASON])
    assert {"受理日期不在当年", "未结案", "结转下年（次年及以后办结）",
            "调解不成，转入仲裁（不计为办结）"} <= reasons  # fmt: skip


def test_exclusions_fit_a_notebook_table_untruncated(ledgers):
    # pandas shows only 10 rows of a frame longer than display.max_rows (60).
    assert len(quality.exclusions(ledgers, YEAR)) <= 60


@pytest.mark.parametrize("with_ledgers", [False, True])
def test_consistency_checks_all_pass_on_sample_data(stats, ledgers, with_ledgers):
    checks = quality.consistency_checks(stats, ledgers if with_ledgers else None)
    failing = checks[checks[quality.RESULT] != quality.PASS]
    assert failing.empty, failing.to_string()
    assert quality.all_passed(checks)
    assert len(checks) >= 20


def _set(**values):
    def doctor(document):
        for metric_id, value in values.items():
            document["metrics"][metric_id.replace("__", ".")]["value"] = value

    return doctor


@pytest.mark.parametrize(
    ("doctor", "failing"),
    [
        pytest.param(
            _set(disputes__accepted_by_arbitration=11458),
            "受理劳动人事争议案件数",
            id="accepted_sum",
        ),
        pytest.param(_set(disputes__closed_total=26000), "办结劳动人事争议案件数", id="closed_sum"),
        pytest.param(
            _set(wage_arrears__leads_closed=4100),
            "欠薪线索办结数 ≤ 接收欠薪线索数",
            id="leads_closed_le_received",
        ),
        pytest.param(
            _set(wage_arrears__closure_rate=96.24),
            "欠薪线索办结率 = 办结数 ÷ 接收数",
            id="closure_rate",
        ),
        pytest.param(
            _set(wage_arrears__resolution_rate=101.0),
            "欠薪线索解决率在 0 至 100 之间",
            id="rate_range",
        ),
        pytest.param(
            _set(litigation__leader_appearances=38),
            "行政机关负责人出庭应诉数 ≤ 一审开庭审理数",
            id="leader_appearances",
        ),
        pytest.param(
            _set(proposals__co_handled=23),
            "主办件数 + 会办件数 = 办结建议提案数",
            id="proposals_sum",
        ),
        pytest.param(
            _set(disclosure__carried_out=3),
            "本年新收 + 上年结转 = 本年答复 + 结转下年",
            id="disclosure_balance",
        ),
        pytest.param(
            _set(reconsideration__corrected=48),
            "行政复议纠错数 ≤ 行政复议审结数",
            id="reconsideration_corrected",
        ),
        pytest.param(
            _set(service__windows_reformed=None), "人工填报的数字均已填报", id="manual_missing"
        ),
        pytest.param(
            _set(decisions__bureau_meetings=None), "台账计算的数字均有数值", id="computed_missing"
        ),
    ],
)
def test_a_doctored_document_fails_its_check(stats, doctor, failing):
    document = copy.deepcopy(stats)
    doctor(document)
    checks = quality.consistency_checks(document)
    failed = checks.loc[checks[quality.RESULT] == quality.FAIL, quality.CHECK]
    assert any(failing in name for name in failed), checks.to_string()
    assert not quality.all_passed(checks)


def test_a_check_that_cannot_be_made_is_not_a_pass(stats):
    document = copy.deepcopy(stats)
    del document["metrics"]["reconsideration.concluded"]
    checks = quality.consistency_checks(document).set_index(quality.CHECK)
    assert checks.loc["行政复议纠错数 ≤ 行政复议审结数", quality.RESULT] == quality.NOT_CHECKED
    assert not quality.all_passed(checks)


def test_an_undefined_rate_with_a_zero_denominator_is_not_missing(stats):
    document = copy.deepcopy(stats)
    _set(wage_arrears__leads_received=0, wage_arrears__leads_closed=0,
         wage_arrears__leads_resolved=0, wage_arrears__closure_rate=None,
         wage_arrears__resolution_rate=None)(document)  # fmt: skip
    checks = quality.consistency_checks(document).set_index(quality.CHECK)
    assert checks.loc["欠薪线索办结率 = 办结数 ÷ 接收数", quality.RESULT] == quality.PASS
    assert checks.loc["台账计算的数字均有数值", quality.RESULT] == quality.PASS
    assert quality.all_passed(checks)
