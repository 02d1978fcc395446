"""Tests of ``DigressGraphTransformer``.

Rationale: the shared denoiser contract (tests/models/conftest.py) for the largest
model. Assumptions: random weighted symmetric test graphs (distinct eigenvalues).
Invariants: symmetric finite logits, finite gradients for every parameter (edge, node
and global paths are all wired into the output), equivariance, ``n < k``, ``n = 2``,
batch 1, and ``ValueError`` naming the argument for bad sizes.
"""

import pytest

from tmgg.models.digress import DigressGraphTransformer

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return DigressGraphTransformer(k=4, num_layers=2, hidden_node=8, hidden_edge=4, hidden_global=4, num_heads=2)


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_permutation_equivariant(model, model_checks):
    model_checks.equivariance(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("k", 0),
        ("num_layers", 0),
        ("hidden_node", 0),
        ("hidden_edge", 0),
        ("hidden_global", 0),
        ("num_heads", 0),
        ("dropout", 1.0),
    ],
)
def test_bad_sizes_raise_naming_the_argument(model_checks, name, value):
    model_checks.rejects_bad_size(DigressGraphTransformer, name, value)
