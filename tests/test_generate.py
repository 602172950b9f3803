"""`make data` reproduces the committed sample ledgers byte for byte, for every sample bureau."""

from __future__ import annotations

import hashlib

import pytest

from helpers import config
from helpers.bureau import profile_for
from helpers.ledgers import samples as generate
from helpers.ledgers.contract import LEDGERS
from helpers.ledgers.load import load_ledgers

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


def test_a_larger_scale_is_written_block_by_block_and_stays_valid(tmp_path):
    """At 2× the high-volume ledgers are the 1× ledger followed by a second block drawn afresh:
    each year twice the 1× rows, ids unique, every other ledger the 1× one, and the whole
    folder valid against the contract."""
    counts = generate.write_all(tmp_path, scale=2)
    committed = config.data_dir(config.DEFAULT_BUREAU)
    for name in LEDGERS:
        one = (committed / f"{name}.csv").read_bytes()
        two = (tmp_path / f"{name}.csv").read_bytes()
        if name in generate.SCALED:
            assert two.startswith(one), name  # block 0 is the 1× ledger, ids and all
            assert two != one + one[one.index(b"\n") + 1 :], name  # block 1 is drawn afresh
            assert counts[name] == 2 * (one.count(b"\n") - 1), name
        else:
            assert two == one, name
    ledgers = load_ledgers(tmp_path)
    sample = load_ledgers(committed, names=list(generate.SCALED))
    for name in generate.SCALED:
        frame, base = ledgers[name], sample[name]
        assert frame[LEDGERS[name].key].is_unique
        years = frame["received_date"].dt.year.value_counts()
        assert years.to_dict() == (2 * base["received_date"].dt.year.value_counts()).to_dict()
