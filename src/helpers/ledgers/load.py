"""Read ledger files as a Chinese case system or Excel exports them, and validate them against the
contract.

Files may be CSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16 with BOM (Excel's
"Unicode text", TAB-separated), with CRLF or LF line ends, or .xlsx/.xls workbooks. Headers may
be the contract's names, its Chinese labels or a caller's aliases, in any order, below title
rows; all give identical frames. A frame's index is the file (or sheet) line of each record, so
problems found later still name the line an analyst sees. Every problem in every file is
collected before anything is raised, so an analyst fixes a ledger in one pass; a file broken on
every row is reported with the first problems of each kind and a count of the rest, quickly and
in little memory.

This module is the entry point (`load_ledgers`, `load_ledger` and the `Ledgers` they give); each
step has a module beside it: `files` (which file holds a ledger), `headers` (the header row and
its spellings), `read_arrow`, `read_text` and `read_workbook` (a file's cells as text, `raw`),
`cells` (cell text made into values), `validate` (the contract's checks, into a typed frame),
`problems` (how problems are bounded and worded) and `notes` (what intake normalised).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.bureau import BureauProfile, default_profile
from helpers.errors import LedgerError, Problem
from helpers.ledgers.contract import LEDGERS, LedgerSpec, ledgers_for
from helpers.ledgers.files import (
    WORKBOOK_SUFFIXES,
    _content_kind,
    _mismatch_problem,
    _missing_file_problem,
    _several_files_problem,
    find_ledger_file,
    ledger_candidates,
)
from helpers.ledgers.headers import header_index
from helpers.ledgers.notes import _NOTES, _intake_notes
from helpers.ledgers.problems import ORPHAN, _bounded
from helpers.ledgers.raw import RawLedger
from helpers.ledgers.read_arrow import _Fallback, _read_csv_columnar
from helpers.ledgers.read_text import _read_csv
from helpers.ledgers.read_workbook import _read_workbook
from helpers.ledgers.validate import _check_raw, _Checker, _finish
from helpers.memory import give_back, map_large_allocations
from helpers.progress import rows as show_rows

# Blocks of a large ledger are read and dropped one after another: their arrays are mapped on
# their own, so that what is freed goes back to the system.
map_large_allocations()


@dataclass
class Ledgers:
    """Validated ledgers of one data directory, keyed by ledger name."""

    data_dir: Path
    frames: dict[str, pd.DataFrame]
    files: dict[str, Path] = field(default_factory=dict)
    # The bureau whose names the ledgers use; metrics read its programmes (e.g. the lecture brand).
    profile: BureauProfile = field(default_factory=default_profile)
    # Per ledger, what intake did to its file (load_ledger's `notes`), for the review edition.
    intake: dict[str, dict] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    @property
    def rows(self) -> int:
        """Data rows of all ledgers: what decides how a run holds them."""
        return sum(len(frame) for frame in self.frames.values())


SYNTHETIC_MARKER = "SYNTHETIC"


def is_synthetic(data_dir: Path) -> bool:
    """Sample ledgers carry a marker file; reports built from them say so on the first page."""
    return (Path(data_dir) / SYNTHETIC_MARKER).exists()


def _option_problems(data_dir: Path, aliases: Mapping[str, Mapping[str, str]],
                     sheets: Mapping[str, str]) -> list[Problem]:  # fmt: skip
    """Aliases and sheets naming a ledger or a column the contract does not have (a profile's
    typo). Checked here rather than when the profile is read: the contract reads the profile."""
    problems = [Problem(str(data_dir), None, None, name,
                        f"工作表设置中的台账名 “{name}” 不存在，台账为：{'、'.join(LEDGERS)} / "
                        f"sheets name an unknown ledger “{name}”")
                for name in sheets if name not in LEDGERS]  # fmt: skip
    for name, mapping in aliases.items():
        if name not in LEDGERS:
            problems.append(Problem(str(data_dir), None, None, name,
                                    f"表头别名中的台账名 “{name}” 不存在，台账为：{'、'.join(LEDGERS)} / "
                                    f"aliases name an unknown ledger “{name}”"))  # fmt: skip
            continue
        known = LEDGERS[name].column_names
        for heading, column in mapping.items():
            if column not in known:
                problems.append(Problem(str(data_dir), None, None, heading,
                                        f"台账 {name} 的表头别名 “{heading}” 指向合同中没有的列 “{column}”，"
                                        f"应为以下之一：{'、'.join(known)} / alias “{heading}” of {name} maps "
                                        f"to “{column}”, which is not a column of the contract"))  # fmt: skip
    return problems


def read_raw(path: Path, spec: LedgerSpec, *, aliases: Mapping[str, str] | None = None,
             sheet: str | None = None) -> RawLedger:  # fmt: skip
    """Cells as stripped text under contract column names, empty cells as NA, indexed by file
    (or sheet) line; the shape every encoding and file format must agree on."""
    index = header_index(spec, aliases)
    mismatch = _mismatch_problem(path, _content_kind(path))
    if mismatch is not None:
        raise LedgerError([mismatch])
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, index, sheet)
    return _read_csv(path, index)


def load_ledger(data_dir: Path, name: str, *, keep_personal: bool = False,
                aliases: Mapping[str, str] | None = None, sheet: str | None = None,
                profile: BureauProfile | None = None,
                progress: Callable[[str, int], None] | None = None,
                notes: dict | None = None) -> pd.DataFrame:  # fmt: skip
    """One validated ledger; personal columns are checked but not kept unless a caller needs
    them. Stops when the folder holds several files for the ledger: which one is current is the
    analyst's call. Organisation names are checked against the bureau profile (the sample
    bureau's by default).

    `aliases` maps further header spellings to contract columns ({"受理日期": "received_date"});
    `sheet` names the workbook sheet to read instead of the one whose header fits best.
    `progress`, when given, is called as `progress(name, rows_read_so_far)` after each block of
    rows of a large CSV is checked (a hook for a progress display). `notes`, when given, is
    filled with what intake did to the file (`_intake_notes`)."""
    spec = ledgers_for(profile)[name]
    data_dir = Path(data_dir)
    candidates = ledger_candidates(data_dir, name)
    if len(candidates) > 1:
        raise LedgerError([_several_files_problem(data_dir, name, candidates)])
    path = find_ledger_file(data_dir, name)
    if path is None:
        raise LedgerError([_missing_file_problem(data_dir, name, candidates)])
    index = header_index(spec, aliases)
    mismatch = _mismatch_problem(path, _content_kind(path))
    if mismatch is not None:
        raise LedgerError([mismatch])
    keep = [c for c in spec.column_names if keep_personal or c not in spec.personal_columns]

    def checker_for(names: list[str]) -> _Checker:
        return _Checker(spec, str(path), names, keep)

    report = None if progress is None else (lambda rows: progress(name, rows))
    counts: Counter = Counter()
    token = _NOTES.set(counts)
    try:
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            try:
                header, problems, checker = _read_csv_columnar(path, index, checker_for, report)
            except _Fallback:
                counts.clear()
                raw = _read_csv(path, index)
            else:
                frame = _finish(path, index, header.line, header.headings, None, header.names,
                                problems, checker)  # fmt: skip
                _intake_notes(notes, path, header.line, header.headings, None, counts, frame)
                return frame
        else:
            raw = _read_workbook(path, index, sheet)
        checker = _check_raw(raw, checker_for(list(raw.frame.columns)))
        frame = _finish(path, index, raw.header_line, raw.headings, raw.sheet,
                        list(raw.frame.columns), raw.problems, checker)  # fmt: skip
    finally:
        _NOTES.reset(token)
    _intake_notes(notes, path, raw.header_line, raw.headings, raw.sheet, counts, frame)
    if report is not None:
        report(len(frame))
    return frame


def _cross_ledger_problems(
    frames: dict[str, pd.DataFrame], files: dict[str, Path]
) -> list[Problem]:
    """Every agenda topic must belong to a meeting in the meetings ledger. A meetings ledger
    with no rows at all is said once, not as a missing meeting on every topic's line."""
    if "meeting_topics" not in frames or "meetings" not in frames:
        return []
    topics = frames["meeting_topics"]
    if frames["meetings"].empty and not topics.empty:
        topics_file = files["meeting_topics"].name
        return [Problem(str(files["meetings"]), None, None, None,
                        f"会议台账只有表头，没有数据行，而 {topics_file} 中有 {len(topics)} 条议题引用会议编号；"
                        "请导出含会议记录的台账 / the meetings ledger has no data rows, while "
                        f"{len(topics)} topics in {topics_file} refer to meetings")]  # fmt: skip
    orphan = topics["meeting_id"][~topics["meeting_id"].isin(frames["meetings"]["meeting_id"])]
    raw = RawLedger(files["meeting_topics"], topics)
    return _bounded(raw, "meeting_id", orphan.index, ORPHAN, lambda i: Problem(
        str(raw.path), int(i), "meeting_id", orphan[i],
        "会议台账中没有该会议编号 / no such meeting in the meetings ledger"))  # fmt: skip


