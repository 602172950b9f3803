"""No false sentence, for any bureau and any year.

Every narrative template of both report kinds is rendered with each of its figures at 0, 1 and
many (and rates and ratios with nothing to divide by), and with the figures of every sample
bureau-year. A sentence fails when it states a zero count (a zero is worded, or its clause left
out: "推出0期" states nothing done as something done), prints a figure that could not be computed
("—"), leaves punctuation of a dropped clause behind, or states a part ("含……", "其中……") whose
rows are not rows of the whole it is said to be part of.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from helpers import config
from helpers.bureau import profile_for
from helpers.figures import catalogue
from helpers.figures.catalogue import CATALOGUE
from helpers.figures.local import define_from_notebook
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import Ledgers, load_ledgers
from helpers.report.document import year_figures
from helpers.report.narrative import Narrative, base_metric
from helpers.report.params import Params, load_params, require_disclosure
from helpers.report.shape import shapes_for

KINDS = {"rule_of_law": "narrative", "disclosure": "disclosure"}
# Every year a sample bureau has a params file for.
SAMPLE_YEARS = [
    (bureau, int(path.stem))
    for bureau in ("pudong", "qinglan")
    for path in sorted(config.bureau_dir(bureau).glob("[0-9][0-9][0-9][0-9].yaml"))
]
# Units of counts: a zero of these is never printed; scores, amounts, rates and ratios may be 0.
COUNT_UNITS = {"件", "个", "家", "次", "场", "期", "位", "名", "起", "人", "条"}
LEVELS = {  # a count, a rate, a ratio, anything else
    "zero": (0, None, None, 0),
    "one": (1, 100.0, 1.0, 1),
    "many": (37, 48.65, 1.3, 96.5),
}


def templates(kind: str) -> list[str]:
    folder = config.TEMPLATES_DIR / KINDS[kind]
    return sorted(p.name.removesuffix(".html.j2") for p in folder.glob("*.html.j2"))


class Reading(dict):
    """The figures as a template sees them, noting which ones it reads."""

    def __init__(self, *args):
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


@cache
def _params(params_file: Path, year: int, bureau: str) -> Params:
    """A params file read and checked once: a test renders hundreds of scenarios with it, and
    rendering does not change it."""
    return load_params(params_file, year, profile_for(bureau))


def narrative(stats: dict, params_file: Path, bureau: str, kind: str) -> Narrative:
    params = _params(params_file, stats["year"], bureau)
    n = Narrative(stats, params, synthetic=True, template_dir=config.TEMPLATES_DIR / KINDS[kind],
                  overrides=shapes_for(bureau)[kind].overrides)  # fmt: skip
    if kind == "disclosure":
        n.context["p"] = require_disclosure(params, params_file).passages
    n.context["m"] = Reading(n.context["m"])
    return n


def at_level(entry: dict, level: str) -> object:
    count, rate, ratio, other = LEVELS[level]
    unit = entry["unit"]
    if unit == "%":
        return rate
    if unit == "比 1":
        return ratio
    return count if unit in COUNT_UNITS else other


def problems(html: str, stats: dict) -> list[str]:
    """What is wrong with the sentences of one rendered section."""
    found = []
    for metric, text in re.findall(r'<span class="fig" data-metric="([^"]+)"[^>]*>([^<]*)</span>',
                                   html):  # fmt: skip
        entry = stats["metrics"].get(base_metric(metric))
        if text == "—":
            found.append(f"{metric} 无法计算，句子却印作“—”（应略去该分句）")
        if entry and metric == base_metric(metric) and entry["unit"] in COUNT_UNITS:
            if text == "0":
                found.append(f"{metric} 为 0，句子却照常陈述（应写零值措辞或略去该分句）")
    text = re.sub(r"<[^>]+>", "", html)
    for sentence in re.split(r"(?<=[。！？])", text):
        if re.search(r"和0个|(?<![\d.])0个[^。；]*和", sentence):
            found.append(f"“0个……和”：{sentence}")
        if re.search(r"(?<![\d.])0(?:件|个|家|次|场|期|位|名|起)", sentence):
            found.append(f"零作为已做的事陈述：{sentence}")
        leftover = re.search(
            r"，。|。，|，，|。。|（）|、。|、，|，、|；。|，；|；；|^[，；、]|\{n\}", sentence
        )
        if leftover:
            found.append(f"略去分句后残留标点“{leftover.group()}”：{sentence}")
    return found


@cache
def base_stats(kind: str) -> dict:
    return year_figures(2021, config.data_dir("pudong"), config.params_path(2021),
                        _pudong_ledgers(), report=kind)  # fmt: skip


@cache
def _pudong_ledgers() -> Ledgers:
    return load_ledgers(config.data_dir("pudong"), profile=profile_for("pudong"))


def _render(stats: dict, kind: str, bureau: str = "pudong", year: int = 2021) -> dict[str, str]:
    """Every section the bureau's notebook shows, in its wording (its own templates included)."""
    n = narrative(stats, config.params_path(year, bureau), bureau, kind)
    shape = shapes_for(bureau)[kind]
    return {name: n.section(name, shape.inline.get(name)) for name in shape.sections}


