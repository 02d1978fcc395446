"""Tests of EdgeFlipNoise.

Rationale: edge flipping is the DiGress-style discrete corruption; training
targets assume the noisy graph is again a simple 0/1 graph.
Assumptions: inputs are 0/1 symmetric matrices with a zero diagonal.
Invariants: output is 0/1, symmetric, zero diagonal; eps=0 changes nothing;
eps=1 flips every off-diagonal entry; the flip rate is about eps; the output
depends only on the generator seed; eps outside [0, 1] raises ValueError naming eps.
"""

import pytest
import torch

from tmgg.noise import EdgeFlipNoise

pytestmark = pytest.mark.unit


def _adj(batch=3, n=8):
    upper = torch.triu(torch.rand(batch, n, n, generator=torch.Generator().manual_seed(0)) < 0.4, 1).float()
    return upper + upper.transpose(-1, -2)


def test_output_is_simple_graph_of_same_shape():
    adj = _adj()
    noisy = EdgeFlipNoise(0.3)(adj, torch.Generator().manual_seed(0))
    assert noisy.shape == adj.shape
    assert torch.equal(noisy, noisy.transpose(-1, -2))
    assert torch.equal(torch.diagonal(noisy, dim1=-2, dim2=-1), torch.zeros(3, 8))
    assert set(noisy.unique().tolist()) <= {0.0, 1.0}


def test_unbatched_input():
    adj = _adj()[0]
    noisy = EdgeFlipNoise(0.3)(adj, torch.Generator().manual_seed(0))
    assert noisy.shape == (8, 8)
    assert torch.equal(noisy, noisy.T)


def test_eps_zero_changes_nothing():
    adj = _adj()
    assert torch.equal(EdgeFlipNoise(0.0)(adj, torch.Generator().manual_seed(0)), adj)


def test_eps_one_flips_every_off_diagonal_entry():
    adj = _adj(n=40)
    noisy = EdgeFlipNoise(1.0)(adj, torch.Generator().manual_seed(0))
    off_diagonal = ~torch.eye(40, dtype=torch.bool)
    assert torch.equal(noisy[:, off_diagonal], 1.0 - adj[:, off_diagonal])
    assert torch.equal(torch.diagonal(noisy, dim1=-2, dim2=-1), torch.zeros(3, 40))


def test_flip_rate_is_about_eps():
    adj = torch.zeros(1, 80, 80)
    noisy = EdgeFlipNoise(0.2)(adj, torch.Generator().manual_seed(0))
    rate = noisy[0][torch.triu(torch.ones(80, 80, dtype=torch.bool), 1)].mean().item()
    assert rate == pytest.approx(0.2, abs=0.03)


def test_same_seed_same_output_different_seed_different_output():
    adj = _adj()
    noise = EdgeFlipNoise(0.3)
    first = noise(adj, torch.Generator().manual_seed(1))
    assert torch.equal(first, noise(adj, torch.Generator().manual_seed(1)))
    assert not torch.equal(first, noise(adj, torch.Generator().manual_seed(2)))


@pytest.mark.parametrize("eps", [-0.01, 1.5, float("nan")])
def test_eps_outside_unit_interval_raises(eps):
    with pytest.raises(ValueError, match=r"eps must be in \[0, 1\], got eps="):
        EdgeFlipNoise(eps)
