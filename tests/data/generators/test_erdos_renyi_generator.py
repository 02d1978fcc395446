"""Tests of ErdosRenyiGenerator.

Rationale: G(n, p) graphs are the unstructured control dataset.
Assumptions: networkx's gnp_random_graph is seeded by ``seed``.
Invariants: 0/1 symmetric float32 with zero diagonal; seeded; p=0 gives the
empty graph and p=1 the complete graph; bad arguments raise ValueError naming them.
"""

import pytest
import torch

from tmgg.data.generators import ErdosRenyiGenerator

pytestmark = pytest.mark.unit


def test_simple_graph_of_the_right_size():
    generator = ErdosRenyiGenerator(num_nodes=16, p=0.3)
    adj = generator.sample(0)
    assert generator.num_nodes == 16
    assert adj.shape == (16, 16) and adj.dtype == torch.float32
    assert torch.equal(adj, adj.T)
    assert torch.equal(adj.diag(), torch.zeros(16))
    assert set(adj.unique().tolist()) <= {0.0, 1.0}


def test_seeded():
    generator = ErdosRenyiGenerator(num_nodes=16, p=0.3)
    assert torch.equal(generator.sample(1), generator.sample(1))
    assert not torch.equal(generator.sample(1), generator.sample(2))


def test_extreme_probabilities():
    assert torch.equal(ErdosRenyiGenerator(5, 0.0).sample(0), torch.zeros(5, 5))
    assert torch.equal(ErdosRenyiGenerator(5, 1.0).sample(0), torch.ones(5, 5) - torch.eye(5))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"num_nodes": 0, "p": 0.5}, "num_nodes=0"), ({"num_nodes": 5, "p": 1.5}, "p=1.5")],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ErdosRenyiGenerator(**kwargs)
