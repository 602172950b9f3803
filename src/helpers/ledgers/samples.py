"""Deterministic generator of a sample bureau's synthetic ledgers in data/raw/<bureau-id>/.

The rows are made up but shaped like a case system's export: cumulative over the sample years,
with cases carried over between years, seasonal intake and fake personal data. The cohort sizes
in the plans below are chosen so that the sample bureau's 2021 rows reproduce every ledger figure
of its published 2021 report; the other years differ plausibly. Every name (streets, courts,
units, programmes) and the size relative to these plans come from the bureau profile's `sample`
section, so another sample bureau is made from its profile alone.

`scale` multiplies the two high-volume ledgers (disputes, wage-arrears leads) for benchmarks. At
scale N they hold N blocks: block 0 is the 1× ledger itself, row for row, and each further block
is drawn afresh from the same plans with a seed of its own (seed, block, ledger), so every block
has the 1× counts per year and cohort (each year's figures are N times those of 1×) but its own
dates within the year, organisations, amounts, names, ID numbers and phones. Ids continue each
year's numbering across blocks, wide enough for the largest (TJ2021-0000001 at 100×), so they stay
unique. The file is sorted by date within each block, as N exports of a case system appended one
after another would be. `write_all` writes the blocks one at a time, so memory stays that of
about two 1× ledgers at any scale; every other ledger is the 1× one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import progress
from helpers.bureau import BureauProfile, SampleMaking, default_profile
from helpers.ledgers import contract as c
from helpers.ledgers.csvio import neutralise, write_csv

# Dispute cohorts per receiving year. Mediation: (received, success in year, failure in year,
# carried over and later successful, carried over and later failed). Arbitration: (received,
# closed in year, carried over). The 2018 row holds only the cases carried into 2019; the 2022
# carried-over cases are still open at export.
MEDIATION_PLAN = {
    2018: (650, 0, 0, 500, 150),
    2019: (17200, 12300, 3900, 760, 240),
    2020: (19100, 13500, 4800, 620, 180),
    2021: (20557, 14358, 4950, 940, 309),
    2022: (21800, 15000, 5300, 1125, 375),
}
ARBITRATION_PLAN = {
    2018: (2600, 0, 2600),
    2019: (10400, 7700, 2700),
    2020: (11000, 8100, 2900),
    2021: (11457, 8631, 2826),
    2022: (12100, 9000, 3100),
}
# Wage-arrears leads: (received, closed by 31 Dec, resolved among those closed).
WAGE_PLAN = {2019: (3120, 2990, 2120), 2020: (3650, 3480, 2450), 2021: (4055, 3903, 2821),
             2022: (4310, 4160, 3010)}  # fmt: skip
# Disclosure requests: (received, answered in the same year); the rest are answered next January.
DISCLOSURE_PLAN = {2019: (24, 24), 2020: (31, 30), 2021: (29, 27), 2022: (35, 33)}
DISCLOSURE_CHALLENGED = {2019: 1, 2020: 1, 2021: 0, 2022: 1}
# Litigation, first instance: (received, heard in year, concluded among heard in year,
# concluded without a hearing in year); the rest are heard and concluded next year.
FIRST_INSTANCE_PLAN = {2019: (35, 27, 25, 2), 2020: (38, 30, 28, 2), 2021: (42, 32, 28, 3),
                       2022: (45, 35, 33, 3)}  # fmt: skip
# First-instance cases received late in the previous year: 2020 leaves 6 for 2021, of which 5
# are heard in 2021 and 1 is withdrawn without a hearing (derived from the plan above).
APPEARANCE_RATE = {2019: 0.81, 2020: 0.93, 2021: 1.0, 2022: 1.0}
UPPER_STAGES = {2019: (22, 3, 1), 2020: (25, 4, 1), 2021: (28, 6, 2), 2022: (30, 5, 3)}
LOST_CASES = {2019: 1, 2020: 0, 2021: 0, 2022: 0}
SUGGESTION_PLAN = {2019: (1, 0), 2020: (2, 1), 2021: (3, 1), 2022: (2, 2)}
# Reconsideration: (received, concluded in year); the rest conclude next year.
RECONSIDERATION_PLAN = {2019: (41, 38), 2020: (46, 42), 2021: (50, 43), 2022: (55, 50)}
# Proposals closed per year: (lead, co-handled, revisits among lead, answers published among lead,
# closed with less than 满意 on both ratings).
PROPOSAL_PLAN = {2019: (7, 21, 0, 5, 1), 2020: (8, 22, 1, 6, 1), 2021: (8, 24, 1, 7, 0),
                 2022: (9, 25, 1, 9, 0)}  # fmt: skip
MEETING_PLAN = {2019: (30, 58), 2020: (31, 60), 2021: (33, 65), 2022: (34, 70)}
FAIR_REVIEWS = {2019: 6, 2020: 8, 2021: 11, 2022: 12}
NORMATIVE_PLAN = {2019: (10, 9), 2020: (12, 12), 2021: (14, 14), 2022: (13, 13)}  # issued, filed
NEW_OFFICERS = {2019: 5, 2020: 2, 2021: 3, 2022: 4}
APPROVALS = {2019: (12, 0), 2020: (15, 1), 2021: (22, 1), 2022: (18, 2)}  # private, foreign
# Enforcement-brigade trainings for employers: (events, organisations, people).
TRAININGS = {2019: (14, 820, 861), 2020: (9, 610, 640), 2021: (20, 1149, 1178),
             2022: (22, 1260, 1302)}  # fmt: skip
LECTURE_SESSIONS = {2019: 6, 2020: 4, 2021: 10, 2022: 12}
POSTS = {  # per column of the profile's publicity_columns, in its order
    2019: (0, 22, 18, 15, 0), 2020: (15, 24, 20, 16, 6), 2021: (33, 24, 20, 18, 12),
    2022: (40, 24, 22, 18, 14),
}  # fmt: skip

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏飞俊辉丹晨欣怡雪梅海燕晓婷佳琪子涵梓轩思远天宇嘉豪"
)
EMPLOYER_WORDS = list("鑫恒泰华盛隆达丰源祥瑞安康宏信诚德通汇锦创联合新和佳益兴")
EMPLOYER_TRADES = ["建设工程", "餐饮管理", "物业管理", "科技", "电子", "贸易", "教育培训",
                   "人力资源", "物流", "服装", "机械制造", "商务咨询"]  # fmt: skip


def _n(count: int, volume: float) -> int:
    """A plan's count at a bureau's volume, rounded half up (unchanged at volume 1)."""
    return count if volume == 1 else int(count * volume + 0.5)


@dataclass(frozen=True)
class _Plan:
    """The plans above at one sample bureau's years and volumes."""

    mediation: dict
    arbitration: dict
    wage: dict
    disclosure: dict
    challenged: dict
    first_instance: dict
    lost: dict
    upper: dict
    suggestions: dict
    reconsideration: dict
    proposals: dict
    meetings: dict
    fair_reviews: dict
    normative: dict
    new_officers: dict
    approvals: dict
    trainings: dict
    lectures: dict
    posts: dict
    first_year: int
    office_volume: float

    def office(self, count: int) -> int:
        return _n(count, self.office_volume)


