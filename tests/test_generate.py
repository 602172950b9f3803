"""`make data` reproduces the committed sample ledgers byte for byte, for every sample bureau."""

from __future__ import annotations

import hashlib

import pytest

from helpers import config
from helpers.bureau import profile_for
from helpers.ledgers import samples as generate
from helpers.ledgers.contract import LEDGERS

SAMPLE_BUREAUS = [config.DEFAULT_BUREAU, "qinglan"]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("bureau", SAMPLE_BUREAUS)
def test_generator_reproduces_committed_ledgers(tmp_path, bureau):
    generate.write_all(tmp_path, profile=profile_for(bureau))
    committed = config.data_dir(bureau)
    for name in LEDGERS:
        assert digest(tmp_path / f"{name}.csv") == digest(committed / f"{name}.csv"), name
    for extra in ("README.md", "SYNTHETIC"):
        assert digest(tmp_path / extra) == digest(committed / extra), extra


@pytest.mark.parametrize("bureau", SAMPLE_BUREAUS)
def test_sample_folder_says_it_is_synthetic(bureau):
    text = (config.data_dir(bureau) / "README.md").read_text(encoding="utf-8")
    assert "合成" in text and "synthetic" in text
    assert (config.data_dir(bureau) / "SYNTHETIC").is_file()


def test_second_bureau_is_about_a_tenth_of_the_sample():
    sample = generate.build_all(profile=profile_for(config.DEFAULT_BUREAU))
    second = generate.build_all(profile=profile_for("qinglan"))
    ratio = len(second["disputes"]) / len(sample["disputes"])
    assert 0.05 < ratio < 0.15
    assert set(second["mediation_orgs"]["org_name"]).isdisjoint(
        sample["mediation_orgs"]["org_name"]
    )


def test_scale_multiplies_high_volume_ledgers():
    small = generate.build_all(scale=1)
    frames = generate.build_all(scale=2)
    assert len(frames["disputes"]) == 2 * len(small["disputes"])
    assert len(frames["proposals"]) == len(small["proposals"])
