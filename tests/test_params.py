"""Params files: validated on load, with the key and the file named; new-year scaffolding."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import yaml

from helpers import config
from helpers.errors import ParamsError
from helpers.report.params import (
    PASSAGE_KEYS,
    TO_REWRITE,
    Letter,
    Params,
    _translate,
    check_finished,
    load_params,
    rules_comment,
    unfinished,
)
from helpers.report.scaffold import scaffold


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
    del raw["letter"]["addressee"]
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "letter.addressee" in str(error.value) and "缺少" in str(error.value)


def test_bureau_names_belong_to_the_profile_not_the_year(tmp_path, raw):
    raw["bureau"] = {
        "name": "某区人力资源和社会保障局",
        "short_name": "区人社局",
        "signature": "某区",
    }
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "bureau.yaml" in str(error.value) and "2021.yaml" in str(error.value)


def test_bureau_names_come_from_the_profile_beside_the_file():
    params = load_params(config.params_path(2021), 2021)
    assert params.bureau.signature == "浦东新区人力资源和社会保障局"


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


# Typing slips in the sample file: (line as written, as mistyped, the column shown, the cause).
YAML_SLIPS = [
    ("  signer: 张建华", "  signer:张建华", 9, "冒号后缺空格"),
    ("  date: 2022-01-30", "  date：2022-01-30", 7, "全角冒号"),
    ("  key_tasks_heading: 贯彻落实引领区重点任务", "  key_tasks_heading: 贯彻落实: 引领区重点任务", 26,
     "值中含有“: ”"),
    ('  document_number: "浦人社〔2022〕5号"', '  document_number: "浦人社〔2022〕5号', 20, "引号未闭合"),
    ("  publisher: 区人社局（医保局）", "   publisher: 区人社局（医保局）", 13, "缩进不一致"),
    ("  signer: 张建华", "\tsigner: 张建华", 1, "制表符"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "typed", "column", "cause"), YAML_SLIPS)
def test_a_yaml_slip_is_located_and_explained_in_chinese(tmp_path, line, typed, column, cause):
    text = config.params_path(2021).read_text(encoding="utf-8")
    number = text.splitlines().index(line) + 1
    path = tmp_path / "2021.yaml"
    path.write_text(text.replace(line, typed, 1), encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        load_params(path)
    message = str(error.value)
    assert message.startswith(f"{path}: 第 {number} 行第 {column} 列: YAML 格式错误，")
    assert cause in message.split(" / ")[0]
    assert f"（该行为“{typed.strip()}”）" in message
    for english in ("mapping values", "while scanning", "could not find", "found character"):
        assert english not in message


def test_a_params_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "2021.yaml"
    path.write_bytes(config.params_path(2021).read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(ParamsError) as error:
        load_params(path)
    assert "第 1 行不是 UTF-8 编码的文字" in str(error.value)


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


# -- figures typed into passages ---------------------------------------------------------------


def test_sample_files_pass_every_check_and_carry_the_rules():
    for year in (2020, 2021, 2022):
        path = config.params_path(year)
        check_finished(load_params(path, year), path)
        assert rules_comment() in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "typed, phrase",
    [
        ("全年办理复议案件35件", "35件"),
        ("全年办理复议案件３５件", "３５件"),
        ("纠错率为96.5%", "96.5%"),
        ("纠错率为１２．５％", "１２．５％"),
        ("共有 35 件", "35 件"),
        ("支付12万元", "12万元"),
        ("调解仲裁结案比3.2比1", "3.2比1"),
        ("组织培训2场", "2场"),
    ],
)
def test_figure_typed_into_a_passage_is_refused(tmp_path, raw, typed, phrase):
    raw["passages"]["reconsideration"] += typed
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    message = str(error.value)
    assert "2021.yaml" in message and "reconsideration" in message and f"“{phrase}”" in message
    assert "numbers_in_passages" in message


def test_years_and_numerals_are_not_figures(tmp_path, raw):
    raw["passages"]["plan_intro"] += (
        "2021年，“十四五”规划（2021—2025年）第一年，三个项目，<5 与 a<b。"
    )
    assert load_params(write(tmp_path, raw)).passages["plan_intro"].endswith("a<b。")


def test_allowed_number_and_stale_allowance(tmp_path, raw):
    raw["passages"]["key_tasks"] += "建成3个联调分中心。"
    raw["numbers_in_passages"] = {"key_tasks": ["3个"]}
    assert load_params(write(tmp_path, raw)).numbers_in_passages == {"key_tasks": ["3个"]}
    raw["passages"]["key_tasks"] = raw["passages"]["key_tasks"].replace("3个", "三个")
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "numbers_in_passages.key_tasks" in str(error.value) and "“3个”" in str(error.value)
    raw["numbers_in_passages"] = {"key_task": ["3个"]}
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert "numbers_in_passages" in str(error.value) and "key_task" in str(error.value)


# -- paragraphs copied from last year ----------------------------------------------------------


@pytest.fixture
def two_years(tmp_path):
    for year in (2021, 2022):
        shutil.copy(config.params_path(year), tmp_path / f"{year}.yaml")
    path = tmp_path / "2022.yaml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def test_paragraph_copied_from_last_year_is_refused(two_years):
    path, data = two_years
    earlier = yaml.safe_load(config.params_path(2021).read_text(encoding="utf-8"))["passages"]
    data["passages"]["plan_intro"] = earlier["plan_intro"]
    copied = earlier["problems"].split("\n\n")[1]
    data["passages"]["problems"] += f"\n\n  {TO_REWRITE}{copied}  "  # markers and blanks ignored
    data["passages"]["problems"] = data["passages"]["problems"].replace(TO_REWRITE, "")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        check_finished(load_params(path), path)
    message = str(error.value)
    assert "passages.plan_intro" in message and earlier["plan_intro"][:20] in message
    assert "passages.problems" in message and copied[:20] in message
    assert "reused_passages" in message and "intro_basis" not in message
    data["reused_passages"] += ["plan_intro", "problems"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_finished(load_params(path), path)


def test_sample_reuse_is_confirmed_in_the_file(two_years):
    path, data = two_years
    del data["reused_passages"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        check_finished(load_params(path), path)
    assert "passages.intro_basis" in str(error.value)


# -- the scaffold carries the rules ------------------------------------------------------------


@pytest.fixture
def scaffolded(tmp_path):
    for year in (2020, 2021, 2022):
        shutil.copy(config.params_path(year), tmp_path / f"{year}.yaml")
    return scaffold(2023, tmp_path)


def test_scaffold_carries_the_rules_as_comments(scaffolded):
    text = scaffolded.read_text(encoding="utf-8")
    assert rules_comment() in text
    assert "numbers_in_passages: {}" in text and "reused_passages: []" in text
    assert "2022 年确认沿用的：intro_basis" in text
    assert "全区法治责任制考核得分" in text  # each manual figure named where it is filled in


def test_markers_removed_by_find_and_replace_are_refused(scaffolded):
    text = scaffolded.read_text(encoding="utf-8").replace(TO_REWRITE, "")
    scaffolded.write_text(text, encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        check_finished(load_params(scaffolded), scaffolded)
    message = str(error.value)
    assert "letter.index_number" not in message
    for key in PASSAGE_KEYS:
        assert f"passages.{key}：与 2022 年相同的段落“" in message
    assert "“2023年是全面贯彻落实党的二十大精神的…”" in message  # plan_intro's opening words


# -- validation errors in Chinese, once --------------------------------------------------------


@pytest.mark.parametrize(
    "section, key, value, key_path, name, expected",
    [
        ("manual_figures", "leadership.accountability_assessment_score", "97分",
         "manual_figures.leadership.accountability_assessment_score", "全区法治责任制考核得分", "数字"),
        ("letter", "date", "下月初", "letter.date", "成文日期", "日期，格式 YYYY-MM-DD"),
        ("letter", "publish_date", "2024年2月30日", "letter.publish_date", "发布日期", "没有这一天"),
        ("letter", "addressee", 3, "letter.addressee", "主送机关", "文本"),
        ("passages", "problems", ["a"], "passages.problems", "存在的主要问题", "文本"),
        (None, "year", "二〇二一", "year", "报告年度", "整数"),
        (None, "letter", 2, "letter", "公文信息", "键值映射"),
        (None, "reused_passages", {"a": 1}, "reused_passages", "确认沿用上一年的段落", "列表"),
    ],
)  # fmt: skip
def test_type_errors_are_named_in_chinese_once(tmp_path, raw, section, key, value, key_path,
                                               name, expected):  # fmt: skip
    (raw[section] if section else raw)[key] = value
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    message = str(error.value)
    assert "2021.yaml" in message and expected in message and name in message
    assert message.count(f"键 {key_path}（") == 1
    if isinstance(value, str):
        assert f"“{value}”" in message
    assert "Input should" not in message and not re.search(r"\bvalid\b|Value error", message)


def test_unknown_error_type_falls_back_to_chinese():
    lines = _translate([{"type": "brand_new", "loc": ("year",), "msg": "Input should be nice",
                         "input": "x"}])  # fmt: skip
    assert lines == [lines[0]] and "取值无效" in lines[0] and "Input should" not in lines[0]


def test_every_field_has_a_chinese_description():
    for model in (Letter, Params):
        for name, field in model.model_fields.items():
            assert field.description and re.search(r"[\u4e00-\u9fff]", field.description), name


@pytest.mark.parametrize("written", ["2024年1月31日", "2024/1/31", "2024-1-31"])
def test_letter_dates_as_analysts_write_them(tmp_path, raw, written):
    raw["letter"]["date"] = written
    assert load_params(write(tmp_path, raw)).letter.date == dt.date(2024, 1, 31)


# -- markup ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, shown",
    [
        ('详见<a href="http://example.org/">通知</a>', '<a href="http://example.org/">'),
        ("年龄&lt;35岁", "&lt;"),
        ("年龄&#60;35岁", "&#60;"),
        ("<!-- 待补充 -->", "<!-- 待补充 -->"),
        ("换行<br/>", "<br/>"),
    ],
)
def test_markup_in_a_passage_is_refused(tmp_path, raw, typed, shown):
    raw["passages"]["open_government"] += typed
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    message = str(error.value)
    assert "passages.open_government" in message and f"“{shown}”" in message


def test_markup_in_a_disclosure_passage_is_refused(tmp_path, raw):
    key = next(iter(raw["disclosure"]["passages"]))
    raw["disclosure"]["passages"][key] = (
        '<a href="http://example.org">x</a>' + raw["disclosure"]["passages"][key]
    )
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, raw))
    assert f"disclosure.passages.{key}" in str(error.value) and "<a href" in str(error.value)


def test_disclosure_passages_get_the_figure_and_reuse_checks(tmp_path, raw):
    key = next(iter(raw["disclosure"]["passages"]))
    typed = dict(
        raw, disclosure=dict(raw["disclosure"], passages=dict(raw["disclosure"]["passages"]))
    )
    typed["disclosure"]["passages"][key] = (
        "全年受理申请35件。" + typed["disclosure"]["passages"][key]
    )
    with pytest.raises(ParamsError) as error:
        load_params(write(tmp_path, typed))
    assert f"disclosure.{key}" in str(error.value) and "35件" in str(error.value)
    typed["numbers_in_passages"] = {f"disclosure.{key}": ["35件"]}
    load_params(write(tmp_path, typed))

    # The same disclosure text a year later is last year's text.
    (tmp_path / "2021.yaml").rename(tmp_path / "2020.yaml")
    later = dict(raw, year=2021)
    later["disclosure"] = dict(raw["disclosure"], passages=dict(raw["disclosure"]["passages"]))
    later["passages"] = {k: f"{v}（{2021}年改写）" for k, v in raw["passages"].items()}
    path = write(tmp_path, later)
    previous = yaml.safe_load((tmp_path / "2020.yaml").read_text(encoding="utf-8"))
    previous["year"] = 2020
    previous["numbers_in_passages"] = {}
    previous["disclosure"]["passages"][key] = raw["disclosure"]["passages"][key]
    (tmp_path / "2020.yaml").write_text(
        yaml.safe_dump(previous, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ParamsError) as error:
        check_finished(load_params(path), path)
    assert f"disclosure.passages.{key}" in str(error.value) and "相同" in str(error.value)
    assert "passages.intro_basis" not in str(error.value)
