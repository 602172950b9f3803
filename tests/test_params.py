"""Params files: validated on load, with the key and the file named; new-year scaffolding."""

from __future__ import annotations

import shutil

import pytest
import yaml

from helpers import config
from helpers.errors import ParamsError
from helpers.params import TO_REWRITE, check_finished, load_params, unfinished
from helpers.scaffold import scaffold


@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_sample_params_are_valid(year):
    params = load_params(config.params_path(year), year)
    assert params.year == year
    assert not unfinished(params)


def write(tmp_path, data) -> object:
    path = tmp_path / "2021.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def raw():
    return yaml.safe_load(config.params_path(2021).read_text(encoding="utf-8"))


def test_unknown_key_is_named(tmp_path, raw):
    raw["letter"]["adressee"] = "x"
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "letter.adressee" in str(error.value) and "2021.yaml" in str(error.value)
    assert "未知" in str(error.value)


def test_missing_key_is_named(tmp_path, raw):
    del raw["bureau"]["signature"]
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "bureau.signature" in str(error.value) and "缺少" in str(error.value)


def test_missing_and_unknown_passages_are_named(tmp_path, raw):
    del raw["passages"]["problems"]
    raw["passages"]["problem"] = "x"
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "problem" in str(error.value)


def test_missing_manual_figure_is_named(tmp_path, raw):
    del raw["manual_figures"]["service.windows_reformed"]
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "service.windows_reformed" in str(error.value)


def test_year_mismatch_and_missing_file(tmp_path, raw):
    with pytest.raises(ParamsError):
        load_params(write(tmp_path, raw), 2022)
    with pytest.raises(ParamsError) as error:
        load_params(tmp_path / "nope.yaml", 2023)
    assert "make new-year" in str(error.value)


def test_new_year_scaffold_marks_every_passage_and_clears_manual_figures(tmp_path):
    for year in (2020, 2021, 2022):
        shutil.copy(config.params_path(year), tmp_path / f"{year}.yaml")
    target = scaffold(2023, tmp_path)
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["year"] == 2023
    assert data["letter"]["document_number"] == f"{TO_REWRITE}浦人社〔2024〕3号"
    assert all(v is None for v in data["manual_figures"].values())
    for text in data["passages"].values():
        assert all(p.startswith(TO_REWRITE) for p in text.split("\n\n"))
    params = load_params(target)
    with pytest.raises(ParamsError) as error:
        check_finished(params, target)  # one message lists everything still to do
    message = str(error.value)
    assert "letter.index_number" in message and "letter.document_number" in message
    assert "passages.problems" in message and "manual_figures.service.windows_reformed" in message
    with pytest.raises(ParamsError):
        scaffold(2023, tmp_path)  # never overwrites