@cache
def figures_read(kind: str) -> dict[str, set[str]]:
    """Each template's figures, as it reads them."""
    stats = base_stats(kind)
    n = narrative(stats, config.params_path(2021), "pudong", kind)
    out = {}
    for name in templates(kind):
        n.context["m"].read.clear()
        n.section(name)
        out[name] = set(n.context["m"].read)
    return out


def scenario(kind: str, level: str, only: str | None = None, rest: str = "many",
             previous: bool = False) -> dict:  # fmt: skip
    """pudong 2021's figures with every value (or only one) set to a level."""
    stats = copy.deepcopy(base_stats(kind))
    for id, entry in stats["metrics"].items():
        entry["value"] = at_level(entry, level if only in (None, id) else rest)
        entry["previous"] = at_level(entry, "many") if previous else None
    return stats


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("previous", [False, True], ids=["no-previous", "previous"])
def test_every_template_reads_right_with_all_figures_at_a_level(kind, level, previous):
    stats = scenario(kind, level, previous=previous)
    wrong = {name: p for name, html in _render(stats, kind).items() if (p := problems(html, stats))}
    assert wrong == {}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("level", ["zero", "one"])
def test_every_figure_alone_at_zero_or_one(kind, level):
    wrong = {}
    for name, ids in figures_read(kind).items():
        for id in sorted(ids):
            stats = scenario(kind, level, only=id)
            n = narrative(stats, config.params_path(2021), "pudong", kind)
            found = problems(n.section(name), stats)
            if found:
                wrong[f"{name}: {id}"] = found
    assert wrong == {}


def test_every_template_states_figures():
    """The scenarios above reach every figure-bearing template (a template that read no figure
    would pass them untested)."""
    read = {kind: {n for n, ids in figures_read(kind).items() if ids} for kind in KINDS}
    assert {"m03_functions", "m07_governance", "m08_supervision", "m10_outreach", "leader"} <= read[
        "rule_of_law"
    ]
    assert {"p01_overview", "p06_other"} <= read["disclosure"]


# -- the sample bureaus' own years ------------------------------------------------------------


@cache
def sample_ledgers(bureau: str) -> Ledgers:
    if bureau == "pudong":
        return _pudong_ledgers()
    return load_ledgers(config.data_dir(bureau), profile=profile_for(bureau))


@cache
def sample_figures(bureau: str, year: int, kind: str) -> dict:
    """A sample bureau-year's figures, its notebook's own figures defined, computed once for the
    tests below that read them. Do not modify: copy it first."""
    define_from_notebook(shapes_for(bureau)[kind].notebook, bureau, profile_for(bureau))
    params = config.params_path(year, bureau)
    return year_figures(year, config.data_dir(bureau), params, sample_ledgers(bureau), report=kind)


def _ids(ledgers: Ledgers, metric: str, year: int) -> set[str]:
    result = CATALOGUE[metric].evaluate(ledgers, year)
    return {
        f"{part.ledger}:{key}"
        for part in result.rows
        for key in part.frame[LEDGERS[part.ledger].key].astype(str)
    }


_SPAN = r'<span class="fig" data-metric="([^".]+\.[^"]+)"[^>]*>[^<]*</span>'


def part_claims(html: str) -> list[tuple[str, str]]:
    """(whole, part) figure pairs a section states: "X件（含……Y件）" and "X件，其中……Y件"."""
    pairs = []
    for sentence in re.split(r"(?<=[。；])", html):
        spans = [(m.start(), m.group(1)) for m in re.finditer(_SPAN, sentence)]
        for mark in re.finditer(r"（含|其中", sentence):
            before = [id for pos, id in spans if pos < mark.start()]
            if not before:
                continue
            end = sentence.find("）", mark.end()) if mark.group() == "（含" else len(sentence)
            inside = [id for pos, id in spans if mark.end() <= pos < end]
            pairs += [(before[-1], id) for id in inside]
    return [(w, p) for w, p in pairs if w == base_metric(w) and p == base_metric(p)]


def check_claims(html: dict[str, str], ledgers: Ledgers, year: int) -> list[str]:
    wrong = []
    for name, section in html.items():
        for whole, part in part_claims(section):
            if CATALOGUE[whole].is_manual or CATALOGUE[part].is_manual:
                continue
            extra = _ids(ledgers, part, year) - _ids(ledgers, whole, year)
            if extra:
                wrong.append(f"{name}: {part} 说是 {whole} 的一部分，但记录 {sorted(extra)[:5]} "
                             f"不在 {whole} 之内")  # fmt: skip
    return wrong


