"""Tests of DenoisingDataModule, the base of both DataModules.

Rationale: argument checks, setup() and dataloader settings are shared, so they
are tested once here on GraphDataModule, and the split-specific behaviour in
each subclass's own test file.
Assumptions: tiny counts keep setup to milliseconds; dataloaders are built but
worker processes are never started.
Invariants: bad arguments raise ValueError naming them; setup() is idempotent
and gives the same data whatever the stage order; batches are (B, n, n) pairs;
train is shuffled reproducibly; persistent_workers only with workers.
"""

import pytest
import torch

from tmgg.data import DenoisingDataModule, GraphDataModule, SBMGenerator
from tmgg.noise import EdgeFlipNoise

pytestmark = pytest.mark.unit

SIZES = {"num_train_samples": 6, "num_val_samples": 3, "num_test_samples": 2}


def _module(**kwargs):
    args = {"batch_size": 4, "seed": 0, **SIZES, **kwargs}
    return GraphDataModule(SBMGenerator([8, 8], p_in=0.8, p_out=0.1), EdgeFlipNoise(0.1), **args)


def test_is_abstract():
    with pytest.raises(TypeError):
        DenoisingDataModule(SBMGenerator([8], 0.5, 0.1), EdgeFlipNoise(0.1))


def test_default_arguments():
    module = GraphDataModule(SBMGenerator([8, 8], p_in=0.8, p_out=0.1), EdgeFlipNoise(0.1))
    assert module.batch_size == 16 and module.num_workers == 0 and module.num_samples_per_graph == 1
    assert module.num_samples == {"train": 256, "val": 32, "test": 32}
    assert module.seed == 0
    assert module.num_nodes == 16


@pytest.mark.parametrize(
    "name",
    ["batch_size", "num_samples_per_graph", "num_train_samples", "num_val_samples", "num_test_samples"],
)
def test_counts_below_one_raise(name):
    with pytest.raises(ValueError, match=f"{name} must be an integer >= 1, got {name}=0"):
        _module(**{name: 0})


@pytest.mark.parametrize("name", ["num_workers", "seed"])
def test_negative_values_raise(name):
    with pytest.raises(ValueError, match=f"{name}=-1"):
        _module(**{name: -1})


def test_unknown_stage_raises():
    with pytest.raises(ValueError, match="stage='train'"):
        _module().setup("train")


def test_setup_is_idempotent_and_order_free():
    module = _module()
    module.setup("fit")
    train = module.datasets["train"]
    module.setup("fit")
    module.setup()
    assert module.datasets["train"] is train

    reversed_order = _module()
    reversed_order.setup("test")
    reversed_order.setup("validate")
    reversed_order.setup("fit")
    for split in ("train", "val", "test"):
        assert torch.equal(module.datasets[split].noisy_graphs, reversed_order.datasets[split].noisy_graphs)
        assert torch.equal(module.datasets[split].clean_graphs, reversed_order.datasets[split].clean_graphs)


def test_batches_are_clean_noisy_pairs():
    module = _module()
    module.setup()
    clean, noisy = next(iter(module.train_dataloader()))
    assert clean.shape == noisy.shape == (4, 16, 16)
    clean, noisy = next(iter(module.test_dataloader()))
    assert clean.shape == noisy.shape == (2, 16, 16)


def test_train_shuffle_is_seeded_and_eval_is_ordered():
    def first_batch(module):
        module.setup()
        return next(iter(module.train_dataloader()))[0]

    module = _module()
    assert torch.equal(first_batch(module), first_batch(_module()))
    assert not torch.equal(first_batch(module), module.datasets["train"].clean_graphs[:4])
    assert torch.equal(next(iter(module.val_dataloader()))[0], module.datasets["val"].clean_graphs)


def test_persistent_workers_only_with_workers():
    assert not _module().train_dataloader().persistent_workers
    loader = _module(num_workers=2).train_dataloader()
    assert loader.persistent_workers and loader.num_workers == 2
