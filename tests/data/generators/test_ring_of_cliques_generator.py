"""Tests of RingOfCliquesGenerator.

Rationale: a ring of cliques has sharp, known community structure.
Assumptions: the graph is deterministic, so ``seed`` does not change it.
Invariants: 0/1 symmetric float32 with zero diagonal; num_cliques * clique_size
nodes; each clique is complete and the ring adds one edge per clique; every
seed gives the same graph; arguments below 2 raise ValueError naming them.
"""

import pytest
import torch

from tmgg.data.generators import RingOfCliquesGenerator

pytestmark = pytest.mark.unit


def test_structure():
    generator = RingOfCliquesGenerator(num_cliques=4, clique_size=5)
    adj = generator.sample(0)
    assert generator.num_nodes == 20
    assert adj.shape == (20, 20) and adj.dtype == torch.float32
    assert torch.equal(adj, adj.T)
    assert torch.equal(adj.diag(), torch.zeros(20))
    assert torch.equal(adj[:5, :5], torch.ones(5, 5) - torch.eye(5))
    assert adj.sum().item() / 2 == 4 * (5 * 4 / 2) + 4


def test_same_graph_for_every_seed():
    generator = RingOfCliquesGenerator(num_cliques=3, clique_size=4)
    assert torch.equal(generator.sample(0), generator.sample(9))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_cliques": 1, "clique_size": 4}, "num_cliques=1"),
        ({"num_cliques": 3, "clique_size": 1}, "clique_size=1"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RingOfCliquesGenerator(**kwargs)
