"""Permutation-invariant summary of node or edge features, for the global state."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import check_positive_int


class GraphPooling(nn.Module):
    """Mean, min, max and standard deviation over a set of items, then a linear map.

    Args:
        in_dim: Feature size of each item.
        out_dim: Output size.

    Raises:
        ValueError: If a size is ``< 1``.
    """

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        check_positive_int("in_dim", in_dim)
        check_positive_int("out_dim", out_dim)
        self.linear = nn.Linear(4 * in_dim, out_dim)

    def forward(self, items: torch.Tensor) -> torch.Tensor:
        """Pool every axis between the batch and the features.

        Args:
            items: Node features ``(B, n, d)`` or edge features ``(B, n, n, d)``.

        Returns:
            One vector per graph.

        Shapes:
            items: ``(B, ..., in_dim)``; returns ``(B, out_dim)``.
        """
        flat = items.flatten(1, -2)
        # unbiased=False keeps n = 1 finite (the unbiased estimate divides by n - 1).
        stats = [flat.mean(1), flat.amin(1), flat.amax(1), flat.std(1, unbiased=False)]
        return self.linear(torch.cat(stats, dim=-1))
