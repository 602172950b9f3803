"""The index page of `make reports`: what this batch built, from which inputs, and what else is there."""

from __future__ import annotations

import json
import re

from helpers import config
from helpers.runs.batch import LINKS, YearRun, build_years, write_index


def _report(out, folder, manifest=None):
    folder = out / str(folder)
    folder.mkdir(parents=True)
    for name, _ in LINKS:
        (folder / name).write_text("", encoding="utf-8")
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _rows(index: str) -> dict[str, str]:
    """Index rows by year, and by year and kind for reports other than the rule-of-law one."""
    rows = {}
    for m in re.finditer(
        r'<tr class="[^"]+"><td>(\d{4})</td><td>([^<]+)</td>.*?</tr>', index, re.S
    ):
        year, kind = m.group(1), m.group(2)
        rows[year if kind == config.REPORT_KINDS["rule_of_law"] else f"{year}-{kind}"] = m.group(0)
    return rows


def test_index_lists_this_runs_years_with_inputs_and_marks_others(tmp_path):
    out = tmp_path / "reports"
    _report(out, 2021)
    _report(out, 2023, {"parameters": {"data_dir": "/elsewhere/ledgers", "params": "x/2023.yaml"}})
    runs = [YearRun(2021, config.DATA_DIR, config.params_path(2021)),
            YearRun(2022, tmp_path / "ledgers", tmp_path / "2022.yaml", failure="boom")]  # fmt: skip
    rows = _rows(write_index(out, runs).read_text(encoding="utf-8"))
    assert set(rows) == {"2021", "2022", "2023"}
    assert (
        "成功" in rows["2021"]
        and "data/raw/pudong" in rows["2021"]
        and "params/pudong/2021.yaml" in rows["2021"]
    )
    assert 'href="2021/report.pdf"' in rows["2021"]
    assert "失败" in rows["2022"] and str(tmp_path / "ledgers") in rows["2022"]
    assert "尚未生成" in rows["2022"]
    assert "非本次生成" in rows["2023"] and "成功" not in rows["2023"]
    assert "/elsewhere/ledgers" in rows["2023"] and "x/2023.yaml" in rows["2023"]


def test_index_lists_each_kind_and_a_kind_not_configured(tmp_path):
    out = tmp_path / "reports"
    _report(out, 2021)
    _report(out, "2021-disclosure")
    runs = [YearRun(2021, config.DATA_DIR, config.params_path(2021)),
            YearRun(2021, config.DATA_DIR, config.params_path(2021), kind="disclosure"),
            YearRun(2022, config.DATA_DIR, config.params_path(2022), kind="disclosure",
                    skipped="no section")]  # fmt: skip
    rows = _rows(write_index(out, runs).read_text(encoding="utf-8"))
    disclosure = config.REPORT_KINDS["disclosure"]
    assert set(rows) == {"2021", f"2021-{disclosure}", f"2022-{disclosure}"}
    assert 'href="2021-disclosure/report.pdf"' in rows[f"2021-{disclosure}"]
    assert "未配置" in rows[f"2022-{disclosure}"] and "失败" not in rows[f"2022-{disclosure}"]


def test_a_failed_report_exits_2_and_the_index_gives_its_reason(tmp_path, capsys):
    out = tmp_path / "reports"
    code = build_years([2030], config.DATA_DIR, out, params_dir=tmp_path, jobs=1,
                       kinds=("rule_of_law",))  # fmt: skip
    assert code == 2
    assert "以下报告失败" in capsys.readouterr().err
    row = _rows((out / "index.html").read_text(encoding="utf-8"))["2030"]
    assert "失败 / failed：" in row and "参数文件不存在" in row and "2030.yaml" in row
    assert "错误 / error" not in row


def test_the_index_shows_the_first_line_of_a_reason_without_the_project_folder(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    failure = (f"错误 / error: {config.PROJECT_ROOT}/params/pudong/2022.yaml: 以下内容仍待改写 / still "
               "to be rewritten:\n  - passages.problems：标有“【待改写】”")  # fmt: skip
    runs = [YearRun(2022, config.DATA_DIR, config.params_path(2022), failure=failure)]
    row = _rows(write_index(out, runs).read_text(encoding="utf-8"))["2022"]
    reason = re.search(r'<span class="reason" title="([^"]*)">([^<]*)</span>', row)
    assert reason is not None, row
    assert reason.group(2) == "params/pudong/2022.yaml: 以下内容仍待改写 / still to be rewritten:"
    assert "passages.problems" in reason.group(1) and str(config.PROJECT_ROOT) not in row
