"""Trust: personal data never reaches an output, hostile text stays text, a killed run loses
nothing, and the reader's HTML renders on a machine with no network at all."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml

from helpers import config
from helpers.errors import ParamsError
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import load_ledgers
from helpers.runs.report import OUTPUTS, ReportRequest, build_report

EPOCH = "1643500800"
SCRIPT = "<script>alert('ledger')</script>"
IMG = "<img src=x onerror=alert('params')>"
# Passages refuse markup outright (see test_markup_in_a_passage_is_refused); text that only looks
# like it must still come out as text.
ANGLES = "若 5<6 & 7>3，则 x>y"
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, report_ledgers_dir) -> tuple[Path, Path]:
    """Ledgers and params outside the project, with markup in a ledger cell and a passage."""
    root = tmp_path_factory.mktemp("elsewhere")
    data = root / "ledgers"
    shutil.copytree(report_ledgers_dir, data)
    disputes = data / "disputes.csv"
    lines = disputes.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("employer_name")] = SCRIPT.replace("'", "")
    lines[1] = ",".join(cells)
    disputes.write_text("\n".join(lines), encoding="utf-8")
    params = yaml.safe_load(config.params_path(2021).read_text(encoding="utf-8"))
    params["passages"]["problems"] = f"{ANGLES}{params['passages']['problems']}"
    params_path = root / "params" / "2021.yaml"
    params_path.parent.mkdir()
    params_path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return data, params_path


@pytest.fixture(scope="module")
def built(inputs, tmp_path_factory) -> Path:
    data, params = inputs
    out = tmp_path_factory.mktemp("out") / "reports"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_report(ReportRequest(2021, data, out, params), log=lambda _: None)
    return out


def output_texts(report: Path) -> dict[str, str]:
    texts = {}
    for name in OUTPUTS:
        path = report / name
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(path) as book:
                texts[name] = "\n".join(book.read(n).decode("utf-8") for n in book.namelist())
        elif name.endswith(".docx"):
            with zipfile.ZipFile(path) as package:  # the XML parts; images are charts
                texts[name] = "\n".join(package.read(n).decode("utf-8")
                                        for n in package.namelist() if n.endswith((".xml", ".rels")))  # fmt: skip
        elif name.endswith(".pdf"):
            texts[name] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                         capture_output=True, text=True, check=True).stdout  # fmt: skip
            texts[name + " (bytes)"] = path.read_bytes().decode("latin-1")
        else:
            texts[name] = path.read_text(encoding="utf-8")
    return texts


def personal_values(data_dir: Path) -> set[str]:
    ledgers = load_ledgers(data_dir, keep_personal=True)
    values: set[str] = set()
    for name, spec in LEDGERS.items():
        for column in spec.personal_columns:
            values.update(ledgers[name][column].dropna().astype(str))
    return values


def test_no_personal_value_or_pattern_in_any_output(built, inputs):
    texts = output_texts(built / "2021")
    values = personal_values(inputs[0])
    # Two-character names are also ordinary words (a surname and a common character); the
    # longer values, every ID number and every phone number must never appear.
    distinctive = {v for v in values if len(v) >= 3}
    assert len(distinctive) > 1000
    scanned = 0
    for name, text in texts.items():
        scanned += 1
        leaked = [v for v in distinctive if v in text]
        assert not leaked, (name, leaked[:5])
        if not name.endswith("(bytes)") and name != "report.ipynb":
            assert not ID_NUMBER.search(text), name
            assert not MOBILE.search(text), name
    assert scanned == len(OUTPUTS) + 1


def test_executed_notebook_has_no_id_or_phone_patterns_outside_images(built):
    notebook = (built / "2021" / "report.ipynb").read_text(encoding="utf-8")
    without_images = re.sub(r'"image/png": "[^"]*"', "", notebook)
    assert not ID_NUMBER.search(without_images)
    assert not MOBILE.search(without_images)


def test_hostile_text_is_escaped_everywhere(built):
    report = built / "2021"
    for name in ("report.html", "review.html"):
        html = (report / name).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, name
    reader = (report / "report.html").read_text(encoding="utf-8")
    assert "5&lt;6 &amp; 7&gt;3，则 x&gt;y" in reader
    pdf_text = output_texts(report)["report.pdf"]
    assert ANGLES in pdf_text.replace("\n", "")


def test_markup_in_a_passage_stops_the_build_naming_the_key(inputs, tmp_path):
    data, params = inputs
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    raw["passages"]["problems"] = f"{IMG}{raw['passages']['problems']}"
    hostile = tmp_path / "2021.yaml"
    hostile.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        build_report(ReportRequest(2021, data, tmp_path / "out", hostile), log=lambda _: None)
    assert "passages.problems" in str(error.value) and "<img" in str(error.value)
    assert not (tmp_path / "out" / "2021").exists()


def _snapshot(report: Path) -> dict[str, bytes]:
    return {name: (report / name).read_bytes() for name in OUTPUTS}


@pytest.mark.parametrize("stage", ["execute", "html", "pdf"])
def test_a_run_killed_mid_stage_loses_nothing(stage, built, inputs, tmp_path):
    data, params = inputs
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    before = _snapshot(out / "2021")
    command = [sys.executable, "-m", "helpers", "report", "--year", "2021", "--data-dir", str(data),
               "--out-dir", str(out), "--params", str(params)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)  # fmt: skip
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.startswith(f"[{stage}]"):
                break
        else:
            pytest.fail(f"stage {stage} never started")
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert _snapshot(out / "2021") == before
    assert sorted(p.name for p in (out / "2021").iterdir()) == sorted(OUTPUTS)
    rerun = subprocess.run(
        command, capture_output=True, text=True, env=os.environ | {"SOURCE_DATE_EPOCH": EPOCH}
    )
    assert rerun.returncode == 0, rerun.stderr
    assert not list(out.glob(".2021.*"))  # no staging folder, no lock file
    # Nor anything of the killed run in the temporary folder (kernel files, ledgers, Typst root).
    assert not list(Path(tempfile.gettempdir()).glob(f"report-build-{process.pid}-*"))
    assert _snapshot(out / "2021")["report.pdf"] == before["report.pdf"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_reader_html_has_no_external_reference(built):
    html = (built / "2021" / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", html, re.I)
    assert "@import" not in html


@pytest.mark.skipif(_chromium() is None, reason="chromium is installed by `make test`")
def test_reader_html_renders_in_chromium_with_the_network_cut_off(built, tmp_path):
    page = built / "2021" / "report.html"
    shot = tmp_path / "page.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--proxy-server=socks5://127.0.0.1:9",
             "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip
    # A network namespace of our own has no interface but loopback: nothing can be fetched.
    isolate = ["unshare", "--net"] if shutil.which("unshare") and os.geteuid() == 0 else []
    dom = subprocess.run(isolate + [_chromium(), *flags, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "共受理劳动人事争议案件" in dom.stdout
    subprocess.run(isolate + [_chromium(), *flags, f"--screenshot={shot}", "--window-size=1000,1400",
                              page.as_uri()], capture_output=True, timeout=120, check=True)  # fmt: skip
    from PIL import Image

    image = Image.open(shot).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 0.005 * image.width * image.height  # text was drawn, not a blank page
