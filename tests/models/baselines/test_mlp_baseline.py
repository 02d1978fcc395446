"""Tests of ``MLPBaseline`` (ReLU MLP on the upper triangle) beyond the shared contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) covers shape, symmetry,
gradients, small graphs and bad input; what is specific is the network's layout.
Invariant: ``num_layers`` hidden layers of width ``hidden_dim``, then one layer back to
the ``max_nodes * (max_nodes + 1) / 2`` upper-triangle entries.
"""

import pytest
from torch import nn

from tmgg.models.baselines import MLPBaseline

pytestmark = pytest.mark.unit


def test_hidden_layers_match_arguments():
    model = MLPBaseline(max_nodes=10, hidden_dim=8, num_layers=3)
    linears = [m for m in model.net if isinstance(m, nn.Linear)]
    assert [m.out_features for m in linears] == [8, 8, 8, 55]
