"""Data-quality tables: every row accounted for, and consistency checks that can fail."""

from __future__ import annotations

import copy

import pytest

from helpers import config, quality
from helpers.figures import year_figures
from helpers.load import load_ledgers

YEAR = 2021


@pytest.fixture(scope="session")
def ledgers():
    return load_ledgers(config.DATA_DIR)


@pytest.fixture(scope="session")
def stats(ledgers):
    return year_figures(YEAR, config.DATA_DIR, ledgers=ledgers)


def test_row_counts_add_up_to_each_ledger(ledgers):
    table = quality.row_counts(ledgers).set_index(quality.LEDGER)
    years = [c for c in table.columns if isinstance(c, int)]
    assert table[years + [quality.NO_DATE]].sum(axis=1).equals(table[quality.TOTAL])
    assert table.loc["劳动人事争议案件台账", 2021] == 32014
    assert table.loc["劳动人事争议案件台账", quality.TOTAL] == len(ledgers["disputes"])
    # A topic is dated by its meeting.
    assert table.loc["会议议题台账", quality.TOTAL] == len(ledgers["meeting_topics"])
    assert table.loc["会议议题台账", 2021] == 87


def test_row_counts_fold_other_years_into_earlier_and_later(ledgers):
    table = quality.row_counts(ledgers, range(2020, 2022)).set_index(quality.LEDGER)
    parts = [quality.EARLIER, 2020, 2021, quality.LATER, quality.NO_DATE]
    assert table[parts].sum(axis=1).equals(table[quality.TOTAL])
    assert table.loc["劳动人事争议案件台账", quality.EARLIER] == 3250 + 27600


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


def test_exclusions_give_reasons_in_chinese(ledgers):
    reasons = set(quality.exclusions(ledgers, YEAR)[quality.REASON])
    assert {"受理日期早于当年", "未结案", "结转下年（次年及以后办结）",
            "调解不成，转入仲裁（不计为办结）"} <= reasons  # fmt: skip


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
        (_set(disputes__accepted_by_arbitration=11458), "受理劳动人事争议案件数"),
        (_set(disputes__closed_total=26000), "办结劳动人事争议案件数"),
        (_set(wage_arrears__leads_closed=4100), "欠薪线索办结数 ≤ 接收欠薪线索数"),
        (_set(wage_arrears__closure_rate=96.24), "欠薪线索办结率 = 办结数 ÷ 接收数"),
        (_set(wage_arrears__resolution_rate=101.0), "欠薪线索解决率在 0 至 100 之间"),
        (_set(litigation__leader_appearances=38), "行政机关负责人出庭应诉数 ≤ 一审开庭审理数"),
        (_set(proposals__co_handled=23), "主办件数 + 会办件数 = 办结建议提案数"),
        (_set(disclosure__carried_out=3), "本年新收 + 上年结转 = 本年答复 + 结转下年"),
        (_set(reconsideration__corrected=48), "行政复议纠错数 ≤ 行政复议审结数"),
        (_set(service__windows_reformed=None), "人工填报的数字均已填报"),
        (_set(decisions__bureau_meetings=None), "台账计算的数字均有数值"),
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
