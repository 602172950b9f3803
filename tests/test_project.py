"""Project hygiene: docs generated from code, pins in sync, notebooks stripped, make help."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from helpers import config
from helpers.errors import LedgerError
from helpers.report.contract_doc import render_contract

ROOT = config.PROJECT_ROOT


def test_data_contract_doc_is_in_sync_with_code():
    committed = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert committed == render_contract(), (
        "run: python -m helpers contract-doc --out docs/data-contract.md"
    )


def test_personal_columns_are_marked_in_contract_doc():
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert re.search(r"`applicant_id_number`.*\*\*是\*\*", text)


def test_environment_yml_pins_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {p for p in pip_section if "==" in p}
    assert conda_pins == pins


def test_committed_notebooks_have_no_outputs():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
    for name in tracked:
        notebook = json.loads((ROOT / name).read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, name


def test_readme_states_how_many_ledger_problems_are_listed():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = LedgerError.MAX_SHOWN_PER_FILE
    assert f"一个文件的问题超过 {shown} 个时只列前 {shown} 个" in readme
    assert f"the first {shown} of each file" in readme
    assert set(re.findall(r"只列前 (\d+)", readme)) == {str(shown)}


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z-]+):.*## ", makefile, flags=re.M)
    assert len(targets) >= 10
    for target in targets:
        assert target in out
