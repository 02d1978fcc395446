"""Shared plumbing of the non-equivariant baselines that see the whole adjacency as one vector."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import BaseDenoiser, check_positive_int


class FlattenedBaseline(BaseDenoiser):
    """Pad to ``max_nodes``, flatten the upper triangle, apply ``self.net``, mirror and crop.

    Only the ``max_nodes * (max_nodes + 1) / 2`` entries on and above the diagonal go in
    and come out: a symmetric input carries no more, and the output is symmetric by
    construction, at a quarter of the weights of a map on the full matrix. Graphs with
    ``n < max_nodes`` are zero-padded (as isolated nodes) and the logits cropped back.

    Not permutation equivariant: every node position has its own weights.
    Subclasses set ``self.net``, a module mapping ``(B, num_pairs)`` to ``(B, num_pairs)``.

    Args:
        max_nodes: Largest graph size; inputs with more nodes raise ``ValueError``.

    Raises:
        ValueError: If ``max_nodes < 1``.
    """

    net: nn.Module

    def __init__(self, max_nodes: int = 64) -> None:
        super().__init__()
        check_positive_int("max_nodes", max_nodes)
        self.max_nodes = max_nodes
        rows, cols = torch.triu_indices(max_nodes, max_nodes)
        self.register_buffer("rows", rows, persistent=False)
        self.register_buffer("cols", cols, persistent=False)
        self.num_pairs = rows.numel()

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)`` with ``n <= max_nodes``; returns ``(B, n, n)``.
        """
        n = adj.shape[-1]
        pad = self.max_nodes - n
        flat = nn.functional.pad(adj, (0, pad, 0, pad))[:, self.rows, self.cols]
        pairs = self.net(flat)
        logits = pairs.new_zeros(adj.shape[0], self.max_nodes, self.max_nodes)
        logits[:, self.rows, self.cols] = pairs
        logits[:, self.cols, self.rows] = pairs
        return logits[:, :n, :n]
