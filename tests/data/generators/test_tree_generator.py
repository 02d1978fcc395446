"""Tests of TreeGenerator.

Rationale: trees are sparse and acyclic, a dataset with no community structure.
Assumptions: networkx provides random_labeled_tree (>= 3.3) or random_tree.
Invariants: 0/1 symmetric float32 with zero diagonal; n - 1 edges and connected
(so a tree); seeded; num_nodes < 1 raises ValueError naming num_nodes.
"""

import networkx as nx
import pytest
import torch

from tmgg.data.generators import TreeGenerator

pytestmark = pytest.mark.unit


def test_sample_is_a_tree():
    generator = TreeGenerator(num_nodes=16)
    adj = generator.sample(0)
    assert generator.num_nodes == 16
    assert adj.shape == (16, 16) and adj.dtype == torch.float32
    assert torch.equal(adj, adj.T)
    assert torch.equal(adj.diag(), torch.zeros(16))
    assert nx.is_tree(nx.from_numpy_array(adj.numpy()))


def test_seeded():
    generator = TreeGenerator(num_nodes=16)
    assert torch.equal(generator.sample(1), generator.sample(1))
    assert not torch.equal(generator.sample(1), generator.sample(2))


def test_bad_num_nodes_raises():
    with pytest.raises(ValueError, match="num_nodes=0"):
        TreeGenerator(num_nodes=0)
