"""Pre-norm transformer encoder block over node embeddings."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers.argument_checks import check_attention_sizes


class TransformerBlock(nn.Module):
    """Self-attention then a feed-forward net (hidden size ``2 * d_model``), each pre-normed and residual.

    No positional encoding is added, so the block is permutation equivariant over
    the token (node) axis.

    Args:
        d_model: Embedding size.
        num_heads: Attention heads; must divide ``d_model``.
        dropout: Dropout on attention weights and residual branches.

    Raises:
        ValueError: If a size is ``< 1``, ``num_heads`` does not divide ``d_model``,
            or ``dropout`` is outside ``[0, 1)``.
    """

    def __init__(self, d_model: int, num_heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        check_attention_sizes(d_model, num_heads, dropout)
        self.norm_attn = nn.LayerNorm(d_model)
        self.attn = nn.MultiheadAttention(d_model, num_heads, dropout=dropout, batch_first=True)
        self.norm_ffn = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(
            nn.Linear(d_model, 2 * d_model),
            nn.GELU(),
            nn.Linear(2 * d_model, d_model),
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, key_padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Update the token embeddings.

        Args:
            h: Token embeddings.
            key_padding_mask: ``True`` marks tokens that others must not attend to.

        Returns:
            Updated embeddings.

        Shapes:
            h: ``(B, t, d_model)``; key_padding_mask: ``(B, t)``; returns ``(B, t, d_model)``.
        """
        x = self.norm_attn(h)
        attended, _ = self.attn(x, x, x, key_padding_mask=key_padding_mask, need_weights=False)
        h = h + self.dropout(attended)
        return h + self.dropout(self.ffn(self.norm_ffn(h)))

