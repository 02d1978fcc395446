"""Tests of ``MLPBaseline`` (ReLU MLP over the flattened upper triangle).

Rationale: the shared denoiser contract (tests/models/conftest.py), minus equivariance,
which baselines do not claim. Invariants: symmetric finite logits and gradients;
``num_layers`` hidden layers of width ``hidden_dim``; graphs smaller than ``max_nodes``
work; ``n > max_nodes`` and bad sizes raise naming the argument.
"""

import pytest
import torch
from torch import nn

from tmgg.models.baselines import MLPBaseline

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return MLPBaseline(max_nodes=10, hidden_dim=8, num_layers=3)


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_hidden_layers_match_arguments(model):
    linears = [m for m in model.net if isinstance(m, nn.Linear)]
    assert [m.out_features for m in linears] == [8, 8, 8, 55]


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


def test_too_many_nodes_raises_naming_max_nodes_and_n(model):
    with pytest.raises(ValueError, match="n=12 nodes, more than max_nodes=10"):
        model(torch.zeros(12, 12))


@pytest.mark.parametrize("name", ["max_nodes", "hidden_dim", "num_layers"])
def test_bad_sizes_raise_naming_the_argument(model_checks, name):
    model_checks.rejects_bad_size(MLPBaseline, name, 0)
