"""Tests of ``DigressLayer`` (attention + residuals + norms + feed-forward nets).

Invariants: shapes are kept; symmetric edge features stay symmetric (the layer
symmetrises the edge update); bad dropout raises ``ValueError`` naming it.
"""

import pytest
import torch

from tmgg.models.digress import DigressLayer

pytestmark = pytest.mark.unit


def test_layer_keeps_shapes_and_edge_symmetry(model_checks):
    layer = DigressLayer(hidden_node=8, hidden_edge=4, hidden_global=3, num_heads=2)
    x, e, y = torch.randn(2, 5, 8), torch.randn(2, 5, 5, 4), torch.randn(2, 3)
    e = (e + e.transpose(1, 2)) / 2
    nx, ne, ny = layer(x, e, y)
    assert nx.shape == x.shape and ne.shape == e.shape and ny.shape == y.shape
    model_checks.assert_close(ne, ne.transpose(1, 2))


def test_bad_dropout_raises_naming_it():
    with pytest.raises(ValueError, match="dropout=1.5"):
        DigressLayer(8, 4, 3, 2, dropout=1.5)
