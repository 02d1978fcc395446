"""Tests of ``HybridGNNTransformer`` in all four on/off combinations of its two parts.

Rationale: the ablation configs (gnn_only, transformer_only) and even both-off must
train, so every combination must meet the shared denoiser contract
(tests/models/conftest.py). Assumptions: random weighted symmetric test graphs.
Invariants: symmetric finite logits, gradients reach every parameter that exists (so a
switched-off part leaves no unused weights behind), equivariance, small-graph edge
cases, and ``ValueError`` naming the argument for bad sizes.
"""

import pytest

from tmgg.models.hybrid import HybridGNNTransformer

pytestmark = pytest.mark.unit

SWITCHES = [(True, True), (True, False), (False, True), (False, False)]


@pytest.fixture(params=SWITCHES, ids=lambda s: f"gnn={s[0]}-transformer={s[1]}")
def model(request):
    use_gnn, use_transformer = request.param
    return HybridGNNTransformer(
        use_gnn=use_gnn, use_transformer=use_transformer, k=4, feature_dim=6, d_model=8, num_heads=2
    )


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


@pytest.mark.parametrize(("name", "value"), [("k", 0), ("gnn_layers", 0), ("transformer_layers", 0)])
def test_bad_sizes_raise_naming_the_argument(model_checks, name, value):
    model_checks.rejects_bad_size(HybridGNNTransformer, name, value)


def test_switched_off_parts_are_not_built():
    both_off = HybridGNNTransformer(use_gnn=False, use_transformer=False)
    assert not hasattr(both_off, "filters") and not hasattr(both_off, "blocks")
    assert both_off.readout.weight.shape == (16, 16)