def _plan(sample: SampleMaking) -> _Plan:
    """Plans restricted to the sample years; the year before the first holds only the cases
    carried into it. Case ledgers scale by case_volume, the others by office_volume."""
    years, first = sorted(sample.years), min(sample.years)
    cv, ov = sample.case_volume, sample.office_volume

    def each(plan: dict, volume: float) -> dict:
        return {y: tuple(_n(v, volume) for v in plan[y]) for y in plan if y in years}

    mediation = {}
    for year, (_, success, failure, carry_success, carry_failure) in MEDIATION_PLAN.items():
        if year == first - 1:
            success = failure = 0
        elif year not in years:
            continue
        parts = tuple(_n(v, cv) for v in (success, failure, carry_success, carry_failure))
        mediation[year] = (sum(parts), *parts)
    arbitration = {}
    for year, (_, same, carried) in ARBITRATION_PLAN.items():
        if year == first - 1:
            same = 0
        elif year not in years:
            continue
        arbitration[year] = (_n(same, cv) + _n(carried, cv), _n(same, cv), _n(carried, cv))
    wage = {}
    for year, (received, closed, resolved) in each(WAGE_PLAN, cv).items():
        closed = min(closed, received)
        wage[year] = (received, closed, min(resolved, closed))
    disclosure = {y: (r, min(a, r)) for y, (r, a) in each(DISCLOSURE_PLAN, cv).items()}
    first_instance = {}
    for year, (received, heard, concluded, quick) in FIRST_INSTANCE_PLAN.items():
        if year in years:
            carried = _n(received - heard - quick, cv)
            heard, quick = _n(heard, cv), _n(quick, cv)
            first_instance[year] = (heard + quick + carried, heard, min(_n(concluded, cv), heard),
                                    quick)  # fmt: skip
    proposals = {}
    for year, (lead, co, revisits, published, unsatisfied) in each(PROPOSAL_PLAN, ov).items():
        proposals[year] = (lead, co, min(revisits, lead), min(published, lead),
                           min(unsatisfied, lead + co))  # fmt: skip
    meetings = {y: (n, max(t, n)) for y, (n, t) in each(MEETING_PLAN, ov).items()}
    normative = {y: (n, min(f, n)) for y, (n, f) in each(NORMATIVE_PLAN, ov).items()}
    trainings = {}
    for year, (events, units, people) in each(TRAININGS, ov).items():
        units = max(units, 25 * events)  # each training has at least 25 organisations
        trainings[year] = (events, units, max(people, units))
    return _Plan(
        mediation=mediation,
        arbitration=arbitration,
        wage=wage,
        disclosure=disclosure,
        challenged={y: min(DISCLOSURE_CHALLENGED[y], a) for y, (_, a) in disclosure.items()},
        first_instance=first_instance,
        lost={y: min(LOST_CASES[y], p[1]) for y, p in first_instance.items()},
        upper=each(UPPER_STAGES, cv),
        suggestions={y: SUGGESTION_PLAN[y] for y in SUGGESTION_PLAN if y in years},
        reconsideration={
            y: (r, min(c_, r)) for y, (r, c_) in each(RECONSIDERATION_PLAN, cv).items()
        },
        proposals=proposals,
        meetings=meetings,
        fair_reviews={y: _n(FAIR_REVIEWS[y], ov) for y in FAIR_REVIEWS if y in years},
        normative=normative,
        new_officers={y: _n(NEW_OFFICERS[y], ov) for y in NEW_OFFICERS if y in years},
        approvals=each(APPROVALS, ov),
        trainings=trainings,
        lectures={y: _n(LECTURE_SESSIONS[y], ov) for y in LECTURE_SESSIONS if y in years},
        posts=each(POSTS, ov),
        first_year=first,
        office_volume=ov,
    )


class _Maker:
    """Vectorised random helpers over one seeded generator."""

    def __init__(self, seed: int | list[int], employer_prefix: str = "",
                 region_codes: list[str] = ()):  # fmt: skip
        self.rng = np.random.default_rng(seed)
        self.employer_prefix = employer_prefix
        self.region_codes = list(region_codes)

    def pick(self, values, n, p=None) -> np.ndarray:
        values = np.asarray(values, dtype=object)
        if p is not None:
            p = np.asarray(p, dtype=float) / np.sum(p)
        return values[self.rng.choice(len(values), size=n, p=p)]

    def names(self, n: int) -> np.ndarray:
        surname = self.pick(SURNAMES, n)
        first = self.pick(GIVEN, n)
        second = np.where(self.rng.random(n) < 0.6, self.pick(GIVEN, n), "")
        return surname + first + second

    def id_numbers(self, n: int) -> np.ndarray:
        region = self.pick(self.region_codes, n)
        birth = pd.to_datetime("1962-01-01") + pd.to_timedelta(
            self.rng.integers(0, 365 * 40, n), unit="D"
        )
        seq = self.rng.integers(0, 1000, n)
        body = (
            region
            + birth.strftime("%Y%m%d").to_numpy(dtype=object)
            + np.char.zfill(seq.astype(str), 3).astype(object)
        )
        weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
        digits = np.frombuffer("".join(body).encode("ascii"), dtype=np.uint8).reshape(n, 17) - 48
        codes = (digits.astype(np.int64) @ weights) % 11
        return body + np.array(list("10X98765432"), dtype=object)[codes]

    def phones(self, n: int) -> np.ndarray:
        prefix = self.pick(
            ["138", "139", "136", "135", "158", "159", "186", "187", "137", "189"], n
        )
        rest = np.char.zfill(self.rng.integers(0, 10**8, n).astype(str), 8).astype(object)
        return prefix + rest

    def employers(self, n: int) -> np.ndarray:
        word = self.pick(EMPLOYER_WORDS, n) + self.pick(EMPLOYER_WORDS, n)
        return self.employer_prefix + word + self.pick(EMPLOYER_TRADES, n) + "有限公司"

    def days_in_year(self, year: int, n: int, month_weights, *, start_month=1) -> np.ndarray:
        """Dates in `year` (from `start_month`), weighted by month, uniform within a month."""
        days = pd.date_range(f"{year}-{start_month:02d}-01", f"{year}-12-31", freq="D")
        weights = np.array([month_weights[d.month - 1] for d in days], dtype=float)
        weights[days.day_of_week >= 5] *= 0.15  # offices close at weekends
        return np.sort(self.rng.choice(days.values, size=n, p=weights / weights.sum()))

    def split(self, total: int, parts: int, low: int) -> np.ndarray:
        """`parts` integers ≥ low that add up to total exactly."""
        extra = self.rng.multinomial(total - low * parts, np.ones(parts) / parts)
        return extra + low


# Intake after Spring Festival and at year end is higher; 2020 dips in February and March.
MONTH_WEIGHTS = {
    2019: [1.0, 0.7, 1.2, 1.1, 1.0, 1.0, 1.0, 0.9, 1.0, 0.9, 1.1, 1.2],
    2020: [1.0, 0.3, 0.6, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 1.0, 1.2, 1.3],
    2021: [1.0, 0.7, 1.3, 1.1, 1.0, 1.0, 1.0, 0.9, 1.0, 0.9, 1.1, 1.3],
    2022: [1.0, 0.7, 0.8, 0.3, 0.4, 1.0, 1.2, 1.1, 1.0, 1.0, 1.1, 1.2],
}
LATE_WEIGHTS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3, 1.0, 2.5]
EARLY_WEIGHTS = [3.0, 1.5, 1.0, 0.4, 0, 0, 0, 0, 0, 0, 0, 0]


def _fmt(dates) -> np.ndarray:
    series = pd.Series(pd.to_datetime(dates))
    return series.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)


def _close_within_year(m: _Maker, received: np.ndarray, mean_days: float, year: int) -> np.ndarray:
    received = pd.to_datetime(received)
    duration = pd.to_timedelta(np.ceil(m.rng.exponential(mean_days, len(received))), unit="D")
    closed = received + duration
    year_end = pd.Timestamp(f"{year}-12-31")
    late = closed > year_end
    room = (year_end - received[late]).days.to_numpy()
    closed = closed.to_numpy().copy()
    closed[late] = received[late] + pd.to_timedelta(m.rng.integers(0, room + 1), unit="D")
    return closed


