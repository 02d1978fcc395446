"""Self-attention across eigenpairs: eigenvectors are the tokens, nodes are not."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import BaseDenoiser, BilinearReadout, TopKEigenLayer, TransformerBlock, spectral_radius

_TOKEN_FEATURES = 3
"""Per-eigenpair descriptors: scaled eigenvalue, mean entry and localisation of the eigenvector."""


class SpectralSelfAttention(BaseDenoiser):
    """Attend across the ``k`` leading eigenpairs, then mix them: ``logits = V M V^T + b``.

    Each eigenpair is a token, described by node-order-free quantities: its eigenvalue
    over the spectral radius, ``sum(v) / sqrt(n)`` and ``sum(v^4)`` (how localised ``v``
    is), plus a learned embedding of its rank. One transformer block lets the eigenpairs
    exchange information; a bilinear form of the attended tokens gives the ``k x k``
    mixing matrix ``M``. When ``n < k`` the zero-padded eigenpairs are masked out of the
    attention.

    Permutation equivariant up to eigenvector sign and degeneracy: ``M`` does not depend
    on node order, and ``V`` is permuted with the nodes.

    Args:
        k: Number of leading eigenpairs (tokens).
        d_model: Token embedding size.
        num_heads: Attention heads; must divide ``d_model``.

    Raises:
        ValueError: If a size is ``< 1`` or ``num_heads`` does not divide ``d_model``.
    """

    def __init__(self, k: int = 8, d_model: int = 32, num_heads: int = 4) -> None:
        super().__init__()
        self.eigen = TopKEigenLayer(k)
        self.k = k
        self.block = TransformerBlock(d_model, num_heads)
        self.embed = nn.Linear(_TOKEN_FEATURES, d_model)
        self.rank_embedding = nn.Embedding(k, d_model)
        self.norm = nn.LayerNorm(d_model)
        self.mixing = BilinearReadout(d_model)
        self.bias = nn.Parameter(torch.zeros(()))

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        values, vectors = self.eigen(adj)
        n = adj.shape[-1]
        features = torch.stack(
            [values / spectral_radius(values), vectors.sum(-2) / n**0.5, vectors.pow(4).sum(-2)], dim=-1
        )
        ranks = torch.arange(self.k, device=adj.device)
        tokens = self.embed(features) + self.rank_embedding(ranks)
        padded = (ranks >= n).expand(adj.shape[0], -1) if n < self.k else None
        mixing = self.mixing(self.norm(self.block(tokens, key_padding_mask=padded)))
        return vectors @ mixing @ vectors.transpose(-1, -2) + self.bias
