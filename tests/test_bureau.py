"""Bureau profiles: one file per bureau carries every name its ledgers and report use."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from helpers import bureau, config
from helpers.bureau import BureauProfile, load_profile, profile_for
from helpers.errors import LedgerError, ParamsError
from helpers.figures import catalogue
from helpers.ledgers.contract import ledgers_for
from helpers.ledgers.load import load_ledgers

SECOND = "qinglan"


def test_every_bureau_in_the_project_has_a_valid_profile():
    assert {config.DEFAULT_BUREAU, SECOND} <= set(bureau.bureau_ids())
    for bureau_id in bureau.bureau_ids():
        assert profile_for(bureau_id).name


def test_every_profile_field_has_a_chinese_description():
    models = [BureauProfile, bureau.Organisations, bureau.Programmes, bureau.SampleMaking]
    for model in models:
        for name, field in model.model_fields.items():
            assert field.description and re.search(r"[\u4e00-\u9fff]", field.description), name


def write_profile(tmp_path, raw) -> object:
    path = tmp_path / "bureau.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def raw():
    return yaml.safe_load(config.profile_path().read_text(encoding="utf-8"))


def test_profile_errors_name_file_and_key_in_chinese(tmp_path, raw):
    raw["organisations"]["streets"] = "陆家嘴街道"
    del raw["organisations"]["arbitration_court"]
    with pytest.raises(ParamsError) as error:
        load_profile(write_profile(tmp_path, raw))
    message = str(error.value)
    assert "bureau.yaml" in message
    assert "键 organisations.streets（街道" in message and "应为列表" in message
    assert "键 organisations.arbitration_court（劳动人事争议仲裁院名称）: 缺少必填键" in message
    assert "Input should" not in message


def test_a_yaml_slip_in_a_profile_is_located_in_chinese(tmp_path):
    lines = config.profile_path().read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines) if line.startswith("  ") and ": " in line)
    lines[number] = lines[number].replace(": ", ":", 1)
    path = tmp_path / "bureau.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        load_profile(path)
    message = str(error.value)
    assert f"{path}: 第 {number + 1} 行" in message and "冒号后缺空格" in message
    assert "mapping values" not in message


def test_sample_section_errors_keep_their_key(tmp_path, raw):
    raw["sample"]["seed"] = "某日"
    with pytest.raises(ParamsError) as error:
        load_profile(write_profile(tmp_path, raw))
    assert "键 sample.seed（随机种子）: 应为整数" in str(error.value)


def test_lecture_brand_must_be_an_organiser(tmp_path, raw):
    raw["programmes"]["lecture_brand"] = "某某大讲堂"
    with pytest.raises(ParamsError) as error:
        load_profile(write_profile(tmp_path, raw))
    assert "某某大讲堂" in str(error.value) and "outreach_organisers" in str(error.value)


def test_aliases_and_sheets_must_name_the_contracts_ledgers_and_columns(tmp_path, raw, ledger_dir):
    """Checked when the ledgers are loaded with the profile (the contract reads the profile, so
    the profile does not read the contract), before any file is read."""
    raw["aliases"] = {"disputes": {"受理机构": "body"}}
    raw["sheets"] = {"dispute": "数据"}
    profile = load_profile(write_profile(tmp_path, raw))
    with pytest.raises(LedgerError) as error:
        load_ledgers(ledger_dir, profile=profile)
    found = {problem.value: problem.expected for problem in error.value.problems}
    assert found.keys() == {"受理机构", "dispute"}
    assert "disputes" in found["受理机构"] and "body" in found["受理机构"]
    assert "sheets" in found["dispute"]


def test_unknown_bureau_lists_the_known_ones():
    with pytest.raises(ParamsError) as error:
        profile_for("nowhere")
    assert "nowhere" in str(error.value) and SECOND in str(error.value)


def test_contract_takes_organisation_names_from_the_profile():
    sample = ledgers_for(profile_for(config.DEFAULT_BUREAU))
    second = ledgers_for(profile_for(SECOND))
    column = ("outreach_events", "organiser")
    assert "青岚人社法治课堂" in second[column[0]].column(column[1]).allowed
    assert "青岚人社法治课堂" not in sample[column[0]].column(column[1]).allowed
    areas = set(second["wage_arrears_leads"].column("street_town").allowed)
    assert areas == set(profile_for(SECOND).areas)
    assert not areas & set(sample["wage_arrears_leads"].column("street_town").allowed)


def test_misspelt_organiser_is_answered_with_the_closest_profile_names(ledger_dir):
    path = ledger_dir / "outreach_events.csv"
    text = path.read_text(encoding="utf-8")
    assert ",浦东人社大讲堂," in text
    path.write_text(text.replace(",浦东人社大讲堂,", ",浦东人社大讲坛,", 1), encoding="utf-8")
    with pytest.raises(LedgerError) as error:
        load_ledgers(ledger_dir, ["outreach_events"])
    (problem,) = error.value.problems
    assert problem.value == "浦东人社大讲坛" and problem.column == "organiser"
    assert (
        problem.expected.startswith("不是机关档案")
        and "最接近的是：浦东人社大讲堂" in problem.expected
    )


def test_another_bureaus_ledgers_fail_under_the_sample_profile():
    data = config.data_dir(SECOND)
    with pytest.raises(LedgerError) as error:
        load_ledgers(data, ["wage_arrears_leads"])
    assert {p.column for p in error.value.problems} == {"street_town"}
    ledgers = load_ledgers(data, profile=profile_for(SECOND))
    assert ledgers.profile.district == "青岚区"


def test_lecture_figure_counts_the_profiles_brand():
    ledgers = load_ledgers(config.data_dir(SECOND), profile=profile_for(SECOND))
    events = ledgers["outreach_events"]
    for year in (2021, 2022):
        in_year = events[events["event_date"].dt.year == year]
        expected = int(
            (
                (in_year["organiser"] == "青岚人社法治课堂") & (in_year["event_type"] == "线下培训")
            ).sum()
        )
        assert expected > 0
        assert catalogue.compute(ledgers, year)["outreach.lecture_hall_offline_sessions"][
            "value"
        ] == (expected)


def test_second_bureau_report_is_built_end_to_end(tmp_path):
    out = tmp_path / "reports"
    env = dict(os.environ, PYTHONPATH=str(config.PACKAGE_DIR.parent))
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "report", "--bureau", SECOND, "--year", "2022",
         "--out-dir", str(out)],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = out / "2022"
    for name in ("report.html", "report.pdf", "review.html", "stats.json", "manifest.json"):
        assert (report / name).stat().st_size > 0, name
    stats = json.loads((report / "stats.json").read_text(encoding="utf-8"))
    ledgers = load_ledgers(config.data_dir(SECOND), profile=profile_for(SECOND))
    # Its own figures are defined in its notebook; defined here too, they give the same values.
    from helpers.figures.local import define_from_notebook
    from helpers.report.shape import notebook_path

    define_from_notebook(notebook_path("rule_of_law", SECOND), SECOND, profile_for(SECOND))
    computed = catalogue.compute(ledgers, 2022)
    assert {id for id in stats["metrics"] if id.startswith(f"{SECOND}.")} == {
        f"{SECOND}.fund_checks", f"{SECOND}.fund_special_audits", f"{SECOND}.fund_closure_rate",
        f"{SECOND}.fund_recovered"}  # fmt: skip
    for metric_id, entry in stats["metrics"].items():
        if not catalogue.CATALOGUE[metric_id].is_manual:
            assert entry["value"] is not None, metric_id
            assert entry["value"] == computed[metric_id]["value"], metric_id
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "青岚区人力资源和社会保障局" in html and "青岚人社法治课堂" in html
    assert "浦东" not in html
    # Its notebook shapes it: a section of its own, numbered where it stands; a package section
    # left out; its own wording of another; a chart of its own figures, numbered in order.
    text = re.sub(r"<[^>]+>", "", html)
    checks = stats["metrics"][f"{SECOND}.fund_checks"]
    assert "（八）守牢社会保险基金安全底线" in text
    assert f"全年开展基金监督检查{checks['value']}个" in text
    assert (
        "服务园区发展和稳岗就业" not in text
    )  # its m02_key_tasks heading: the section is left out
    assert "（九）抓住领导干部这个“关键少数”，带动全员依法行政" in text
    chart = stats["charts"]["fund_checks"]
    assert chart["caption"] == "图5　社会保险基金监督检查情况"
    assert chart["metrics"] == [f"{SECOND}.fund_checks", f"{SECOND}.fund_special_audits"]
    assert stats["charts"]["trends"]["caption"].startswith("图6")
    review = (report / "review.html").read_text(encoding="utf-8")
    assert "@local_figure(" in review and 'id="fig-qinglan.fund_recovered"' in review
    from openpyxl import load_workbook

    book = load_workbook(report / "evidence.xlsx", read_only=True)
    try:
        header, *rows = book["社会保险基金监督检查台账"].iter_rows(values_only=True)
    finally:
        book.close()
    assert sum(row[0] == f"{SECOND}.fund_checks" for row in rows) == checks["value"]
    assert not any("inspector" in str(cell) for cell in header)  # personal: never shown
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["bureau"] == SECOND
    assert manifest["parameters"]["params"] == f"params/{SECOND}/2022.yaml"


def test_the_profiles_header_aliases_are_used_by_the_loader(ledger_dir):
    """A bureau whose system calls a column otherwise says so once in its profile; the ledger
    then loads as with the contract's own header."""
    path = ledger_dir / "meetings.csv"
    expected = load_ledgers(ledger_dir, ["meetings"])["meetings"]
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace("meeting_date", "召开日期")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LedgerError):
        load_ledgers(ledger_dir, ["meetings"])
    profile = profile_for(config.DEFAULT_BUREAU).model_copy(
        update={"aliases": {"meetings": {"召开日期": "meeting_date"}}}
    )
    loaded = load_ledgers(ledger_dir, ["meetings"], profile=profile)["meetings"]
    assert loaded.equals(expected)