@pytest.mark.parametrize(("bureau", "year"), SAMPLE_YEARS)
@pytest.mark.parametrize("kind", KINDS)
def test_sample_bureau_years_read_right(bureau, year, kind):
    ledgers = sample_ledgers(bureau)
    define_from_notebook(shapes_for(bureau)[kind].notebook, bureau, profile_for(bureau))
    stats = sample_figures(bureau, year, kind)
    html = _render(stats, kind, bureau, year)
    wrong = {name: p for name, section in html.items() if (p := problems(section, stats))}
    assert wrong == {}
    assert check_claims(html, ledgers, year) == []
    places = profile_for(bureau).organisations
    for covered in re.findall(r"覆盖(\d+)个街镇", re.sub(r"<[^>]+>", "", "".join(html.values()))):
        assert int(covered) <= len(places.streets) + len(places.towns)


def _a_carried_in_request_left_open() -> Ledgers:
    """pudong's ledgers with one request of 2020, answered in 2020, made still open: it is carried
    into 2021 and not answered there."""
    base = _pudong_ledgers()
    frames = dict(base.frames)
    d = frames["disclosure_requests"].copy()
    old = d.index[(d["received_date"].dt.year == 2020) & (d["reply_date"].dt.year == 2020)][0]
    d.loc[old, "reply_date"] = pd.NaT
    frames["disclosure_requests"] = d
    return Ledgers(base.data_dir, frames, base.files, base.profile)


def test_a_carried_in_request_still_open_is_not_said_to_be_answered():
    """Item: "答复28件（含上年结转1件）" must count carried-in requests answered in the year, not
    those still open at its start: a 2020 request unanswered through 2021 is carried in, and not
    part of the year's answers."""
    ledgers = _a_carried_in_request_left_open()
    stats = catalogue.figures_document(ledgers, 2021)
    stats["metrics"].update({k: v for k, v in base_stats("rule_of_law")["metrics"].items()
                             if CATALOGUE[k].is_manual})  # fmt: skip
    html = {"m03_functions": _render(stats, "rule_of_law")["m03_functions"]}
    assert stats["metrics"]["disclosure.carried_in"]["value"] == 2
    assert check_claims(html, ledgers, 2021) == []
    assert "（含上年结转" in html["m03_functions"]


def test_the_claims_check_catches_a_part_that_is_not_a_part():
    """The check above fails on the old sentence, which put the requests open at the start of the
    year inside the year's answers."""
    ledgers = _a_carried_in_request_left_open()
    old_sentence = (
        '答复<span class="fig" data-metric="disclosure.requests_answered">28</span>件（含上年结转'
        '<span class="fig" data-metric="disclosure.carried_in">2</span>件）。'
    )
    [wrong] = check_claims({"m03_functions": old_sentence}, ledgers, 2021)
    assert "disclosure.carried_in" in wrong


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('推出“某栏目”<span class="fig" data-metric="outreach.policy_video_episodes">0</span>期。',
         "为 0"),
        ("已覆盖10个街镇和0个开发区。", "0个……和"),
        ("全年开展0场培训。", "零作为已做的事"),
        ("全年办结10件，。", "残留标点"),
        ('办结率<span class="fig" data-metric="wage_arrears.closure_rate">—</span>。', "“—”"),
    ],
)  # fmt: skip
def test_the_sentence_checks_catch_what_they_are_for(html, expected):
    stats = base_stats("rule_of_law")
    assert any(expected in p for p in problems(html, stats))


def test_the_bureaus_names_for_itself_and_its_jurisdiction_come_from_its_profile():
    stats = base_stats("rule_of_law")
    profile = profile_for("qinglan").model_copy(
        update={"district": "青岚县", "short_name": "县人社局"}
    )
    params = load_params(config.params_path(2021, "qinglan"), 2021, profile)
    text = Narrative(stats, params, synthetic=True).section("leader")
    assert "我局在全县法治建设责任制考核中" in text
    assert "全区" not in Narrative(stats, params, synthetic=True).section("m07_governance")


def test_no_figure_names_a_unit_the_profile_decides():
    """The trainer, brand and column a figure counts are the profile's: a figure's name or 口径
    that says 执法大队 or a sample bureau's brand is wrong for every other bureau."""
    for metric in CATALOGUE.values():
        for text in (metric.name, metric.definition):
            assert "执法大队" not in text and "浦东" not in text and "秒懂" not in text, metric.id


@pytest.mark.parametrize("level", LEVELS)
def test_a_bureaus_own_templates_read_right_with_its_figures_at_a_level(level):
    """青岚's own section and its own wording of a package section, with every figure (its own
    among them) at 0, at 1 and at many: the same rules as the package's templates."""
    bureau, year, kind = "qinglan", 2022, "rule_of_law"
    define_from_notebook(shapes_for(bureau)[kind].notebook, bureau, profile_for(bureau))
    stats = copy.deepcopy(sample_figures(bureau, year, kind))
    for entry in stats["metrics"].values():
        entry["value"] = at_level(entry, level)
    own = shapes_for(bureau)[kind].own_sections()
    assert own == ["fund_supervision", "m09_capacity"]
    html = _render(stats, kind, bureau, year)
    assert {name: p for name in own if (p := problems(html[name], stats))} == {}
    if level == "zero":
        assert "全年未开展基金监督检查项目" in html["fund_supervision"]
