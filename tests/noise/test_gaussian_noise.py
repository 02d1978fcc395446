"""Tests of GaussianNoise.

Rationale: additive Gaussian noise is the simplest corruption; the denoisers
assume it keeps the adjacency symmetric and leaves the diagonal alone.
Assumptions: inputs are float adjacency matrices with a zero diagonal.
Invariants: same shape, symmetric, zero diagonal, seeded by the generator alone,
sigma=0 is the identity, the added noise has standard deviation about sigma,
sigma < 0 raises ValueError naming sigma.
"""

import pytest
import torch

from tmgg.noise import GaussianNoise

pytestmark = pytest.mark.unit


def _adj(batch=2, n=6):
    upper = torch.triu((torch.arange(batch * n * n).reshape(batch, n, n) % 3 == 0).float(), 1)
    return upper + upper.transpose(-1, -2)


@pytest.mark.parametrize("shape", [(6, 6), (2, 6, 6)])
def test_shape_symmetry_and_zero_diagonal(shape):
    adj = _adj().reshape(-1, 6, 6)[0] if len(shape) == 2 else _adj()
    noisy = GaussianNoise(0.5)(adj, torch.Generator().manual_seed(0))
    assert noisy.shape == shape
    assert torch.equal(noisy, noisy.transpose(-1, -2))
    assert torch.equal(torch.diagonal(noisy, dim1=-2, dim2=-1), torch.zeros(shape[:-1]))
    assert not torch.equal(noisy, adj)


def test_same_seed_same_output_different_seed_different_output():
    adj = _adj()
    noise = GaussianNoise(0.3)
    first = noise(adj, torch.Generator().manual_seed(7))
    again = noise(adj, torch.Generator().manual_seed(7))
    other = noise(adj, torch.Generator().manual_seed(8))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_sigma_zero_changes_nothing():
    adj = _adj()
    assert torch.equal(GaussianNoise(0.0)(adj, torch.Generator().manual_seed(0)), adj)


def test_noise_scale_follows_sigma():
    adj = torch.zeros(1, 60, 60)
    noisy = GaussianNoise(2.0)(adj, torch.Generator().manual_seed(0))
    off_diagonal = noisy[0][torch.triu(torch.ones(60, 60, dtype=torch.bool), 1)]
    assert off_diagonal.std().item() == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize("sigma", [-0.1, float("nan"), float("inf")])
def test_bad_sigma_raises(sigma):
    with pytest.raises(ValueError, match="sigma="):
        GaussianNoise(sigma)
