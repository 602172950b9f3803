"""OUT_DIR, checked and created before any work is done: a folder that cannot hold the reports is
named as the output folder at once, not reported after the ledgers were read as a bare system
error about some path."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from helpers.errors import ReportError, os_cause

# Why a folder could not be made, where the general wording would mislead: mkdir says "no such
# file" for a place that takes no new folders (a system folder, a vanished mount).
_CREATE_CAUSES = {
    errno.ENOENT: "此处不能新建文件夹（上级路径无效，或是不允许新建文件夹的系统目录） / no folder "
    "can be made there",
}


def check_out_dir(out_dir: Path) -> None:
    """OUT_DIR must be a folder this process can write in; it is made here if it is missing."""
    existing = next((p for p in (out_dir, *out_dir.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ReportError(f"输出目录 {existing} 是一个文件，不是文件夹，请换一个 OUT_DIR / "
                          f"OUT_DIR {existing} is a file, not a folder")  # fmt: skip
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise ReportError(f"没有写入输出目录 {existing} 的权限 / cannot write in {existing}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        zh, _, en = (_CREATE_CAUSES.get(error.errno or 0) or os_cause(error)).partition(" / ")
        raise ReportError(f"无法创建输出目录 {out_dir}：{zh}，请换一个 OUT_DIR / could not create "
                          f"the output folder {out_dir}: {en or zh}") from None  # fmt: skip