def _next_year_dates(m: _Maker, year: int, n: int) -> np.ndarray:
    return m.days_in_year(year + 1, n, EARLY_WEIGHTS)


def _assign_orgs(m: _Maker, received: np.ndarray, orgs: pd.DataFrame) -> np.ndarray:
    """A mediation organisation that existed on the day each case was received."""
    orgs = orgs[orgs["org_type"] != "联调中心"]
    established = pd.to_datetime(orgs["established_date"]).to_numpy()
    dissolved = pd.to_datetime(orgs["dissolved_date"].replace("", None)).fillna(
        pd.Timestamp("2100-01-01")).to_numpy()  # fmt: skip
    names = orgs["org_name"].to_numpy(dtype=object)
    received = pd.to_datetime(received).to_numpy()
    chosen = m.rng.integers(0, len(names), len(received))
    for _ in range(20):
        bad = (established[chosen] > received) | (dissolved[chosen] < received)
        if not bad.any():
            break
        chosen[bad] = m.rng.integers(0, len(names), int(bad.sum()))
    return names[chosen]


def build_mediation_orgs(profile: BureauProfile) -> pd.DataFrame:
    rows = []
    orgs, sample = profile.organisations, profile.sample
    assert sample is not None
    late = {area: date.isoformat() for area, date in sample.late_committees.items()}
    for i, area in enumerate(orgs.streets + orgs.towns, start=1):
        established = late.get(area, f"{2012 + i % 6}-{1 + i % 12:02d}-{1 + i % 27:02d}")
        rows.append((f"TJZZ{i:03d}", f"{area}劳动人事争议调解委员会", "街镇调解组织", area,
                     established, ""))  # fmt: skip
    zones = zip(orgs.development_zones, sample.zone_centre_dates, strict=True)
    for i, (zone, date) in enumerate(zones, start=41):
        rows.append((f"TJZZ{i:03d}", f"{zone}劳动人事争议调解中心", "开发区调解组织", zone,
                     date.isoformat(), ""))  # fmt: skip
    rows.append(("TJZZ050", sample.mediation_centre, "联调中心", profile.district,
                 "2018-05-10", ""))  # fmt: skip
    for i, (area, date) in enumerate(sample.centre_branches, start=51):
        rows.append((f"TJZZ{i:03d}", f"{sample.mediation_centre}{area}分中心", "联调分中心",
                     area, date.isoformat(), ""))  # fmt: skip
    if sample.dissolved_committee:
        name, area, established, dissolved = sample.dissolved_committee
        rows.append(("TJZZ060", name, "开发区调解组织", area, established.isoformat(),
                     dissolved.isoformat()))  # fmt: skip
    return pd.DataFrame(rows, columns=c.LEDGERS["mediation_orgs"].column_names)


def build_disputes(m: _Maker, orgs: pd.DataFrame, plan: _Plan, court: str) -> pd.DataFrame:
    parts = []
    dispute_types = [
        "劳动报酬",
        "解除劳动合同经济补偿",
        "社会保险",
        "工伤待遇",
        "确认劳动关系",
        "其他",
    ]
    dispute_p = [0.42, 0.24, 0.09, 0.08, 0.07, 0.10]
    for year in sorted(plan.mediation):
        received, success, failure, carry_success, carry_failure = plan.mediation[year]
        weights = MONTH_WEIGHTS.get(year, MONTH_WEIGHTS[2019])
        same = success + failure
        carried = carry_success + carry_failure
        if year < plan.first_year:
            rec_same = np.array([], dtype="datetime64[ns]")
        else:
            rec_same = m.days_in_year(year, same, weights)
        rec_carried = m.days_in_year(year, carried, LATE_WEIGHTS)
        closed_same = _close_within_year(m, rec_same, 12, year)
        closed_next = _next_year_dates(m, year, carried)
        if year == max(plan.mediation):
            closed_next = np.full(carried, np.datetime64("NaT"), dtype="datetime64[ns]")
        outcome = np.concatenate([
            m.rng.permutation(np.array(["调解成功"] * success + ["调解不成"] * failure, dtype=object)),
            np.array(["调解成功"] * carry_success + ["调解不成"] * carry_failure, dtype=object),
        ])  # fmt: skip
        received_dates = np.concatenate([rec_same, rec_carried])
        frame = pd.DataFrame({
            "body_type": "调解组织",
            "body_name": _assign_orgs(m, received_dates, orgs),
            "received_date": received_dates,
            "closed_date": np.concatenate([closed_same, closed_next]),
            "outcome": outcome,
        })  # fmt: skip
        if year == max(plan.mediation):
            frame.loc[frame["closed_date"].isna(), "outcome"] = ""
        frame["prefix"] = f"TJ{year}-"
        parts.append(frame)

        received, same, carried = plan.arbitration[year]
        rec_same = (m.days_in_year(year, same, weights) if same
                    else np.array([], dtype="datetime64[ns]"))  # fmt: skip
        rec_carried = m.days_in_year(year, carried, [0, 0, 0, 0, 0, 0, 0, 0.3, 0.8, 1, 1.5, 2])
        closed_same = _close_within_year(m, rec_same, 40, year)
        closed_next = m.days_in_year(year + 1, carried, [3, 2, 1.5, 1, 0.6, 0.3, 0, 0, 0, 0, 0, 0])
        outcomes = m.pick(c.ARBITRATION_OUTCOMES, same + carried, p=[0.36, 0.44, 0.15, 0.03, 0.02])
        frame = pd.DataFrame({
            "body_type": "仲裁院",
            "body_name": court,
            "received_date": np.concatenate([rec_same, rec_carried]),
            "closed_date": np.concatenate([closed_same, closed_next]),
            "outcome": outcomes,
        })  # fmt: skip
        if year == max(plan.arbitration):
            frame.loc[len(rec_same) :, ["closed_date"]] = pd.NaT
            frame.loc[len(rec_same) :, ["outcome"]] = ""
        frame["prefix"] = f"ZC{year}-"
        parts.append(frame)
    disputes = pd.concat(parts, ignore_index=True)
    disputes = disputes.sort_values(["received_date", "prefix"], kind="stable", ignore_index=True)
    disputes["case_id"] = disputes["prefix"] + (disputes.groupby("prefix").cumcount() + 1).astype(
        str
    ).str.zfill(6)
    n = len(disputes)
    disputes["case_type"] = np.where(m.rng.random(n) < 0.97, "劳动争议", "人事争议")
    disputes["dispute_type"] = m.pick(dispute_types, n, p=dispute_p)
    disputes["claim_amount"] = np.round(m.rng.lognormal(9.6, 1.0, n)).astype(int)
    disputes["workers"] = np.where(m.rng.random(n) < 0.93, 1, m.rng.integers(2, 30, n))
    disputes["employer_name"] = m.employers(n)
    disputes["applicant_name"] = m.names(n)
    disputes["applicant_id_number"] = m.id_numbers(n)
    disputes["applicant_phone"] = m.phones(n)
    disputes["received_date"] = _fmt(disputes["received_date"])
    disputes["closed_date"] = _fmt(disputes["closed_date"])
    return disputes[c.LEDGERS["disputes"].column_names]


