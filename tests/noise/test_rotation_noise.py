"""Tests of RotationNoise.

Rationale: rotation noise perturbs the leading eigenvectors while keeping the
spectrum, the corruption the spectral denoisers are designed to undo.
Assumptions: inputs are symmetric float matrices; graphs may have fewer than k nodes.
Invariants: output is symmetric with the input's shape; its eigenvalues equal the
input's; angle_scale=0 returns the input exactly; a positive angle changes it;
the output depends only on the generator seed; only the top-k eigenspace moves;
k < 1 or angle_scale < 0 raise ValueError naming the argument.
"""

import pytest
import torch

from tmgg.noise import RotationNoise

pytestmark = pytest.mark.unit


def _adj(batch=2, n=10):
    upper = torch.triu(torch.rand(batch, n, n, generator=torch.Generator().manual_seed(0)) < 0.5, 1).float()
    return upper + upper.transpose(-1, -2)


@pytest.mark.parametrize("shape", [(10, 10), (2, 10, 10)])
def test_shape_and_symmetry(shape):
    adj = _adj().reshape(-1, 10, 10)[0] if len(shape) == 2 else _adj()
    noisy = RotationNoise(k=4, angle_scale=0.5)(adj, torch.Generator().manual_seed(0))
    assert noisy.shape == shape
    assert torch.equal(noisy, noisy.transpose(-1, -2))
    assert not torch.allclose(noisy, adj, atol=1e-3)


def test_spectrum_is_kept():
    adj = _adj()
    noisy = RotationNoise(k=4, angle_scale=0.5)(adj, torch.Generator().manual_seed(0))
    assert torch.allclose(torch.linalg.eigvalsh(noisy), torch.linalg.eigvalsh(adj), atol=1e-4)


def test_angle_scale_zero_changes_nothing():
    adj = _adj()
    assert torch.equal(RotationNoise(k=4, angle_scale=0.0)(adj, torch.Generator().manual_seed(0)), adj)


def test_only_top_k_eigenspace_moves():
    adj = _adj(batch=1)[0]
    eigenvalues, eigenvectors = torch.linalg.eigh(adj)
    rest = eigenvectors[:, eigenvalues.abs().argsort(descending=True)[3:]]
    noisy = RotationNoise(k=3, angle_scale=0.5)(adj, torch.Generator().manual_seed(0))
    assert torch.allclose(noisy @ rest, adj @ rest, atol=1e-4)


def test_k_larger_than_graph_uses_all_eigenvectors():
    adj = _adj(n=5)
    noisy = RotationNoise(k=8, angle_scale=0.5)(adj, torch.Generator().manual_seed(0))
    assert noisy.shape == (2, 5, 5)
    assert torch.allclose(torch.linalg.eigvalsh(noisy), torch.linalg.eigvalsh(adj), atol=1e-4)


def test_same_seed_same_output_different_seed_different_output():
    adj = _adj()
    noise = RotationNoise(k=4, angle_scale=0.3)
    first = noise(adj, torch.Generator().manual_seed(5))
    assert torch.equal(first, noise(adj, torch.Generator().manual_seed(5)))
    assert not torch.allclose(first, noise(adj, torch.Generator().manual_seed(6)))


@pytest.mark.parametrize("k", [0, -2, 1.5])
def test_bad_k_raises(k):
    with pytest.raises(ValueError, match="k must be an integer >= 1, got k="):
        RotationNoise(k=k, angle_scale=0.1)


@pytest.mark.parametrize("angle_scale", [-0.1, float("inf")])
def test_bad_angle_scale_raises(angle_scale):
    with pytest.raises(ValueError, match="angle_scale="):
        RotationNoise(k=2, angle_scale=angle_scale)