@pytest.mark.parametrize("year", [2021, 2022])
def test_second_bureau_has_a_disclosure_report_that_passes_the_formats_checks(year):
    from helpers.figures.disclosure import metric_id
    from helpers.report import disclosure_tables
    from helpers.report.document import year_figures

    data = config.data_dir(SECOND)
    params = config.params_path(year, SECOND)
    ledgers = load_ledgers(data, profile=profile_for(SECOND))
    stats = year_figures(year, data, params, ledgers, report="disclosure")
    checks = disclosure_tables.format_checks(stats, ledgers, params, data)
    assert disclosure_tables.failed(checks) == []
    raw = pd.read_csv(data / "disclosure_requests.csv", dtype=str, keep_default_na=False)
    received = int(raw["received_date"].str.startswith(str(year)).sum())
    assert received > 0
    assert stats["metrics"][metric_id("requests", "received", "total")]["value"] == received


def test_enforcement_training_figure_counts_the_profiles_trainer(tmp_path, raw, ledger_dir):
    old, renamed = "劳动保障监察执法大队", "劳动保障监察支队"
    raw["organisations"]["outreach_organisers"].append(renamed)
    raw["programmes"]["enforcement_trainer"] = renamed
    profile = load_profile(write_profile(tmp_path, raw))
    events = ledger_dir / "outreach_events.csv"
    text = events.read_text(encoding="utf-8")
    frame = pd.read_csv(events, dtype=str, keep_default_na=False)
    expected = {
        year: int(((frame["organiser"] == old) & (frame["event_type"] == "企业普法培训")
                   & frame["event_date"].str.startswith(str(year))).sum())
        for year in (2021, 2022)
    }  # fmt: skip
    assert all(expected.values())
    events.write_text(text.replace(old, renamed), encoding="utf-8")
    ledgers = load_ledgers(ledger_dir, profile=profile)
    for year, count in expected.items():
        assert catalogue.compute(ledgers, year)["outreach.enforcement_trainings"]["value"] == count
    with pytest.raises(ParamsError, match="enforcement_trainer"):
        raw["programmes"]["enforcement_trainer"] = "某某执法队"
        load_profile(write_profile(tmp_path, raw))


def test_a_case_of_the_arbitration_court_names_the_profiles_court(ledger_dir):
    """The README says the profile's names are the ones a bureau's ledgers may use: a disputes row
    handled by 仲裁院 under another court's name is refused, with line, value and the name
    expected."""
    path = ledger_dir / "disputes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if ",仲裁院,浦东新区劳动人事争议仲裁院," in line)
    lines[at] = lines[at].replace(",浦东新区劳动人事争议仲裁院,", ",青岚区劳动人事争议仲裁院,")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LedgerError) as error:
        load_ledgers(ledger_dir, ["disputes"])
    (problem,) = error.value.problems
    assert (problem.line, problem.column, problem.value) == (
        at + 1,
        "body_name",
        "青岚区劳动人事争议仲裁院",
    )
    assert "organisations.arbitration_court" in problem.expected