def build_wage_leads(m: _Maker, plan: _Plan, areas: list[str]) -> pd.DataFrame:
    parts = []
    for year, (received, closed, resolved) in plan.wage.items():
        rec_closed = m.days_in_year(year, closed, MONTH_WEIGHTS[year])
        rec_open = m.days_in_year(year, received - closed, LATE_WEIGHTS)
        closed_dates = _close_within_year(m, rec_closed, 18, year)
        late_closed = pd.Series(_next_year_dates(m, year, len(rec_open)))
        if year == max(plan.wage):
            late_closed = late_closed.where(m.rng.random(len(rec_open)) < 0.7)
        others = m.pick(c.WAGE_RESULTS[1:], closed - resolved, p=[0.18, 0.42, 0.25, 0.15])
        results = np.concatenate([np.array(["已解决"] * resolved, dtype=object), others])
        late_results = m.pick(c.WAGE_RESULTS, len(rec_open), p=[0.6, 0.1, 0.15, 0.1, 0.05])
        frame = pd.DataFrame({
            "received_date": np.concatenate([rec_closed, rec_open]),
            "closed_date": np.concatenate([closed_dates, late_closed.to_numpy()]),
            "result": np.concatenate([m.rng.permutation(results), late_results]),
        })  # fmt: skip
        frame.loc[frame["closed_date"].isna(), "result"] = ""
        parts.append(frame)
    leads = pd.concat(parts, ignore_index=True).sort_values("received_date", kind="stable",
                                                            ignore_index=True)  # fmt: skip
    n = len(leads)
    year = pd.to_datetime(leads["received_date"]).dt.year.astype(str)
    leads["lead_id"] = (
        "QX" + year + "-" + (leads.groupby(year).cumcount() + 1).astype(str).str.zfill(5)
    )
    leads["source"] = m.pick(["部转线索", "12345市民热线", "来信来访", "网络舆情", "主动排查"], n,
                             p=[0.38, 0.40, 0.10, 0.04, 0.08])  # fmt: skip
    leads["street_town"] = m.pick(areas, n)
    leads["industry"] = m.pick(["建筑业", "制造业", "批发零售", "住宿餐饮", "教育培训", "其他服务业"], n,
                               p=[0.30, 0.18, 0.12, 0.14, 0.08, 0.18])  # fmt: skip
    leads["employer_name"] = m.employers(n)
    leads["workers"] = np.where(m.rng.random(n) < 0.75, 1, m.rng.integers(2, 16, n))
    leads["amount_claimed"] = np.round(m.rng.lognormal(8.9, 0.8, n) * leads["workers"]).astype(int)
    recovered = np.round(leads["amount_claimed"] * m.rng.uniform(0.6, 1.0, n)).astype(int)
    leads["amount_recovered"] = np.where(leads["result"] == "已解决", recovered.astype(str), "")
    leads["complainant_name"] = m.names(n)
    leads["complainant_phone"] = m.phones(n)
    leads["received_date"] = _fmt(leads["received_date"])
    leads["closed_date"] = _fmt(leads["closed_date"])
    return leads[c.LEDGERS["wage_arrears_leads"].column_names]


def _dates(m: _Maker, year: int, n: int, weights=None) -> list[str]:
    return list(_fmt(m.days_in_year(year, n, weights or MONTH_WEIGHTS[year])))


def _shift(date: str, low: int, high: int, m: _Maker, cap: str | None = None) -> str:
    shifted = pd.Timestamp(date) + pd.Timedelta(days=int(m.rng.integers(low, high + 1)))
    if cap is not None:
        shifted = min(shifted, pd.Timestamp(cap))
    return shifted.strftime("%Y-%m-%d")


DISCLOSURE_SUBJECTS = ["某公司社会保险缴费记录", "工伤认定决定书及相关材料", "劳动保障监察投诉处理结果",
                       "某街道就业补贴发放情况", "职业培训补贴资金使用情况", "人才引进落户审批依据",
                       "欠薪线索处理过程材料", "劳动合同备案信息", "某项目农民工工资专户信息"]  # fmt: skip


def build_disclosure(m: _Maker, plan: _Plan) -> pd.DataFrame:
    rows = []
    for year, (received, answered) in plan.disclosure.items():
        dates = _dates(m, year, received)
        challenged = set(m.rng.choice(answered, plan.challenged[year], replace=False))
        for i, date in enumerate(dates):
            in_year = i < answered
            reply = (_shift(date, 5, 20, m, f"{year}-12-31") if in_year
                     else _shift(f"{year + 1}-01-02", 0, 12, m))  # fmt: skip
            if not in_year:
                date = _shift(f"{year}-12-20", 0, 10, m)
            result = str(m.pick(c.DISCLOSURE_RESULTS, 1, p=[10, 3, 0.2, 0.2, 0.3, 1, 0.5, 0.5, 0.5,
                                                             0.3, 5, 1, 0.5, 1.5, 0.5, 0.3, 0.2,
                                                             0.2, 0.5, 0.1, 0.2])[0])  # fmt: skip
            flag = c.YES if i in challenged else c.NO
            rows.append({"request_id": f"YSQ{year}-{i + 1:03d}", "received_date": date,
                         "applicant_type": str(m.pick(c.DISCLOSURE_APPLICANT_TYPES, 1,
                                                      p=[20, 4, 0.3, 0.3, 1, 0.5])[0]),
                         "channel": str(m.pick(c.DISCLOSURE_CHANNELS, 1, p=[2, 5, 12, 0.2, 0.5])[0]),
                         "subject": str(m.pick(DISCLOSURE_SUBJECTS, 1)[0]), "reply_date": reply,
                         "result": result, "reconsideration_filed": flag,
                         "litigation_filed": c.NO, "fee_charged": 0})  # fmt: skip
    frame = pd.DataFrame(rows).sort_values("received_date", kind="stable", ignore_index=True)
    # A fee is charged only for requests far beyond the usual volume: one, in the last year.
    last = frame["received_date"].str.startswith(str(max(plan.disclosure)))
    big = frame.index[last & (frame["result"] == "予以公开")][:1]
    frame.loc[big, "fee_charged"] = 200
    n = len(frame)
    frame["applicant_name"] = m.names(n)
    frame["applicant_id_number"] = m.id_numbers(n)
    frame["applicant_phone"] = m.phones(n)
    return frame[c.LEDGERS["disclosure_requests"].column_names]


def build_litigation(m: _Maker, plan: _Plan, sample: SampleMaking) -> pd.DataFrame:
    rows = []
    counters: dict[tuple[int, str], int] = {}

    def case_no(year: int, stage: str) -> str:
        court, mark = sample.case_number_marks[stage]
        counters[(year, stage)] = counters.get((year, stage), 0) + 1 + int(m.rng.integers(0, 40))
        return f"({year}){court}{mark}{counters[(year, stage)]}号"

    courts = sample.courts
    action_p = [0.12, 0.04, 0.01, 0.22, 0.05, 0.28, 0.14, 0.10, 0.04]

    def add(year, stage, received, hearing, appeared, concluded, result):
        rows.append({"case_id": case_no(year, stage), "stage": stage, "court": courts[stage],
                     "action_type": str(m.pick(c.ACTION_TYPES, 1, p=action_p)[0]),
                     "received_date": received, "hearing_date": hearing or "",
                     "leader_appeared": appeared or "", "concluded_date": concluded or "",
                     "result": result or ""})  # fmt: skip

    for year, (received, heard, heard_concluded, quick) in plan.first_instance.items():
        dates = _dates(m, year, received, [1, 0.8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.6])
        carried = received - heard - quick
        appear_n = round(heard * APPEARANCE_RATE[year])
        lost = plan.lost[year]
        for i, date in enumerate(dates[:heard]):
            hearing = _shift(date, 20, 60, m, f"{year}-12-28")
            concluded = (
                _shift(hearing, 10, 40, m, f"{year}-12-31")
                if i < heard_concluded
                else (_shift(f"{year + 1}-01-05", 0, 40, m))
            )
            result = "撤销" if i < lost else str(m.pick(["驳回诉讼请求", "撤诉", "驳回起诉"], 1,
                                                        p=[0.8, 0.12, 0.08])[0])  # fmt: skip
            add(year, "一审", date, hearing, c.YES if i < appear_n else c.NO, concluded, result)
        for date in dates[heard : heard + quick]:
            add(
                year,
                "一审",
                date,
                None,
                None,
                _shift(date, 15, 40, m, f"{year}-12-31"),
                str(m.pick(["撤诉", "驳回起诉"], 1)[0]),
            )
        for _ in range(carried):
            date = _shift(f"{year}-11-20", 0, 35, m)
            hearing = _shift(f"{year + 1}-01-10", 0, 50, m)
            if year == max(plan.first_instance):
                add(year, "一审", date, None, None, None, None)
                continue
            if _ == carried - 1:
                add(year, "一审", date, None, None, _shift(f"{year + 1}-01-05", 0, 20, m), "撤诉")
            else:
                add(year, "一审", date, hearing, c.YES, _shift(hearing, 10, 30, m), "驳回诉讼请求")
        second, retrial, supervision = plan.upper[year]
        for stage, count, result in (("二审", second, "驳回上诉"), ("再审", retrial, "驳回再审申请"),
                                     ("行政案件监督", supervision, "不支持监督申请")):  # fmt: skip
            for date in _dates(m, year, count):
                hearing = _shift(date, 20, 50, m, f"{year}-12-30") if stage == "二审" else None
                concluded = _shift(date, 30, 90, m)
                add(year, stage, date, hearing, c.YES if hearing else None, concluded, result)
    frame = pd.DataFrame(rows).sort_values("received_date", kind="stable", ignore_index=True)
    frame["plaintiff_name"] = m.names(len(frame))
    return frame


