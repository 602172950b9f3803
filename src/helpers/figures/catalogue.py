"""The metric catalogue: every figure of every report kind, by stable id, with its definition (口径).

This module holds what the catalogue is made of (`Metric`, `Result`, worked `Example`s) and how it
is evaluated; each report kind registers its own figures from its own module (`rule_of_law`,
`disclosure`), and importing `helpers.figures` registers them all. A reviewer finds any number of
a report by its id: its Chinese name, unit, source ledger,
the exact counting rule, and the function that computes it from raw rows. Manual figures have no
function; their values come from the year's params file and are marked as such.

Each rule returns a `Result`: the value and the rows it was computed from (`Rows`, in the role
计数, 分子, 分母 or 合计), so the work paper and the review edition show the rows behind every
number without restating any rule. The value is derived from those same rows.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from helpers.ledgers import contract as c
from helpers.ledgers.load import Ledgers

Value = int | float | None

COUNT, NUMERATOR, DENOMINATOR, SUMMED = "计数", "分子", "分母", "合计"
REPEAT = "重复不计"  # a distinct count's later rows of an already counted key


@dataclass(frozen=True)
class Rows:
    """Rows of one ledger behind a figure, in one role, indexed by their line in the ledger file.

    `columns` are the columns the rule reads (a joined frame may carry another ledger's columns);
    `key` marks a distinct count (each value counted once); `summed` the column added up.
    """

    role: str
    ledger: str
    frame: pd.DataFrame
    columns: tuple[str, ...]
    key: str | None = None
    summed: str | None = None

    def __post_init__(self) -> None:
        # Only the columns shown beside a figure are kept (the record's id, the columns read,
        # the distinct key, the summed column): a figure over millions of rows holds no copy of
        # columns nobody reads.
        wanted = [c.LEDGERS[self.ledger].key, *self.columns, self.key, self.summed]
        position = {col: i for i, col in enumerate(self.frame.columns)}
        keep = [col for col in dict.fromkeys(wanted) if col is not None and col in position]
        if len(keep) < self.frame.shape[1]:
            # By position, as `frame[keep]` takes them once it has looked the labels up: on a
            # figure's few rows the look-up costs more than the copy. Repeated labels (each
            # stands for all its columns) are left to pandas.
            frame = self.frame
            if len(position) == frame.shape[1]:
                frame = frame.take([position[col] for col in keep], axis=1)
            else:
                frame = frame[keep]
            object.__setattr__(self, "frame", frame)

    def roles(self) -> pd.Series:
        """Each row's role; in a distinct count the first row of each key counts, later ones not."""
        roles = pd.Series(self.role, index=self.frame.index, dtype=object)
        if self.key is not None:
            roles[self.frame[self.key].duplicated()] = REPEAT
        return roles


@dataclass(frozen=True)
class Result:
    """A figure's value and the rows it was computed from."""

    value: Value
    rows: tuple[Rows, ...] = ()
    also_reads: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def reads(self) -> dict[str, tuple[str, ...]]:
        """Columns read, per ledger: the evidence rows' own columns plus any lookup ledger's."""
        out: dict[str, list[str]] = {}
        for part in self.rows:
            own = set(c.LEDGERS[part.ledger].column_names)
            out.setdefault(part.ledger, [])
            out[part.ledger] += [col for col in part.columns if col in own]
        for ledger, columns in self.also_reads.items():
            out.setdefault(ledger, [])
            out[ledger] += list(columns)
        return {ledger: tuple(dict.fromkeys(cols)) for ledger, cols in out.items()}

    def makeup(self) -> str:
        """The rows counted, by role: "分子 3903 + 分母 4055"."""
        counts: dict[str, int] = {}
        for part in self.rows:  # as `roles()` marks them, counted without building the marks
            repeats = 0 if part.key is None else int(part.frame[part.key].duplicated().sum())
            for role, n in ((part.role, len(part.frame) - repeats), (REPEAT, repeats)):
                if n:
                    counts[role] = counts.get(role, 0) + n
        return " + ".join(f"{role} {n}" for role, n in counts.items())


def counted(ledger: str, frame: pd.DataFrame, *columns: str) -> Result:
    """A count: the rows themselves."""
    return Result(int(len(frame)), (Rows(COUNT, ledger, frame, columns),))


def distinct(ledger: str, frame: pd.DataFrame, key: str, *columns: str) -> Result:
    """A distinct count: the rows, each value of `key` counted once."""
    return Result(int(frame[key].nunique()), (Rows(COUNT, ledger, frame, columns, key=key),))


def summed(ledger: str, frame: pd.DataFrame, column: str, value: Value, *columns: str) -> Result:
    """A total of `column` over the rows (the caller scales and rounds it into `value`)."""
    return Result(value, (Rows(SUMMED, ledger, frame, columns, summed=column),))


def combined(*parts: Result) -> Result:
    """A count over several selections (e.g. two ledgers): the sum of their counts."""
    return Result(
        sum(int(p.value) for p in parts),  # type: ignore[arg-type]
        tuple(r for p in parts for r in p.rows),
        {k: v for p in parts for k, v in p.also_reads.items()},
    )


def _as(result: Result, role: str) -> tuple[Rows, ...]:
    return tuple(replace(r, role=role) for r in result.rows)


def rate_of(numerator: Result, denominator: Result) -> Result:
    """A percentage: the numerator's rows and the denominator's rows, marked."""
    value = rate(int(numerator.value), int(denominator.value))  # type: ignore[arg-type]
    return Result(value, _as(numerator, NUMERATOR) + _as(denominator, DENOMINATOR),
                  numerator.also_reads | denominator.also_reads)  # fmt: skip


def ratio_of(numerator: Result, denominator: Result, places: int = 1) -> Result:
    """X 比 1, rounded half-up; None when the denominator is zero."""
    n, d = int(numerator.value), int(denominator.value)  # type: ignore[arg-type]
    value = None if d == 0 else round_half_up(n / d, places)
    return Result(value, _as(numerator, NUMERATOR) + _as(denominator, DENOMINATOR))


@dataclass(frozen=True)
class Example:
    """A worked example of a 口径: a few hand-made ledger rows and the value the rule must give.

    `rows` maps each ledger to a small table written as the file holds it: a header of column
    names, then one line per row, cells separated by "|" (an empty cell is an empty field). Only
    the id column and the columns the rule reads appear, and any named in `unread`: columns the
    口径 says do not matter, shown so that the example proves it. The tests run every example and
    docs/data-contract.md prints it under its metric, so the definition cannot drift.
    """

    year: int
    value: Value
    note: str
    rows: dict[str, str]
    unread: tuple[str, ...] = ()

    def tables(self, programmes: dict[str, str] | None = None) -> dict[str, list[dict[str, str]]]:
        """Each ledger's rows as cells of text, keyed by column ("" for an empty cell).

        A cell may name a bureau's programme or place by its profile key ("{lecture_brand}",
        "{street_1}", see `example_names`), so that no bureau's own names are written into the
        catalogue; given `programmes`, it is filled in.
        """
        out = {}
        for ledger, text in self.rows.items():
            header, *body = [[cell.strip() for cell in line.split("|")]
                             for line in text.strip().splitlines()]  # fmt: skip
            if programmes is not None:
                body = [[cell.format_map(programmes) if "{" in cell else cell for cell in row]
                        for row in body]  # fmt: skip
            out[ledger] = [dict(zip(header, row, strict=True)) for row in body]
        return out


def example_names(profile) -> dict[str, str]:
    """What an example's placeholders stand for in a bureau's profile: its programme names
    (`{lecture_brand}`) and its first places (`{street_1}`, `{street_2}`, `{town_1}`, `{zone_1}`)."""
    places = profile.organisations
    names = dict(profile.programmes.model_dump())
    for key, values in (("street", places.streets), ("town", places.towns),
                        ("zone", places.development_zones)):  # fmt: skip
        names.update({f"{key}_{n}": value for n, value in enumerate(values[:2], 1)})
    return names


def examples(*cases: Example):
    """Attach worked examples to a rule; `_register`, applied next, puts them on the metric."""

    def wrap(fn):
        fn.examples = cases
        return fn

    return wrap


# The reports a metric belongs to: each kind of report states its own figures (see REPORTS).
RULE_OF_LAW, DISCLOSURE = "rule_of_law", "disclosure"


@dataclass(frozen=True)
class Cell:
    """Where a figure sits in a report's table: the table, its row key and its column key."""

    table: str
    row: str
    column: str


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str
    source: str  # a ledger name, several joined by "+", or "manual"
    definition: str
    rule: Callable[[Ledgers, int], Result] | None = None
    examples: tuple[Example, ...] = ()
    report: str = RULE_OF_LAW
    cell: Cell | None = None
    # A figure of a fixed earlier year (`<id>@<year>`, a trend's point): its rule runs for that
    # year whatever the report's year.
    year: int | None = None
    # A bureau's own figure (`<bureau>.<name>`, defined in its notebook): the bureau's id.
    bureau: str | None = None

    @property
    def is_manual(self) -> bool:
        return self.rule is None

    @property
    def ledgers(self) -> list[str]:
        return [] if self.is_manual else self.source.split("+")

    def evaluate(self, L: Ledgers, year: int) -> Result:
        """The value and the rows behind it."""
        assert self.rule is not None, f"{self.id} is a manual figure"
        return self.rule(L, year if self.year is None else self.year)

    def compute(self, L: Ledgers, year: int) -> Value:
        return self.evaluate(L, year).value


# `<id>@<year>`: a ledger figure in another year, by the same rule (the trend chart's points).
_IN_YEAR = re.compile(r"(?P<base>.+)@(?P<year>\d{4})")


class _Catalogue(dict[str, Metric]):
    """The registered figures, by id; also answers for `<id>@<year>`, a ledger figure in another
    year (its earlier years in a trend), which is made when asked for: which years a report
    charts depends on the ledgers, so those figures cannot be registered up front."""

    def __missing__(self, key: str) -> Metric:
        if key in LOCAL:
            return LOCAL[key]
        metric = _in_year(key)
        if metric is None:
            raise KeyError(key)
        return metric

    def __contains__(self, key: object) -> bool:
        return (dict.__contains__(self, key) or key in LOCAL
                or (isinstance(key, str) and _in_year(key) is not None))  # fmt: skip

    def get(self, key, default=None):  # type: ignore[override]
        return self[key] if key in self else default


CATALOGUE: dict[str, Metric] = _Catalogue()
_YEAR_FIGURES: dict[str, Metric] = {}
# Bureaus' own figures by id (`xinqu.fund_inspections`), as their notebooks define them
# (helpers.figures.local): found by id like any figure, stated only in their bureau's reports,
# and not among the package's figures the catalogue lists.
LOCAL: dict[str, Metric] = {}


def at_year(metric_id: str, year: int) -> str:
    """The id of a figure in another year: `disputes.accepted_total@2019`."""
    return f"{metric_id}@{year}"


def _in_year(key: str) -> Metric | None:
    if key in _YEAR_FIGURES:
        return _YEAR_FIGURES[key]
    match = _IN_YEAR.fullmatch(key)
    base = (dict.get(CATALOGUE, match["base"]) or LOCAL.get(match["base"])) if match else None
    if base is None or base.is_manual:
        return None
    year = int(match["year"])  # type: ignore[index]
    metric = replace(base, id=key, name=f"{base.name}（{year}年）",
                     definition=f"{year}年的数值，口径同 {base.id}（“当年”指{year}年）：{base.definition}",
                     examples=(), cell=None, year=year)  # fmt: skip
    _YEAR_FIGURES[key] = metric
    return metric


def _register(id, name, unit, source, definition, *, report=RULE_OF_LAW, cell=None):
    def wrap(fn):
        CATALOGUE[id] = Metric(id, name, unit, source, definition, fn, getattr(fn, "examples", ()),
                               report, cell)  # fmt: skip
        return fn

    return wrap


def manual(id, name, unit, definition, *, report=RULE_OF_LAW, cell=None):
    CATALOGUE[id] = Metric(id, name, unit, "manual", definition, report=report, cell=cell)


def of_report(report: str) -> list[Metric]:
    """The metrics one kind of report states, in catalogue order."""
    return [m for m in CATALOGUE.values() if m.report == report]


# Per report, functions naming the figures it also states for given ledgers and year beyond its
# registered ones (the earlier years of its trend chart, `<id>@<year>`).
_ALSO_STATED: dict[str, list[Callable[[Ledgers, int], list[str]]]] = {}


def also_stated(report: str):
    """Register a function (ledgers, year) -> ids a report states besides its registered figures."""

    def wrap(fn):
        _ALSO_STATED.setdefault(report, []).append(fn)
        return fn

    return wrap


def figures_for(L: Ledgers, year: int, report: str = RULE_OF_LAW) -> list[Metric]:
    """The figures one report of `year` states: its registered ones in catalogue order, then
    those it states for these ledgers only (a trend's earlier years)."""
    extra = [CATALOGUE[id] for fn in _ALSO_STATED.get(report, []) for id in fn(L, year)]
    return of_report(report) + extra + local_of(L, report)


def local_of(L: Ledgers, report: str = RULE_OF_LAW) -> list[Metric]:
    """The bureau's own figures of one report, in the order its notebook defines them."""
    bureau = L.profile.bureau_id
    return [m for m in LOCAL.values() if m.bureau == bureau and m.report == report]


# -- series: many figures cut from one selection ------------------------------------------------

_ONCE: dict[tuple, tuple[weakref.ref, object]] = {}


def once_per_ledgers(L: Ledgers, year: int, make: Callable[[Ledgers, int], object]):
    """`make(L, year)`, made once per ledgers and year (or other key) and dropped with the
    ledgers: a series' elements (12 months) cut one selection, made once, not once per element."""
    key = (make, id(L), year)
    hit = _ONCE.get(key)
    if hit is not None and hit[0]() is L:
        return hit[1]
    value = make(L, year)
    _ONCE[key] = (weakref.ref(L), value)
    weakref.finalize(L, _ONCE.pop, key, None)
    return value


# What many figures of one report cut from the same selection (a table's row, one per column),
# made once while `compute` evaluates them and dropped when it returns; a thread has its own.
_SHARED: ContextVar[dict | None] = ContextVar("shared_selections", default=None)


def shared(make: Callable, source: object, *args):
    """`make(source, *args)` (`source` the ledgers or a frame), made once per `compute` (anew on
    every call outside one): the ~200 cells of a table re-select the same rows per column."""
    made = _SHARED.get()
    if made is None:
        return make(source, *args)
    key = (make, id(source), *args)  # the entry holds `source`: nothing else can take its id
    if key not in made:
        made[key] = (source, make(source, *args))
    return made[key][1]


_NO_ROWS = np.array([], dtype=np.intp)


class Split:
    """One selection of rows, grouped once by a key (month, outcome); each element's rows are
    taken only when asked for, so 12 months cost one groupby and no copy of rows nobody reads."""

    def __init__(self, frame: pd.DataFrame, by: pd.Series):
        self.frame = frame
        self.positions = frame.groupby(by, sort=False).indices if len(frame) else {}

    def rows(self, key) -> pd.DataFrame:
        return self.frame.iloc[self.positions.get(key, _NO_ROWS)]


def round_half_up(value: float, places: int) -> float:
    """Round as the report does (96.245 → 96.25), not banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def rate(numerator: int, denominator: int) -> float | None:
    """Percentage to two decimals; None when there is nothing to divide by."""
    if denominator == 0:
        return None
    return round_half_up(100 * numerator / denominator, 2)


def in_year(dates: pd.Series, year: int) -> pd.Series:
    return dates.dt.year == year


def by_year(frame: pd.DataFrame, column: str, year: int) -> pd.DataFrame:
    return frame[in_year(frame[column], year)]


# -- evaluation -------------------------------------------------------------------------------


def ledger_years(L: Ledgers, name: str) -> range:
    """The calendar years a ledger covers in full.

    A cumulative export also holds cases received late in the year before its period that were
    still open when the period began; a first year with no row dated before July is such a stub
    and is not compared against.
    """
    if name == "meeting_topics":
        return ledger_years(L, "meetings")
    # Asked for by every figure (and its earlier years) of a report: read once per ledgers.
    return once_per_ledgers(L, (name, id(L[name])), _ledger_years)  # type: ignore[arg-type]


def _ledger_years(L: Ledgers, key: tuple[str, int]) -> range:
    name = key[0]
    spec = c.LEDGERS[name]
    dates = L[name][spec.year_column].dropna()
    if dates.empty:
        return range(0)
    first, last = int(dates.min().year), int(dates.max().year)
    if not (dates[dates.dt.year == first].dt.month <= 6).any():
        first += 1
    return range(first, last + 1)


def covers(L: Ledgers, metric: Metric, year: int) -> bool:
    return all(year in ledger_years(L, name) for name in metric.ledgers)


# Each rule run by `compute`, by (rule, year), with the rows behind its value.
Kept = dict[tuple[object, int], Result]


def compute(L: Ledgers, year: int, manual_values: dict[str, Value] | None = None,
            previous_manual: dict[str, Value] | None = None,
            report: str = RULE_OF_LAW, kept: Kept | None = None) -> dict[str, dict]:  # fmt: skip
    """Every metric of one report for `year`, with last year's value where the data hold it.
    Given `kept`, each rule's Result is put there too (the work paper's rows, at sizes where
    holding every figure's rows at once costs little)."""
    scope = _SHARED.set({})
    try:
        return _compute(L, year, manual_values, previous_manual, report, kept)
    finally:
        _SHARED.reset(scope)


def _compute(L: Ledgers, year: int, manual_values: dict[str, Value] | None,
             previous_manual: dict[str, Value] | None, report: str,
             kept: Kept | None) -> dict[str, dict]:  # fmt: skip
    manual_values = manual_values or {}
    previous_manual = previous_manual or {}
    results: dict[str, dict] = {}
    # A rule's value per year, computed once: a trend's 2020 point is its figure's last year.
    # With it, what its card shows of the rows (their count by role, the columns read), so that
    # the review edition's cards need not evaluate every figure again.
    seen: dict[tuple[object, int], tuple[Value, str, dict]] = {}

    def at(metric: Metric, when: int) -> Value:
        key = (metric.rule, when)
        if key not in seen:
            result = metric.rule(L, when)  # type: ignore[misc]
            seen[key] = (result.value, result.makeup(), result.reads())
            if kept is not None:
                kept[key] = result
        return seen[key][0]

    for metric in figures_for(L, year, report):
        if metric.is_manual:
            value = manual_values.get(metric.id)
            previous = previous_manual.get(metric.id)
        else:
            when = year if metric.year is None else metric.year
            value = at(metric, when)
            previous = at(metric, when - 1) if covers(L, metric, when - 1) else None
        results[metric.id] = {
            "value": value,
            "unit": metric.unit,
            "name": metric.name,
            "source": metric.source,
            "definition": metric.definition,
            "previous": previous,
            "change": _change(value, previous),
        }
        if not metric.is_manual:
            _, makeup, reads = seen[(metric.rule, when)]
            results[metric.id]["rows_counted"] = makeup
            results[metric.id]["reads"] = {ledger: list(cols) for ledger, cols in reads.items()}
    return results


def _change(value: Value, previous: Value) -> float | int | None:
    if value is None or previous is None:
        return None
    diff = value - previous
    return round_half_up(diff, 2) if isinstance(diff, float) else diff


def figures_document(L: Ledgers, year: int, manual_values: dict[str, Value] | None = None,
                     previous_manual: dict[str, Value] | None = None,
                     report: str = RULE_OF_LAW, kept: Kept | None = None) -> dict:  # fmt: skip
    return {"year": year,
            "metrics": compute(L, year, manual_values, previous_manual, report, kept)}  # fmt: skip


class Evaluated(Mapping[str, Result]):
    """Every ledger figure of one report for `year` with the rows behind it, as `evaluate` gives
    them, but each evaluated when asked for and not kept: at millions of rows, the rows of all
    figures at once would take gigabytes."""

    def __init__(self, L: Ledgers, year: int, report: str = RULE_OF_LAW):
        self.L, self.year = L, year
        self.ids = [m.id for m in figures_for(L, year, report) if not m.is_manual]

    def __getitem__(self, metric_id: str) -> Result:
        if metric_id not in self.ids:
            raise KeyError(metric_id)
        return CATALOGUE[metric_id].evaluate(self.L, self.year)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def evaluate(L: Ledgers, year: int, report: str = RULE_OF_LAW) -> dict[str, Result]:
    """Every ledger figure of one report for `year` with the rows behind it (manual figures
    have none)."""
    return {m.id: m.evaluate(L, year) for m in figures_for(L, year, report) if not m.is_manual}


class Values(Mapping[str, Value]):
    """The values of one report's ledger figures for `year`, each computed when first asked for;
    a figure of another year (`<id>@<year>`) is there only when its ledgers cover that year."""

    def __init__(self, L: Ledgers, year: int, report: str = RULE_OF_LAW):
        self.L, self.year = L, year
        self.ids = [m.id for m in figures_for(L, year, report) if not m.is_manual]
        self._values: dict[str, Value] = {}

    def __getitem__(self, metric_id: str) -> Value:
        if metric_id not in self._values:
            metric = CATALOGUE[metric_id]
            if metric.is_manual or (
                metric.year is not None and not covers(self.L, metric, metric.year)
            ):
                raise KeyError(metric_id)
            self._values[metric_id] = metric.compute(self.L, self.year)
        return self._values[metric_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)
