"""Ledger problems as an analyst reads them: the first ones of each kind listed, the rest counted in
one entry, and the wording of each check's message (what a cell should hold, the nearest allowed
name, a misspelt or unknown column, a repeated id).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

from helpers.bureau import profile_key
from helpers.errors import Problem
from helpers.ledgers.cells import _FULLWIDTH, _SERIAL, DATE_FORMS
from helpers.ledgers.contract import KIND_EXPECTED, LedgerSpec
from helpers.ledgers.headers import HeaderIndex
from helpers.ledgers.raw import RawLedger

# Problems of one kind (one check on one column) listed one by one per file; the rest are counted
# in one summary entry. A ledger exported wrongly breaks the same rule on every row, and a million
# copies of one message help nobody and cost minutes and gigabytes.
MAX_PROBLEMS_PER_KIND = 200


# What an unreadable cell should hold, (Chinese, English), by kind.
_UNPARSABLE_EXPECTED = {
    **{kind: tuple(part.strip() for part in text.split("/ ", 1)) for kind, text in KIND_EXPECTED.items()},
    "date": (f"日期，可写作 {DATE_FORMS}，可带时间（如 2021-03-05 14:30，只取日期）",
             "a date: 2021-03-05, 2021/3/5, 2021.3.5 or 2021年3月5日, with or without a time of day"),
}  # fmt: skip


# Short names of each kind of problem, for the entry that counts the ones not listed.
RAGGED = ("字段数与表头不一致", "wrong number of fields")


UNPARSABLE = ("无法识别的值", "unreadable value")


DUPLICATE = ("编号重复", "duplicate id")


ORPHAN = ("会议台账中没有该会议编号", "no such meeting")


_CHECK_KINDS = {
    "isin": ("不在允许的取值之内", "value outside the allowed set"),
    "greater_than_or_equal_to": ("小于允许的最小值", "below the minimum"),
    "not_nullable": ("必填项为空", "required value missing"),
    "date_order": ("日期先后颠倒", "dates out of order"),
    "paired": ("两列未同时填写或同时留空", "columns not filled in together"),
    "dispute_outcome": ("处理结果与受理机构不符", "outcome does not match body_type"),
    "court_name": ("仲裁院名称与机关档案不符", "not the profile's arbitration court"),
}


def more_problem(file: str, line: int | None, column: str | None, count: int,
                 kind: tuple[str, str]) -> Problem:  # fmt: skip
    """The entry standing for `count` further problems of one kind, from `line` on."""
    zh, en = kind
    return Problem(file, line, column, None,
                   f"…及另外 {count} 处同类问题（{zh}，自本行起）/ and {count} more of the same "
                   f"kind ({en}, from this line on)", more=count)  # fmt: skip


def _bounded(raw: RawLedger, column: str | None, where: pd.Index | list,
             kind: tuple[str, str], make: Callable[[Hashable], Problem]) -> list[Problem]:  # fmt: skip
    """Problems for the rows `where` (frame index labels in file order): the first
    MAX_PROBLEMS_PER_KIND one by one, the others in one counting entry."""
    listed = [make(index) for index in where[:MAX_PROBLEMS_PER_KIND]]
    rest = len(where) - MAX_PROBLEMS_PER_KIND
    if rest > 0:
        line = raw.line_of(where[MAX_PROBLEMS_PER_KIND])
        listed.append(more_problem(str(raw.path), line, column, rest, kind))
    return listed


def _unparsable_expected(kind: str, value: str) -> str:
    """What a cell of this kind should hold, saying so when the value was typed full-width or
    looks like an Excel serial date, the two causes an analyst cannot see."""
    zh, en = _UNPARSABLE_EXPECTED[kind]
    if _FULLWIDTH.search(value):
        zh += "；该值含全角字符，按半角读取后仍无法识别"
        en += "; the value contains full-width characters and is unreadable even as half-width"
    elif kind == "date" and _SERIAL.match(value):
        zh += "；该值像是 Excel 的日期序号，请在 Excel 中把该列设为日期格式后再导出"
        en += "; this looks like an Excel serial date: format the column as a date, then export"
    return f"应为{zh} / {en}"


def _expected(spec: LedgerSpec, column: str, check: str, value: object = None) -> str:
    col = spec.column(column) if column in spec.column_names else None
    if check.startswith("isin") and col is not None and col.allowed_from:
        # A misspelt organisation name: the nearest names of the bureau profile come first.
        near = difflib.get_close_matches(str(value), col.allowed, n=3, cutoff=0.5) if value else []
        where = f"机关档案 {profile_key(col.allowed_from)}"
        if near:
            return (f"不是{where}所列的名称，最接近的是：{'、'.join(near)} / not a name listed in "
                    f"the bureau profile; closest: {', '.join(near)}")  # fmt: skip
        return f"应为{where}所列名称之一 / expected a name of the bureau profile: {'、'.join(col.allowed)}"
    if check.startswith("isin") and col is not None:
        return f"应为以下之一 / expected one of: {'、'.join(col.allowed)}"
    if check.startswith("greater_than_or_equal_to") and col is not None:
        return f"不能为负数，应 ≥ {col.minimum} / must be ≥ {col.minimum}"
    if check == "not_nullable":
        return "必填项不能为空 / required, must not be empty"
    if col is not None:
        return f"应为{KIND_EXPECTED[col.kind]}"
    return check


def _kind_of(check: str) -> tuple[str, str]:
    return _CHECK_KINDS.get(re.split(r"[(:]", check, maxsplit=1)[0], (check, check))


def _frame_check_problem(name: str, check: str, line: int | None, second_text: object,
                         first_text: object) -> Problem:  # fmt: skip
    """A row rule broken on one line, showing the cells as the file writes them."""
    kind, first, second = check.split(":")
    if kind == "date_order":
        return Problem(name, line, second, second_text,
                       f"{second} 不能早于 {first}（{first_text}）/ "
                       f"{second} must not precede {first}")  # fmt: skip
    if kind == "paired":
        return Problem(name, line, second, "" if second_text is None else second_text,
                       f"{first} 与 {second} 须同时填写或同时留空 / "
                       f"{first} and {second} must be filled in together")  # fmt: skip
    if kind == "court_name":
        return Problem(name, line, second, second_text,
                       "受理机构类型为“仲裁院”的，名称应为机关档案 organisations.arbitration_court "
                       "所写的仲裁院名称 / the arbitration court as the profile names it")  # fmt: skip
    return Problem(name, line, second, second_text,
                   "调解组织的结果应为“调解成功/调解不成”，仲裁院的结果应为仲裁类结果 / "
                   "outcome does not match body_type")  # fmt: skip


def _column_problems(name: str, line: int, index: HeaderIndex, missing: list[str],
                     unknown: list[str]) -> list[Problem]:  # fmt: skip
    """Missing, misspelt and unknown columns: at most one problem per column of the contract.
    A missing column and an unknown header close to one of its spellings are one misspelling."""
    problems: list[Problem] = []
    unknown = list(unknown)
    for column in missing:
        likeness = {heading: index.likeness(heading, column) for heading in unknown}
        guess = max(likeness, key=likeness.__getitem__, default=None)
        described = index.described(column)
        if guess is not None and likeness[guess] >= 0.6:
            unknown.remove(guess)
            problems.append(Problem(name, line, guess, guess,
                                    f"列名疑似拼写错误，应为 “{column}”（{index.spec.column(column).zh}）/ "
                                    f"misspelt column, expected “{column}”"))  # fmt: skip
        else:
            problems.append(Problem(name, line, column, None,
                                    f"缺少必需的列 “{column}”（表头可写 {described}）/ missing column "
                                    f"“{column}”"))  # fmt: skip
    expected = "、".join(index.described(c) for c in index.spec.column_names)
    for heading in unknown:
        closest = index.closest(heading)
        hint = f"最接近的是 {index.described(closest)}；" if closest else ""
        hint_en = f"closest: {closest}; " if closest else ""
        problems.append(Problem(name, line, heading, heading,
                                f"未知的列，{hint}表头应为合同中的列名或中文名：{expected} / unknown "
                                f"column, {hint_en}headers are the contract's names or Chinese labels"))  # fmt: skip
    return problems


def _duplicate_problems(file: str, column: str, ids: pd.Series) -> list[Problem]:
    """Repeats of ids (a Series indexed by file line), each naming its first occurrence."""
    filled = ids.notna().to_numpy()
    repeat = ids.duplicated(keep="first").to_numpy() & filled
    at = np.flatnonzero(repeat)
    firsts = ids[filled & ~repeat]
    first_of = pd.Index(firsts.to_numpy())
    listed = ids.iloc[at[:MAX_PROBLEMS_PER_KIND]]
    first_lines = firsts.index[first_of.get_indexer(listed)]
    problems = []
    for line, value, first in zip(listed.index, listed.to_numpy(), first_lines, strict=True):
        problems.append(Problem(file, int(line), column, str(value),
                                f"编号重复：与第 {first} 行相同 / duplicate id, same as line {first}"))  # fmt: skip
    rest = len(at) - MAX_PROBLEMS_PER_KIND
    if rest > 0:
        problems.append(
            more_problem(file, int(ids.index[at[MAX_PROBLEMS_PER_KIND]]), column, rest, DUPLICATE)
        )
    return problems
