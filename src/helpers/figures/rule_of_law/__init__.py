"""The rule-of-law report's figures (法治政府建设情况报告), registered into the shared catalogue.

Each figure is a function of the ledgers and the year, decorated with its id, Chinese name, unit,
source ledger and 口径 (`_register`), and with worked examples that the tests run (`@examples`).
Row selections that several figures share (disputes received, wage-arrears cohort, …) are plain
functions, named here, so the charts and the reviewers' tables cut the very rows the figures count.

One module per part of the report: `services` (一(三)), `decisions` (一(四), 一(五)),
`enforcement` (一(六)), `disputes` and `wage_arrears` (一(七)), `proposals` and `litigation`
(一(八)), `outreach` (一(十)), `leadership` (三), then `series`, the charts' data. They are imported
in that order, the report's, which is the catalogue's: outputs list the figures in catalogue order.
"""

# isort: off
# Registration order is catalogue order: keep these in the report's order.
from helpers.figures.rule_of_law import services  # noqa: F401
from helpers.figures.rule_of_law import decisions  # noqa: F401
from helpers.figures.rule_of_law import enforcement  # noqa: F401
from helpers.figures.rule_of_law import disputes  # noqa: F401
from helpers.figures.rule_of_law import wage_arrears  # noqa: F401
from helpers.figures.rule_of_law import proposals  # noqa: F401
from helpers.figures.rule_of_law import litigation  # noqa: F401
from helpers.figures.rule_of_law import outreach  # noqa: F401
from helpers.figures.rule_of_law import leadership  # noqa: F401
from helpers.figures.rule_of_law import series  # noqa: F401
# isort: on

from helpers.figures.rule_of_law.decisions import bureau_meetings, documents_issued
from helpers.figures.rule_of_law.disputes import (
    CLOSED_COLUMNS,
    ORG_COLUMNS,
    active_orgs,
    disputes_closed,
    disputes_received,
)
from helpers.figures.rule_of_law.litigation import litigation_stage
from helpers.figures.rule_of_law.outreach import EVENT_COLUMNS, enforcement_trainings
from helpers.figures.rule_of_law.proposals import RATINGS, proposals_closed
from helpers.figures.rule_of_law.series import (
    INTAKE_SERIES,
    LITIGATION_MEASURES,
    LITIGATION_STAGE_KEYS,
    MIN_TREND_YEARS,
    OUTCOME_KEYS,
    TREND_FIGURES,
    WAGE_SERIES,
    by_month,
    by_outcome,
    litigation_figure,
    share_by_outcome,
    trend_points,
    trend_years,
)
from helpers.figures.rule_of_law.services import (
    disclosure_lawsuits,
    disclosure_reconsiderations,
    institution_key,
)
from helpers.figures.rule_of_law.wage_arrears import closed_by_year_end, wage_cohort

# The rows and series the other modules of figures (breakdowns, quality, disclosure) and the
# tests use, as the catalogue of this report names them.
__all__ = [
    "CLOSED_COLUMNS",
    "EVENT_COLUMNS",
    "INTAKE_SERIES",
    "LITIGATION_MEASURES",
    "LITIGATION_STAGE_KEYS",
    "MIN_TREND_YEARS",
    "ORG_COLUMNS",
    "OUTCOME_KEYS",
    "RATINGS",
    "TREND_FIGURES",
    "WAGE_SERIES",
    "active_orgs",
    "bureau_meetings",
    "by_month",
    "by_outcome",
    "closed_by_year_end",
    "disclosure_lawsuits",
    "disclosure_reconsiderations",
    "disputes_closed",
    "disputes_received",
    "documents_issued",
    "enforcement_trainings",
    "institution_key",
    "litigation_figure",
    "litigation_stage",
    "proposals_closed",
    "share_by_outcome",
    "trend_points",
    "trend_years",
    "wage_cohort",
]
