"""Worked examples of the readings the 口径 settles: a few hand-made rows and the value they
must give, including the edge case the 口径 names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.contract import LEDGERS
from helpers.load import Ledgers
from helpers.metrics import CATALOGUE


def ledgers(**tables: list[dict]) -> Ledgers:
    """Ledgers of hand-made rows (only the columns a rule reads), typed as the loader types them,
    indexed from line 2 like a file."""
    frames = {}
    for name, rows in tables.items():
        frame = pd.DataFrame(rows, index=range(2, len(rows) + 2))
        for column in frame:
            kind = LEDGERS[name].column(column).kind
            if kind == "date":
                frame[column] = pd.to_datetime(frame[column])
            elif kind == "flag":
                frame[column] = frame[column].map({"是": True, "否": False}).astype("boolean")
        frames[name] = frame
    return Ledgers(Path("."), frames)


EXAMPLES = [
    (
        "disclosure.carried_in",
        2021,
        {
            "disclosure_requests": [
                {
                    "received_date": "2019-05-01",
                    "reply_date": "2021-01-05",
                },  # two years before: counted
                {"received_date": "2020-12-30", "reply_date": None},  # still open: counted
                {
                    "received_date": "2020-06-01",
                    "reply_date": "2020-12-31",
                },  # answered by 31 Dec: not
                {"received_date": "2021-01-02", "reply_date": None},  # this year's: not
            ]
        },
        2,
    ),
    (
        "proposals.double_satisfaction_rate",
        2021,
        {
            "proposals": [
                {
                    "closed_date": "2021-03-01",
                    "attitude_satisfaction": "满意",
                    "result_satisfaction": "满意",
                },
                {
                    "closed_date": "2021-03-02",
                    "attitude_satisfaction": "满意",
                    "result_satisfaction": "基本满意",
                },
                {
                    "closed_date": "2021-03-03",
                    "attitude_satisfaction": "满意",
                    "result_satisfaction": "未反馈",
                },
            ]
        },
        50.0,
    ),  # the one-rating row is in neither numerator nor denominator
    (
        "enforcement.new_officers_trained",
        2021,
        {
            "enforcement_officers": [
                {"onboard_date": "2021-02-01", "exam_date": "2021-04-09", "exam_result": "合格"},
                {"onboard_date": "2020-11-20", "exam_date": "2021-01-15", "exam_result": "不合格"},
                {"onboard_date": "2021-03-01", "exam_date": "2021-04-09", "exam_result": "缺考"},
                {"onboard_date": "2015-03-01", "exam_date": "2021-04-09", "exam_result": "合格"},
            ]
        },
        2,
    ),  # absent and long-serving officers are not counted
    (
        "mediation.street_town_orgs",
        2021,
        {
            "mediation_orgs": [
                {
                    "org_type": "街镇调解组织",
                    "established_date": "2015-01-01",
                    "dissolved_date": None,
                },
                {
                    "org_type": "街镇调解组织",
                    "established_date": "2015-01-01",
                    "dissolved_date": "2021-12-31",
                },
                {
                    "org_type": "街镇调解组织",
                    "established_date": "2015-01-01",
                    "dissolved_date": "2022-01-01",
                },
                {
                    "org_type": "开发区调解组织",
                    "established_date": "2015-01-01",
                    "dissolved_date": None,
                },
            ]
        },
        2,
    ),  # dissolved on 31 December: not standing at the year's end
    (
        "outreach.policy_video_episodes",
        2021,
        {
            "publicity_posts": [
                {
                    "publish_date": "2021-03-01",
                    "column_name": "秒懂政策",
                    "title": "第1期",
                    "channel": "公众号",
                },
                {
                    "publish_date": "2021-03-01",
                    "column_name": "秒懂政策",
                    "title": "第1期",
                    "channel": "视频号",
                },
                {
                    "publish_date": "2021-03-08",
                    "column_name": "秒懂政策",
                    "title": "第2期",
                    "channel": "公众号",
                },
            ]
        },
        2,
    ),  # one episode on two channels is one 期
    (
        "licensing.private_training_institutions_approved",
        2021,
        {
            "training_approvals": [
                {
                    "decision_date": "2021-02-01",
                    "ownership": "民办",
                    "item": "设立",
                    "decision": "准予",
                    "institution_name": "上海某（浦东）培训中心",
                },
                {
                    "decision_date": "2021-05-01",
                    "ownership": "民办",
                    "item": "设立",
                    "decision": "准予",
                    "institution_name": "上海某(浦东)培训中心 ",
                },
                {
                    "decision_date": "2021-05-01",
                    "ownership": "民办",
                    "item": "变更",
                    "decision": "准予",
                    "institution_name": "上海另一培训中心",
                },
            ]
        },
        1,
    ),  # full-width and half-width brackets, trailing blank: one institution
    (
        "wage_arrears.amount_recovered",
        2021,
        {
            "wage_arrears_leads": [
                {
                    "received_date": "2021-01-05",
                    "closed_date": "2021-02-01",
                    "result": "已解决",
                    "amount_recovered": 12345.0,
                },
                {
                    "received_date": "2021-01-06",
                    "closed_date": "2021-02-01",
                    "result": "已解决",
                    "amount_recovered": None,
                },
                {
                    "received_date": "2021-01-07",
                    "closed_date": "2021-02-01",
                    "result": "不属实",
                    "amount_recovered": 500.0,
                },
            ]
        },
        1.23,
    ),  # 12345 元 → 1.2345 万元 → 1.23; an empty amount counts as 0
    (
        "disputes.mediation_to_arbitration_closure_ratio",
        2021,
        {
            "disputes": [
                {"closed_date": "2021-03-01", "body_type": "调解组织", "outcome": "调解不成"},
            ]
        },
        None,
    ),  # no arbitration closure: no ratio (the report shows —)
]


@pytest.mark.parametrize(
    ("metric_id", "year", "tables", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
def test_worked_example(metric_id, year, tables, expected):
    assert CATALOGUE[metric_id].compute(ledgers(**tables), year) == expected
