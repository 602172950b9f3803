"""Paths and defaults in one place. Nothing here depends on the working directory,
because papermill starts kernels with their own cwd."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]

# One folder per bureau under params/: its profile (bureau.yaml) with its yearly params beside it;
# its sample ledgers under data/raw/<bureau-id>/.
PARAMS_DIR = PROJECT_ROOT / "params"
SAMPLE_DATA_ROOT = PROJECT_ROOT / "data" / "raw"
DEFAULT_BUREAU = "pudong"
PROFILE_FILE = "bureau.yaml"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STYLES_DIR = PACKAGE_DIR / "styles"

REPORT_NOTEBOOK = NOTEBOOKS_DIR / "report.ipynb"
DISCLOSURE_NOTEBOOK = NOTEBOOKS_DIR / "disclosure.ipynb"
QUALITY_NOTEBOOK = NOTEBOOKS_DIR / "data_quality.ipynb"

FIRST_SAMPLE_YEAR = 2019
LAST_SAMPLE_YEAR = 2022

_YEAR = re.compile(r"[0-9]{4}")


def parse_year(value: object) -> int:
    """A report year as an analyst types it (YEAR=2021, full-width digits too). Anything else is
    refused here, before it becomes a file name such as params/<bureau>/21.yaml that the
    messages would then advise creating."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if isinstance(value, bool) or not _YEAR.fullmatch(text):
        raise ValueError(f"年度应为四位数字（如 2021），填写的是“{value}” / the year must be four "
                         f"digits, e.g. 2021, not “{value}”")  # fmt: skip
    return int(text)


def bureau_dir(bureau: str = DEFAULT_BUREAU) -> Path:
    """The bureau's folder: its profile and its yearly params files."""
    return PARAMS_DIR / bureau


def profile_path(bureau: str = DEFAULT_BUREAU) -> Path:
    return bureau_dir(bureau) / PROFILE_FILE


def data_dir(bureau: str = DEFAULT_BUREAU) -> Path:
    """The bureau's default ledger folder (the sample ledgers; real years name DATA_DIR)."""
    return SAMPLE_DATA_ROOT / bureau


# The report kinds, each a catalogue, a template folder and a notebook, built by one pipeline.
REPORT_KINDS = {"rule_of_law": "法治政府建设情况报告", "disclosure": "政府信息公开工作年度报告"}


def report_folder(year: int, kind: str) -> str:
    """A report's folder in OUT_DIR: the rule-of-law report keeps <YEAR>/, another kind sits
    beside it as <YEAR>-<kind>/ (not inside, as publishing swaps the whole folder)."""
    return str(year) if kind == "rule_of_law" else f"{year}-{kind}"


def params_path(year: int, bureau: str = DEFAULT_BUREAU) -> Path:
    return bureau_dir(bureau) / f"{year}.yaml"


DATA_DIR = data_dir()

# The scratch folder of the report run this process, or its notebook's kernel, belongs to: the run
# (runs/scratch.py) names it in the environment. Read here, as every layer has a use for it (the
# PDF's temporary files, the kernel's sockets, the ledgers and digests handed to the kernel).
SCRATCH_ENV = "REPORT_SCRATCH_DIR"


def scratch_dir() -> Path | None:
    """The current run's scratch folder, when a report build started this process or kernel."""
    value = os.environ.get(SCRATCH_ENV)
    return Path(value) if value else None


def font_families() -> dict[str, list[str]]:
    """Font families per role, first available wins.

    The GB/T 9704 faces (仿宋_GB2312, 方正小标宋, 黑体, 楷体_GB2312) are licensed; bureaus that
    have them set REPORT_FONT_<ROLE> (comma-separated families) and they take precedence over
    the free stand-ins Debian ships.
    """
    defaults = {
        "body": ["FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "Noto Serif CJK SC"],
        "title": ["FZXiaoBiaoSong-B05S", "方正小标宋简体", "Noto Serif CJK SC"],
        "heading": ["SimHei", "黑体", "Noto Sans CJK SC"],
        "kai": ["KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "LXGW WenKai", "AR PL KaitiM GB"],
    }
    families = {}
    for role, stack in defaults.items():
        override = os.environ.get(f"REPORT_FONT_{role.upper()}", "")
        extra = [f.strip() for f in override.split(",") if f.strip()]
        families[role] = extra + stack
    return families
