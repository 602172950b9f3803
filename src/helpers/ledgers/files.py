"""Which file in the data folder holds a ledger, and whether it holds what its name says.

An export may be CSV, .xlsx or .xls in any letter case, and a folder often holds a second copy
("X (1).xlsx", "X - 副本.csv"); several candidates, a missing file and a file whose content does not
match its extension are each named so the analyst can act.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from pathlib import Path

from helpers.errors import Problem
from helpers.ledgers.contract import LEDGERS

# Byte-order marks of UTF-16 text (Excel's "Unicode text"), read as text whatever the file's name.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


LEDGER_SUFFIXES = (".csv", ".xlsx", ".xls")


WORKBOOK_SUFFIXES = (".xlsx", ".xls")


# What a second copy of a file is called by Windows, browsers and chat downloads:
# "X (1).xlsx", "X(1).csv", "X - 副本.csv", "X - Copy (2).csv", "X副本.csv"; any letter case.
_COPY_MARK = r"(?:\s*[(（]\d+[)）]|\s*-\s*(?:副本|copy)(?:\s*[(（]\d+[)）])?|\s*副本)?"


_VARIANT_SUFFIX = r"\.(?:csv|xlsx|xls)"


def find_ledger_file(data_dir: Path, name: str) -> Path | None:
    """The file a ledger is read from: `name.csv`, else `name.xlsx`, else `name.xls`, in any
    letter case (Windows does not tell X.XLSX from X.xlsx). Whether it is the only candidate in
    the folder is checked by the loader (`ledger_candidates`)."""
    data_dir = Path(data_dir)
    exact = [data_dir / f"{name}{suffix}" for suffix in LEDGER_SUFFIXES]
    found = [path for path in exact if path.is_file()]
    if not found:
        pattern = re.compile(re.escape(name) + _VARIANT_SUFFIX, re.IGNORECASE)
        found = [p for p in _files(data_dir) if pattern.fullmatch(p.name)]
        found.sort(key=lambda p: LEDGER_SUFFIXES.index(p.suffix.lower()))
    return found[0] if found else None


def _files(data_dir: Path) -> list[Path]:
    """The folder's files, without hidden ones and Excel's lock files (~$X.xlsx, made while
    X.xlsx is open)."""
    return sorted(p for p in Path(data_dir).iterdir()
                  if p.is_file() and not p.name.startswith(("~$", ".")))  # fmt: skip


def ledger_candidates(data_dir: Path, name: str) -> list[Path]:
    """Every file in the folder that looks like this ledger: `name.csv`, `name.xlsx`, and their
    case and copy variants. More than one means the analyst must say which one is current."""
    pattern = re.compile(re.escape(name) + _COPY_MARK + _VARIANT_SUFFIX, re.IGNORECASE)
    return [p for p in _files(data_dir) if pattern.fullmatch(p.name)]


def _describe(path: Path) -> str:
    stat = path.stat()
    size = stat.st_size
    shown = f"{size} B" if size < 1024 else (
        f"{size / 1024:.1f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB")  # fmt: skip
    modified = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    return f"{path.name}（{shown}，{modified}）"


def _several_files_problem(data_dir: Path, name: str, candidates: list[Path]) -> Problem:
    chosen = find_ledger_file(data_dir, name) or candidates[0]
    listed = "；".join(_describe(p) for p in candidates)
    names = ", ".join(p.name for p in candidates)
    return Problem(str(chosen), None, None, names,
                   f"同一台账有 {len(candidates)} 个候选文件：{listed}。请只保留一个（删除或移走其余的）"
                   f"/ {len(candidates)} files for one ledger ({names}), keep only one of them "
                   "(delete or move the others away)")  # fmt: skip


def _missing_file_problem(data_dir: Path, name: str, candidates: list[Path]) -> Problem:
    """Names near-miss files (a copy, other case, a typo) so a misnamed export is found."""
    others = {f"{other}{suffix}" for other in LEDGERS for suffix in LEDGER_SUFFIXES}
    files = [p for p in _files(data_dir) if p.name.lower() not in others]
    stems = {p.stem.lower(): p for p in files}
    close = difflib.get_close_matches(name.lower(), list(stems), n=3, cutoff=0.75)
    near = list(dict.fromkeys([*candidates, *(stems[stem] for stem in close)]))
    expected = f"缺少台账文件 {name}.csv（或 {name}.xlsx、{name}.xls）/ ledger file missing"
    if near:
        names = "、".join(p.name for p in near)
        expected = (f"缺少台账文件 {name}.csv（或 {name}.xlsx、{name}.xls）；目录中有相近的文件：{names}，"
                    f"请把要使用的文件改名或另存为 {name}.csv 或 {name}.xlsx / ledger file missing; "
                    f"similar files in the folder: {', '.join(p.name for p in near)}, rename or "
                    f"save the right one as {name}.csv or {name}.xlsx")  # fmt: skip
    return Problem(str(Path(data_dir) / f"{name}.csv"), None, None, None, expected)


def _content_kind(path: Path) -> str:
    """What the file holds, whatever its name says: xlsx (a zip), xls (OLE2), html or text."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(UTF16_BOMS):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype", b"<html", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    return "text"


def _mismatch_problem(path: Path, kind: str) -> Problem | None:
    """A file whose content is not what its extension says (a CSV renamed .xlsx, a workbook
    renamed .csv, a web page a case system calls .xls). .xls and .xlsx swapped still load."""
    suffix = path.suffix.lower()
    workbook = suffix in WORKBOOK_SUFFIXES
    if kind == "html":
        expected = (f"扩展名为 {path.suffix}，但内容是网页（HTML/XML）表格，不是真正的 Excel 工作簿"
                    "（有些系统的“导出 Excel”就是这样）；请用 Excel 打开后另存为“Excel 工作簿（.xlsx）” / "
                    f"named {path.suffix} but holds an HTML or XML table, not a workbook; open it in "
                    "Excel and save it as an Excel workbook (.xlsx)")  # fmt: skip
    elif workbook and kind == "text":
        expected = (f"扩展名为 {path.suffix}，但内容是文本（CSV），不是 Excel 工作簿；请改名为 "
                    f"{path.stem}.csv / named {path.suffix} but holds text (CSV), not a workbook; "
                    f"rename it to {path.stem}.csv")  # fmt: skip
    elif not workbook and kind in ("xlsx", "xls"):
        expected = (f"扩展名为 {path.suffix}，但内容是 Excel 工作簿；请改名为 {path.stem}.{kind} / "
                    f"named {path.suffix} but holds an Excel workbook; rename it to "
                    f"{path.stem}.{kind}")  # fmt: skip
    else:
        return None
    return Problem(str(path), None, None, None, expected)
