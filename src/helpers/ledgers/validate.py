"""A ledger checked against the contract, batch by batch, into its typed frame.

A ledger is checked batch by batch, each batch being its cells as Arrow text arrays (empty cells
null) and the file line of each row. Every rule but unique ids is local to a row, so a batch is
checked on its own, cells reported by an earlier step are not reported again, and only the
first MAX_PROBLEMS_PER_KIND failures of each kind keep their line and text; the rest are
counted. Typed columns are kept in compact form (categories, dates, numbers) as they are made.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.errors import LedgerError, Problem
from helpers.ledgers.cells import _halfwidth_array, _parse_date_array, _parse_number_array, _texts
from helpers.ledgers.contract import YES, LedgerSpec, schema_of
from helpers.ledgers.headers import HeaderIndex, header_index
from helpers.ledgers.problems import (
    MAX_PROBLEMS_PER_KIND,
    UNPARSABLE,
    _column_problems,
    _duplicate_problems,
    _expected,
    _frame_check_problem,
    _kind_of,
    _unparsable_expected,
    more_problem,
)
from helpers.ledgers.raw import RawLedger


@dataclass
class _Found:
    """One kind of problem (check, column) in one file: the first ones with the file line and
    what their message shows, and how many there are."""

    lines: list[int] = field(default_factory=list)
    shown: list = field(default_factory=list)
    count: int = 0


class _Checker:
    """Validates one ledger batch by batch and assembles its typed frame."""

    def __init__(self, spec: LedgerSpec, file: str, present: list[str], keep: list[str]):
        self.spec = spec
        self.file = file
        self.present = [c.name for c in spec.columns if c.name in present]
        self.keep = [c for c in keep if c in self.present]
        schema = schema_of(spec)
        self.row_checks = list(schema.checks)
        self.found: dict[tuple[str, str], _Found] = {}
        self.parts: dict[str, list] = {column: [] for column in self.present}
        # Recurring text: each value seen, by the code it was given (first seen, first code).
        self.seen: dict[str, dict[str, int]] = {}
        # File lines per batch: (first, count) when consecutive, as most are, else the array.
        self.lines: list[np.ndarray | tuple[int, int]] = []
        self.rows = 0

    @property
    def failed(self) -> bool:
        return bool(self.found)

    def _add(self, check: str, column: str, rows: np.ndarray, lines: np.ndarray,
             shown: Callable[[np.ndarray], list]) -> None:  # fmt: skip
        if not len(rows):
            return
        found = self.found.setdefault((check, column), _Found())
        room = MAX_PROBLEMS_PER_KIND + 1 - len(found.lines)
        if room > 0:
            taken = rows[:room]
            found.lines += lines[taken].tolist()
            found.shown += shown(taken)
        found.count += len(rows)

    def batch(self, cells: dict[str, pa.Array], lines: np.ndarray) -> None:
        """Check one batch (its cells already stripped, empty ones null) and keep its columns."""
        spec = self.spec
        n = len(lines)
        if not n:
            return
        converted: dict[str, np.ndarray] = {}
        reported: dict[str, np.ndarray] = {}
        typed: dict[str, object] = {}
        for column in spec.columns:
            name = column.name
            if name not in self.present:
                continue
            arr = cells[name]
            if column.kind == "id":
                arr = _halfwidth_array(arr)
                cells[name] = arr
            null = arr.is_null().to_numpy(zero_copy_only=False)
            filled = ~null
            kind = column.kind
            bad = None
            if kind == "date":
                values, bad = _parse_date_array(arr, filled)
            elif kind in ("int", "amount"):
                values, bad = _parse_number_array(arr, filled, kind == "int")
            if bad is not None:
                rows = np.flatnonzero(bad)
                self._add("unparsable", name, rows, lines, lambda r, a=arr: _texts(a, r))
                converted[name] = bad
            done = bad.copy() if bad is not None else np.zeros(n, dtype=bool)
            if column.required:
                self._add(
                    "not_nullable", name, np.flatnonzero(null), lines, lambda r: [""] * len(r)
                )
                done |= null
            if kind in ("enum", "flag"):
                codes = pc.index_in(arr, value_set=pa.array(list(column.allowed), type=pa.string()))
                small = np.int8 if len(column.allowed) < 127 else np.int16
                codes = codes.fill_null(-1).to_numpy(zero_copy_only=False).astype(small)
                outside = filled & (codes < 0)
                self._add(
                    "isin", name, np.flatnonzero(outside), lines, lambda r, a=arr: _texts(a, r)
                )
                done |= outside
                values = codes
            elif kind in ("int", "amount"):
                minimum = column.minimum if kind == "int" else 0
                with np.errstate(invalid="ignore"):
                    below = ~np.isnan(values) & (values < minimum)
                self._add("greater_than_or_equal_to", name, np.flatnonzero(below), lines,
                          lambda r, a=arr: _texts(a, r))  # fmt: skip
                done |= below
            elif kind != "date":
                values = pc.dictionary_encode(arr) if column.repeated else arr
            reported[name] = done
            typed[name] = (kind, arr, values)
        self._row_rules(typed, converted, reported, lines)
        self.rows += n
        if lines[-1] - lines[0] == n - 1:
            self.lines.append((int(lines[0]), n))
        else:
            self.lines.append(lines)
        for name in self.present:
            if name in self.keep or spec.column(name).kind == "id":
                kind, arr, values = typed[name]
                if not self.failed or kind == "id":
                    self.parts[name].append(self._kept(spec.column(name), values))
        if self.failed:  # the frame will not be returned: keep only what the id check needs
            for name in self.keep:
                if spec.column(name).kind != "id":
                    self.parts[name] = []

    def _kept(self, column, values):
        """A batch's column in the form it is kept in until the frame is made: whole numbers as
        int64 and a mask, recurring text as codes of the values seen so far."""
        if column.kind == "int":
            missing = np.isnan(values)
            return np.where(missing, 0, values).astype(np.int64), missing
        if column.repeated:
            seen = self.seen.setdefault(column.name, {})
            found = [seen.setdefault(text, len(seen)) for text in values.dictionary.to_pylist()]
            indices = values.indices
            codes = np.asarray(found, dtype=np.int32)[
                indices.fill_null(0).to_numpy(zero_copy_only=False)
            ]
            if indices.null_count:
                codes[indices.is_null().to_numpy(zero_copy_only=False)] = -1
            return codes
        return values

    def _row_rules(self, typed: dict, converted: dict, reported: dict, lines: np.ndarray) -> None:
        """The contract's row rules on the batch, typed as the schema sees them: each rule's
        failures that no earlier step reported."""
        n = len(lines)
        needed = {part for check in self.row_checks for part in check.name.split(":")[1:]}
        frame = pd.DataFrame(
            {name: _as_checked(*typed[name]) for name in needed if name in typed},
            index=pd.RangeIndex(n),
        )
        none = np.zeros(n, dtype=bool)
        for check in self.row_checks:
            _, first, second = check.name.split(":")
            # The contract's own rule, called directly: pandera's wrapper costs more than the rule.
            rule = getattr(check, "_check_fn", None)
            passed = rule(frame) if rule is not None else check(frame).check_output
            at = np.flatnonzero(~passed.to_numpy(dtype=bool, na_value=False))
            if not len(at):
                continue
            skip = (converted.get(first, none) | converted.get(second, none)
                    | reported.get(second, none))[at]  # fmt: skip
            at = at[~skip]
            if second in reported:
                reported[second][at] = True
            first_arr, second_arr = typed[first][1], typed[second][1]
            self._add(check.name, second, at, lines,
                      lambda r, f=first_arr, s=second_arr: list(zip(_texts(s, r), _texts(f, r), strict=True)))  # fmt: skip

    def problems(self) -> list[Problem]:
        """The collected problems, the first of each kind one by one and the rest counted."""
        spec, file = self.spec, self.file
        problems: list[Problem] = []
        for (check, column), found in self.found.items():
            listed = min(len(found.lines), MAX_PROBLEMS_PER_KIND)
            col = spec.column(column)
            for line, shown in zip(found.lines[:listed], found.shown[:listed], strict=True):
                if check == "unparsable":
                    problems.append(Problem(file, line, column, str(shown),
                                            _unparsable_expected(col.kind, str(shown))))  # fmt: skip
                elif ":" in check:
                    problems.append(_frame_check_problem(file, check, line, shown[0], shown[1]))
                else:
                    value = "" if shown is None else str(shown)
                    problems.append(Problem(file, line, column, value,
                                            _expected(spec, column, check, value)))  # fmt: skip
            rest = found.count - MAX_PROBLEMS_PER_KIND
            if rest > 0:
                kind = UNPARSABLE if check == "unparsable" else _kind_of(check)
                problems.append(
                    more_problem(file, found.lines[MAX_PROBLEMS_PER_KIND], column, rest, kind)
                )
        return problems + self._duplicates()

    def _all_lines(self) -> np.ndarray:
        parts = [np.arange(p[0], p[0] + p[1], dtype=np.int64) if isinstance(p, tuple) else p
                 for p in self.lines]  # fmt: skip
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _line_range(self) -> pd.RangeIndex | None:
        """The lines as one range when every batch continues the one before, as is usual."""
        start = None
        end = None
        for part in self.lines:
            if not isinstance(part, tuple) or (end is not None and part[0] != end):
                return None
            start = part[0] if start is None else start
            end = part[0] + part[1]
        return pd.RangeIndex(start, end) if start is not None else None

    def _duplicates(self) -> list[Problem]:
        """A repeated id, at each later line, naming the line of its first occurrence; counted
        by Arrow, and located only when there is one."""
        problems: list[Problem] = []
        for column in self.spec.columns:
            if column.kind != "id" or column.name not in self.present:
                continue
            ids = pa.chunked_array(self.parts[column.name], type=pa.string())
            filled = len(ids) - ids.null_count
            if (
                not filled
                or _increasing(ids)
                or pc.count_distinct(ids, mode="only_valid").as_py() == filled
            ):
                continue
            series = pd.Series(
                ids.to_numpy(zero_copy_only=False), index=self._all_lines(), dtype=object
            )
            problems += _duplicate_problems(self.file, column.name, series)
        return problems

    def frame(self) -> pd.DataFrame:
        """The typed frame of the kept columns, in contract order, indexed by file line."""
        columns = {}
        for name in self.keep:
            column = self.spec.column(name)
            parts = self.parts[name]
            self.parts[name] = []
            columns[name] = _final_column(column, parts, self.seen.get(name, {}))
        index = self._line_range()
        if index is None:
            lines = self._all_lines()
            if len(lines) and lines[-1] - lines[0] == len(lines) - 1:
                index = pd.RangeIndex(int(lines[0]), int(lines[-1]) + 1)
            else:
                index = pd.Index(lines, dtype=np.int64)
        self.lines = []
        return pd.DataFrame(columns, index=index, copy=False)


def _increasing(ids: pa.ChunkedArray) -> bool:
    """Ids in strictly increasing order (exports are usually sorted by id) repeat none: one
    comparison of neighbours instead of a hash of every id."""
    if ids.null_count or len(ids) < 2:
        return False
    previous = None
    for chunk in ids.iterchunks():
        if not len(chunk):
            continue
        if previous is not None and not previous < chunk[0].as_py():
            return False
        if (
            len(chunk) > 1
            and not pc.all(pc.less(chunk.slice(0, len(chunk) - 1), chunk.slice(1))).as_py()
        ):
            return False
        previous = chunk[-1].as_py()
    return True


def _as_checked(kind: str, arr: pa.Array, values) -> pd.Series:
    """A batch column as the row rules see it: dates and numbers parsed (NaT/NaN when
    unreadable), every other kind its text (invalid values included)."""
    if kind in ("date", "int", "amount"):
        return pd.Series(values)
    return pd.Series(arr.to_pandas(), dtype="str")


def _final_column(column, parts: list, seen: dict[str, int]):
    """One kept column from its batches, in the dtype the notebook works with: categories of the
    allowed values for enumerations, nullable booleans for flags, datetime64 for dates,
    Int64 and float64 for numbers, Arrow-backed text for ids and text."""
    kind = column.kind
    if column.repeated:
        return _categories_found(parts, seen)
    if kind in ("id", "text"):
        if not any(len(part) for part in parts):
            # One empty chunk, not none: pandas cannot join on a text index without chunks.
            return pd.array([], dtype="str")
        return pa.chunked_array(parts, type=pa.string()).to_pandas().array
    if kind == "enum":
        codes = _joined(parts, np.int8 if len(column.allowed) < 127 else np.int16)
        return pd.Categorical.from_codes(codes, categories=list(column.allowed))
    if kind == "flag":
        codes = _joined(parts, np.int8)
        yes = list(column.allowed).index(YES)
        return pd.arrays.BooleanArray(codes == yes, codes < 0)
    if kind == "int":
        data = _joined([part[0] for part in parts], np.int64)
        missing = _joined([part[1] for part in parts], bool)
        parts.clear()
        return pd.arrays.IntegerArray(data, missing)
    if kind == "date":
        return _joined(parts, "datetime64[ns]")
    return _joined(parts, np.float64)


def _joined(parts: list, dtype) -> np.ndarray:
    """The batches' arrays end to end, each let go once copied: the column is never held twice."""
    out = np.empty(sum(len(part) for part in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        out[at : at + len(part)] = part
        at += len(part)
    return out


def _categories_found(parts: list, seen: dict[str, int]) -> pd.Categorical:
    """Codes of first-seen values as one Categorical whose categories are the values found, in
    sorted order (the same for every file that holds the same values)."""
    values = list(seen)
    order = (
        np.argsort(np.asarray(values, dtype=object), kind="stable") if values else np.zeros(0, int)
    )
    rank = np.empty(len(order) + 1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    rank[-1] = -1  # code -1 (an empty cell) stays -1
    dtype = np.int8 if len(values) < 127 else np.int16 if len(values) < 32767 else np.int32
    codes = np.empty(sum(len(part) for part in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        codes[at : at + len(part)] = rank[part]
        at += len(part)
    categories = pd.Index([values[i] for i in order], dtype="str")
    return pd.Categorical.from_codes(codes, categories=categories)


def _check_raw(raw: RawLedger, checker: _Checker) -> _Checker:
    """Check the text frame of the row-by-row reader (or a workbook) as one batch."""
    frame = raw.frame
    cells = {}
    for column in frame.columns:
        if column in checker.present:
            values = frame[column]
            cells[column] = pa.array(values.astype(object).where(values.notna(), None).tolist(),
                                     type=pa.string())  # fmt: skip
    checker.batch(cells, frame.index.to_numpy(dtype=np.int64))
    return checker


def _finish(path: Path, index: HeaderIndex, header_line: int, headings: dict[str, str],
            sheet: str | None, names: list[str], problems: list[Problem],
            checker: _Checker) -> pd.DataFrame:  # fmt: skip
    """The typed frame, or one LedgerError with every problem of the file, in line order."""
    spec = index.spec
    missing = [c for c in spec.column_names if c not in names]
    unknown = [c for c in names if c not in spec.column_names]
    problems = problems + _column_problems(str(path), header_line, index, missing, unknown)
    problems += checker.problems()
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        placing = RawLedger(path, pd.DataFrame(), headings=headings, sheet=sheet)
        raise LedgerError([placing.placed(problem) for problem in problems])
    return checker.frame()


def validate_raw(raw: RawLedger, spec: LedgerSpec,
                 aliases: Mapping[str, str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Cells first (parsing, allowed values, required cells), then the row rules, then repeated
    ids; a cell reported by an earlier step is not reported again. Columns come back in
    contract order; `spec` carries the bureau's names (contract.ledgers_for)."""
    names = list(raw.frame.columns)
    checker = _check_raw(raw, _Checker(spec, str(raw.path), names, spec.column_names))
    return _finish(raw.path, header_index(spec, aliases), raw.header_line, raw.headings,
                   raw.sheet, names, raw.problems, checker)  # fmt: skip
