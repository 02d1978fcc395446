"""DiGress-style attention in which edge features modulate node attention and are updated by it."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.digress.graph_pooling import GraphPooling
from tmgg.models.layers import check_attention_sizes, check_positive_int


class NodeEdgeAttention(nn.Module):
    """One attention step over node (X), edge (E) and global (y) features.

    Scores are kept per channel, ``S_ij = Q_i * K_j / sqrt(d_head)`` (not summed over
    the head dim), so every channel can be modulated by the edge between ``i`` and ``j``:
    ``S_ij <- S_ij * (1 + E_mul(E_ij)) + E_add(E_ij)`` (FiLM on the attention scores).
    The modulated scores are the new edge features; their softmax over ``j`` weighs the
    values into the new node features. The global state FiLM-modulates both, and is
    updated from itself and pooled node and edge features.

    Permutation equivariant in the nodes (no positional information is used).

    Args:
        hidden_node: Node feature size.
        hidden_edge: Edge feature size.
        hidden_global: Global feature size.
        num_heads: Attention heads; must divide ``hidden_node``.

    Raises:
        ValueError: If a size is ``< 1`` or ``num_heads`` does not divide ``hidden_node``.
    """

    def __init__(self, hidden_node: int, hidden_edge: int, hidden_global: int, num_heads: int) -> None:
        super().__init__()
        check_attention_sizes(hidden_node, num_heads, 0.0, d_model_name="hidden_node")
        check_positive_int("hidden_edge", hidden_edge)
        check_positive_int("hidden_global", hidden_global)
        self.num_heads = num_heads
        self.qkv = nn.Linear(hidden_node, 3 * hidden_node)
        self.edge_film = nn.Linear(hidden_edge, 2 * hidden_node)
        self.global_film_edge = nn.Linear(hidden_global, 2 * hidden_node)
        self.global_film_node = nn.Linear(hidden_global, 2 * hidden_node)
        self.edge_out = nn.Linear(hidden_node, hidden_edge)
        self.node_out = nn.Linear(hidden_node, hidden_node)
        self.global_self = nn.Linear(hidden_global, hidden_global)
        self.pool_nodes = GraphPooling(hidden_node, hidden_global)
        self.pool_edges = GraphPooling(hidden_edge, hidden_global)
        self.global_out = nn.Linear(hidden_global, hidden_global)

    def forward(
        self, x: torch.Tensor, e: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Compute the updates of node, edge and global features (residuals are the caller's).

        Args:
            x: Node features.
            e: Edge features.
            y: Global features.

        Returns:
            ``(x_update, e_update, y_update)``.

        Shapes:
            x: ``(B, n, hidden_node)``; e: ``(B, n, n, hidden_edge)``; y: ``(B, hidden_global)``;
            the updates have the same shapes.
        """
        batch, n, dim = x.shape
        heads = (self.num_heads, dim // self.num_heads)
        q, k, v = (part.reshape(batch, n, *heads) for part in self.qkv(x).chunk(3, dim=-1))
        scores = q.unsqueeze(2) * k.unsqueeze(1) / heads[1] ** 0.5
        e_mul, e_add = self.edge_film(e).reshape(batch, n, n, 2, *heads).unbind(3)
        scores = scores * (1 + e_mul) + e_add

        y_mul, y_add = _split_film(self.global_film_edge(y), node_axes=2)
        e_update = self.edge_out(scores.flatten(-2) * (1 + y_mul) + y_add)

        weights = scores.softmax(dim=2)
        attended = (weights * v.unsqueeze(1)).sum(dim=2).flatten(-2)
        y_mul, y_add = _split_film(self.global_film_node(y), node_axes=1)
        x_update = self.node_out(attended * (1 + y_mul) + y_add)

        y_update = self.global_out(self.global_self(y) + self.pool_nodes(x) + self.pool_edges(e))
        return x_update, e_update, y_update


def _split_film(film: torch.Tensor, node_axes: int) -> tuple[torch.Tensor, torch.Tensor]:
    # (B, 2d) -> scale and shift shaped (B, 1, ..., 1, d) to broadcast over node_axes node axes.
    scale, shift = film.chunk(2, dim=-1)
    shape = (film.shape[0], *([1] * node_axes), scale.shape[-1])
    return scale.reshape(shape), shift.reshape(shape)
