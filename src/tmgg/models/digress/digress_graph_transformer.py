"""DiGress-style graph transformer denoiser with node, edge and global features."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.digress.digress_layer import DigressLayer
from tmgg.models.layers import BaseDenoiser, TopKEigenLayer, check_positive_int, unit_rms


class DigressGraphTransformer(BaseDenoiser):
    """Graph transformer over node (X), edge (E) and global (y) features, read out from E.

    Inputs, all computed inside the model from the noisy adjacency ``A``:
    X = top-``k`` eigenvectors scaled to unit RMS (zero-padded when ``n < k``), E = ``A_ij`` per pair,
    y = top-``k`` eigenvalues divided by ``n`` (bounded by 1 for 0/1 graphs).
    Each is embedded by a two-layer MLP; ``num_layers`` ``DigressLayer`` blocks follow,
    in which edges modulate node attention, attention updates edges, and pooled nodes
    and edges update the global state. A final MLP maps, for each pair ``(i, j)``, the
    edge features, the product ``x_i * x_j`` of its node features and the global features
    to a logit, so the last layer's node and global updates are not wasted.

    Permutation equivariant up to eigenvector sign and degeneracy of the X input.

    Args:
        k: Number of leading eigenpairs used as node and global inputs.
        num_layers: Number of transformer layers.
        hidden_node: Node feature size.
        hidden_edge: Edge feature size.
        hidden_global: Global feature size.
        num_heads: Attention heads; must divide ``hidden_node``.
        dropout: Dropout on residual branches.

    Raises:
        ValueError: If a size is ``< 1``, ``num_heads`` does not divide ``hidden_node``,
            or ``dropout`` is outside ``[0, 1)``.
    """

    def __init__(
        self,
        k: int = 8,
        num_layers: int = 2,
        hidden_node: int = 32,
        hidden_edge: int = 16,
        hidden_global: int = 16,
        num_heads: int = 4,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        check_positive_int("num_layers", num_layers)
        self.eigen = TopKEigenLayer(k)
        self.k = k
        self.layers = nn.ModuleList(
            DigressLayer(hidden_node, hidden_edge, hidden_global, num_heads, dropout) for _ in range(num_layers)
        )
        self.embed_x = _mlp(k, hidden_node, hidden_node)
        self.embed_e = _mlp(1, hidden_edge, hidden_edge)
        self.embed_y = _mlp(k, hidden_global, hidden_global)
        self.out = _mlp(hidden_edge + hidden_node + hidden_global, hidden_edge, 1)

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        n = adj.shape[-1]
        values, vectors = self.eigen(adj)
        x = self.embed_x(unit_rms(vectors))
        e = self.embed_e(adj.unsqueeze(-1))
        y = self.embed_y(values / n)
        for layer in self.layers:
            x, e, y = layer(x, e, y)
        pairs = x.unsqueeze(2) * x.unsqueeze(1)
        graph = y[:, None, None, :].expand(-1, n, n, -1)
        return self.out(torch.cat([e, pairs, graph], dim=-1)).squeeze(-1)


def _mlp(in_dim: int, hidden_dim: int, out_dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, out_dim))
