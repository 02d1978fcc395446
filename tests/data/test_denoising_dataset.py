"""Tests of DenoisingDataset.

Rationale: the dataset fixes all noise up front so that results do not depend
on dataloader workers or access order.
Assumptions: the noise process is called once on the repeated clean graphs.
Invariants: length is N * num_samples_per_graph; item i pairs clean graph
i // num_samples_per_graph with a noisy copy; items are (n, n) float32; the same
seed gives the same noise and a different seed a different one; copies of one
graph get different noise; bad shapes or counts raise ValueError naming them.
"""

import pytest
import torch

from tmgg.data import DenoisingDataset, SBMGenerator
from tmgg.noise import EdgeFlipNoise

pytestmark = pytest.mark.unit


def _clean(count=3):
    generator = SBMGenerator([4, 4], p_in=0.9, p_out=0.1)
    return torch.stack([generator.sample(seed) for seed in range(count)])


def test_length_and_item_pairing():
    clean = _clean()
    dataset = DenoisingDataset(clean, EdgeFlipNoise(0.2), num_samples_per_graph=2, seed=0)
    assert len(dataset) == 6
    for index in range(6):
        clean_item, noisy_item = dataset[index]
        assert clean_item.shape == noisy_item.shape == (8, 8)
        assert clean_item.dtype == noisy_item.dtype == torch.float32
        assert torch.equal(clean_item, clean[index // 2])


def test_copies_of_one_graph_get_different_noise():
    dataset = DenoisingDataset(_clean(1), EdgeFlipNoise(0.3), num_samples_per_graph=2, seed=0)
    assert not torch.equal(dataset[0][1], dataset[1][1])


def test_noise_is_seeded():
    clean = _clean()
    first = DenoisingDataset(clean, EdgeFlipNoise(0.3), seed=4)
    same = DenoisingDataset(clean, EdgeFlipNoise(0.3), seed=4)
    other = DenoisingDataset(clean, EdgeFlipNoise(0.3), seed=5)
    assert torch.equal(first.noisy_graphs, same.noisy_graphs)
    assert not torch.equal(first.noisy_graphs, other.noisy_graphs)


def test_zero_noise_gives_clean_pairs():
    clean = _clean()
    dataset = DenoisingDataset(clean, EdgeFlipNoise(0.0), seed=0)
    assert all(torch.equal(*dataset[index]) for index in range(len(dataset)))


def test_bad_shape_raises():
    with pytest.raises(ValueError, match=r"clean_graphs.shape=\(8, 8\)"):
        DenoisingDataset(torch.zeros(8, 8), EdgeFlipNoise(0.1))


def test_bad_num_samples_per_graph_raises():
    with pytest.raises(ValueError, match="num_samples_per_graph=0"):
        DenoisingDataset(_clean(), EdgeFlipNoise(0.1), num_samples_per_graph=0)
