"""Tests of ``FlattenedBaseline``, the pad/flatten/mirror/crop plumbing of the baselines.

Invariants: with an identity ``net`` the model returns its input for every
``n <= max_nodes`` (so padding, upper-triangle indexing, mirroring and cropping are
exact inverses); ``n > max_nodes`` raises ``ValueError`` naming ``max_nodes`` and ``n``.
"""

import pytest
import torch
from torch import nn

from tmgg.models.baselines import FlattenedBaseline

pytestmark = pytest.mark.unit


class _Identity(FlattenedBaseline):
    def __init__(self, max_nodes):
        super().__init__(max_nodes)
        self.net = nn.Identity()


@pytest.mark.parametrize("n", [2, 5, 6])
def test_identity_net_returns_input(model_checks, n):
    adj = model_checks.random_symmetric(2, n)
    model_checks.assert_close(_Identity(max_nodes=6)(adj), adj)


def test_triangle_size_counts_diagonal():
    assert _Identity(max_nodes=4).num_pairs == 10


def test_too_many_nodes_raises_naming_max_nodes_and_n():
    with pytest.raises(ValueError, match="n=7 nodes, more than max_nodes=6"):
        _Identity(max_nodes=6)(torch.zeros(1, 7, 7))


def test_zero_max_nodes_raises_naming_it():
    with pytest.raises(ValueError, match="max_nodes=0"):
        _Identity(max_nodes=0)
