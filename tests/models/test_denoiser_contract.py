"""The contract every denoiser shares, checked once over a table of models.

Rationale: every model is a ``tmgg.models.BaseDenoiser`` and the training code relies
on the same promises from each, so the promises are tested here, one parametrized test
per property over ``DENOISERS``; a model's own test file holds only what is specific
to it. A failing case is named ``test_<property>[<family>/<module>]``.

Assumptions: test graphs are random weighted symmetric matrices (see
tests/models/conftest.py): their eigenvalues are distinct and each eigenvector has a
unique largest entry, so the eigenvector-based models are exactly (to round-off)
permutation equivariant on them. Every row accepts graphs of ``N = 10`` nodes (the
baselines are built with ``max_nodes=10``).

Invariants, for every row: logits have the input's shape and dtype, are exactly
symmetric and finite; every parameter receives a finite, non-zero gradient (no dead or
unused weights); ``model(P A P^T) == P model(A) P^T`` unless the row says why not;
graphs with fewer nodes than ``k``, two nodes, a batch of one and an unbatched matrix
all work; non-square, asymmetric and 1-D inputs raise ``ValueError`` naming ``adj``;
graphs above ``max_nodes`` and bad constructor sizes raise ``ValueError`` naming the
argument and its value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import torch

from tmgg.models.attention import MultiHeadAttentionDenoiser
from tmgg.models.baselines import LinearBaseline, MLPBaseline
from tmgg.models.digress import DigressGraphTransformer
from tmgg.models.gnn import GNN, GNNSymmetric, NodeVariantGNN
from tmgg.models.hybrid import HybridGNNTransformer
from tmgg.models.layers import BaseDenoiser
from tmgg.models.spectral import GraphFilterBank, LinearPE, SpectralSelfAttention

pytestmark = pytest.mark.unit

N = 10
"""Nodes in the shape, symmetry, finiteness and gradient checks."""

N_EQUIVARIANCE = 9
"""Nodes in the equivariance check."""

N_BELOW_K = 3
"""Fewer nodes than the eigenvector-based rows' ``k = 4``, so their eigenpairs are zero-padded."""


@dataclass(frozen=True)
class Denoiser:
    """One row of the contract table: how to build a model small, and what it promises.

    Attributes:
        model_class: The denoiser.
        kwargs: Small constructor arguments, so each check takes milliseconds.
        prepare: Sets weights in place after construction where the initial ones
            would let a broken model pass; ``None`` keeps the initial weights.
        not_equivariant: Why the model is not permutation equivariant; ``None`` if it is.
        too_many_nodes: Shape of an input above ``max_nodes`` and the message it must
            raise; ``None`` for models that take any size.
        bad_sizes: Constructor arguments, each passed alone on top of ``kwargs``, that
            must raise ``ValueError`` naming ``name=value``.
    """

    model_class: type[BaseDenoiser]
    kwargs: dict[str, object]
    prepare: Callable[[BaseDenoiser], None] | None = None
    not_equivariant: str | None = None
    too_many_nodes: tuple[tuple[int, ...], str] | None = None
    bad_sizes: dict[str, object] = field(default_factory=dict)

    def build(self) -> BaseDenoiser:
        """Construct the model and apply ``prepare``."""
        model = self.model_class(**self.kwargs)
        if self.prepare is not None:
            self.prepare(model)
        return model


def _random_node_variant_taps(model: NodeVariantGNN) -> None:
    # All taps start at 1, where the model is the plain GNN and would pass for its reasons.
    with torch.no_grad():
        for graph_filter in model.filters.filters:
            graph_filter.taps.weight.normal_()


def _mixed_filter_taps(model: GraphFilterBank) -> None:
    # The initial taps (h_1 = 1 only) give the scaled adjacency; these weigh every power.
    with torch.no_grad():
        model.taps.copy_(torch.tensor([0.3, -1.0, 0.7]))


_GNN_SIZES = {"num_layers": 2, "num_terms": 3, "feature_dim_in": 4, "feature_dim_out": 6}
_FLATTENED = "it maps the flattened adjacency with separate weights for every node position"