def load_ledgers(data_dir: Path, names: list[str] | None = None, *, keep_personal: bool = False,
                 profile: BureauProfile | None = None,
                 aliases: Mapping[str, Mapping[str, str]] | None = None,
                 sheets: Mapping[str, str] | None = None,
                 progress: Callable[[str, int], None] | None = None) -> Ledgers:  # fmt: skip
    """All ledgers, validated together: raises one LedgerError listing every problem found.

    `profile` is the bureau whose organisation names the ledgers must use (default: the sample
    bureau); its intake options are used unless given here. `aliases` gives, per ledger,
    further header spellings and the contract column each stands for, on top of the contract's
    names and Chinese labels (a bureau's own export headers): {"disputes": {"受理日期":
    "received_date"}}. `sheets` names, per ledger, the workbook sheet to read ({"disputes":
    "数据"}); without it the sheet whose header fits the contract best is read. `progress` is
    passed to `load_ledger` (rows read per ledger); by default the rows read go to the terminal's
    progress line, which is silent without a terminal."""
    progress = progress or show_rows
    profile = profile or default_profile()
    aliases = profile.aliases if aliases is None else aliases
    sheets = profile.sheets if sheets is None else sheets
    data_dir = Path(data_dir)
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise LedgerError(
            [
                Problem(
                    str(data_dir),
                    None,
                    None,
                    None,
                    "台账目录不存在 / data directory does not exist",
                )
            ]
        )
    option_problems = _option_problems(data_dir, aliases, sheets)
    if option_problems:
        raise LedgerError(option_problems)
    intake: dict[str, dict] = {}
    for name in names or list(ledgers_for(profile)):
        try:
            frames[name] = load_ledger(data_dir, name, keep_personal=keep_personal,
                                       aliases=aliases.get(name), sheet=sheets.get(name),
                                       profile=profile, progress=progress,
                                       notes=intake.setdefault(name, {}))  # fmt: skip
            files[name] = find_ledger_file(data_dir, name)  # type: ignore[assignment]
        except LedgerError as error:
            problems.extend(error.problems)
    problems.extend(_cross_ledger_problems(frames, files))
    give_back()
    if problems:
        raise LedgerError(problems)
    return Ledgers(data_dir, frames, files, profile, intake)
