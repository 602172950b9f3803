"""The columnar loader's own pieces: blanks found from bytes, ISO dates read from bytes, ledgers
held compactly, and the Arrow hand-over to the kernel giving back the very frames."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

from helpers import config
from helpers.ledgers import cells, load
from helpers.ledgers.contract import LEDGERS
from helpers.report import handover


def test_the_listed_blanks_are_every_character_str_strip_removes():
    every = [chr(code).encode() for code in range(0x110000) if chr(code).isspace()]
    assert cells._SPACES == every


def test_blank_edges_are_found_as_str_strip_finds_them():
    chars = ["a", "中", "\u3000", " ", "\xa0", "\u2028", "\t", "司", "\x1c", "\u2003", "\u2060",
             "é", "ぁ", "\x85", "0", "“", "〇"]  # fmt: skip
    rng = random.Random(7)
    values = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 5))) for _ in range(5000)]
    values += [None, ""]
    arr = pa.array(values, type=pa.string())
    expected = np.array([bool(v) and v != v.strip() for v in values])
    assert (cells._blank_edged(arr) == expected).all()
    assert (cells._blank_edged(arr.slice(100, 2000)) == expected[100:2100]).all()


@pytest.mark.parametrize(
    "text",
    ["2021-03-05", "2020-02-29", "2021-02-29", "2021-13-01", "2021-00-10", "2021-04-31",
     "1677-09-22", "1677-09-21", "2262-04-11", "2262-04-12", "0021-03-05", "2021-3-05",
     "2021/03/05", "20210305xx", "2021-03-5 ", "２０２１-03-05", "2021年3月5日", "45291"],
)  # fmt: skip
def test_dates_read_from_bytes_agree_with_the_text_parser(text):
    arr = pa.array([text], type=pa.string())
    values, bad = cells._parse_date_array(arr, np.array([True]))
    parsed = cells.parse_dates(pd.Series([text.strip()], dtype=object))
    parsed = pd.to_datetime(parsed, errors="coerce")
    in_range = (
        parsed.notna()
        & (parsed >= pd.Timestamp("1677-09-22"))
        & (parsed <= pd.Timestamp("2262-04-11"))
    )
    if in_range.iloc[0]:
        assert not bad[0] and values[0] == parsed.iloc[0].to_datetime64()
    else:
        assert bad[0] and np.isnat(values[0])


def test_ledgers_are_held_compactly(ledgers):
    disputes = ledgers["disputes"]
    spec = LEDGERS["disputes"]
    for column in spec.columns:
        if column.name not in disputes:
            continue
        dtype = disputes[column.name].dtype
        if column.kind == "enum":
            assert list(dtype.categories) == list(column.allowed), column.name
        elif column.repeated:
            assert isinstance(dtype, pd.CategoricalDtype), column.name
            assert list(dtype.categories) == sorted(dtype.categories), column.name
        elif column.kind == "date":
            assert dtype == "datetime64[ns]", column.name
    assert disputes["case_id"].dtype == "str"
    assert isinstance(disputes["case_id"].array, pd.arrays.ArrowStringArray)
    # Every line from the first record on, in order: the index costs nothing.
    assert isinstance(disputes.index, pd.RangeIndex)


def test_the_hand_over_gives_back_the_frames_and_maps_their_text(ledgers, tmp_path):
    folder = tmp_path / "ledgers"
    frames = dict(ledgers.frames)
    frames["meetings"] = frames["meetings"].iloc[::2]  # an index that is not a range
    handed = load.Ledgers(ledgers.data_dir, frames, ledgers.files, ledgers.profile)
    handover.write_ledgers(handed, folder)
    back = handover.read_ledgers(folder, ledgers.profile)
    assert back.files == ledgers.files and back.data_dir == ledgers.data_dir
    for name, frame in frames.items():
        # Exact: the values themselves, not pandas' tolerant check, which boxes every cell of a
        # categorical column one by one (most of a minute over the sample's disputes).
        assert_frame_equal(back[name], frame, check_index_type=True, check_exact=True, obj=name)
    # Each column in its own file, numbers in one piece: the kernel's arrays are the mapped bytes.
    dates = back["disputes"]["received_date"].to_numpy()
    assert not dates.flags.writeable and not dates.flags.owndata


def test_handed_figures_are_used_only_for_the_same_report(tmp_path):
    stats = {"year": 2021, "metrics": {"x": {"value": 1}}}
    key = {"year": 2021, "kind": "rule_of_law", "data_dir": Path("data"), "params": Path("p.yaml")}
    handover.write_stats(tmp_path, stats, **key)
    assert handover.read_stats(tmp_path, **key) == stats
    assert handover.read_stats(tmp_path, **(key | {"year": 2022})) is None
    assert handover.read_stats(tmp_path, **(key | {"kind": "disclosure"})) is None
    assert handover.read_stats(None, **key) is None


def test_a_file_needing_the_row_by_row_reader_gives_the_same_frame(ledger_dir, sample_ledgers_dir):
    """A quoted cell over two lines: Arrow cannot number its lines, the row-by-row reader can."""
    path = ledger_dir / "meetings.csv"
    header, *rows = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    cells = rows[3].split(",")
    position = header.split(",").index("session_label")
    cells[position] = f'"{cells[position]}"'
    rows[3] = ",".join(cells)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert_frame_equal(load.load_ledger(ledger_dir, "meetings"),
                       load.load_ledger(sample_ledgers_dir, "meetings"), check_exact=True)  # fmt: skip
    cells[position] = f'"{cells[position][1:-1]}\n续"'
    rows[3] = ",".join(cells)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    frame = load.load_ledger(ledger_dir, "meetings")
    assert frame.index[4] == 7  # the record after the two-line one starts on line 7


def test_the_work_paper_is_the_same_whether_figures_are_kept_or_evaluated_anew(
    ledgers, figures_2021, tmp_path, monkeypatch
):
    """At millions of rows each figure is evaluated when its rows are written and then let go."""
    from helpers.figures import catalogue as metrics
    from helpers.render.workpaper import write_workbook

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643500800")
    stats = figures_2021
    kept, anew = tmp_path / "kept.xlsx", tmp_path / "anew.xlsx"
    write_workbook(kept, stats, metrics.evaluate(ledgers, 2021), ledgers)
    write_workbook(anew, stats, metrics.Evaluated(ledgers, 2021), ledgers)
    assert kept.read_bytes() == anew.read_bytes()


@pytest.mark.parametrize("kind", ["rule_of_law", "disclosure"])
def test_the_work_paper_is_the_same_from_the_results_the_figures_kept(
    kind, ledgers, tmp_path, monkeypatch
):
    """A build of modest size hands the work paper the rules' results its figures came from."""
    from helpers.render.workpaper import write_evidence
    from helpers.report.document import year_figures

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1643500800")
    kept: dict = {}
    stats = year_figures(2021, config.DATA_DIR, config.params_path(2021), ledgers, report=kind,
                         kept=kept)  # fmt: skip
    assert kept, "the rules' results were kept"
    from_kept, anew = tmp_path / "kept.xlsx", tmp_path / "anew.xlsx"
    write_evidence(from_kept, stats, ledgers, kept)
    write_evidence(anew, stats, ledgers)
    assert from_kept.read_bytes() == anew.read_bytes()
