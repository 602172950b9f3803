"""The review edition of both reports, as built: every number traceable to its card and back."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.figures.catalogue import CATALOGUE
from helpers.report.narrative import base_metric

_VOID = {"br", "img", "meta", "link", "hr", "input", "col", "wbr", "source", "area", "base"}


@pytest.fixture(scope="module")
def disclosure_dir(disclosure_cli_run) -> Path:
    """The 2021 disclosure report as `python -m helpers report --kind disclosure` built it (the
    run test_disclosure checks)."""
    return disclosure_cli_run[1] / "2021-disclosure"


@pytest.fixture(params=["rule_of_law", "disclosure"])
def built(request, report_dir, disclosure_dir) -> Path:
    return report_dir if request.param == "rule_of_law" else disclosure_dir


class Page(HTMLParser):
    """Ids, links, traced numbers (with the link each sits in), headings and cards of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.numbers: list[tuple[str, str | None, bool]] = []  # metric, enclosing href, listed
        self.headings: list[str] = []
        self.cards: dict[str, list[str]] = {}  # card id -> hrefs in its 用于 list
        self.toc: list[str] = []
        self._open: list[tuple[str, dict]] = []
        self.feed(html)

    def _inside(self, tag: str, cls: str = "") -> dict | None:
        return next((a for t, a in reversed(self._open)
                     if t == tag and cls in (a.get("class") or "").split() + [""]), None)  # fmt: skip

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("h2", "h3") and not self._inside("nav"):
            self.headings.append(a.get("id", ""))
        if tag == "section" and "fig-card" in a.get("class", "").split():
            self.cards[a["id"].removeprefix("fig-")] = []
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
            if self._inside("nav"):
                self.toc.append(a["href"])
            if self._inside("div", "fig-uses") and (card := self._inside("section", "fig-card")):
                self.cards[card["id"].removeprefix("fig-")].append(a["href"])
        if tag == "span" and a.get("class") == "fig":
            link = self._inside("a")
            self.numbers.append((a["data-metric"], link.get("href") if link else None,
                                 "data-listed" in a))  # fmt: skip
        if tag not in _VOID:
            self._open.append((tag, a))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return


@pytest.fixture
def page(built) -> Page:
    return Page((built / "review.html").read_text(encoding="utf-8"))


def test_every_number_links_to_its_own_existing_card(page):
    assert len(page.numbers) > 50
    for metric, href, _ in page.numbers:
        assert href == f"#fig-{metric}", (metric, href)
        assert metric in page.cards, metric


def test_every_card_links_back_to_every_use_and_its_heading(page):
    uses = [m for m, _, listed in page.numbers if not listed]
    for card, back in page.cards.items():
        to_uses = [h for h in back if h.startswith("#use-")]
        assert len(to_uses) == uses.count(card), card
        assert all(h.startswith("#use-") or h.startswith("#sec-") for h in back), back
        assert all(h[1:] in page.ids for h in back), (card, back)
    assert all(h[1:] in page.ids for h in page.hrefs if h.startswith("#"))


def test_the_contents_list_every_heading_and_resolves(page):
    assert page.toc and all(h[1:] in page.ids for h in page.toc)
    assert set(page.headings) - {""} <= {h[1:] for h in page.toc}
    assert "" not in page.headings


def test_derived_numbers_have_cards_with_formula_base_and_rounding(built, page):
    html = (built / "review.html").read_text(encoding="utf-8")
    derived = {m for m, _, _ in page.numbers if m != base_metric(m)}
    if built.name == "2021":
        assert {"disputes.accepted_total.growth", "disputes.accepted_total.change"} <= derived
    for metric in derived:
        card = html[html.index(f'id="fig-{metric}"') :]
        card = card[: card.index("</section>")]
        assert f'href="#fig-{base_metric(metric)}"' in card
        assert "上年" in card and "修约" in card and "公式" in card
        assert (
            ("÷ 上年 × 100" in card and "一位小数" in card)
            if metric.endswith(".growth")
            else "本年 − 上年" in card
        )


def test_growth_card_recomputes_the_stated_rate(report_dir):
    html = (report_dir / "review.html").read_text(encoding="utf-8")
    stats = json.loads((report_dir / "stats.json").read_text(encoding="utf-8"))["metrics"]
    entry = stats["disputes.accepted_total"]
    card = html[html.index('id="fig-disputes.accepted_total.growth"') :]
    card = card[: card.index("</section>")]
    exact = 100 * (entry["value"] - entry["previous"]) / entry["previous"]
    assert f"{exact:.4f}" in card
    stated = re.search(r'data-metric="disputes.accepted_total.growth"[^>]*>([^<]+)<', html).group(1)
    assert f"增长{stated}" in card


def test_the_comparisons_section_names_the_params_key_and_links_the_cards(built):
    html = (built / "review.html").read_text(encoding="utf-8")
    start = html.index("与上年比较的指标 / Figures compared with last year", html.index("</nav>"))
    section = html[start : html.index("已计算但未写出的数字", start)]
    assert "<code>comparisons</code>" in section
    if built.name == "2021":
        for metric in ("disputes.accepted_total", "wage_arrears.leads_received"):
            assert f'href="#fig-{metric}"' in section and f'href="#fig-{metric}.growth"' in section


def test_figures_no_edition_states_are_listed(built, page):
    html = (built / "review.html").read_text(encoding="utf-8")
    block = html[html.index('<div class="unstated-figures">') :]
    listed = re.findall(r'href="#fig-([^"]+)"', block[: block.index("</div>")])
    reader = (built / "report.html").read_text(encoding="utf-8")
    printed = set(re.findall(r'data-metric="([^"]+)"', reader))
    assert all(metric in page.cards and metric not in printed for metric in listed)
    if built.name == "2021":
        assert "wage_arrears.amount_recovered" in listed


def test_manual_cards_show_the_params_key_and_provenance(built, page):
    html = (built / "review.html").read_text(encoding="utf-8")
    manual = [m for m in page.cards if m in CATALOGUE and CATALOGUE[m].is_manual]
    assert manual
    prefix = (
        "disclosure.manual_figures." if built.name.endswith("disclosure") else "manual_figures."
    )
    for metric in manual:
        card = html[html.index(f'id="fig-{metric}"') :]
        card = card[: card.index("</section>")]
        assert f"<code>{prefix}{metric}</code>" in card
        assert "来源 source" in card or "未填写来源" in card


def test_manual_numbers_are_marked_in_both_html_editions(built):
    for name in ("report.html", "review.html"):
        html = (built / name).read_text(encoding="utf-8")
        marked = re.findall(
            r'data-metric="([^"]+)"[^>]*>[^<]*</span>(?:</a>)?(<sup class="manual-mark")?', html
        )
        assert marked
        for metric, mark in marked:
            manual = metric in CATALOGUE and CATALOGUE[metric].is_manual
            assert bool(mark) == manual, (name, metric)
        if any(mark for _, mark in marked):
            assert "人工填报" in html


def test_cards_link_the_shipped_contract_and_work_paper(built):
    html = (built / "review.html").read_text(encoding="utf-8")
    contract = (built / "contract.html").read_text(encoding="utf-8")
    targets = set(re.findall(r'href="contract\.html#([^"]+)"', html))
    assert any(t.startswith("ledger-") for t in targets)
    assert all(f'id="{t}"' in contract for t in targets), targets - set(
        re.findall(r'id="([^"]+)"', contract)
    )
    assert 'href="evidence.xlsx"' in html and (built / "evidence.xlsx").exists()
