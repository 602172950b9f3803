"""The year's figures document (stats.json): the ledger figures, the params file's manual values
and where each comes from, and per report kind its tables or its charts. In the report layer, as
it reads the year's params file."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import config
from helpers.bureau import BureauProfile
from helpers.errors import LedgerError, Problem
from helpers.figures.breakdowns import chart_index
from helpers.figures.catalogue import (
    DISCLOSURE,
    RULE_OF_LAW,
    Kept,
    figures_document,
    ledger_years,
)
from helpers.figures.disclosure import stats_tables
from helpers.ledgers.load import Ledgers, load_ledgers
from helpers.report.params import manual_provenance, manual_values, read_if_present


def to_json(document: dict) -> str:
    """The one serialisation of figures, shared by stats.json and `helpers figures`."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _sibling_params(params: Path, year: int) -> Path:
    return params.with_name(f"{year}{params.suffix}")


def year_figures(year: int, data_dir: Path, params: Path | None = None,
                 ledgers: Ledgers | None = None, profile: BureauProfile | None = None,
                 report: str = RULE_OF_LAW, kept: Kept | None = None) -> dict:  # fmt: skip
    """Figures of one report of `year`; manual figures come from the params file (default: the
    sample bureau's params/<bureau>/<year>.yaml). The ledgers are checked against `profile`'s
    names. The disclosure report's document also holds its three tables (figures.disclosure); the
    rule-of-law report's, its charts: each one's number, caption and the id of every figure it
    draws, in order (the figures themselves, series elements and a trend's earlier years such as
    `disputes.accepted_total@2019`, are under "metrics" with the others)."""
    params = Path(params) if params else config.params_path(year)
    ledgers = ledgers or load_ledgers(data_dir, profile=profile)
    current = read_if_present(params)  # read once: the manual values and their provenance
    document = figures_document(
        ledgers, year, manual_values(current, report),
        manual_values(read_if_present(_sibling_params(params, year - 1)), report), report,
        kept,
    )  # fmt: skip
    # A manual figure's card shows where it comes from in place of ledger rows.
    for metric_id, provenance in manual_provenance(current, report).items():
        document["metrics"][metric_id]["provenance"] = provenance
    if report == DISCLOSURE:
        document = {"year": year, "report": report, "metrics": document["metrics"],
                    "tables": stats_tables(document["metrics"])}  # fmt: skip
    else:
        document["charts"] = chart_index(document, year)
    return document


# The high-volume ledgers: a year neither holds a row of is a wrong data folder, not a quiet year.
YEAR_LEDGERS = ("disputes", "wage_arrears_leads")


def require_year_in_ledgers(ledgers: Ledgers, year: int) -> None:
    """A year the high-volume ledgers hold no row of is a wrong DATA_DIR, not a year of zeros."""
    missing = [name for name in YEAR_LEDGERS if year not in ledger_years(ledgers, name)]
    if missing:
        raise LedgerError([
            Problem(str(ledgers.files[name]), None, None, None,
                    f"台账中没有 {year} 年的记录，请用 DATA_DIR 指定该年度的台账目录 / "
                    f"the ledger holds no rows for {year}; point DATA_DIR at that year's ledgers")
            for name in missing
        ])  # fmt: skip
