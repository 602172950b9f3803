"""A mutation corpus generated from the data contract and the sample ledgers, for every ledger.

Each mutation damages (or harmlessly re-spells) one ledger file of the trimmed sample copy:

* damaging: a column removed or renamed, a date made unparsable or emptied, a date order broken,
  an allowed-value column given an unknown value, a duplicated id, a dangling meeting reference,
  the file emptied, truncated mid-row, given a ragged row, an unbalanced quote or a NUL byte, a
  count made negative, non-numeric or (an amount) infinite. The loader must stop with one
  problem naming the file, line, column and value, and saying what was expected.
* harmless: the file re-encoded as GB18030, given a BOM, CRLF line ends, every cell quoted, or
  its rows shuffled. The year's figures (stats.json) must not change by a single byte.

The generator is a pure function of a ledger's spec and its original bytes; the tests apply each
mutation to a scratch directory. A representative subset runs end to end through
`python -m helpers report` (what `make report` calls) against a previously built good report.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import pytest

from conftest import HIGH_VOLUME_LEDGERS, SAMPLE_HEAD_ROWS
from helpers import config
from helpers.errors import LedgerError, Problem
from helpers.ledgers.contract import LedgerSpec, ledgers_for, schema_for
from helpers.ledgers.load import Ledgers, load_ledgers
from helpers.report.document import year_figures
from helpers.runs.report import ReportRequest, build_report

# The contract with the sample bureau's organisation names filled in.
LEDGERS = ledgers_for()

YEAR = 2021
MIN_MUTATIONS_PER_LEDGER = 15

BAD_DATES = {"month13": "2021-13-45", "feb30": "2021/02/30"}
UNKNOWN_ENUM = "未知类别"
UNKNOWN_FLAG = "Y"
NEGATIVE = "-3"
NON_NUMERIC = {"int": "三人", "amount": "一千元"}
NON_FINITE = "inf"
EXTRA_FIELD = "多余字段"
UTF8_BOM = b"\xef\xbb\xbf"


# -- the generator -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """Where the loader must point, and words its explanation must contain."""

    line: int | None
    column: str | None
    value: str | None
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mutation:
    name: str
    ledger: str
    kind: str
    damaging: bool
    # Makes the whole mutated file. The corpus is generated in every worker's collection, where
    # only the ids are needed: a mutation's bytes are made when its test first asks for them.
    make: Callable[[], bytes] = field(repr=False, compare=False)
    expected: Expected | None = None

    @cached_property
    def content(self) -> bytes:
        """The whole mutated file."""
        return self.make()

    @property
    def id(self) -> str:
        return f"{self.ledger}-{self.name}"

    @property
    def file_name(self) -> str:
        return f"{self.ledger}.csv"

    def apply(self, data_dir: Path) -> Path:
        """Write the mutated ledger into `data_dir`; returns its path."""
        path = Path(data_dir) / self.file_name
        path.write_bytes(self.content)
        return path


def line_of(row: int) -> int:
    """File line of 0-based data row `row`: the header is line 1."""
    return row + 2


def parse(original: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(original.decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def serialise(
    header: list[str], rows: list[list[str]], *, quoting: int = csv.QUOTE_MINIMAL
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=quoting).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def _filled_row(rows: list[list[str]], position: int, start: int) -> int:
    """The first data row at or after `start` (wrapping round) whose cell at `position` is filled."""
    for offset in range(len(rows)):
        row = (start + offset) % len(rows)
        if rows[row][position]:
            return row
    raise ValueError(f"no filled cell at position {position}")


def _frame_check_columns(name: str) -> dict[str, set[str]]:
    """Columns used by the ledger's frame-wide checks, by check family (paired, date_order, …)."""
    families: dict[str, set[str]] = {}
    for check in schema_for(name).checks:
        family, *columns = check.name.split(":")
        families.setdefault(family, set()).update(columns)
    return families


def _pairs(name: str) -> dict[str, str]:
    """Each column of a must-be-filled-together pair, mapped to its partner."""
    partners: dict[str, str] = {}
    for check in schema_for(name).checks:
        family, *columns = check.name.split(":")
        if family == "paired":
            first, second = columns
            partners[first], partners[second] = second, first
    return partners


