"""Property-based tests of the loaders and the metrics on random valid ledgers.

The strategies build ledgers from the data contract: dates in 2019–2022 in every accepted
spelling, ordered date pairs respected, enums from their allowed values, paired columns filled
together, dispute outcomes matching the handling body, agenda topics pointing at existing meetings,
unique ids, and text with commas, quotes, line breaks and surrounding blanks. Such ledgers must
always load, every metric must compute for every year, and the figures must be consistent.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from helpers.bureau import default_profile
from helpers.errors import LedgerError
from helpers.figures.catalogue import RULE_OF_LAW, compute, of_report, rate, round_half_up
from helpers.ledgers import contract as c
from helpers.ledgers.contract import LedgerSpec, ledgers_for, schema_for
from helpers.ledgers.load import load_ledgers

# The contract with the sample bureau's organisation names filled in.
LEDGERS = ledgers_for()

FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2022, 12, 31)
YEARS = range(2019, 2023)
MAX_ROWS = 30

# The number of examples is the Hypothesis profile's (conftest.py): 40 in `make test`.
SETTINGS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
    ],
)
# An example of the all-ledgers property is every ledger and every figure of four years, about 4 s
# of CPU: it draws a quarter of the profile's examples. Ten are two small sets and eight fresh
# random sets of every ledger; forty were five small sets, about eleven fresh ones, and the rest
# those sets again with a few cells changed.
ALL_LEDGERS_SETTINGS = settings(SETTINGS, max_examples=max(10, settings.default.max_examples // 4))

# Characters of real ledgers plus the ones CSV has to escape.
CJK = "上海浦东新区人力资源社会保障局劳动争议调解仲裁院有限公司关于加强规范管理的建议通知会议"
PLAIN = CJK + "ABCxyz0123456789（）()〔〕、-·/：；。“”《》"
SPECIAL = ',"\n'
BLANKS = ("", " ", "\u3000")
# For the all-ledgers property: a few names, so that counting distinct names is exercised too.
NAMES = ("甲公司", "乙公司", "上海某某职业技能培训学校", "关于加强规范管理的通知")


def cell_text(*, special: bool, padded: bool) -> st.SearchStrategy[str]:
    """Non-blank text; with `special`, commas, quotes and line breaks inside; with `padded`,
    blanks around it that the loader strips."""
    inner = PLAIN + (SPECIAL if special else "")
    core = st.builds(
        lambda first, middle, last: first + middle + last,
        st.sampled_from(PLAIN),
        st.text(inner, max_size=10),
        st.text(PLAIN, max_size=1),
    )
    if not padded:
        return core
    return st.tuples(st.sampled_from(BLANKS), core, st.sampled_from(BLANKS)).map("".join)


def days_from(earliest: date) -> st.SearchStrategy[date]:
    """A day from `earliest` to the end of 2022, drawn as a single number."""
    span = (LAST_DAY - earliest).days
    return st.integers(0, span).map(lambda offset: earliest + timedelta(days=offset))


def spell_date(day: date, style: int) -> str:
    """The spellings the contract accepts for one day."""
    return [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02}/{day.day:02}",
        f"{day.isoformat()} 00:00:00",
    ][style]


# -- random valid ledgers ----------------------------------------------------------------------


@dataclass
class Ledger:
    """A generated ledger: the cells as written, and the values they stand for."""

    name: str
    cells: list[dict[str, str]]
    values: list[dict[str, object]]

    def csv_text(self, *, newline: str = "\n", quoting: int = csv.QUOTE_MINIMAL,
                 order: list[int] | None = None) -> str:  # fmt: skip
        columns = LEDGERS[self.name].column_names
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=newline, quoting=quoting)
        writer.writerow(columns)
        for i in order if order is not None else range(len(self.cells)):
            writer.writerow([self.cells[i][column] for column in columns])
        return out.getvalue()

    def write(self, data_dir: Path, **kwargs) -> Path:
        path = Path(data_dir) / f"{self.name}.csv"
        path.write_bytes(self.csv_text(**kwargs).encode("utf-8"))
        return path


def _pairs(name: str) -> list[tuple[str, str]]:
    pairs = []
    for check in schema_for(name).checks:
        family, *columns = check.name.split(":")
        if family == "paired":
            pairs.append((columns[0], columns[1]))
    return pairs


def _earlier_of(spec: LedgerSpec) -> dict[str, str]:
    return {order.later: order.earlier for order in spec.date_orders}


@st.composite
def ledger_rows(draw, name: str, *, meeting_ids: tuple[str, ...] = (), rich: bool = True,
                padded: bool = True) -> Ledger:  # fmt: skip
    """0–30 rows of one ledger. `rich` draws arbitrary ids and text (commas, quotes, line breaks);
    without it, ids and text come from small fixed sets, which keeps sixteen ledgers at a time
    within Hypothesis's data budget."""
    spec = LEDGERS[name]
    size = draw(st.integers(0, MAX_ROWS if name != "meeting_topics" or meeting_ids else 0))
    prefix = st.text(PLAIN, min_size=1, max_size=8) if rich else st.sampled_from(("", "A", "号"))
    ids = [f"{draw(prefix)}#{i}" for i in range(size)]  # unique by construction
    earlier_of = _earlier_of(spec)
    pairs = _pairs(name)
    text = cell_text(special=True, padded=padded) if rich else st.sampled_from(NAMES)
    cells: list[dict[str, str]] = []
    values: list[dict[str, object]] = []
    for key in ids:
        filled = {column: True for column in spec.column_names}
        for first, second in pairs:
            both = draw(st.booleans())
            filled[first] = filled[second] = both
        value: dict[str, object] = {}
        cell: dict[str, str] = {}
        # Earlier dates first, so that later ones can be drawn after them.
        columns = sorted(spec.columns, key=lambda col: col.name in earlier_of)
        for column in columns:
            in_pair = any(column.name in pair for pair in pairs)
            present = filled[column.name] if in_pair else column.required or draw(st.booleans())
            if not present:
                value[column.name], cell[column.name] = None, ""
                continue
            if column.kind == "id":
                v, s = key, key
            elif column.kind == "date":
                earliest = value.get(earlier_of.get(column.name)) or FIRST_DAY
                v = draw(days_from(earliest))
                s = spell_date(v, draw(st.integers(0, 4)))
            elif column.kind == "int":
                v = draw(st.integers(column.minimum, 10**6))
                s = str(v)
            elif column.kind == "amount":
                cents = draw(st.integers(0, 10**10))
                v = cents / 100
                s = str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02}"
            elif column.kind in ("enum", "flag"):
                allowed = column.allowed
                if name == "disputes" and column.name == "outcome":
                    mediation = value["body_type"] == "调解组织"
                    allowed = tuple(c.MEDIATION_OUTCOMES if mediation else c.ARBITRATION_OUTCOMES)
                v = draw(st.sampled_from(allowed))
                s = draw(st.sampled_from(BLANKS)) + v if padded else v
            elif name == "meeting_topics" and column.name == "meeting_id":
                v = s = draw(st.sampled_from(meeting_ids))
            elif (
                name == "disputes" and column.name == "body_name" and value["body_type"] == "仲裁院"
            ):
                # The court's cases name it as the profile does (the contract checks that).
                v = s = default_profile().organisations.arbitration_court
            else:
                s = draw(text)
                v = s.strip()
            value[column.name], cell[column.name] = v, s
        values.append(value)
        cells.append(cell)
    return Ledger(name, cells, values)


