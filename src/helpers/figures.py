"""The year's figures document (stats.json): ledgers plus the params file's manual inputs."""

from __future__ import annotations

import json
from pathlib import Path

from . import config
from .load import Ledgers, load_ledgers
from .metrics import figures_document
from .params import manual_values


def to_json(document: dict) -> str:
    """The one serialisation of figures, shared by stats.json and `helpers figures`."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _sibling_params(params: Path, year: int) -> Path:
    return params.with_name(f"{year}{params.suffix}")


def year_figures(year: int, data_dir: Path, params: Path | None = None,
                 ledgers: Ledgers | None = None) -> dict:  # fmt: skip
    """Figures of `year`; manual figures come from the params file (default params/<year>.yaml)."""
    params = Path(params) if params else config.params_path(year)
    ledgers = ledgers or load_ledgers(data_dir)
    document = figures_document(
        ledgers, year, manual_values(params), manual_values(_sibling_params(params, year - 1))
    )
    return document
