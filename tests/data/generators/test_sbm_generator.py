"""Tests of SBMGenerator.

Rationale: the stochastic block model is the default dataset of most stages.
Assumptions: nodes are numbered block by block.
Invariants: 0/1 symmetric float32 with zero diagonal; the same seed gives the
same graph and different seeds differ; p_in=1, p_out=0 gives disjoint cliques
on the diagonal blocks; bad sizes or probabilities raise ValueError naming them.
"""

import pytest
import torch

from tmgg.data.generators import SBMGenerator

pytestmark = pytest.mark.unit


def test_simple_graph_of_the_right_size():
    generator = SBMGenerator([6, 6, 8], p_in=0.8, p_out=0.1)
    adj = generator.sample(0)
    assert generator.num_nodes == 20
    assert adj.shape == (20, 20) and adj.dtype == torch.float32
    assert torch.equal(adj, adj.T)
    assert torch.equal(adj.diag(), torch.zeros(20))
    assert set(adj.unique().tolist()) <= {0.0, 1.0}


def test_seeded():
    generator = SBMGenerator([8, 8], p_in=0.7, p_out=0.1)
    assert torch.equal(generator.sample(3), generator.sample(3))
    assert not torch.equal(generator.sample(3), generator.sample(4))


def test_extreme_probabilities_give_block_diagonal_cliques():
    adj = SBMGenerator([3, 2], p_in=1.0, p_out=0.0).sample(0)
    expected = torch.block_diag(torch.ones(3, 3), torch.ones(2, 2)) - torch.eye(5)
    assert torch.equal(adj, expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"block_sizes": [], "p_in": 0.5, "p_out": 0.1}, "block_sizes="),
        ({"block_sizes": [4, 0], "p_in": 0.5, "p_out": 0.1}, r"block_sizes\[1\]=0"),
        ({"block_sizes": [4], "p_in": 1.2, "p_out": 0.1}, "p_in=1.2"),
        ({"block_sizes": [4], "p_in": 0.5, "p_out": -0.1}, "p_out=-0.1"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SBMGenerator(**kwargs)
