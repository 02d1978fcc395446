"""Tests that every YAML in configs/noise/ builds its noise process.

Rationale: the noise group is selected at the top level (``noise=edge_flip``)
and injected into data configs; a broken file would fail only at train time.
Assumptions: configs are found through ``tmgg.paths.config_dir()``.
Invariants: each file instantiates to a NoiseProcess that keeps a small
symmetric graph's shape and symmetry.
"""

import hydra
import pytest
import torch
from omegaconf import OmegaConf

from tmgg.noise import NoiseProcess
from tmgg.paths import config_dir

pytestmark = pytest.mark.unit

NOISE_CONFIGS = sorted(path.stem for path in (config_dir() / "noise").glob("*.yaml"))


def test_expected_files_exist():
    assert {"gaussian", "edge_flip", "rotation"} <= set(NOISE_CONFIGS)


@pytest.mark.parametrize("name", NOISE_CONFIGS)
def test_instantiates_and_runs(name):
    noise = hydra.utils.instantiate(OmegaConf.load(config_dir() / "noise" / f"{name}.yaml"))
    assert isinstance(noise, NoiseProcess)
    adj = torch.ones(2, 16, 16) - torch.eye(16)
    noisy = noise(adj, torch.Generator().manual_seed(0))
    assert noisy.shape == adj.shape
    assert torch.equal(noisy, noisy.transpose(-1, -2))
