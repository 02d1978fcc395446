"""Edge logits as inner products of node embeddings."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers.argument_checks import check_positive_int


class OuterProductReadout(nn.Module):
    """``logits = X Y^T + b`` with ``X, Y`` linear maps of the node states.

    With ``symmetric=True`` one map is shared (``Y = X``), so the logits are a Gram
    matrix plus a bias; otherwise the two maps differ and callers symmetrise.

    Args:
        in_dim: Size of the node states.
        embed_dim: Size of ``X`` and ``Y``.
        symmetric: Share one embedding between both sides.

    Raises:
        ValueError: If a size is ``< 1``.
    """

    def __init__(self, in_dim: int, embed_dim: int, symmetric: bool = False) -> None:
        super().__init__()
        check_positive_int("in_dim", in_dim)
        check_positive_int("embed_dim", embed_dim)
        self.symmetric = symmetric
        self.embed = nn.Linear(in_dim, embed_dim if symmetric else 2 * embed_dim)
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """Score every pair of nodes.

        Args:
            h: Node states.

        Returns:
            Pairwise logits.

        Shapes:
            h: ``(B, n, in_dim)``; returns ``(B, n, n)``.
        """
        z = self.embed(h)
        x, y = (z, z) if self.symmetric else z.chunk(2, dim=-1)
        return x @ y.transpose(-1, -2) + self.bias
