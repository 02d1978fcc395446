"""Tests of ``NodeEdgeAttention``, the DiGress attention step.

Invariants: output shapes match the inputs; node updates are permutation equivariant,
edge updates permute on both node axes and the global update is invariant; edge
features actually modulate node attention (changing E changes the node update).
"""

import pytest
import torch

from tmgg.models.digress import NodeEdgeAttention

pytestmark = pytest.mark.unit


def _inputs(n=5):
    g = torch.Generator().manual_seed(0)
    return torch.randn(2, n, 8, generator=g), torch.randn(2, n, n, 4, generator=g), torch.randn(2, 3, generator=g)


def test_updates_have_input_shapes_and_are_equivariant(model_checks):
    attention = NodeEdgeAttention(hidden_node=8, hidden_edge=4, hidden_global=3, num_heads=2)
    x, e, y = _inputs()
    dx, de, dy = attention(x, e, y)
    assert dx.shape == x.shape and de.shape == e.shape and dy.shape == y.shape
    perm = torch.randperm(5)
    px, pe, py = attention(x[:, perm], e[:, perm][:, :, perm], y)
    model_checks.assert_close(px, dx[:, perm])
    model_checks.assert_close(pe, de[:, perm][:, :, perm])
    model_checks.assert_close(py, dy)


def test_edge_features_modulate_node_attention():
    attention = NodeEdgeAttention(hidden_node=8, hidden_edge=4, hidden_global=3, num_heads=2)
    x, e, y = _inputs()
    assert not torch.allclose(attention(x, e, y)[0], attention(x, e * 2, y)[0])


def test_heads_must_divide_hidden_node():
    with pytest.raises(ValueError, match="num_heads=3, hidden_node=8"):
        NodeEdgeAttention(8, 4, 3, num_heads=3)
