"""Tests of ``NodeVariantGNN`` (GNN with per-node filter taps) beyond the shared contract.

Rationale: the variant differs from ``GNN`` only in its layer type; the contract
(tests/models/test_denoiser_contract.py) covers the rest, with the taps randomised.
Invariants: ``k == feature_dim_in`` and every layer is a ``NodeVariantGraphFilter``.
"""

import pytest

from tmgg.models.gnn import NodeVariantGNN
from tmgg.models.layers import NodeVariantGraphFilter

pytestmark = pytest.mark.unit


def test_layers_are_node_variant():
    model = NodeVariantGNN(num_layers=2, num_terms=3, feature_dim_in=4, feature_dim_out=6)
    assert model.k == 4
    assert all(isinstance(f, NodeVariantGraphFilter) for f in model.filters.filters)
