"""Last year's values as published against last year's values as recomputed today.

Every 上年 value of a report is recomputed from the ledgers as they are now, by the same rule
(catalogue.compute). The ledgers may have been corrected since last year's report went out, so
where last year's published stats.json is at hand the two are compared, figure by figure, and
every difference is listed in the review edition: a reviewer decides which base the 比上年
phrases use.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers.errors import ParamsError


def read_published(path: Path) -> dict:
    """A stats.json as a previous build wrote it, or a clear error naming the file."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParamsError(f"{path}: 无法读取上年已发布的数字文件（应为上年生成的 stats.json）/ "
                          f"cannot read last year's published stats.json: {error}") from None  # fmt: skip
    if not isinstance(document, dict) or not isinstance(document.get("metrics"), dict):
        raise ParamsError(f"{path}: 不是本项目生成的 stats.json（缺少 metrics）/ not a stats.json "
                          "written by this project")  # fmt: skip
    return document


def compare(stats: dict, published: dict, shown_as: str, digest: str) -> dict:
    """What stats.json records under "published_previous": the published file (as named to the
    reviewer, with its SHA-256), how many figures were compared, and each one whose published
    value differs from last year's value recomputed today."""
    year = stats["year"] - 1
    if published.get("year") != year:
        raise ParamsError(f"{shown_as}: 是 {published.get('year')} 年的数字，应为 {year} 年 / "
                          f"holds {published.get('year')}, expected {year}")  # fmt: skip
    differences, compared = [], 0
    for metric_id, entry in stats["metrics"].items():
        before = published["metrics"].get(metric_id)
        if before is None or entry.get("previous") is None:
            continue
        compared += 1
        if before.get("value") != entry["previous"]:
            differences.append({"metric": metric_id, "name": entry["name"], "unit": entry["unit"],
                                "published": before.get("value"),
                                "recomputed": entry["previous"]})  # fmt: skip
    return {"file": shown_as, "sha256": digest, "year": year, "compared": compared,
            "differences": differences}  # fmt: skip


def published_previous(stats: dict, named: str | None, params_dir: Path,
                       built: Path | None) -> dict | None:  # fmt: skip
    """The comparison with last year's published figures: the file the params name
    (`published_previous`, relative to the params file's folder), else the previous build's
    output beside this one (`built`, shown relative to OUT_DIR); None when neither is at hand."""
    if named:
        path = Path(named) if Path(named).is_absolute() else params_dir / named
        if not path.is_file():
            raise ParamsError(f"参数文件 published_previous 所指的文件不存在：{named} / "
                              "published_previous names no file")  # fmt: skip
        # As the params write it, unless that is a path of this machine: then its name only.
        shown_as = path.name if Path(named).is_absolute() else named
    elif built is not None and built.is_file():
        path, shown_as = built, f"{built.parent.name}/{built.name}"
    else:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return compare(stats, read_published(path), shown_as, digest)
