"""Tests of ``LinearBaseline`` (one affine map over the flattened upper triangle).

Rationale: the shared denoiser contract (tests/models/conftest.py), minus equivariance,
which baselines do not claim. Invariants: symmetric finite logits and gradients; graphs
smaller than ``max_nodes`` (``n = 2``, batch 1, unbatched) give the crop of the padded
graph's logits; ``n > max_nodes`` and ``max_nodes < 1`` raise naming the argument.
"""

import pytest
import torch
from torch import nn

from tmgg.models.baselines import LinearBaseline

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return LinearBaseline(max_nodes=10)


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_small_graph_logits_are_crop_of_padded_graph_logits(model, model_checks):
    adj = model_checks.random_symmetric(2, 4)
    padded = nn.functional.pad(adj, (0, 6, 0, 6))
    model_checks.assert_close(model(adj), model(padded)[:, :4, :4])


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


def test_too_many_nodes_raises_naming_max_nodes_and_n(model):
    with pytest.raises(ValueError, match="n=11 nodes, more than max_nodes=10"):
        model(torch.zeros(1, 11, 11))


def test_zero_max_nodes_raises_naming_it(model_checks):
    model_checks.rejects_bad_size(LinearBaseline, "max_nodes", 0)
