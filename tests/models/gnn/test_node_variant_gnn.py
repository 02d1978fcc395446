"""Tests of ``NodeVariantGNN`` (GNN whose filter taps are functions of node features).

Rationale: the shared denoiser contract (tests/models/conftest.py). Equivariance is
checked after randomising the tap weights: at initialisation all taps equal 1 and the
model would pass for the plain GNN's reasons alone. Assumptions: random weighted
symmetric test graphs. Invariants: as for ``GNN``, with ``NodeVariantGraphFilter`` layers.
"""

import pytest
import torch

from tmgg.models.gnn import NodeVariantGNN
from tmgg.models.layers import NodeVariantGraphFilter

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    net = NodeVariantGNN(num_layers=2, num_terms=3, feature_dim_in=4, feature_dim_out=6)
    with torch.no_grad():
        for graph_filter in net.filters.filters:
            graph_filter.taps.weight.normal_()
    return net


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
    model_checks.rejects_bad_size(NodeVariantGNN, "feature_dim_in", 0)


def test_layers_are_node_variant(model):
    assert model.k == 4
    assert all(isinstance(f, NodeVariantGraphFilter) for f in model.filters.filters)
