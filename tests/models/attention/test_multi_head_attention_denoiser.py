"""Tests of ``MultiHeadAttentionDenoiser``.

Rationale: the model must satisfy the shared denoiser contract (see tests/models/conftest.py).
Assumptions: test graphs are random weighted symmetric matrices (distinct eigenvalues),
so exact permutation equivariance is expected. Invariants: symmetric finite logits,
finite gradients for every parameter (so no layer is dead), valid output for
``n < k``, ``n = 2``, batch 1 and unbatched input; ValueErrors naming the argument.
"""

import pytest

from tmgg.models.attention import MultiHeadAttentionDenoiser

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return MultiHeadAttentionDenoiser(k=4, d_model=8, num_heads=2, num_layers=2)


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


@pytest.mark.parametrize(("name", "value"), [("k", 0), ("num_layers", 0), ("d_model", -1)])
def test_bad_sizes_raise_naming_the_argument(model_checks, name, value):
    model_checks.rejects_bad_size(MultiHeadAttentionDenoiser, name, value)


def test_heads_must_divide_d_model():
    with pytest.raises(ValueError, match="num_heads=3, d_model=8"):
        MultiHeadAttentionDenoiser(d_model=8, num_heads=3)


def test_exposes_k():
    assert MultiHeadAttentionDenoiser(k=5).k == 5
