"""CSV files the package writes cannot smuggle spreadsheet formulas."""

from __future__ import annotations

import pandas as pd

from helpers.ledgers.csvio import neutralise, write_csv


def test_formula_like_text_is_neutralised_and_numbers_are_not(tmp_path):
    frame = pd.DataFrame({
        "name": ["=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)", "上海某公司", None],
        "amount": [-5, 1, 2, 3, 4, 5],
        "text_number": ["-12.5", "3", "x", "y", "z", "w"],
    })  # fmt: skip
    safe = neutralise(frame)
    assert list(safe["name"][:4]) == ['\'=HYPERLINK("http://x")', "'+cmd", "'-2+3", "'@SUM(A1)"]
    assert safe["name"][4] == "上海某公司" and pd.isna(safe["name"][5])
    assert list(safe["amount"]) == [-5, 1, 2, 3, 4, 5]
    assert safe["text_number"][0] == "-12.5"
    path = tmp_path / "out.csv"
    write_csv(frame, path)
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "\n'+cmd" in text and "\r" not in text