def build_suggestions(m: _Maker, plan: _Plan, sample: SampleMaking) -> pd.DataFrame:
    subjects = {"检察建议": ["加强欠薪线索处置时限管理", "规范行政处罚案卷归档", "完善工伤认定调查取证程序"],
                "司法建议": ["规范劳动保障监察送达程序", "完善信息公开答复说明理由"]}  # fmt: skip
    issuers = {"检察建议": sample.procuratorate, "司法建议": sample.courts["一审"]}
    rows = []
    for year, counts in plan.suggestions.items():
        for kind, count in zip(c.SUGGESTION_KINDS, counts, strict=True):
            for i, date in enumerate(_dates(m, year, count)):
                rows.append({"suggestion_id": f"{'JJ' if kind == '检察建议' else 'SJ'}{year}-{i + 1:02d}",
                             "kind": kind, "issuer": issuers[kind], "received_date": date,
                             "subject": subjects[kind][i % len(subjects[kind])],
                             "reply_date": _shift(date, 20, 55, m)})  # fmt: skip
    return pd.DataFrame(rows).sort_values("received_date", kind="stable", ignore_index=True)


def build_reconsideration(m: _Maker, plan: _Plan, sample: SampleMaking) -> pd.DataFrame:
    rows = []
    bodies = sample.reconsideration_bodies
    action_p = [0.10, 0.03, 0.01, 0.30, 0.04, 0.27, 0.15, 0.08, 0.02]
    for year, (received, concluded) in plan.reconsideration.items():
        for i, date in enumerate(_dates(m, year, received)):
            if i >= concluded:
                date = _shift(f"{year}-11-25", 0, 30, m)
                closed = (
                    ""
                    if year == max(plan.reconsideration)
                    else _shift(f"{year + 1}-01-08", 0, 40, m)
                )
            else:
                closed = _shift(date, 25, 60, m, f"{year}-12-31")
            result = (
                str(m.pick(["维持", "驳回复议申请", "终止"], 1, p=[0.7, 0.2, 0.1])[0])
                if closed
                else ""
            )
            rows.append(
                {
                    "case_id": f"FY{year}-{i + 1:03d}",
                    "reconsideration_body": str(m.pick(bodies, 1, p=[0.8, 0.2])[0]),
                    "action_type": str(m.pick(c.ACTION_TYPES, 1, p=action_p)[0]),
                    "received_date": date,
                    "concluded_date": closed,
                    "result": result,
                }
            )
    frame = pd.DataFrame(rows).sort_values("received_date", kind="stable", ignore_index=True)
    frame["applicant_name"] = m.names(len(frame))
    return frame


PROPOSAL_TITLES = ["关于加强新就业形态劳动者权益保障的建议", "关于完善灵活就业人员社会保险的建议",
                   "关于优化人才引进落户政策的提案", "关于加大职业技能培训补贴力度的建议",
                   "关于推进劳动争议多元化解的提案", "关于根治农民工欠薪问题的建议",
                   "关于支持高校毕业生就业创业的提案", "关于提升医保经办服务便利度的建议",
                   "关于促进养老服务人才队伍建设的提案", "关于规范劳务派遣用工的建议"]  # fmt: skip


def build_proposals(m: _Maker, plan: _Plan) -> pd.DataFrame:
    rows = []
    for year, (lead, co, revisits, published, unsatisfied) in plan.proposals.items():
        closed_dates = _dates(m, year, lead + co, [0, 0, 0, 0.5, 1, 2, 2, 1, 0.5, 0.3, 0.2, 0.1])
        for i, closed in enumerate(closed_dates):
            role = "主办" if i < lead else "会办"
            revisit = i < revisits
            kind = "人大代表建议" if (revisit or i % 2 == 0) else "政协提案"
            received = f"{year - 1}-11-20" if revisit else _shift(f"{year}-02-25", 0, 20, m)
            rating = "基本满意" if i >= lead + co - unsatisfied else "满意"
            rows.append({"proposal_id": f"{'JY' if kind == '人大代表建议' else 'TA'}{year}-{i + 1:03d}",
                         "kind": kind, "level": "市" if i % 5 == 0 else "区", "role": role,
                         "title": PROPOSAL_TITLES[(i + year) % len(PROPOSAL_TITLES)],
                         "received_date": received, "closed_date": closed,
                         "is_revisit": c.YES if revisit else c.NO,
                         "attitude_satisfaction": "满意", "result_satisfaction": rating,
                         "answer_published": c.YES if role == "主办" and i < published else c.NO})  # fmt: skip
    frame = pd.DataFrame(rows).sort_values("closed_date", kind="stable", ignore_index=True)
    frame["proposer_name"] = m.names(len(frame))
    return frame


MEETING_SUBJECTS = ["就业和社会保障发展规划", "政府购买服务实施目录", "规范性文件审议", "年度预算执行情况",
                    "重大项目资金安排", "干部人事事项", "内部审计整改", "法治政府建设工作要点",
                    "欠薪治理专项行动方案", "职业技能提升行动计划", "医保基金监管工作方案"]  # fmt: skip


