"""Guards that run before any notebook starts."""

from __future__ import annotations

import pytest

from helpers.figures import require_year_in_ledgers
from helpers.errors import LedgerError


def test_a_year_the_ledgers_do_not_hold_is_refused(ledgers):
    require_year_in_ledgers(ledgers, 2021)
    with pytest.raises(LedgerError) as error:
        require_year_in_ledgers(ledgers, 2023)
    assert "DATA_DIR" in str(error.value) and "disputes.csv" in str(error.value)
