"""Tests of SingleGraphDataModule.

Rationale: the single-graph setting asks whether a model can denoise one fixed
graph; every split must therefore hold that same clean graph.
Assumptions: tiny counts; EdgeFlipNoise with eps > 0 so noisy draws differ.
Invariants: every clean item of every split equals the graph sampled with
``seed``; split length is num_<split>_samples * num_samples_per_graph; splits
get different noise; batches are (B, n, n) pairs.
"""

import pytest
import torch

from tmgg.data import SBMGenerator, SingleGraphDataModule
from tmgg.noise import EdgeFlipNoise

pytestmark = pytest.mark.unit


def _module():
    generator = SBMGenerator([8, 8], p_in=0.8, p_out=0.1)
    module = SingleGraphDataModule(
        generator,
        EdgeFlipNoise(0.2),
        batch_size=4,
        num_samples_per_graph=3,
        num_train_samples=4,
        num_val_samples=2,
        num_test_samples=2,
        seed=5,
    )
    module.setup()
    return generator, module


def test_every_split_holds_the_same_graph():
    generator, module = _module()
    graph = generator.sample(5)
    assert torch.equal(module.graph, graph)
    for split in ("train", "val", "test"):
        dataset = module.datasets[split]
        assert all(torch.equal(dataset[index][0], graph) for index in range(len(dataset)))


def test_split_sizes_and_batches():
    _, module = _module()
    assert [len(module.datasets[split]) for split in ("train", "val", "test")] == [12, 6, 6]
    clean, noisy = next(iter(module.train_dataloader()))
    assert clean.shape == noisy.shape == (4, 16, 16)


def test_splits_get_different_noise():
    _, module = _module()
    val, test = module.datasets["val"].noisy_graphs, module.datasets["test"].noisy_graphs
    assert not torch.equal(val, test)
    assert len({tuple(graph.flatten().tolist()) for graph in val}) == len(val)