def build_meetings(m: _Maker, plan: _Plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    meetings, topics = [], []
    for year, (count, topic_count) in plan.meetings.items():
        per_meeting = m.split(topic_count, count, 1)
        dates = _dates(m, year, count)
        for i, (date, n_topics) in enumerate(zip(dates, per_meeting, strict=True)):
            meeting_id = f"JWH{year}-{i + 1:02d}"
            meetings.append({"meeting_id": meeting_id, "meeting_type": "局务会", "meeting_date": date,
                             "session_label": f"{year}年第{i + 1}次局务会"})  # fmt: skip
            for k in range(n_topics):
                topics.append(
                    {
                        "topic_id": f"{meeting_id}-{k + 1}",
                        "meeting_id": meeting_id,
                        "topic_title": MEETING_SUBJECTS[(i + k) % len(MEETING_SUBJECTS)],
                        "category": str(m.pick(c.TOPIC_CATEGORIES, 1, p=[0.5, 0.2, 0.3])[0]),
                    }
                )
        for i, date in enumerate(_dates(m, year, plan.office(22))):
            meeting_id = f"DZH{year}-{i + 1:02d}"
            meetings.append({"meeting_id": meeting_id, "meeting_type": "局党组会", "meeting_date": date,
                             "session_label": f"{year}年第{i + 1}次党组会"})  # fmt: skip
            topics.append(
                {
                    "topic_id": f"{meeting_id}-1",
                    "meeting_id": meeting_id,
                    "topic_title": "学习贯彻上级会议精神",
                    "category": "一般事项",
                }
            )
    return (pd.DataFrame(meetings).sort_values("meeting_date", kind="stable", ignore_index=True),
            pd.DataFrame(topics))  # fmt: skip


def build_fair_reviews(m: _Maker, plan: _Plan) -> pd.DataFrame:
    rows = []
    for year, count in plan.fair_reviews.items():
        for i, date in enumerate(_dates(m, year, count)):
            rows.append({"review_id": f"GPJZ{year}-{i + 1:02d}",
                         "document_title": f"关于{MEETING_SUBJECTS[(i + year) % 11]}的通知（送审稿）",
                         "document_type": str(m.pick(c.FAIR_DOC_TYPES, 1, p=[0.6, 0.3, 0.1])[0]),
                         "review_date": date,
                         "conclusion": "修改后符合" if i % 4 == 3 else "符合"})  # fmt: skip
    return pd.DataFrame(rows)


NORMATIVE_TITLES = ["支持企业扩大就业的若干措施", "地方教育附加专项资金开展职工职业培训的实施办法",
                    "海博计划操作细则", "促进高校毕业生就业的实施意见", "职业技能等级认定管理办法",
                    "人才安居资助实施细则", "创业带动就业补贴办法", "农民工工资支付保障实施办法",
                    "工伤预防项目管理办法", "就业见习管理办法", "公益性岗位开发管理办法",
                    "职业培训补贴管理细则", "人力资源服务业扶持办法", "劳动关系和谐企业评价办法"]  # fmt: skip


def build_normative(m: _Maker, plan: _Plan, profile: BureauProfile) -> pd.DataFrame:
    rows = []
    prefix = profile.sample.document_prefix if profile.sample else ""
    for year, (issued, filed) in plan.normative.items():
        for i, date in enumerate(_dates(m, year, issued)):
            is_filed = i < filed
            rows.append({"doc_number": f"{prefix}〔{year}〕{i + 1}号",
                         "title": f"{profile.district}{NORMATIVE_TITLES[(i + year) % len(NORMATIVE_TITLES)]}",
                         "drafting_unit": str(m.pick(["就业促进处", "职业能力建设处", "人才发展处",
                                                      "劳动关系处", "社会保险处"], 1)[0]),
                         "issued_date": date,
                         "procedure": "简易程序" if i % 7 == 6 else "普通程序",
                         "legal_review": c.YES, "deliberated": c.NO if i % 7 == 6 else c.YES,
                         "filed_for_record": c.YES if is_filed else c.NO,
                         "filing_date": _shift(date, 5, 25, m) if is_filed else "",
                         "expiry_date": _shift(date, 365 * 5 - 20, 365 * 5, m)})  # fmt: skip
    return pd.DataFrame(rows)


def add_repeals(frame: pd.DataFrame, plan: _Plan, rng: np.random.Generator) -> pd.DataFrame:
    """Every fourth document of a year before the last is repealed one or two years later
    (never after the last sample year), so 本年废止 and 现行有效 differ from 本年制发."""
    out = frame.copy()
    last = max(plan.normative)
    repealed = []
    for i, issued in enumerate(out["issued_date"]):
        year = int(issued[:4])
        if year < last and i % 4 == 1:
            repeal_year = min(year + 1 + int(rng.integers(0, 2)), last)
            day = pd.Timestamp(f"{repeal_year}-03-01") + pd.Timedelta(
                days=int(rng.integers(0, 240))
            )
            repealed.append(
                max(day, pd.Timestamp(issued) + pd.Timedelta(days=30)).strftime("%Y-%m-%d")
            )
        else:
            repealed.append("")
    out["repealed_date"] = repealed
    return out


# Decisions per year (行政许可, 行政处罚, 行政强制), at case volume.
DECISION_PLAN = {2019: (1130, 186, 3), 2020: (1184, 152, 2), 2021: (1262, 214, 4),
                 2022: (1318, 231, 3)}  # fmt: skip
DECISION_MATTERS = {
    "行政许可": ["职业培训机构设立", "劳务派遣经营许可", "人力资源服务许可", "特殊工时制度审批",
                 "职业培训机构变更"],
    "行政处罚": ["拖欠劳动报酬", "未依法签订劳动合同", "违法延长工作时间", "未按规定备案",
                 "使用童工"],
    "行政强制": ["查封场所设施财物", "扣押财物"],
}  # fmt: skip
DECISION_MARKS = {"行政许可": "XK", "行政处罚": "CF", "行政强制": "QZ"}


def build_decisions(m: _Maker, plan: _Plan, sample: SampleMaking) -> pd.DataFrame:
    """One row per licensing, penalty and coercive decision."""
    rows = []
    for year, counts in DECISION_PLAN.items():
        if year not in plan.normative:
            continue
        for kind, count in zip(c.DECISION_TYPES, counts, strict=True):
            count = _n(count, sample.case_volume)
            for i, date in enumerate(_dates(m, year, count)):
                rows.append({"decision_id": f"{DECISION_MARKS[kind]}{year}-{i + 1:05d}",
                             "decision_type": kind, "decision_date": date,
                             "matter": str(m.pick(DECISION_MATTERS[kind], 1)[0])})  # fmt: skip
    return pd.DataFrame(rows).sort_values(["decision_date", "decision_id"], kind="stable",
                                          ignore_index=True)  # fmt: skip


def link_disclosure_cases(frames: dict[str, pd.DataFrame], rng: np.random.Generator) -> None:
    """Make the case ledgers tell the same story as the disclosure ledger: for each request
    flagged as reconsidered, a reconsideration case of type 信息公开 received the same year after
    the reply; when that case is decided in time, a first-instance lawsuit the same year after
    it (and the request flagged as litigated too). No other case is of that type, so a year the
    disclosure ledger shows unchallenged has no disclosure case in either ledger."""
    requests = frames["disclosure_requests"].copy()
    rec = frames["reconsideration_cases"].copy()
    lit = frames["litigation_cases"].copy()
    rec.loc[rec["action_type"] == c.DISCLOSURE_ACTION, "action_type"] = "其他"
    lit.loc[lit["action_type"] == c.DISCLOSURE_ACTION, "action_type"] = "其他"
    lit["after_reconsideration"] = np.where(rng.random(len(lit)) < 0.3, c.YES, c.NO)
    for index, request in requests[requests["reconsideration_filed"] == c.YES].iterrows():
        reply, year_end = request["reply_date"], f"{request['reply_date'][:4]}-12-31"
        open_after = rec["concluded_date"].eq("") | (rec["concluded_date"] > reply)
        free = rec.index[(rec["received_date"].str[:4] == reply[:4]) & open_after
                         & (rec["action_type"] != c.DISCLOSURE_ACTION)
                         & ~rec["result"].isin(c.RECONSIDERATION_CORRECTED)]  # fmt: skip
        later = [i for i in free if rec.loc[i, "received_date"] > reply]
        case = later[0] if later else free[-1]
        if not later:  # a small bureau: the year's last open case is received after the reply
            moved = (pd.Timestamp(reply) + pd.Timedelta(days=7)).strftime("%Y-%m-%d")
            cap = rec.loc[case, "concluded_date"] or year_end
            rec.loc[case, "received_date"] = min(moved, cap, year_end)
        rec.loc[case, "action_type"] = c.DISCLOSURE_ACTION
        decided = rec.loc[case, "concluded_date"]
        if not decided or decided > year_end:
            continue
        free = lit.index[(lit["stage"] == "一审") & (lit["received_date"] > decided)
                         & (lit["received_date"] <= year_end)
                         & (lit["action_type"] != c.DISCLOSURE_ACTION)
                         & ~lit["result"].isin(c.LITIGATION_LOST)]  # fmt: skip
        if len(free):
            lit.loc[free[0], ["action_type", "after_reconsideration"]] = [c.DISCLOSURE_ACTION,
                                                                          c.YES]  # fmt: skip
            requests.loc[index, "litigation_filed"] = c.YES
    frames["disclosure_requests"] = requests
    frames["reconsideration_cases"] = rec
    frames["litigation_cases"] = lit


def build_officers(m: _Maker, plan: _Plan, profile: BureauProfile) -> pd.DataFrame:
    rows = []
    for i in range(plan.office(58)):
        onboard = _shift("2006-01-01", 0, 365 * 12, m)
        rows.append(
            {
                "onboard_date": onboard,
                "exam_date": _shift(onboard, 20, 90, m),
                "exam_result": "合格",
                "certificate_status": "在用" if i % 9 else "注销",
            }
        )
    for year, count in plan.new_officers.items():
        for k, onboard in enumerate(_dates(m, year, count, [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0])):
            exam = _shift(onboard, 20, 60, m, f"{year}-12-20")
            rows.append(
                {
                    "onboard_date": onboard,
                    "exam_date": exam,
                    "exam_result": "合格",
                    "certificate_status": "待发" if (year == 2022 and k == 0) else "在用",
                }
            )
    frame = pd.DataFrame(rows).sort_values("onboard_date", kind="stable", ignore_index=True)
    n = len(frame)
    frame["officer_id"] = [f"ZF{i + 1:04d}" for i in range(n)]
    assert profile.sample is not None
    frame["unit"] = m.pick(profile.organisations.enforcement_units, n,
                           p=profile.sample.enforcement_unit_shares)  # fmt: skip
    frame["officer_name"] = m.names(n)
    frame["officer_id_number"] = m.id_numbers(n)
    return frame[c.LEDGERS["enforcement_officers"].column_names]


def build_approvals(m: _Maker, plan: _Plan) -> pd.DataFrame:
    rows = []
    trades = ["职业技能培训学校", "培训中心", "职业培训学校"]
    for year, (private, foreign) in plan.approvals.items():
        cases = ([("民办", "设立", "准予")] * private + [("外资", "设立", "准予")] * foreign
                 + [("民办", "设立", "不予")] * plan.office(2)
                 + [("民办", "变更", "准予")] * plan.office(6))  # fmt: skip
        dates = _dates(m, year, len(cases))
        for i, ((ownership, item, decision), date) in enumerate(zip(cases, dates, strict=True)):
            name = (
                m.employer_prefix + "".join(m.pick(EMPLOYER_WORDS, 2)) + str(m.pick(trades, 1)[0])
            )
            rows.append({"approval_id": f"PXSP{year}-{i + 1:03d}", "institution_name": name,
                         "ownership": ownership, "item": item,
                         "procedure": "告知承诺" if year >= 2021 else "一般程序",
                         "application_date": _shift(date, -20, -1, m), "decision_date": date,
                         "decision": decision,
                         "video_inspection": c.YES if year >= 2021 and i % 3 == 0 else c.NO})  # fmt: skip
    return pd.DataFrame(rows)


def build_events(m: _Maker, plan: _Plan, profile: BureauProfile) -> pd.DataFrame:
    rows = []
    assert profile.sample is not None
    brand = profile.programmes.lecture_brand
    for year, (events, units, people) in plan.trainings.items():
        unit_split = m.split(units, events, 25)
        extra = m.split(people - units, events, 0)
        for i, date in enumerate(_dates(m, year, events)):
            rows.append({"event_date": date, "organiser": profile.programmes.enforcement_trainer,
                         "event_type": "企业普法培训", "title": ["劳动用工合规培训", "劳动用工警示培训",
                                                              "劳动用工提升培训"][i % 3],
                         "units": int(unit_split[i]), "participants": int(unit_split[i] + extra[i])})  # fmt: skip
        for date in _dates(m, year, plan.lectures[year]):
            units_n = int(m.rng.integers(15, 60))
            rows.append({"event_date": date, "organiser": brand, "event_type": "线下培训",
                         "title": "人社政策“专家门诊”", "units": units_n,
                         "participants": units_n + int(m.rng.integers(0, 20))})  # fmt: skip
        for date in _dates(m, year, plan.office(6)):
            people_n = int(m.rng.integers(30, 200))
            rows.append({"event_date": date,
                         "organiser": str(m.pick(profile.sample.other_organisers, 1)[0]),
                         "event_type": str(m.pick(["政策宣讲", "庭审观摩"], 1)[0]),
                         "title": "政策进社区宣讲", "units": 0, "participants": people_n})  # fmt: skip
    frame = pd.DataFrame(rows).sort_values("event_date", kind="stable", ignore_index=True)
    frame.insert(
        0, "event_id", [f"PF{d[:4]}-{i + 1:03d}" for i, d in enumerate(frame["event_date"])]
    )
    return frame


def build_posts(m: _Maker, plan: _Plan, profile: BureauProfile) -> pd.DataFrame:
    rows = []
    assert profile.sample is not None
    formats = profile.sample.post_formats
    for year, counts in plan.posts.items():
        for column, count in zip(profile.organisations.publicity_columns, counts, strict=True):
            for i, date in enumerate(_dates(m, year, count)):
                rows.append({"publish_date": date, "channel": profile.sample.wechat_account,
                             "column_name": column, "title": f"{column}第{i + 1}期",
                             "format": formats[column]})  # fmt: skip
    frame = pd.DataFrame(rows).sort_values(["publish_date", "column_name"], kind="stable",
                                           ignore_index=True)  # fmt: skip
    frame.insert(0, "post_id", [f"TS{i + 1:05d}" for i in range(len(frame))])
    return frame


def sample_of(profile: BureauProfile) -> SampleMaking:
    if profile.sample is None:
        raise ValueError(f"机关档案没有 sample 一节，不能生成样例台账 / the profile of {profile.name} "
                         "has no sample section")  # fmt: skip
    return profile.sample


def build_all(scale: int = 1, profile: BureauProfile | None = None) -> dict[str, pd.DataFrame]:
    """Every sample ledger of a bureau (the sample bureau by default), made from its profile.
    Above 1×, the high-volume ledgers are the blocks `scaled_blocks` gives, held in memory;
    `write_all` writes them without holding them."""
    frames = _build_base(profile)
    if scale != 1:
        for name in SCALED:
            frames[name] = pd.concat(list(scaled_blocks(name, scale, frames[name], profile)),
                                     ignore_index=True)  # fmt: skip
    return frames


def _build_base(profile: BureauProfile | None = None) -> dict[str, pd.DataFrame]:
    """Every ledger at 1×."""
    profile = profile or default_profile()
    sample = sample_of(profile)
    plan = _plan(sample)
    m = _Maker(sample.seed, sample.employer_prefix, sample.region_codes)
    orgs = build_mediation_orgs(profile)
    meetings, topics = build_meetings(m, plan)
    court = profile.organisations.arbitration_court
    frames = {
        "disputes": build_disputes(m, orgs, plan, court),
        "wage_arrears_leads": build_wage_leads(m, plan, profile.areas),
        "disclosure_requests": build_disclosure(m, plan),
        "litigation_cases": build_litigation(m, plan, sample),
        "suggestions": build_suggestions(m, plan, sample),
        "reconsideration_cases": build_reconsideration(m, plan, sample),
        "proposals": build_proposals(m, plan),
        "meetings": meetings,
        "meeting_topics": topics,
        "fair_competition_reviews": build_fair_reviews(m, plan),
        "normative_documents": build_normative(m, plan, profile),
        "enforcement_officers": build_officers(m, plan, profile),
        "training_approvals": build_approvals(m, plan),
        "mediation_orgs": orgs,
        "outreach_events": build_events(m, plan, profile),
        "publicity_posts": build_posts(m, plan, profile),
    }
    # What the disclosure report needs beyond the rule-of-law report is drawn from a second
    # stream, so that adding it left every earlier value of the ledgers unchanged.
    extra = _Maker(sample.seed + 1)
    frames["normative_documents"] = add_repeals(frames["normative_documents"], plan, extra.rng)
    link_disclosure_cases(frames, extra.rng)
    frames["administrative_decisions"] = build_decisions(extra, plan, sample)
    package = {name: frames[name][c.LEDGERS[name].column_names] for name in c.LEDGERS}
    return package | build_local(profile)


def build_local(profile: BureauProfile) -> dict[str, pd.DataFrame]:
    """The bureau's own ledgers (declared in its profile), made from their declarations alone:
    `sample_rows` a year, each column's values by its kind; each ledger from a stream of its own,
    so that declaring one changes no other ledger."""
    sample = sample_of(profile)
    out = {}
    for number, (name, spec) in enumerate(c.local_ledgers(profile).items()):
        declared = profile.ledgers[name]
        m = _Maker([sample.seed, 7919, number])
        years = [y for y in sample.years if declared.sample_rows]
        sizes = [max(1, round(declared.sample_rows * m.rng.uniform(0.75, 1.25))) for _ in years]
        if not years:
            out[name] = pd.DataFrame(columns=spec.column_names)
            continue
        made = [_local_year(m, spec, year, n) for year, n in zip(years, sizes, strict=True)]
        out[name] = pd.concat(made, ignore_index=True)
    return out


def _local_year(m: _Maker, spec: c.LedgerSpec, year: int, n: int) -> pd.DataFrame:
    anchor = pd.to_datetime(_dates(m, year, n)).sort_values()
    prefix = "".join(part[0] for part in spec.name.split("_")).upper()
    columns = {}
    for col in spec.columns:
        blank = (m.rng.random(n) < 0.15) if not col.required else np.zeros(n, dtype=bool)
        if col.name == spec.key:
            values = np.array([f"{prefix}{year}-{i:04d}" for i in range(1, n + 1)], dtype=object)
        elif col.name == spec.year_column:
            values = np.asarray(anchor.strftime("%Y-%m-%d"), dtype=object)
        elif col.kind == "date":
            later = anchor + pd.to_timedelta(m.rng.integers(5, 90, n), unit="D")
            values = np.asarray(later.strftime("%Y-%m-%d"), dtype=object)
        elif col.kind in ("enum", "flag"):
            values = m.pick(col.allowed, n)
        elif col.kind == "int":
            values = m.rng.integers(max(col.minimum, 0), max(col.minimum, 0) + 12, n)
        elif col.kind == "amount":
            values = np.round(m.rng.gamma(2.0, 40000.0, n), 2)
        elif col.personal:
            values = m.names(n)
        else:
            values = np.array([f"{col.zh}{i}" for i in range(1, n + 1)], dtype=object)
        columns[col.name] = pd.Series(values, dtype=object).where(~blank, None)
    return pd.DataFrame(columns)


# The ledgers `scale` multiplies, and the least width of their ids' running number at 1×.
SCALED = {"disputes": 6, "wage_arrears_leads": 5}


def _block(name: str, block: int, profile: BureauProfile) -> pd.DataFrame:
    """Block `block` ≥ 1 of a scaled ledger: the 1× plans drawn with a seed of its own."""
    sample = sample_of(profile)
    plan = _plan(sample)
    seed = [sample.seed, block, list(SCALED).index(name)]
    m = _Maker(seed, sample.employer_prefix, sample.region_codes)
    if name == "disputes":
        court = profile.organisations.arbitration_court
        return build_disputes(m, build_mediation_orgs(profile), plan, court)
    return build_wage_leads(m, plan, profile.areas)


def _renumbered(ids: pd.Series, offsets: dict[str, int], width: int) -> pd.Series:
    """Ids "<prefix>-<n>" numbered on from `offsets` (the count so far per prefix, updated)."""
    parts = ids.str.rsplit("-", n=1)
    prefix, number = parts.str[0] + "-", parts.str[1].astype(int)
    start = prefix.map(offsets).fillna(0).astype(int)
    for key, count in number.groupby(prefix).max().items():
        offsets[key] = offsets.get(key, 0) + int(count)
    return prefix + (number + start).astype(str).str.zfill(width)


def scaled_blocks(name: str, scale: int, base: pd.DataFrame | None = None,
                  profile: BureauProfile | None = None) -> Iterator[pd.DataFrame]:  # fmt: skip
    """The `scale` blocks of a high-volume ledger, one at a time (see the module docstring);
    `base` is its 1× frame when already built."""
    profile = profile or default_profile()
    if base is None:
        base = _build_base(profile)[name]
    key = c.LEDGERS[name].key
    width = SCALED[name]
    numbers = base[key].str.rsplit("-", n=1).str[1].astype(int)
    width = max(width, len(str(int(numbers.max()) * scale))) if len(base) else width
    offsets: dict[str, int] = {}
    for block in range(scale):
        frame = base if block == 0 else _block(name, block, profile)
        if scale > 1:
            frame = frame.copy() if block == 0 else frame
            frame[key] = _renumbered(frame[key], offsets, width)
        yield frame


README = """# 样例台账（合成数据）/ Sample ledgers (synthetic data)

本目录中的全部台账均为**合成样例数据**，由 `make data`（`python -m helpers generate`）按固定随机种子生成，
不对应任何真实的人、单位或案件；其中的姓名、身份证号、电话号码均为虚构，仅用于演示个人信息不会进入任何输出。
{about_zh}

Every ledger in this folder is **synthetic sample data**, generated deterministically by `make data`.
No row describes a real person, employer or case; names, ID numbers and phone numbers are made up.
{about_en} Columns and their meaning: see docs/data-contract.md.
"""


def _write_blocks(path: Path, blocks: Iterator[pd.DataFrame], name: str, total: int) -> int:
    """One CSV written block by block, as `write_csv` writes a whole frame."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        for block in blocks:
            neutralise(block).to_csv(handle, index=False, header=written == 0,
                                     lineterminator="\n")  # fmt: skip
            written += len(block)
            progress.rows(name, written, total)
    return written


def write_all(out_dir: Path, scale: int = 1,
              profile: BureauProfile | None = None) -> dict[str, int]:  # fmt: skip
    """Write every ledger as UTF-8 CSV with LF line ends; returns rows written per ledger.
    Above 1× the high-volume ledgers are written one block at a time (see the module
    docstring), so memory does not grow with `scale`."""
    if scale < 1:
        raise ValueError(f"倍数须为正整数 / scale must be a positive integer: {scale}")
    profile = profile or default_profile()
    sample = sample_of(profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    with progress.stage("generate", "生成样例台账"):
        frames = _build_base(profile)
        for name in list(frames):
            frame = frames.pop(name)
            path = out_dir / f"{name}.csv"
            if scale == 1 or name not in SCALED:
                write_csv(frame, path)
                counts[name] = len(frame)
                progress.rows(name, len(frame))
                continue
            blocks = scaled_blocks(name, scale, frame, profile)
            counts[name] = _write_blocks(path, blocks, name, len(frame) * scale)
            del frame, blocks
    readme = README.format(about_zh=sample.about_zh.strip(), about_en=sample.about_en.strip())
    (out_dir / "README.md").write_text(readme, encoding="utf-8")
    (out_dir / "SYNTHETIC").write_text(
        "本目录为合成样例数据，据此生成的报告会标注样例提示。/ Synthetic sample data.\n",
        encoding="utf-8",
    )
    return counts
