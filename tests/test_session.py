"""The report notebook run outside `make report` (JupyterLab, a bare papermill call) applies the
same checks, and shows a failed one as a plain message in the first cell, not a report of zeros."""

from __future__ import annotations

import ast
import shutil

import nbformat
import papermill
import pytest
import yaml
from nbclient import NotebookClient

from helpers import config
from helpers.report.scaffold import scaffold
from helpers.report.session import PARAMETERS

NOTEBOOKS = [config.REPORT_NOTEBOOK, config.DISCLOSURE_NOTEBOOK]


def run_bare(tmp_path, **parameters) -> tuple[str, list[str]]:
    """Execute the committed notebook as an analyst would with papermill; return the one error
    shown and the text of every output, so the test can see nothing was narrated."""
    out = tmp_path / "run.ipynb"
    with pytest.raises(papermill.PapermillExecutionError):
        papermill.execute_notebook(
            str(config.REPORT_NOTEBOOK), str(out), parameters=parameters,
            cwd=str(config.NOTEBOOKS_DIR), progress_bar=False, kernel_name="python3",
        )  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    errors, texts = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                errors.append("\n".join(output.traceback))
            texts.append(str(output.get("data", output.get("text", ""))))
    assert len(errors) == 1
    return errors[0], texts


def test_a_year_the_ledgers_do_not_hold_stops_in_the_first_cell(tmp_path, report_ledgers_dir):
    raw = yaml.safe_load(config.params_path(2021).read_text(encoding="utf-8"))
    raw["year"] = 2030
    params = tmp_path / "2030.yaml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    error, texts = run_bare(tmp_path, year=2030, data_dir=str(report_ledgers_dir),
                            params_file=str(params))  # fmt: skip
    assert "没有 2030 年的记录" in error and "DATA_DIR" in error
    assert "Traceback" not in error and "File " not in error
    assert not any("同比" in text or "全年共接收" in text for text in texts)


def test_an_unfinished_params_file_stops_in_the_first_cell(tmp_path, report_ledgers_dir):
    for year in (2021, 2022):
        shutil.copy(config.params_path(year), tmp_path / f"{year}.yaml")
    params = scaffold(2023, params_dir=tmp_path)
    error, texts = run_bare(tmp_path, year=2023, data_dir=str(report_ledgers_dir),
                            params_file=str(params))  # fmt: skip
    assert "待改写" in error and "passages.intro_overview" in error
    assert "没有 2023 年的记录" in error  # the ledgers lack the year: said in the same message
    assert "Traceback" not in error
    assert not any("【待改写】" in text for text in texts[1:])


def test_invalid_ledgers_stop_in_the_first_cell(tmp_path, ledger_dir):
    target = ledger_dir / "meetings.csv"
    lines = target.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(lines[1].split(",")[1], "2021-13-45", 1)
    target.write_text("\n".join(lines), encoding="utf-8")
    error, _ = run_bare(tmp_path, year=2021, data_dir=str(ledger_dir))
    assert "meetings.csv" in error and "第 2 行" in error
    assert "Traceback" not in error


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_known_parameters_are_the_notebooks(notebook):
    cell = next(c for c in nbformat.read(notebook, as_version=4).cells
                if "parameters" in c.metadata.get("tags", []))  # fmt: skip
    names = [t.id for node in ast.parse(cell.source).body for t in node.targets]
    assert tuple(names) == PARAMETERS


def test_an_unknown_parameter_stops_in_the_first_cell(tmp_path):
    error, texts = run_bare(tmp_path, yaer=2022)
    assert "笔记本没有参数 yaer（是否应为 year？）" in error
    assert "可用的参数为 " + "、".join(PARAMETERS) in error
    assert "Traceback" not in error
    assert not any("全年共接收" in text for text in texts)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_first_cell_runs_without_injected_parameters(notebook):
    """As in JupyterLab: the committed parameters cell, then the first cell, no papermill."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"][:2]
    NotebookClient(nb, kernel_name="python3",
                   resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}}).execute()  # fmt: skip
    assert not [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
