"""Figures: the metric catalogue of every report kind, the rows behind each figure (evidence), the
breakdowns the charts draw, and the reviewers' quality checks.

Importing this package registers every report kind's figures into `catalogue.CATALOGUE`.
"""

# The catalogue keeps the order of registration: the rule-of-law figures first.
from helpers.figures import rule_of_law  # noqa: F401  # isort: skip
from helpers.figures import disclosure  # noqa: F401  # isort: skip