def _pair_problem_column(name: str, column: str) -> str:
    """The loader reports a broken pair on its second column."""
    for check in schema_for(name).checks:
        family, *columns = check.name.split(":")
        if family == "paired" and column in columns:
            return columns[1]
    raise KeyError(column)


def mutations_for(spec: LedgerSpec, original: bytes) -> list[Mutation]:
    """Every mutation of one ledger, derived from its contract and its original UTF-8 LF bytes."""
    header, rows = parse(original)
    if serialise(header, rows) != original:
        raise ValueError(f"{spec.name}: the sample does not round-trip through the csv module")
    if original.count(b"\n") != len(rows) + 1 or b'"' in original:
        raise ValueError(f"{spec.name}: expected one record per line and no quoted cells")
    if len(rows) < 4:
        raise ValueError(f"{spec.name}: too few rows to mutate")
    width = len(header)
    middle = len(rows) // 2
    lines = original.decode("utf-8").split("\n")[:-1]  # header and data lines, no final ""
    name = spec.name
    out: list[Mutation] = []

    def damage(mutation: str, kind: str, content: Callable[[], bytes], expected: Expected) -> None:
        out.append(Mutation(mutation, name, kind, True, content, expected))

    def with_cell(row: int, column: str, value: str) -> Callable[[], bytes]:
        def make() -> bytes:
            changed = list(rows)
            changed[row] = list(rows[row])
            changed[row][header.index(column)] = value
            return serialise(header, changed)

        return make

    def with_line(row: int, edit: Callable[[str], str]) -> Callable[[], bytes]:
        def make() -> bytes:
            changed = list(lines)
            changed[row + 1] = edit(changed[row + 1])
            return ("\n".join(changed) + "\n").encode("utf-8")

        return make

    # Columns removed or renamed: every column of the contract is expected in the header.
    for column in spec.column_names:
        drop = header.index(column)
        damage(
            f"remove-{column}",
            "remove",
            lambda drop=drop: serialise(
                [c for i, c in enumerate(header) if i != drop],
                [[c for i, c in enumerate(r) if i != drop] for r in rows],
            ),
            Expected(1, column, None, ("缺少", column)),
        )
        # A typo: the middle letter doubled, as a hand-edited header would have it.
        cut = len(column) // 2
        typo = column[:cut] + column[cut] + column[cut:]
        renamed = [typo if c == column else c for c in header]
        damage(
            f"rename-{column}",
            "rename",
            lambda renamed=renamed: serialise(renamed, rows),
            Expected(1, typo, typo, ("拼写", column)),
        )

    partners = _pairs(name)
    for column in spec.columns:
        position = header.index(column.name)
        row = _filled_row(rows, position, middle)
        line = line_of(row)
        if column.kind == "date":
            for label, bad in BAD_DATES.items():
                damage(
                    f"date-{column.name}-{label}",
                    "date",
                    with_cell(row, column.name, bad),
                    Expected(line, column.name, bad, ("日期",)),
                )
            if column.required:
                damage(
                    f"date-{column.name}-empty",
                    "date",
                    with_cell(row, column.name, ""),
                    Expected(line, column.name, "", ("必填",)),
                )
            elif column.name in partners:
                # Emptying a paired date breaks the pair; the loader names the pair's second column.
                reported = _pair_problem_column(name, column.name)
                value = rows[row][header.index(reported)]
                damage(
                    f"date-{column.name}-empty",
                    "date",
                    with_cell(row, column.name, ""),
                    Expected(line, reported, value, (column.name, partners[column.name])),
                )
        elif column.kind in ("enum", "flag"):
            bad = UNKNOWN_FLAG if column.kind == "flag" else UNKNOWN_ENUM
            assert bad not in column.allowed
            damage(
                f"enum-{column.name}",
                "enum",
                with_cell(row, column.name, bad),
                Expected(line, column.name, bad, (column.allowed[0],)),
            )
        elif column.kind in ("int", "amount"):
            damage(
                f"negative-{column.name}",
                "negative",
                with_cell(row, column.name, NEGATIVE),
                Expected(line, column.name, NEGATIVE, ("负数",)),
            )
            bad = NON_NUMERIC[column.kind]
            damage(
                f"non-numeric-{column.name}",
                "non-numeric",
                with_cell(row, column.name, bad),
                Expected(line, column.name, bad, ("整数" if column.kind == "int" else "金额",)),
            )
            if column.kind == "amount":
                # A number to float(), but not an amount: the sum of a year would be infinite.
                damage(
                    f"non-finite-{column.name}",
                    "non-finite",
                    with_cell(row, column.name, NON_FINITE),
                    Expected(line, column.name, NON_FINITE, ("金额",)),
                )

    # A later date moved before its earlier one (closed before received and the like).
    for order in spec.date_orders:
        early, late = header.index(order.earlier), header.index(order.later)
        row = next(
            (r + middle) % len(rows)
            for r in range(len(rows))
            if rows[(r + middle) % len(rows)][early] and rows[(r + middle) % len(rows)][late]
        )
        bad = (date.fromisoformat(rows[row][early]) - timedelta(days=1)).isoformat()
        damage(
            f"order-{order.later}-before-{order.earlier}",
            "order",
            with_cell(row, order.later, bad),
            Expected(line_of(row), order.later, bad, ("不能早于", order.earlier)),
        )

    # The id of the first row repeated further down: the later row is the duplicate.
    first_id = rows[0][header.index(spec.key)]
    damage(
        f"duplicate-{spec.key}",
        "duplicate",
        with_cell(middle, spec.key, first_id),
        Expected(line_of(middle), spec.key, first_id, ("重复",)),
    )

    if name == "meeting_topics":
        damage(
            "reference-meeting_id",
            "reference",
            with_cell(middle, "meeting_id", "JWH1999-99"),
            Expected(line_of(middle), "meeting_id", "JWH1999-99", ("会议",)),
        )

    # Damage to the file itself.
    damage("empty-file", "empty-file", lambda: b"", Expected(None, None, None, ("为空",)))

    # The export stopped half-way through the last record, in the middle of a field.
    last = rows[-1]
    kept = width // 2
    cut_value = last[kept - 1][: len(last[kept - 1]) // 2]
    truncated = lines[:-1] + [",".join([*last[: kept - 1], cut_value])]
    damage(
        "truncated",
        "truncated",
        lambda: "\n".join(truncated).encode("utf-8"),
        Expected(line_of(len(rows) - 1), header[kept - 1], cut_value, ("截断",)),
    )

    damage(
        "ragged-extra-field",
        "ragged",
        with_line(middle, lambda text: f"{text},{EXTRA_FIELD}"),
        Expected(line_of(middle), None, None, (f"字段数为 {width + 1}", str(width))),
    )
    damage(
        "ragged-missing-field",
        "ragged",
        with_line(middle, lambda text: text.rsplit(",", 1)[0]),
        Expected(line_of(middle), None, None, (f"字段数为 {width - 1}", str(width))),
    )

    # A quote opening the first text cell of a row and never closed.
    quoted = next(i for i, c in enumerate(header) if spec.column(c).kind in ("text", "enum"))

    def open_quote(text: str) -> str:
        cells = text.split(",")
        cells[quoted] = '"' + cells[quoted]
        return ",".join(cells)

    damage(
        "unbalanced-quote",
        "quote",
        with_line(middle, open_quote),
        Expected(line_of(middle), None, None, ("引号",)),
    )
    damage(
        "nul-byte",
        "nul",
        with_line(middle, lambda text: text[:3] + "\x00" + text[3:]),
        Expected(
            line_of(middle),
            header[0],
            rows[middle][0][:3] + "\\0" + rows[middle][0][3:],
            ("空字符",),
        ),
    )

    # Harmless re-spellings of the same data.
    def harmless(mutation: str, content: Callable[[], bytes]) -> None:
        def make() -> bytes:
            made = content()
            assert made != original
            return made

        out.append(Mutation(mutation, name, mutation, False, make))

    def shuffled() -> bytes:
        body = list(lines[1:])
        random.Random(name).shuffle(body)
        if body == lines[1:]:
            body.reverse()
        return ("\n".join([lines[0], *body]) + "\n").encode("utf-8")

    harmless("gb18030", lambda: original.decode("utf-8").encode("gb18030"))
    harmless("bom", lambda: UTF8_BOM + original)
    harmless("crlf", lambda: original.replace(b"\n", b"\r\n"))
    harmless("quoted-cells", lambda: serialise(header, rows, quoting=csv.QUOTE_ALL))
    harmless("shuffled", shuffled)
    return out


# -- the corpus --------------------------------------------------------------------------------


def sample_bytes(name: str) -> bytes:
    """The ledger as the shared `sample_ledgers_dir` fixture holds it (trimmed the same way)."""
    data = (config.DATA_DIR / f"{name}.csv").read_bytes()
    if name in HIGH_VOLUME_LEDGERS:
        data = b"\n".join(data.split(b"\n")[: SAMPLE_HEAD_ROWS + 1]) + b"\n"
    return data


SOURCES = {name: sample_bytes(name) for name in LEDGERS}
CORPUS = [m for name, spec in LEDGERS.items() for m in mutations_for(spec, SOURCES[name])]
BY_ID = {m.id: m for m in CORPUS}
DAMAGING = [m for m in CORPUS if m.damaging]
HARMLESS = [m for m in CORPUS if not m.damaging]


def corpus_params(mutations: list[Mutation]) -> list:
    params = []
    for mutation in mutations:
        params.append(pytest.param(mutation, id=mutation.id))
    return params


def needed_ledgers(name: str) -> list[str]:
    """A ledger and those its cross-ledger checks read (agenda topics need the meetings)."""
    return ["meetings", name] if name == "meeting_topics" else [name]


def problems_of(data_dir: Path, names: list[str] | None = None) -> list[Problem]:
    with pytest.raises(LedgerError) as caught:
        load_ledgers(data_dir, names)
    return caught.value.problems


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def stats_text(document: dict) -> str:
    """The figures exactly as build.py writes stats.json and `helpers figures` prints them."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- the corpus itself -------------------------------------------------------------------------


def test_corpus_is_generated_from_the_shared_sample(sample_ledgers_dir):
    for name, data in SOURCES.items():
        assert (sample_ledgers_dir / f"{name}.csv").read_bytes() == data, name


def test_every_ledger_has_enough_mutations(capsys):
    counts = {name: Counter(m.damaging for m in CORPUS if m.ledger == name) for name in LEDGERS}
    table = [f"{'ledger':<26} {'damaging':>8} {'harmless':>8} {'total':>6}"]
    for name, count in counts.items():
        table.append(f"{name:<26} {count[True]:>8} {count[False]:>8} {count.total():>6}")
    table.append(f"{'all ledgers':<26} {len(DAMAGING):>8} {len(HARMLESS):>8} {len(CORPUS):>6}")
    with capsys.disabled():
        print("\n[mutations per ledger]\n" + "\n".join(table))
    assert set(counts) == set(LEDGERS)
    for name, count in counts.items():
        assert count.total() >= MIN_MUTATIONS_PER_LEDGER, name
        assert count[False] >= 4, name
    kinds = {m.kind for m in DAMAGING}
    assert {"remove", "rename", "date", "enum", "duplicate", "empty-file", "truncated", "ragged",
            "quote", "nul"} <= kinds  # fmt: skip
    assert len(BY_ID) == len(CORPUS), "mutation ids must be unique"


def test_every_required_column_is_removed_and_renamed():
    for name, spec in LEDGERS.items():
        for column in spec.columns:
            if column.required:
                assert f"{name}-remove-{column.name}" in BY_ID
                assert f"{name}-rename-{column.name}" in BY_ID


def test_mutations_change_only_their_own_ledger(tmp_path):
    mutation = BY_ID["disputes-enum-case_type"]
    path = mutation.apply(tmp_path)
    assert path == tmp_path / "disputes.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disputes.csv"]


# -- damaging mutations, in process ------------------------------------------------------------


@pytest.mark.parametrize("mutation", corpus_params(DAMAGING))
def test_damaging_mutation_is_reported_precisely(mutation, sample_ledgers_dir, tmp_path):
    # Only the mutated ledger (and what its cross-ledger check reads) is loaded: the same code
    # path as a whole directory, at a tenth of the time over five hundred mutations. The whole
    # directory goes through the real command in the end-to-end cases below.
    names = needed_ledgers(mutation.ledger)
    for name in names:
        shutil.copy(sample_ledgers_dir / f"{name}.csv", tmp_path)
    path = mutation.apply(tmp_path)
    problems = problems_of(tmp_path, names)
    shown = [str(p) for p in problems]
    expected = mutation.expected
    assert expected is not None

    hits = [p for p in problems if (p.line, p.column, p.value) == (expected.line, expected.column, expected.value)]  # fmt: skip
    assert hits, f"no problem at line {expected.line}, column {expected.column}: {shown}"
    for word in expected.mentions:
        assert word in hits[0].expected, (word, str(hits[0]))

    # Every problem names this file, says what was expected, and points at real columns.
    header_columns = set(LEDGERS[mutation.ledger].column_names)
    if mutation.kind == "rename":
        header_columns.add(expected.column)
    for problem in problems:
        assert problem.file == str(path), shown
        assert problem.expected.strip(), shown
        assert problem.column is None or problem.column in header_columns, shown

    # One damage, one problem: nothing spurious elsewhere in the file.
    assert len(problems) == 1, shown


# -- harmless mutations, in process ------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline_ledgers(sample_ledgers_dir) -> Ledgers:
    """The unmutated trimmed sample, loaded and validated once. Do not modify it."""
    return load_ledgers(sample_ledgers_dir)


@pytest.fixture(scope="module")
def baseline_stats(sample_ledgers_dir, baseline_ledgers) -> str:
    """The unmutated trimmed sample's figures, computed once."""
    document = year_figures(YEAR, sample_ledgers_dir, config.params_path(YEAR), baseline_ledgers)
    return stats_text(document)


def loaded_with(ledger: str) -> list[str]:
    """A ledger and those a cross-ledger check reads with it, whichever side is mutated."""
    linked = ["meetings", "meeting_topics"]
    return linked if ledger in linked else [ledger]


def with_mutated_ledger(baseline: Ledgers, data_dir: Path, ledger: str) -> Ledgers:
    """The baseline with `ledger` (and those checked with it) loaded and validated afresh from
    `data_dir`, as a load of the whole folder gives them: the other ledgers are the baseline's
    bytes, and loading them again took half of each test's time."""
    loaded = load_ledgers(data_dir, loaded_with(ledger))
    return replace(
        baseline,
        data_dir=loaded.data_dir,
        frames=baseline.frames | loaded.frames,
        files=baseline.files | loaded.files,
        intake=baseline.intake | loaded.intake,
    )


@pytest.mark.parametrize("mutation", corpus_params(HARMLESS))
def test_harmless_mutation_gives_identical_figures(
    mutation, sample_ledgers_dir, tmp_path, baseline_ledgers, baseline_stats
):
    for name in loaded_with(mutation.ledger):
        shutil.copy(sample_ledgers_dir / f"{name}.csv", tmp_path)
    mutation.apply(tmp_path)
    ledgers = with_mutated_ledger(baseline_ledgers, tmp_path, mutation.ledger)
    document = year_figures(YEAR, tmp_path, config.params_path(YEAR), ledgers)
    assert stats_text(document) == baseline_stats


# -- end to end through `python -m helpers report` ---------------------------------------------

# Each subprocess spends ~3 s importing and validating, so the command runs for a representative
# subset: every family of damage (header, cell, file) on a different ledger, and one harmless
# re-spelling. The in-process tests above cover every mutation of every ledger.
CLI_DAMAGING = [
    "disputes-remove-case_type",
    "wage_arrears_leads-rename-street_town",
    "meetings-date-meeting_date-month13",
    "litigation_cases-enum-stage",
    "proposals-duplicate-proposal_id",
    "outreach_events-negative-participants",
    "suggestions-empty-file",
    "disclosure_requests-truncated",
    "reconsideration_cases-nul-byte",
]
CLI_HARMLESS = ["disputes-gb18030"]
CLI_WORKERS = 2  # the subprocesses mostly import and validate; two at a time halve the wait


def report_mutation(mutation_id: str, data_dir: Path) -> Mutation:
    """The corpus mutation `mutation_id`, generated afresh from the ledger in `data_dir`."""
    ledger, name = mutation_id.split("-", 1)
    original = (data_dir / f"{ledger}.csv").read_bytes()
    return next(m for m in mutations_for(LEDGERS[ledger], original) if m.name == name)


@dataclass
class CliRun:
    mutation: Mutation
    data_file: Path
    out_dir: Path
    before: list[str]  # entries of OUT_DIR before the run
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def good_report(report_ledgers_dir, tmp_path_factory) -> Path:
    """OUT_DIR holding a good 2021 report, built once for the module."""
    out_dir = tmp_path_factory.mktemp("good-report")
    build_report(
        ReportRequest(YEAR, report_ledgers_dir, out_dir, config.params_path(YEAR)),
        log=lambda *_: None,
    )
    assert (out_dir / str(YEAR) / "stats.json").is_file()
    return out_dir


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "helpers", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def cli_runs(good_report, report_ledgers_dir, tmp_path_factory) -> dict[str, CliRun]:
    """Every end-to-end case, each with its own data and a copy of the good OUT_DIR."""
    params = str(config.params_path(YEAR))
    jobs: dict[str, tuple[Mutation, Path, Path, list[str], list[str]]] = {}
    for mutation_id in CLI_DAMAGING + CLI_HARMLESS:
        mutation = report_mutation(mutation_id, report_ledgers_dir)
        case = tmp_path_factory.mktemp(mutation_id)
        data_dir = case / "ledgers"
        shutil.copytree(report_ledgers_dir, data_dir)
        data_file = mutation.apply(data_dir)
        out_dir = case / "out"
        if mutation.damaging:
            shutil.copytree(good_report, out_dir)
            args = ["report", "--year", str(YEAR), "--data-dir", str(data_dir),
                    "--out-dir", str(out_dir), "--params", params]  # fmt: skip
        else:
            out_dir.mkdir()
            args = ["figures", "--year", str(YEAR), "--data-dir", str(data_dir),
                    "--params", params, "--out", str(out_dir / "stats.json")]  # fmt: skip
        before = sorted(p.name for p in out_dir.iterdir())
        jobs[mutation_id] = (mutation, data_file, out_dir, before, args)
    with ThreadPoolExecutor(CLI_WORKERS) as pool:
        results = dict(zip(jobs, pool.map(_run, [job[-1] for job in jobs.values()]), strict=True))
    return {key: CliRun(*jobs[key][:4], results[key]) for key in jobs}


def test_cli_cases_cover_header_cell_and_file_damage():
    assert all(i in BY_ID for i in CLI_DAMAGING + CLI_HARMLESS)
    kinds = {BY_ID[i].kind for i in CLI_DAMAGING}
    assert kinds == {"remove", "rename", "date", "enum", "duplicate", "negative", "empty-file",
                     "truncated", "nul"}  # fmt: skip
    assert len({BY_ID[i].ledger for i in CLI_DAMAGING}) == len(CLI_DAMAGING)


@pytest.mark.parametrize("mutation_id", CLI_DAMAGING)
def test_cli_report_stops_with_one_message_and_keeps_the_last_good_report(
    mutation_id, cli_runs, good_report
):
    run = cli_runs[mutation_id]
    expected = run.mutation.expected
    assert expected is not None
    stderr = run.result.stderr
    assert run.result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("错误 / error: ") and stderr.count("错误 / error: ") == 1, stderr
    assert "台账校验失败，共 1 个问题" in stderr, stderr

    # One line of the message names the file, the line, the column and the value.
    needles = [run.data_file.name]
    if expected.line is not None:
        needles.append(f"第 {expected.line} 行")
    if expected.column is not None:
        needles.append(f"列 {expected.column}")
    if expected.value is not None:
        needles.append(f"值 “{expected.value}”")
    needles.extend(expected.mentions)
    assert any(all(n in line for n in needles) for line in stderr.splitlines()), (needles, stderr)

    # The last good report is untouched and nothing was left beside it.
    final = run.out_dir / str(YEAR)
    assert snapshot(final) == snapshot(good_report / str(YEAR))
    assert sorted(p.name for p in run.out_dir.iterdir()) == run.before
    assert not list(run.out_dir.glob(f".{YEAR}.staging-*"))


@pytest.mark.parametrize("mutation_id", CLI_HARMLESS)
def test_cli_figures_of_harmless_mutation_match_the_good_reports_stats(
    mutation_id, cli_runs, good_report
):
    run = cli_runs[mutation_id]
    assert run.result.returncode == 0, run.result.stderr
    written = (run.out_dir / "stats.json").read_bytes()
    assert written == (good_report / str(YEAR) / "stats.json").read_bytes()
