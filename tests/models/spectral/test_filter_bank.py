"""Tests of ``GraphFilterBank`` (logits ``V diag(sum_j h_j lam~^j) V^T + b``).

Rationale: the shared denoiser contract (tests/models/conftest.py) and the model's
closed form. Assumptions: random weighted symmetric test graphs (distinct eigenvalues).
Invariants: at initialisation (``h_1 = 1``) with ``k = n`` the logits are ``n / rho``
times the adjacency (eigenvectors have unit-RMS entries, eigenvalues are divided by
the spectral radius ``rho``); symmetric, finite, equivariant; ``n < k``, ``n = 2``,
batch 1; ``k < 1`` and ``num_terms < 1`` raise naming the argument.
"""

import pytest
import torch

from tmgg.models.spectral import GraphFilterBank

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    net = GraphFilterBank(k=4, num_terms=3)
    with torch.no_grad():
        net.taps.copy_(torch.tensor([0.3, -1.0, 0.7]))
    return net


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_initial_filter_reconstructs_scaled_adjacency(model_checks):
    adj = model_checks.random_symmetric(2, 5)
    radius = torch.linalg.eigvalsh(adj).abs().amax(-1).reshape(2, 1, 1)
    model_checks.assert_close(GraphFilterBank(k=5)(adj), 5 * adj / radius, rtol=1e-4, atol=1e-4)


def test_constant_term_alone_projects_onto_leading_eigenspace(model_checks):
    adj = model_checks.random_symmetric(1, 4)
    constant = GraphFilterBank(k=4, num_terms=1)
    assert constant.taps.tolist() == [1.0]
    model_checks.assert_close(constant(adj), 4 * torch.eye(4).unsqueeze(0), atol=1e-4, rtol=0)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_permutation_equivariant(model, model_checks):
    model_checks.equivariance(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


@pytest.mark.parametrize("name", ["k", "num_terms"])
def test_bad_sizes_raise_naming_the_argument(model_checks, name):
    model_checks.rejects_bad_size(GraphFilterBank, name, 0)