def _hybrid(use_gnn: bool, use_transformer: bool) -> Denoiser:
    # The sizes are checked whichever parts are on, so every combination lists them all.
    return Denoiser(
        HybridGNNTransformer,
        {
            "use_gnn": use_gnn,
            "use_transformer": use_transformer,
            "k": 4,
            "feature_dim": 6,
            "d_model": 8,
            "num_heads": 2,
        },
        bad_sizes={"k": 0, "gnn_layers": 0, "transformer_layers": 0},
    )


DENOISERS: dict[str, Denoiser] = {
    "attention/multi_head_attention_denoiser": Denoiser(
        MultiHeadAttentionDenoiser,
        {"k": 4, "d_model": 8, "num_heads": 2, "num_layers": 2},
        bad_sizes={"k": 0, "num_layers": 0, "d_model": -1},
    ),
    "baselines/linear_baseline": Denoiser(
        LinearBaseline,
        {"max_nodes": 10},
        not_equivariant=_FLATTENED,
        too_many_nodes=((1, 11, 11), "n=11 nodes, more than max_nodes=10"),
        bad_sizes={"max_nodes": 0},
    ),
    "baselines/mlp_baseline": Denoiser(
        MLPBaseline,
        {"max_nodes": 10, "hidden_dim": 8, "num_layers": 3},
        not_equivariant=_FLATTENED,
        too_many_nodes=((12, 12), "n=12 nodes, more than max_nodes=10"),
        bad_sizes={"max_nodes": 0, "hidden_dim": 0, "num_layers": 0},
    ),
    "digress/digress_graph_transformer": Denoiser(
        DigressGraphTransformer,
        {"k": 4, "num_layers": 2, "hidden_node": 8, "hidden_edge": 4, "hidden_global": 4, "num_heads": 2},
        bad_sizes={
            "k": 0,
            "num_layers": 0,
            "hidden_node": 0,
            "hidden_edge": 0,
            "hidden_global": 0,
            "num_heads": 0,
            "dropout": 1.0,
        },
    ),
    "gnn/gnn": Denoiser(
        GNN, _GNN_SIZES, bad_sizes={"feature_dim_in": 0, "num_layers": 0, "num_terms": 0, "feature_dim_out": 0}
    ),
    "gnn/gnn_symmetric": Denoiser(GNNSymmetric, _GNN_SIZES, bad_sizes={"feature_dim_in": 0}),
    "gnn/node_variant_gnn": Denoiser(
        NodeVariantGNN, _GNN_SIZES, prepare=_random_node_variant_taps, bad_sizes={"feature_dim_in": 0}
    ),
    "hybrid/hybrid_gnn_transformer": _hybrid(use_gnn=True, use_transformer=True),
    "hybrid/hybrid_gnn_transformer-gnn_only": _hybrid(use_gnn=True, use_transformer=False),
    "hybrid/hybrid_gnn_transformer-transformer_only": _hybrid(use_gnn=False, use_transformer=True),
    "hybrid/hybrid_gnn_transformer-neither": _hybrid(use_gnn=False, use_transformer=False),
    "spectral/filter_bank": Denoiser(
        GraphFilterBank,
        {"k": 4, "num_terms": 3},
        prepare=_mixed_filter_taps,
        bad_sizes={"k": 0, "num_terms": 0},
    ),
    "spectral/linear_pe": Denoiser(LinearPE, {"k": 4}, bad_sizes={"k": 0}),
    "spectral/spectral_self_attention": Denoiser(
        SpectralSelfAttention, {"k": 4, "d_model": 8, "num_heads": 2}, bad_sizes={"k": 0, "d_model": 0}
    ),
}

every_denoiser = pytest.mark.parametrize("denoiser", DENOISERS.values(), ids=list(DENOISERS))
EQUIVARIANT = {name: row for name, row in DENOISERS.items() if row.not_equivariant is None}
SIZE_LIMITED = {name: row for name, row in DENOISERS.items() if row.too_many_nodes is not None}
BAD_SIZES = [
    pytest.param(row, name, value, id=f"{key}-{name}")
    for key, row in DENOISERS.items()
    for name, value in row.bad_sizes.items()
]


