"""One DiGress transformer layer: node-edge attention, residuals, norms and feed-forward nets."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.digress.node_edge_attention import NodeEdgeAttention
from tmgg.models.layers import check_dropout, symmetrise


class DigressLayer(nn.Module):
    """``NodeEdgeAttention`` followed, for each of X, E and y, by residual + LayerNorm + FFN.

    The edge update is symmetrised before its residual, so edge features of an
    undirected graph stay symmetric in ``(i, j)`` through the stack.

    Args:
        hidden_node: Node feature size.
        hidden_edge: Edge feature size.
        hidden_global: Global feature size.
        num_heads: Attention heads; must divide ``hidden_node``.
        dropout: Dropout on every residual branch.

    Raises:
        ValueError: If a size is ``< 1``, ``num_heads`` does not divide ``hidden_node``,
            or ``dropout`` is outside ``[0, 1)``.
    """

    def __init__(
        self, hidden_node: int, hidden_edge: int, hidden_global: int, num_heads: int, dropout: float = 0.0
    ) -> None:
        super().__init__()
        check_dropout(dropout)
        self.attention = NodeEdgeAttention(hidden_node, hidden_edge, hidden_global, num_heads)
        dims = {"x": hidden_node, "e": hidden_edge, "y": hidden_global}
        self.norm_attn = nn.ModuleDict({key: nn.LayerNorm(dim) for key, dim in dims.items()})
        self.norm_ffn = nn.ModuleDict({key: nn.LayerNorm(dim) for key, dim in dims.items()})
        self.ffn = nn.ModuleDict(
            {
                key: nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(), nn.Linear(2 * dim, dim))
                for key, dim in dims.items()
            }
        )
        self.dropout = nn.Dropout(dropout)

    def forward(
        self, x: torch.Tensor, e: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Update node, edge and global features.

        Args:
            x: Node features.
            e: Edge features (symmetric in the two node axes).
            y: Global features.

        Returns:
            Updated ``(x, e, y)``.

        Shapes:
            x: ``(B, n, hidden_node)``; e: ``(B, n, n, hidden_edge)``; y: ``(B, hidden_global)``;
            outputs have the same shapes.
        """
        x_update, e_update, y_update = self.attention(x, e, y)
        e_update = symmetrise(e_update.movedim(-1, 1)).movedim(1, -1)
        features = {"x": x, "e": e, "y": y}
        updates = {"x": x_update, "e": e_update, "y": y_update}
        for key in features:
            h = self.norm_attn[key](features[key] + self.dropout(updates[key]))
            features[key] = self.norm_ffn[key](h + self.dropout(self.ffn[key](h)))
        return features["x"], features["e"], features["y"]
