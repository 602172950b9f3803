"""一(十) 普法: legal outreach, the enforcement trainer's trainings for employers, the policy video
column and the lecture brand (named in the bureau's profile).
"""

from __future__ import annotations

import pandas as pd

from helpers.figures.catalogue import (
    Example,
    _register,
    by_year,
    counted,
    distinct,
    examples,
    summed,
)
from helpers.ledgers.load import Ledgers


def enforcement_trainings(L: Ledgers, year: int) -> pd.DataFrame:
    e = by_year(L["outreach_events"], "event_date", year)
    trainer = L.profile.programmes.enforcement_trainer
    return e[(e["organiser"] == trainer) & (e["event_type"] == "企业普法培训")]


EVENT_COLUMNS = ("event_date", "organiser", "event_type")


@_register(
    "outreach.enforcement_trainings",
    "执法机构面向企业普法培训场次",
    "场",
    "outreach_events",
    "组织单位为机关档案所定的执法机构（programmes.enforcement_trainer）、类型为“企业普法培训”、"
    "活动日期在当年的场次",
)
@examples(
    Example(2021, 2, "档案所定执法机构的企业普法培训（含1月1日、12月31日）计入；政策宣讲、仲裁院办的和上年的不计", {
        "outreach_events": """
            event_id | event_date | organiser            | event_type
            HD-01    | 2021-01-01 | {enforcement_trainer} | 企业普法培训
            HD-02    | 2021-12-31 | {enforcement_trainer} | 企业普法培训
            HD-03    | 2021-05-01 | {enforcement_trainer} | 政策宣讲
            HD-04    | 2021-05-01 | 劳动人事争议仲裁院   | 企业普法培训
            HD-05    | 2020-12-31 | {enforcement_trainer} | 企业普法培训
        """}),
)  # fmt: skip
def _trainings(L, year):
    return counted("outreach_events", enforcement_trainings(L, year), *EVENT_COLUMNS)


@_register(
    "outreach.enforcement_training_units",
    "参加普法培训的单位数（累计）",
    "家",
    "outreach_events",
    "上述培训各场参加单位数之和（按场次累计，不去重）",
)
@examples(
    Example(2021, 55, "30 + 25 = 55：同一批单位参加两场也按场次累计；仲裁院办的和上年的不计", {
        "outreach_events": """
            event_id | event_date | organiser            | event_type   | units
            HD-01    | 2021-03-01 | {enforcement_trainer} | 企业普法培训 | 30
            HD-02    | 2021-06-01 | {enforcement_trainer} | 企业普法培训 | 25
            HD-03    | 2021-06-01 | 劳动人事争议仲裁院   | 企业普法培训 | 40
            HD-04    | 2020-12-31 | {enforcement_trainer} | 企业普法培训 | 12
        """}),
)  # fmt: skip
def _training_units(L, year):
    t = enforcement_trainings(L, year)
    return summed("outreach_events", t, "units", int(t["units"].sum()), *EVENT_COLUMNS, "units")


@_register(
    "outreach.enforcement_training_participants",
    "参加普法培训的企业人事人数（累计）",
    "位",
    "outreach_events",
    "上述培训各场参加人数之和（按场次累计，不去重）",
)
@examples(
    Example(2021, 150, "86 + 64 = 150，按场次累计；政策宣讲的和次年1月1日的不计", {
        "outreach_events": """
            event_id | event_date | organiser            | event_type   | participants
            HD-01    | 2021-03-01 | {enforcement_trainer} | 企业普法培训 | 86
            HD-02    | 2021-12-31 | {enforcement_trainer} | 企业普法培训 | 64
            HD-03    | 2021-06-01 | {enforcement_trainer} | 政策宣讲     | 200
            HD-04    | 2022-01-01 | {enforcement_trainer} | 企业普法培训 | 50
        """}),
)  # fmt: skip
def _training_people(L, year):
    t = enforcement_trainings(L, year)
    return summed("outreach_events", t, "participants", int(t["participants"].sum()),
                  *EVENT_COLUMNS, "participants")  # fmt: skip


@_register(
    "outreach.policy_video_episodes",
    "政策短视频栏目推出期数",
    "期",
    "publicity_posts",
    "栏目为机关档案所定的政策短视频栏目（programmes.policy_video_column）、"
    "发布日期在当年的期数：同一期（标题相同）在多个平台发布只计一期",
)
@examples(
    Example(2021, 2, "同一期（标题相同）在公众号、视频号各发一次只计一期；其他栏目同名的和上年的不计", {
        "publicity_posts": """
            post_id | publish_date | column_name | title          | channel
            TS-01   | 2021-03-01   | {policy_video_column} | 第1期 稳岗补贴 | 公众号
            TS-02   | 2021-03-02   | {policy_video_column} | 第1期 稳岗补贴 | 视频号
            TS-03   | 2021-12-31   | {policy_video_column} | 第2期 工伤认定 | 公众号
            TS-04   | 2021-05-01   | 案说工伤              | 第2期 工伤认定 | 公众号
            TS-05   | 2020-12-31   | {policy_video_column} | 年终特辑       | 公众号
        """}),
)  # fmt: skip
def _videos(L, year):
    p = by_year(L["publicity_posts"], "publish_date", year)
    column = L.profile.programmes.policy_video_column
    return distinct("publicity_posts", p[p["column_name"] == column], "title", "publish_date",
                    "column_name", "title", "channel")  # fmt: skip


@_register(
    "outreach.lecture_hall_offline_sessions",
    "普法讲堂品牌线下培训场次",
    "场",
    "outreach_events",
    "组织单位为机关档案所定的讲堂品牌（programmes.lecture_brand）、类型为“线下培训”、"
    "活动日期在当年的场次",
)
@examples(
    Example(2021, 2, "大讲堂的线下培训（含1月1日、12月31日）计入；政策宣讲、其他单位办的和次年的不计", {
        "outreach_events": """
            event_id | event_date | organiser      | event_type
            HD-01    | 2021-01-01 | {lecture_brand} | 线下培训
            HD-02    | 2021-12-31 | {lecture_brand} | 线下培训
            HD-03    | 2021-06-01 | {lecture_brand} | 政策宣讲
            HD-04    | 2021-06-01 | 人才服务中心    | 线下培训
            HD-05    | 2022-01-01 | {lecture_brand} | 线下培训
        """}),
)  # fmt: skip
def _lectures(L, year):
    e = by_year(L["outreach_events"], "event_date", year)
    brand = L.profile.programmes.lecture_brand
    hit = e[(e["organiser"] == brand) & (e["event_type"] == "线下培训")]
    return counted("outreach_events", hit, *EVENT_COLUMNS)
