"""Tests of ``GraphFilterBank`` (``V diag(sum_j h_j lam~^j) V^T + b``) beyond the shared contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) covers shape, symmetry,
gradients, equivariance, small graphs and bad input; what is specific is the model's
closed form. Assumptions: random weighted symmetric test graphs (distinct eigenvalues).
Invariants: at initialisation (``h_1 = 1``) with ``k = n`` the logits are ``n / rho``
times the adjacency (eigenvectors have unit-RMS entries, eigenvalues are divided by
the spectral radius ``rho``); a single constant tap gives ``n`` times the projection
onto the leading ``k`` eigenvectors, which for ``k = n`` is ``n I``.
"""

import pytest
import torch

from tmgg.models.spectral import GraphFilterBank

pytestmark = pytest.mark.unit


def test_initial_filter_reconstructs_scaled_adjacency(model_checks):
    adj = model_checks.random_symmetric(2, 5)
    radius = torch.linalg.eigvalsh(adj).abs().amax(-1).reshape(2, 1, 1)
    model_checks.assert_close(GraphFilterBank(k=5)(adj), 5 * adj / radius, rtol=1e-4, atol=1e-4)


def test_constant_term_alone_projects_onto_leading_eigenspace(model_checks):
    adj = model_checks.random_symmetric(1, 4)
    constant = GraphFilterBank(k=4, num_terms=1)
    assert constant.taps.tolist() == [1.0]
    model_checks.assert_close(constant(adj), 4 * torch.eye(4).unsqueeze(0), atol=1e-4, rtol=0)
