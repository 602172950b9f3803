"""A ledger file's header: found among title rows above it, and mapped to contract columns by name,
Chinese label (its bracketed note optional) or a bureau's alias, blanks, full-width forms and
letter case aside.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from helpers.errors import Problem
from helpers.ledgers.cells import _ANY_BLANK
from helpers.ledgers.contract import LedgerSpec

# The header is looked for among this many non-blank rows at the top of a file or sheet:
# exports put a title, a unit or a date range above it.
HEADER_SEARCH_ROWS = 10


def heading_key(text: str) -> str:
    """A header cell as compared: blanks anywhere (an export writes 未收取填0 where the contract
    writes 未收取填 0, or pads a label), full-width forms and ASCII case ignored. NFKC first, so
    that the ideographic space counts as a blank too."""
    return _ANY_BLANK.sub("", unicodedata.normalize("NFKC", text.lstrip("\ufeff"))).casefold()


def _label_stem(label: str) -> str:
    """A label without its bracketed note: 结案日期（未结案留空） is headed 结案日期 in exports."""
    return re.split(r"[（(]", label, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class HeaderIndex:
    """Every accepted spelling of a ledger's column headers, by `heading_key`."""

    spec: LedgerSpec
    columns: dict[str, str]  # heading key -> contract column name
    spellings: dict[str, list[str]]  # contract column -> accepted headers, as written

    @property
    def dates(self) -> set[str]:
        return set(self.spec.date_columns)

    def column_of(self, heading: object) -> str | None:
        return self.columns.get(heading_key(heading)) if isinstance(heading, str) else None

    def score(self, row: list) -> int:
        """Contract columns a row names: the header is the row that names the most."""
        return len({self.column_of(cell) for cell in row} - {None})

    def closest(self, heading: str) -> str | None:
        """The contract column whose name, label or alias is nearest to an unknown header."""
        match = difflib.get_close_matches(heading_key(heading), list(self.columns), n=1, cutoff=0.6)
        return self.columns[match[0]] if match else None

    def likeness(self, heading: str, column: str) -> float:
        key = heading_key(heading)
        return max(difflib.SequenceMatcher(None, key, heading_key(spelling)).ratio()
                   for spelling in self.spellings[column])  # fmt: skip

    def described(self, column: str) -> str:
        return f"{column}（{self.spec.column(column).zh}）"


def header_index(spec: LedgerSpec, aliases: Mapping[str, str] | None = None) -> HeaderIndex:
    """Names, labels, labels without their bracketed note (when unambiguous) and the caller's
    aliases, each mapped to its contract column."""
    columns: dict[str, str] = {}
    spellings: dict[str, list[str]] = {c.name: [c.name, c.zh] for c in spec.columns}
    for column in spec.columns:
        columns[heading_key(column.name)] = column.name
        columns[heading_key(column.zh)] = column.name
    for column in spec.columns:
        stem = _label_stem(column.zh)
        if stem and heading_key(stem) not in columns:
            columns[heading_key(stem)] = column.name
            spellings[column.name].append(stem)
    for heading, column in (aliases or {}).items():
        columns[heading_key(heading)] = column
        spellings[column].append(heading)
    return HeaderIndex(spec, columns, spellings)


def _is_blank(row: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _header_position(rows: list[list], index: HeaderIndex) -> int:
    """Among the first HEADER_SEARCH_ROWS non-blank rows, the one naming the most contract
    columns (the earliest on a tie); the first non-blank row when none names any."""
    best, best_score, seen = None, 0, 0
    for position, row in enumerate(rows):
        if seen == HEADER_SEARCH_ROWS:
            break
        if _is_blank(row):
            continue
        seen += 1
        best = position if best is None else best
        score = index.score(row)
        if score > best_score:
            best, best_score = position, score
    return 0 if best is None else best


@dataclass
class Header:
    """The header row as mapped: which cells to keep, under which contract names."""

    line: int
    positions: list[int]
    names: list[str]
    headings: dict[str, str]  # contract column -> header as written, where they differ
    problems: list[Problem]
    unnamed: list[int]  # positions of cells without a header; kept only if they hold data


def _map_header(cells: list, line: int, index: HeaderIndex, file: str) -> Header:
    header = Header(line, [], [], {}, [], [])
    first_of: dict[str, str] = {}
    for position, cell in enumerate(cells):
        written = "" if cell is None else str(cell).lstrip("\ufeff").strip()
        if not written:
            header.unnamed.append(position)
            continue
        column = index.column_of(written) or written
        if column in first_of:
            header.problems.append(Problem(
                file, line, written, written,
                f"列重复：“{first_of[column]}” 与 “{written}” 都对应 {index.described(column)}，"
                f"请只保留一列 / duplicate column: “{first_of[column]}” and “{written}” are both "
                f"{column}, keep one of them",
            ))  # fmt: skip
            continue
        first_of[column] = written
        header.positions.append(position)
        header.names.append(column)
        if written != column:
            header.headings[column] = written
    return header


def _columns_of(frame: pd.DataFrame, header: Header, file: str) -> pd.DataFrame:
    """The frame (columns by position) under the header's names. A column without a header is
    dropped: silently when empty (a trailing comma, a merged title's width), else reported."""
    for position in header.unnamed:
        if position < frame.shape[1] and frame[position].notna().any():
            header.problems.append(Problem(
                file, header.line, f"第 {position + 1} 列", None,
                "该列有数据但没有表头，请补上表头或删除该列 / the column holds data but has no "
                "header: name it or delete it",
            ))  # fmt: skip
    if header.positions != list(range(frame.shape[1])):
        frame = frame.iloc[:, header.positions]
    frame.columns = header.names
    return frame
