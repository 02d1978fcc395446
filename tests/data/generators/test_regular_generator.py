"""Tests of RegularGenerator.

Rationale: regular graphs have a flat degree profile, a hard case for
degree-based heuristics.
Assumptions: networkx's random_regular_graph is seeded by ``seed``.
Invariants: 0/1 symmetric float32 with zero diagonal; every row sums to
``degree``; seeded; odd ``num_nodes * degree`` or ``degree >= num_nodes``
raise ValueError naming the arguments.
"""

import pytest
import torch

from tmgg.data.generators import RegularGenerator

pytestmark = pytest.mark.unit


def test_every_node_has_the_degree():
    generator = RegularGenerator(num_nodes=16, degree=3)
    adj = generator.sample(0)
    assert generator.num_nodes == 16
    assert adj.shape == (16, 16) and adj.dtype == torch.float32
    assert torch.equal(adj, adj.T)
    assert torch.equal(adj.diag(), torch.zeros(16))
    assert torch.equal(adj.sum(dim=1), torch.full((16,), 3.0))


def test_seeded():
    generator = RegularGenerator(num_nodes=16, degree=4)
    assert torch.equal(generator.sample(1), generator.sample(1))
    assert not torch.equal(generator.sample(1), generator.sample(2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_nodes": 5, "degree": 3}, "num_nodes \\* degree must be even, got num_nodes=5, degree=3"),
        ({"num_nodes": 4, "degree": 4}, "degree=4"),
        ({"num_nodes": 4, "degree": -1}, "degree=-1"),
        ({"num_nodes": 0, "degree": 0}, "num_nodes=0"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RegularGenerator(**kwargs)
