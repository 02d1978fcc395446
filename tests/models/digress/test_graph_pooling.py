"""Tests of ``GraphPooling`` (mean/min/max/std summary for the global state).

Invariants: node and edge inputs both pool to ``(B, out_dim)``; the result is invariant
to node permutation; a single item (``n = 1``) gives finite output.
"""

import pytest
import torch

from tmgg.models.digress import GraphPooling

pytestmark = pytest.mark.unit


def test_pools_nodes_and_edges_invariantly(model_checks):
    pool = GraphPooling(3, 5)
    nodes, edges = torch.randn(2, 6, 3), torch.randn(2, 6, 6, 3)
    perm = torch.randperm(6)
    assert pool(nodes).shape == pool(edges).shape == (2, 5)
    model_checks.assert_close(pool(nodes[:, perm]), pool(nodes))
    model_checks.assert_close(pool(edges[:, perm][:, :, perm]), pool(edges))


def test_single_item_is_finite():
    assert torch.isfinite(GraphPooling(2, 2)(torch.randn(1, 1, 2))).all()
