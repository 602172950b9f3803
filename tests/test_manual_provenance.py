"""Manual figures carry provenance: the params file names each one's source, who filled it in
and when; stats.json carries them with the figure's params key, for its card."""

from __future__ import annotations

import shutil

import pytest
import yaml

from helpers import config
from helpers.errors import ParamsError
from helpers.report.document import year_figures
from helpers.report.params import load_params
from helpers.report.scaffold import scaffold


def test_a_manual_figure_carries_its_params_key_source_filler_and_date():
    stats = year_figures(2021, config.DATA_DIR, config.params_path(2021))
    entry = stats["metrics"]["service.window_items_moved"]
    assert entry["provenance"] == {
        "params_key": "manual_figures.service.window_items_moved",
        "source": "局行政服务中心2021年度窗口事项调整清单",
        "filled_by": "法制科",
        "filled_on": "2022-01-12",
    }
    assert "provenance" not in stats["metrics"]["disputes.accepted_total"]
    disclosure = year_figures(2021, config.DATA_DIR, config.params_path(2021), report="disclosure")
    fee = disclosure["metrics"]["disclosure_report.proactive.fees.amount"]["provenance"]
    assert fee["params_key"] == "disclosure.manual_figures.disclosure_report.proactive.fees.amount"
    assert fee["source"] is None  # not given: the card says so


def test_a_source_for_a_figure_that_is_not_manual_is_refused(tmp_path):
    raw = yaml.safe_load(config.params_path(2021).read_text(encoding="utf-8"))
    raw["manual_sources"]["disputes.accepted_total"] = {"source": "台账"}
    path = tmp_path / "2021.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shutil.copy(config.profile_path(), tmp_path / config.PROFILE_FILE)
    with pytest.raises(ParamsError, match="disputes.accepted_total"):
        load_params(path, 2021)


def test_the_scaffold_asks_for_every_manual_figures_source(tmp_path):
    shutil.copy(config.params_path(2022), tmp_path / "2022.yaml")
    shutil.copy(config.profile_path(), tmp_path / config.PROFILE_FILE)
    params = load_params(scaffold(2023, tmp_path), 2023)
    assert set(params.manual_sources) == set(params.manual_figures)
    assert set(params.disclosure.manual_sources) == set(params.disclosure.manual_figures)
    assert all(not s.source and s.filled_on is None for s in params.manual_sources.values())
