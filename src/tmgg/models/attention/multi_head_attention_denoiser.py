"""Transformer over nodes, with eigenvector node features and a bilinear edge readout."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import (
    BaseDenoiser,
    BilinearReadout,
    TopKEigenLayer,
    TransformerBlock,
    check_attention_sizes,
    check_positive_int,
    unit_rms,
)


class MultiHeadAttentionDenoiser(BaseDenoiser):
    """Multi-layer multi-head self-attention over nodes embedded from top-``k`` eigenvectors.

    Each node's features are its entries in the ``k`` leading eigenvectors of the noisy
    adjacency (scaled to unit RMS, see ``unit_rms``), linearly embedded to ``d_model``;
    ``num_layers`` transformer blocks mix them; logits are ``H W H^T + b``, symmetrised.

    Permutation equivariant up to eigenvector sign and degeneracy: the attention has no
    positional encoding, so equivariance holds exactly whenever the top-``k`` eigenvalues
    are distinct and each eigenvector's largest entry is unique.

    Args:
        k: Number of leading eigenvectors used as node features.
        d_model: Node embedding size.
        num_heads: Attention heads; must divide ``d_model``.
        num_layers: Number of transformer blocks.
        dropout: Dropout inside the blocks.

    Raises:
        ValueError: If a size is ``< 1``, ``num_heads`` does not divide ``d_model``,
            or ``dropout`` is outside ``[0, 1)``.
    """

    def __init__(
        self, k: int = 8, d_model: int = 32, num_heads: int = 4, num_layers: int = 2, dropout: float = 0.0
    ) -> None:
        super().__init__()
        check_positive_int("num_layers", num_layers)
        check_attention_sizes(d_model, num_heads, dropout)
        self.eigen = TopKEigenLayer(k)
        self.k = k
        self.embed = nn.Linear(k, d_model)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, num_heads, dropout) for _ in range(num_layers))
        self.norm = nn.LayerNorm(d_model)
        self.readout = BilinearReadout(d_model)

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        _, vectors = self.eigen(adj)
        h = self.embed(unit_rms(vectors))
        for block in self.blocks:
            h = block(h)
        return self.readout(self.norm(h))
