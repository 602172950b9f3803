"""A bureau's first steps: `make new-bureau` gives a profile to fill in and a first year's params
file with every key empty; `make new-year` carries (or starts) the disclosure section; passages
copied from a sample bureau's file are flagged."""

from __future__ import annotations

import shutil

import pytest
import yaml

from helpers import config
from helpers.bureau import TO_FILL, load_profile
from helpers.errors import ParamsError
from helpers.figures.catalogue import DISCLOSURE, RULE_OF_LAW, of_report
from helpers.report.params import (
    DISCLOSURE_PASSAGE_KEYS,
    PASSAGE_KEYS,
    TO_REWRITE,
    check_finished,
    load_params,
    unfinished,
)
from helpers.report.scaffold import scaffold, start_bureau


@pytest.fixture
def params_root(tmp_path, monkeypatch):
    """A params folder holding the two sample bureaus' profiles, as the project's does."""
    for bureau in ("pudong", "qinglan"):
        (tmp_path / bureau).mkdir()
        shutil.copy(config.profile_path(bureau), tmp_path / bureau / config.PROFILE_FILE)
    monkeypatch.setattr(config, "PARAMS_DIR", tmp_path)
    return tmp_path


def _filled_profile(text: str) -> str:
    """The skeleton filled in as a county bureau would: every marked value replaced."""
    values = {
        "name": "东山县人力资源和社会保障局", "short_name": "县人社局", "signature": "东山县人力资源和社会保障局",
        "district": "东山县",
    }  # fmt: skip
    data = yaml.safe_load(text)
    data.update(values)
    data["organisations"] = {
        "streets": ["城关街道"], "towns": ["东岭镇", "西岭镇"], "development_zones": [],
        "arbitration_court": "东山县劳动人事争议仲裁院", "enforcement_units": ["劳动保障监察大队"],
        "outreach_organisers": ["劳动保障监察大队", "东山人社讲堂"], "publicity_columns": ["东山政策快读"],
    }  # fmt: skip
    data["programmes"] = {"lecture_brand": "东山人社讲堂", "policy_video_column": "东山政策快读",
                          "enforcement_trainer": "劳动保障监察大队"}  # fmt: skip
    return yaml.safe_dump(data, allow_unicode=True)


def test_new_bureau_writes_a_profile_to_fill_and_a_first_year_with_every_key_empty(params_root):
    profile, params = start_bureau("dongshan", 2023)
    assert profile.parent == params.parent == params_root / "dongshan"
    with pytest.raises(ParamsError, match="机关档案尚未填写完成") as refused:
        load_profile(profile)
    assert "programmes.lecture_brand" in str(refused.value)

    profile.write_text(_filled_profile(profile.read_text(encoding="utf-8")), encoding="utf-8")
    loaded = load_profile(profile)
    assert loaded.whole_area == "全县" and loaded.we == "我局"

    first = load_params(params, 2023, loaded)
    todo = unfinished(first)
    assert {f"passages.{key}" for key in PASSAGE_KEYS} <= set(todo)
    assert {f"disclosure.passages.{key}" for key in DISCLOSURE_PASSAGE_KEYS} <= set(todo)
    manual = [m.id for m in of_report(RULE_OF_LAW) if m.is_manual]
    assert {f"manual_figures.{id}" for id in manual} <= set(todo)
    assert all(value is None for value in first.disclosure.manual_figures.values())
    assert set(first.disclosure.manual_figures) == {
        m.id for m in of_report(DISCLOSURE) if m.is_manual
    }
    assert "letter.document_number" in todo and "letter.index_number" in todo
    with pytest.raises(ParamsError, match="仍待改写或填写"):
        check_finished(first, params)

    with pytest.raises(ParamsError, match="已存在"):
        start_bureau("dongshan", 2023)


def test_new_bureau_on_the_command_line(params_root, capsys):
    from helpers.cli import main

    assert main(["new-bureau", "--bureau", "dongshan", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "已生成机关档案" in out and "【待填写】" in out
    assert (params_root / "dongshan" / "2023.yaml").is_file()
    assert main(["new-bureau", "--bureau", "新区", "--year", "2023"]) == 2
    assert "机关代号“新区”无效" in capsys.readouterr().err


def test_new_year_starts_a_disclosure_section_when_the_last_year_has_none(tmp_path):
    source = yaml.safe_load(config.params_path(2021, "qinglan").read_text(encoding="utf-8"))
    del source["disclosure"]
    (tmp_path / "2022.yaml").write_text(yaml.safe_dump(source, allow_unicode=True),
                                        encoding="utf-8")  # fmt: skip
    shutil.copy(config.profile_path("qinglan"), tmp_path / config.PROFILE_FILE)
    target = scaffold(2023, tmp_path)
    text = target.read_text(encoding="utf-8")
    assert "disclosure:" in text
    params = load_params(target, 2023)
    assert params.disclosure is not None
    assert set(params.disclosure.passages) == set(DISCLOSURE_PASSAGE_KEYS)
    assert all(TO_REWRITE in p for p in params.disclosure.passages.values())


def test_new_year_carries_the_disclosure_section(tmp_path):
    shutil.copy(config.params_path(2022, "qinglan"), tmp_path / "2022.yaml")
    shutil.copy(config.profile_path("qinglan"), tmp_path / config.PROFILE_FILE)
    params = load_params(scaffold(2023, tmp_path), 2023)
    last = load_params(config.params_path(2022, "qinglan"), 2022)
    assert set(params.disclosure.passages) == set(last.disclosure.passages)
    assert all(p.startswith(TO_REWRITE) for p in params.disclosure.passages.values())


def test_a_passage_copied_from_a_sample_bureau_is_flagged(tmp_path):
    """qinglan's first year started from pudong's file: every passage naming pudong's places or
    programmes (秒懂政策, 浦东, 张江镇 …) is listed, with the name and the bureau it belongs to."""
    shutil.copy(config.profile_path("qinglan"), tmp_path / config.PROFILE_FILE)
    copied = tmp_path / "2021.yaml"
    shutil.copy(config.params_path(2021, "pudong"), copied)
    params = load_params(copied, 2021)
    with pytest.raises(ParamsError) as refused:
        check_finished(params, copied)
    message = str(refused.value)
    assert "passages.outreach_brand：提到“浦东人社大讲堂”，这是样例机关 pudong 的名称" in message
    assert "passages.mediation" in message and "disclosure.passages.proactive" in message
    # The sample bureaus' own files name nothing of the other's.
    for bureau in ("pudong", "qinglan"):
        for path in sorted(config.bureau_dir(bureau).glob("[0-9]*.yaml")):
            check_finished(load_params(path, int(path.stem)), path)


def test_the_profile_skeleton_marks_what_to_fill():
    from helpers.report.scaffold import PROFILE_SKELETON

    text = PROFILE_SKELETON.format(mark=TO_FILL)
    raw = yaml.safe_load(text)
    assert TO_FILL in raw["name"] and TO_FILL in raw["programmes"]["lecture_brand"]
