"""Tests of ``LinearBaseline`` (one affine map of the upper triangle) beyond the shared contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) covers shape, symmetry,
gradients, small graphs and bad input; what is specific is how a graph smaller than
``max_nodes`` is handled. Invariant: its logits are the crop of the logits of the same
graph zero-padded to ``max_nodes`` (as isolated nodes).
"""

import pytest
from torch import nn

from tmgg.models.baselines import LinearBaseline

pytestmark = pytest.mark.unit


def test_small_graph_logits_are_crop_of_padded_graph_logits(model_checks):
    model = LinearBaseline(max_nodes=10)
    adj = model_checks.random_symmetric(2, 4)
    padded = nn.functional.pad(adj, (0, 6, 0, 6))
    model_checks.assert_close(model(adj), model(padded)[:, :4, :4])
