"""`make data` reproduces the committed sample ledgers byte for byte."""

from __future__ import annotations

import hashlib

from helpers import config, generate
from helpers.contract import LEDGERS


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_reproduces_committed_ledgers(tmp_path):
    generate.write_all(tmp_path)
    for name in LEDGERS:
        assert digest(tmp_path / f"{name}.csv") == digest(config.DATA_DIR / f"{name}.csv"), name
    for extra in ("README.md", "SYNTHETIC"):
        assert digest(tmp_path / extra) == digest(config.DATA_DIR / extra), extra


def test_sample_folder_says_it_is_synthetic():
    text = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "合成" in text and "synthetic" in text


def test_scale_multiplies_high_volume_ledgers():
    small = generate.build_all(scale=1)
    frames = generate.build_all(scale=2)
    assert len(frames["disputes"]) == 2 * len(small["disputes"])
    assert len(frames["proposals"]) == len(small["proposals"])
