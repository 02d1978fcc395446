"""Tests of ``SpectralSelfAttention`` (attention across eigenpairs, logits ``V M V^T + b``).

Rationale: the shared denoiser contract (tests/models/conftest.py). Assumptions: random
weighted symmetric test graphs (distinct eigenvalues). Invariants: symmetric, finite,
equivariant; ``n < k`` works, and the zero-padded eigenpairs are masked so that the
result does not depend on how many padding tokens there are beyond the real ones;
bad sizes raise ``ValueError`` naming the argument.
"""

import pytest
import torch

from tmgg.models.spectral import SpectralSelfAttention

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return SpectralSelfAttention(k=4, d_model=8, num_heads=2)


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_permutation_equivariant(model, model_checks):
    model_checks.equivariance(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_padding_tokens_do_not_change_real_ones(model, model_checks):
    adj = model_checks.random_symmetric(1, 3)
    wider = SpectralSelfAttention(k=6, d_model=8, num_heads=2)
    wider.load_state_dict(model.state_dict() | {"rank_embedding.weight": wider.rank_embedding.weight.detach()})
    with torch.no_grad():
        wider.rank_embedding.weight[:4] = model.rank_embedding.weight
    model_checks.assert_close(wider(adj), model(adj))


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


@pytest.mark.parametrize(("name", "value"), [("k", 0), ("d_model", 0)])
def test_bad_sizes_raise_naming_the_argument(model_checks, name, value):
    model_checks.rejects_bad_size(SpectralSelfAttention, name, value)
