"""Tests of ``GNNSymmetric`` (GNN with one shared embedding, logits ``X X^T + b``).

Rationale: the shared denoiser contract (tests/models/conftest.py); the variant differs
from ``GNN`` only in its readout. Assumptions: random weighted symmetric test graphs.
Invariants: as for ``GNN``, plus: the readout is the Gram matrix of one embedding.
"""

import pytest

from tmgg.models.gnn import GNNSymmetric

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return GNNSymmetric(num_layers=2, num_terms=3, feature_dim_in=4, feature_dim_out=6)


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


def test_zero_k_raises_naming_feature_dim_in(model_checks):
    model_checks.rejects_bad_size(GNNSymmetric, "feature_dim_in", 0)


def test_readout_shares_one_embedding(model):
    assert model.readout.symmetric
    assert model.readout.embed.out_features == 6
