"""Tests that every YAML in configs/data/ instantiates and serves batches.

Rationale: data configs are selected by name (``data=sbm_default``) and reach
the DataModule only at train time; a typo in a ``_target_`` or an argument
name must fail here instead.
Assumptions: configs are found through ``tmgg.paths.config_dir()``; each data
config reads ``${noise}`` and ``${seed}`` from the top level, supplied here as
``{seed, noise: configs/noise/edge_flip.yaml, data: <file>}``; counts are
shrunk before setup so that each file takes milliseconds.
Invariants: each file builds a GraphDataModule or SingleGraphDataModule on
>= 16 nodes whose batches are (B, n, n) pairs.
"""

import hydra
import pytest
from omegaconf import OmegaConf

from tmgg.data import DenoisingDataModule
from tmgg.paths import config_dir

pytestmark = pytest.mark.unit

DATA_CONFIGS = sorted(path.stem for path in (config_dir() / "data").glob("*.yaml"))
EXPECTED = {"sbm_default", "sbm_single_graph", "sbm_small", "er", "regular", "tree", "ring_of_cliques"}


def test_expected_files_exist():
    assert EXPECTED <= set(DATA_CONFIGS)


@pytest.mark.parametrize("name", DATA_CONFIGS)
def test_instantiates_and_serves_batches(name):
    cfg = OmegaConf.create(
        {
            "seed": 3,
            "noise": OmegaConf.load(config_dir() / "noise" / "edge_flip.yaml"),
            "data": OmegaConf.load(config_dir() / "data" / f"{name}.yaml"),
        }
    )
    cfg.data.num_train_samples, cfg.data.num_val_samples, cfg.data.num_test_samples = 2, 1, 1
    module = hydra.utils.instantiate(cfg.data)
    assert isinstance(module, DenoisingDataModule)
    assert module.seed == 3
    assert module.num_nodes >= 16
    module.setup()
    clean, noisy = next(iter(module.train_dataloader()))
    assert clean.shape == noisy.shape == (2, module.num_nodes, module.num_nodes)