def _assert_valid_logits(logits: torch.Tensor, adj: torch.Tensor, model_checks) -> None:
    """Assert that ``logits`` have the shape and dtype of ``adj`` and are finite and exactly symmetric."""
    given = f"input of shape {tuple(adj.shape)}"
    assert logits.shape == adj.shape, f"{given}: logits of shape {tuple(logits.shape)}"
    assert logits.dtype == adj.dtype, f"{given}: {logits.dtype} logits"
    assert torch.isfinite(logits).all(), f"{given}: {int((~torch.isfinite(logits)).sum())} non-finite logits"
    model_checks.assert_close(logits, logits.transpose(-1, -2), rtol=0, atol=0)


@every_denoiser
def test_logits_have_input_shape_and_dtype(denoiser, model_checks):
    adj = model_checks.random_symmetric(3, N)
    logits = denoiser.build()(adj)
    assert logits.shape == (3, N, N)
    assert logits.dtype == adj.dtype


@every_denoiser
def test_logits_are_exactly_symmetric(denoiser, model_checks):
    logits = denoiser.build()(model_checks.random_symmetric(3, N))
    model_checks.assert_close(logits, logits.transpose(-1, -2), rtol=0, atol=0)


@every_denoiser
def test_logits_are_finite(denoiser, model_checks):
    logits = denoiser.build()(model_checks.random_symmetric(3, N))
    assert torch.isfinite(logits).all(), f"{int((~torch.isfinite(logits)).sum())} non-finite logits"


@every_denoiser
def test_every_parameter_gets_a_finite_nonzero_gradient(denoiser, model_checks):
    model = denoiser.build()
    model(model_checks.random_symmetric(2, N)).square().mean().backward()
    for name, param in model.named_parameters():
        assert param.grad is not None, f"parameter {name} gets no gradient"
        assert torch.isfinite(param.grad).all(), f"parameter {name} has a non-finite gradient"
        assert param.grad.abs().sum() > 0, f"parameter {name} has an all-zero gradient"


@pytest.mark.parametrize("denoiser", EQUIVARIANT.values(), ids=list(EQUIVARIANT))
def test_permutation_equivariant(denoiser, model_checks):
    model = denoiser.build()
    adj = model_checks.random_symmetric(2, N_EQUIVARIANCE, seed=1)
    perm = torch.randperm(N_EQUIVARIANCE, generator=torch.Generator().manual_seed(2))
    expected = model(adj)[:, perm][:, :, perm]
    model_checks.assert_close(model(adj[:, perm][:, :, perm]), expected, rtol=1e-4, atol=1e-4)


@every_denoiser
def test_small_graphs_and_unbatched_input(denoiser, model_checks):
    model = denoiser.build()
    for batch, n in ((2, N_BELOW_K), (2, 2), (1, 6)):
        adj = model_checks.random_symmetric(batch, n)
        _assert_valid_logits(model(adj), adj, model_checks)
    single = model_checks.random_symmetric(1, 5)[0]
    logits = model(single)
    assert logits.shape == (5, 5), f"unbatched (5, 5) input gives logits of shape {tuple(logits.shape)}"
    model_checks.assert_close(logits, model(single.unsqueeze(0))[0])


@pytest.fixture
def malformed_inputs(model_checks) -> dict[str, torch.Tensor]:
    """Inputs that are not a (batch of) symmetric square matrices."""
    asymmetric = model_checks.random_symmetric(1, 4)
    asymmetric[0, 0, 1] += 1.0
    return {"non_square": torch.zeros(2, 4, 5), "asymmetric": asymmetric, "one_dimensional": torch.zeros(4)}


@pytest.mark.parametrize("malformed", ["non_square", "asymmetric", "one_dimensional"])
@every_denoiser
def test_malformed_adjacency_raises_naming_adj(denoiser, malformed, malformed_inputs):
    with pytest.raises(ValueError, match="adj"):
        denoiser.build()(malformed_inputs[malformed])


@pytest.mark.parametrize("denoiser", SIZE_LIMITED.values(), ids=list(SIZE_LIMITED))
def test_too_many_nodes_raises_naming_n_and_max_nodes(denoiser):
    shape, message = denoiser.too_many_nodes
    with pytest.raises(ValueError, match=message):
        denoiser.build()(torch.zeros(shape))


@pytest.mark.parametrize(("denoiser", "name", "value"), BAD_SIZES)
def test_bad_size_raises_naming_the_argument(denoiser, name, value):
    with pytest.raises(ValueError, match=f"{name}={value}"):
        denoiser.model_class(**{**denoiser.kwargs, name: value})
