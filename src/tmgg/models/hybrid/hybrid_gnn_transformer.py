"""Graph-filter embedding followed by a transformer, each part optional."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import (
    BaseDenoiser,
    BilinearReadout,
    GraphFilterStack,
    TopKEigenLayer,
    TransformerBlock,
    check_attention_sizes,
    check_positive_int,
    normalised_shift,
    unit_rms,
)


class HybridGNNTransformer(BaseDenoiser):
    """Eigenvector features -> polynomial-filter GNN -> transformer -> bilinear readout.

    Node inputs are the ``k`` leading eigenvectors of the noisy adjacency, scaled to unit
    RMS (see ``unit_rms``); the GNN's shift is the adjacency over its spectral radius.

    ``use_gnn=False`` replaces the GNN by one linear map ``k -> feature_dim``;
    ``use_transformer=False`` drops the transformer (and its input projection), so the
    readout acts on the ``feature_dim`` embedding. With both off the model is a linear
    embedding of the eigenvectors read out bilinearly, which still works as a baseline.
    All arguments are validated whichever parts are on, so a bad config fails early.

    Permutation equivariant up to eigenvector sign and degeneracy.

    Args:
        use_gnn: Embed nodes with graph filters (else with a linear map).
        use_transformer: Refine the embedding with transformer blocks.
        k: Number of leading eigenvectors used as node features.
        gnn_layers: Number of graph-filter layers.
        num_terms: Taps per graph filter.
        feature_dim: Size of the GNN (or linear) embedding.
        d_model: Transformer embedding size.
        num_heads: Attention heads; must divide ``d_model``.
        transformer_layers: Number of transformer blocks.
        dropout: Dropout inside the transformer blocks.

    Raises:
        ValueError: If a size is ``< 1``, ``num_heads`` does not divide ``d_model``,
            or ``dropout`` is outside ``[0, 1)``.
    """

    def __init__(
        self,
        use_gnn: bool = True,
        use_transformer: bool = True,
        k: int = 8,
        gnn_layers: int = 2,
        num_terms: int = 3,
        feature_dim: int = 16,
        d_model: int = 32,
        num_heads: int = 4,
        transformer_layers: int = 2,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        for name, value in (
            ("gnn_layers", gnn_layers),
            ("num_terms", num_terms),
            ("feature_dim", feature_dim),
            ("transformer_layers", transformer_layers),
        ):
            check_positive_int(name, value)
        check_attention_sizes(d_model, num_heads, dropout)
        self.eigen = TopKEigenLayer(k)
        self.k = k
        self.use_gnn = use_gnn
        self.use_transformer = use_transformer
        if use_gnn:
            self.filters = GraphFilterStack(k, feature_dim, gnn_layers, num_terms)
        else:
            self.embed = nn.Linear(k, feature_dim)
        readout_dim = feature_dim
        if use_transformer:
            self.project = nn.Linear(feature_dim, d_model)
            self.blocks = nn.ModuleList(
                TransformerBlock(d_model, num_heads, dropout) for _ in range(transformer_layers)
            )
            self.norm = nn.LayerNorm(d_model)
            readout_dim = d_model
        self.readout = BilinearReadout(readout_dim)

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        values, vectors = self.eigen(adj)
        h = unit_rms(vectors)
        if self.use_gnn:
            h = self.filters(normalised_shift(adj, values), h)
        else:
            h = self.embed(h)
        if self.use_transformer:
            h = self.project(h)
            for block in self.blocks:
                h = block(h)
            h = self.norm(h)
        return self.readout(h)