@st.composite
def ledger_sets(draw, **kwargs) -> dict[str, Ledger]:
    """One random valid ledger of every kind; agenda topics refer to the drawn meetings."""
    ledgers: dict[str, Ledger] = {}
    for name in LEDGERS:
        meeting_ids: tuple[str, ...] = ()
        if name == "meeting_topics":
            meeting_ids = tuple(str(row["meeting_id"]) for row in ledgers["meetings"].values)
        ledgers[name] = draw(ledger_rows(name, meeting_ids=meeting_ids, **kwargs))
    return ledgers


@st.composite
def single_ledgers(draw, **kwargs) -> list[Ledger]:
    """A random valid ledger, preceded by the meetings when it is the agenda topics."""
    name = draw(st.sampled_from(list(LEDGERS)))
    if name != "meeting_topics":
        return [draw(ledger_rows(name, **kwargs))]
    meetings = draw(ledger_rows("meetings", **kwargs))
    ids = tuple(str(row["meeting_id"]) for row in meetings.values)
    return [meetings, draw(ledger_rows(name, meeting_ids=ids, **kwargs))]


def load(ledgers: list[Ledger], **kwargs) -> dict[str, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as folder:
        for ledger in ledgers:
            ledger.write(Path(folder), **kwargs)
        return load_ledgers(Path(folder), [x.name for x in ledgers], keep_personal=True).frames


# -- the loaders -------------------------------------------------------------------------------


@SETTINGS
@given(single_ledgers())
def test_random_valid_ledger_loads_with_its_values(generated):
    frames = load(generated)
    for ledger in generated:
        spec = LEDGERS[ledger.name]
        frame = frames[ledger.name]
        assert list(frame.columns) == spec.column_names
        assert len(frame) == len(ledger.values)
        for column in spec.columns:
            loaded = frame[column.name].tolist()
            written = [row[column.name] for row in ledger.values]
            if column.kind == "date":
                loaded = [None if pd.isna(x) else x.date() for x in loaded]
            elif column.kind == "flag":
                written = [None if x is None else x == c.YES for x in written]
            loaded = [None if pd.isna(x) else x for x in loaded]
            assert loaded == written, (ledger.name, column.name)


def respellings(ledger: Ledger) -> dict[str, bytes]:
    text = ledger.csv_text()
    crlf = ledger.csv_text(newline="\r\n")
    return {
        "gb18030": text.encode("gb18030"),
        "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf": crlf.encode("utf-8"),
        "gb18030-crlf": crlf.encode("gb18030"),
    }


@SETTINGS
@given(single_ledgers(), st.randoms(use_true_random=False))
def test_encoding_line_ends_and_row_order_give_identical_frames(generated, rng):
    *context, ledger = generated
    reference = load(generated)[ledger.name]
    with tempfile.TemporaryDirectory() as folder:
        for other in context:
            other.write(Path(folder))
        path = Path(folder) / f"{ledger.name}.csv"
        names = [x.name for x in generated]
        for variant, content in respellings(ledger).items():
            path.write_bytes(content)
            frame = load_ledgers(Path(folder), names, keep_personal=True)[ledger.name]
            assert_frame_equal(frame, reference, check_exact=True, obj=f"{ledger.name} {variant}")
        order = list(range(len(ledger.cells)))
        rng.shuffle(order)
        ledger.write(Path(folder), order=order)
        shuffled = load_ledgers(Path(folder), names, keep_personal=True)[ledger.name]
    key = LEDGERS[ledger.name].key
    assert_frame_equal(
        shuffled.sort_values(key).reset_index(drop=True),
        reference.sort_values(key).reset_index(drop=True),
        check_exact=True,
        obj=f"{ledger.name} shuffled",
    )


@SETTINGS
@given(single_ledgers(padded=False))
def test_quoting_every_cell_gives_identical_frames(generated):
    # Blanks around quoted cells are covered by the stripping tests below.
    reference = load(generated)
    quoted = load(generated, quoting=csv.QUOTE_ALL)
    for name, frame in quoted.items():
        assert_frame_equal(frame, reference[name], check_exact=True, obj=name)


# -- the metrics -------------------------------------------------------------------------------

# The rule-of-law report's figures, as compute() gives them by default.
CATALOGUE = {m.id: m for m in of_report(RULE_OF_LAW)}
PERCENT = [m.id for m in CATALOGUE.values() if m.unit == "%"]
NON_COUNTS = {"%", "万元", "比 1"}
COUNTS = [m.id for m in CATALOGUE.values() if not m.is_manual and m.unit not in NON_COUNTS]


def in_year(values: list[dict[str, object]], column: str, year: int) -> list[dict[str, object]]:
    return [row for row in values if isinstance(row[column], date) and row[column].year == year]


def check_invariants(figures: dict[str, dict], ledgers: dict[str, Ledger], year: int) -> None:
    def v(metric_id: str):
        return figures[metric_id]["value"]

    # Besides the catalogue, a trend's earlier points (<id>@<year>) of figures it holds.
    earlier = {id for id in figures if "@" in id}
    assert set(figures) - earlier == set(CATALOGUE)
    assert {id.split("@")[0] for id in earlier} <= set(CATALOGUE)
    for metric_id in COUNTS:
        for key in ("value", "previous"):
            value = figures[metric_id][key]
            if key == "value" or value is not None:
                assert type(value) is int and value >= 0, (metric_id, key, value)
    for metric_id in PERCENT:
        for key in ("value", "previous"):
            value = figures[metric_id][key]
            assert value is None or 0 <= value <= 100, (metric_id, key, value)
    for metric in CATALOGUE.values():
        entry = figures[metric.id]
        if metric.is_manual:
            assert entry["value"] is None
        if entry["value"] is None or entry["previous"] is None:
            assert entry["change"] is None
    assert v("wage_arrears.amount_recovered") >= 0

    # A year's cohort: closed ≤ received, resolved ≤ closed.
    assert v("wage_arrears.leads_closed") <= v("wage_arrears.leads_received")
    assert v("wage_arrears.leads_resolved") <= v("wage_arrears.leads_closed")
    assert v("wage_arrears.closure_rate") == rate(
        v("wage_arrears.leads_closed"), v("wage_arrears.leads_received")
    )
    assert v("litigation.leader_appearances") <= v("litigation.first_instance_heard")
    assert (v("litigation.leader_appearance_rate") is None) == (
        v("litigation.first_instance_heard") == 0
    )
    assert v("litigation.first_instance_concluded_carried") <= v(
        "litigation.first_instance_concluded"
    )
    assert v("reconsideration.corrected") <= v("reconsideration.concluded")
    assert v("reconsideration.concluded_carried") <= v("reconsideration.concluded")
    assert v("proposals.answers_published") <= v("proposals.lead")
    assert v("proposals.revisits") <= v("proposals.closed_total")
    assert v("disclosure.carried_in_answered") <= v("disclosure.carried_in")
    assert v("disclosure.carried_in_answered") <= v("disclosure.requests_answered")
    assert v("mediation.streets_towns_covered") <= v("mediation.street_town_orgs")
    assert v("enforcement.cases_corrected_or_lost") <= v("supervision.lost_or_corrected_total")

    # Totals equal the sum of their parts.
    assert v("disputes.accepted_by_mediation_orgs") + v("disputes.accepted_by_arbitration") == v(
        "disputes.accepted_total"
    )
    assert v("disputes.mediated_successfully") + v("disputes.closed_by_arbitration") == v(
        "disputes.closed_total"
    )
    assert v("proposals.lead") + v("proposals.co_handled") == v("proposals.closed_total")
    assert v("disclosure.requests_received") + v("disclosure.carried_in") == v(
        "disclosure.requests_answered"
    ) + v("disclosure.carried_out")
    assert v("litigation.lost_or_corrected") + v("reconsideration.corrected") == v(
        "supervision.lost_or_corrected_total"
    )
    arbitration = v("disputes.closed_by_arbitration")
    ratio = v("disputes.mediation_to_arbitration_closure_ratio")
    if arbitration == 0:
        assert ratio is None
    else:
        assert ratio == round_half_up(v("disputes.mediated_successfully") / arbitration, 1)

    # And they count what was generated.
    # Challenges of disclosure replies: the cases received in the year, whichever year the reply.
    challenges = [
        row for row in in_year(ledgers["reconsideration_cases"].values, "received_date", year)
        if row["action_type"] == "信息公开"
    ] + [
        row for row in in_year(ledgers["litigation_cases"].values, "received_date", year)
        if row["action_type"] == "信息公开" and row["stage"] == "一审"
    ]  # fmt: skip
    assert v("disclosure.reconsideration_or_litigation") == len(challenges)
    disputes = in_year(ledgers["disputes"].values, "received_date", year)
    assert v("disputes.accepted_total") == len(disputes)
    leads = in_year(ledgers["wage_arrears_leads"].values, "received_date", year)
    assert v("wage_arrears.leads_received") == len(leads)
    closed = [r for r in leads if r["closed_date"] is not None and r["closed_date"].year <= year]
    assert v("wage_arrears.leads_closed") == len(closed)
    proposals = in_year(ledgers["proposals"].values, "closed_date", year)
    assert v("proposals.closed_total") == len(proposals)
    disclosure = in_year(ledgers["disclosure_requests"].values, "received_date", year)
    assert v("disclosure.requests_received") == len(disclosure)


@ALL_LEDGERS_SETTINGS
@given(ledger_sets(rich=False))
def test_metrics_of_random_valid_ledgers_are_consistent(generated):
    with tempfile.TemporaryDirectory() as folder:
        for ledger in generated.values():
            ledger.write(Path(folder))
        loaded = load_ledgers(Path(folder))
    for year in YEARS:
        check_invariants(compute(loaded, year), generated, year)


# -- known loader defects, smallest reproducers ------------------------------------------------

DISPUTE_HEADER = ",".join(LEDGERS["disputes"].column_names)
DISPUTE_ROW = "{id},仲裁院,浦东新区劳动人事争议仲裁院,劳动争议,{dispute_type},2021-03-01,,,100,1,{employer},张三,,"


def cell_or_rejected(text: str, column: str) -> object:
    """The first row's cell as loaded, or "rejected" when the file does not validate."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "disputes.csv").write_text(text, encoding="utf-8")
        try:
            frames = load_ledgers(Path(folder), ["disputes"], keep_personal=True).frames
        except LedgerError:
            return "rejected"
    return frames["disputes"][column].iloc[0]


def test_quoted_cells_are_stripped_like_unquoted_ones():
    row = DISPUTE_ROW.format(id="C1", dispute_type="劳动报酬 ", employer="甲公司")
    quoted = ",".join(f'"{cell}"' for cell in row.split(","))
    unquoted = cell_or_rejected(f"{DISPUTE_HEADER}\n{row}\n", "dispute_type")
    assert unquoted == "劳动报酬"
    assert cell_or_rejected(f"{DISPUTE_HEADER}\n{quoted}\n", "dispute_type") == unquoted


@pytest.mark.parametrize(
    ("column", "dispute_type", "employer"),
    [
        ("employer_name", "其他", '"甲公司,分公司 "'),  # a quoted cell with a trailing blank
        ("dispute_type", "劳动报酬\u00a0", "甲公司"),  # a no-break space after an enum value
    ],
    ids=["quoted-trailing-blank", "no-break-space"],
)
def test_a_cell_does_not_change_with_an_unrelated_cell(column, dispute_type, employer):
    row = DISPUTE_ROW.format(id="C1", dispute_type=dispute_type, employer=employer)
    alone = cell_or_rejected(f"{DISPUTE_HEADER}\n{row}\n", column)
    # The same row, plus an unrelated row with a blank after one of its cells.
    other = DISPUTE_ROW.format(id="C2", dispute_type="其他", employer="乙公司 ")
    together = cell_or_rejected(f"{DISPUTE_HEADER}\n{row}\n{other}\n", column)
    assert alone == together
