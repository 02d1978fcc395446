"""Tests of GraphDataModule.

Rationale: with many graphs, a model is judged on graphs it never trained on,
so the splits must not share graphs.
Assumptions: an SBM on 16 nodes practically never repeats a graph across seeds.
Invariants: split length is num_<split>_samples * num_samples_per_graph; no
clean graph appears in two splits; graphs within a split differ; the same seed
rebuilds the same data and another seed gives other graphs.
"""

import pytest
import torch

from tmgg.data import GraphDataModule, SBMGenerator
from tmgg.noise import EdgeFlipNoise

pytestmark = pytest.mark.unit


def _module(seed=0, num_samples_per_graph=1):
    module = GraphDataModule(
        SBMGenerator([8, 8], p_in=0.8, p_out=0.1),
        EdgeFlipNoise(0.1),
        batch_size=4,
        num_samples_per_graph=num_samples_per_graph,
        num_train_samples=8,
        num_val_samples=4,
        num_test_samples=3,
        seed=seed,
    )
    module.setup()
    return module


def test_split_sizes():
    module = _module(num_samples_per_graph=2)
    assert [len(module.datasets[split]) for split in ("train", "val", "test")] == [16, 8, 6]
    assert module.num_nodes == 16


def test_splits_hold_disjoint_graphs():
    module = _module()
    graphs = torch.cat([module.datasets[split].clean_graphs for split in ("train", "val", "test")])
    assert len({tuple(graph.flatten().tolist()) for graph in graphs}) == len(graphs)


def test_seeded():
    first, same, other = _module(seed=1), _module(seed=1), _module(seed=2)
    assert torch.equal(first.datasets["train"].clean_graphs, same.datasets["train"].clean_graphs)
    assert torch.equal(first.datasets["train"].noisy_graphs, same.datasets["train"].noisy_graphs)
    assert not torch.equal(first.datasets["train"].clean_graphs, other.datasets["train"].clean_graphs)
