"""Tests of ``GNN`` (polynomial-filter graph network with ``X Y^T`` readout).

Rationale: the shared denoiser contract (tests/models/conftest.py) plus the GNN's own
wiring. Assumptions: random weighted symmetric test graphs (distinct eigenvalues).
Invariants: symmetric finite logits and gradients; equivariance; ``n < k``, ``n = 2``,
batch 1; ``k == feature_dim_in``; layers are ``PolynomialGraphFilter`` and the readout
uses two embeddings; bad sizes raise ``ValueError`` naming the argument.
"""

import pytest

from tmgg.models.gnn import GNN
from tmgg.models.layers import PolynomialGraphFilter

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return GNN(num_layers=2, num_terms=3, feature_dim_in=4, feature_dim_out=6)


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_permutation_equivariant(model, model_checks):
    model_checks.equivariance(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


@pytest.mark.parametrize(
    ("name", "value"), [("feature_dim_in", 0), ("num_layers", 0), ("num_terms", 0), ("feature_dim_out", 0)]
)
def test_bad_sizes_raise_naming_the_argument(model_checks, name, value):
    model_checks.rejects_bad_size(GNN, name, value)


def test_k_is_feature_dim_in_and_layers_are_polynomial_filters(model):
    assert model.k == 4
    assert all(type(f) is PolynomialGraphFilter for f in model.filters.filters)
    assert not model.readout.symmetric
