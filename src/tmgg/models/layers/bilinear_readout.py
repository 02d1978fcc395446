"""Edge logits from node states through a learned bilinear form."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers.argument_checks import check_positive_int


class BilinearReadout(nn.Module):
    """``logits = H W H^T + b``; callers symmetrise the result.

    Permutation equivariant: relabelling the rows of ``H`` relabels rows and columns
    of the logits. The weight starts with entries of size ``1/d`` so that logits of
    unit-scale node states start at order 1.

    Args:
        dim: Size of the node states.

    Raises:
        ValueError: If ``dim < 1``.
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        check_positive_int("dim", dim)
        self.weight = nn.Parameter(torch.randn(dim, dim) / dim)
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """Score every pair of nodes.

        Args:
            h: Node states.

        Returns:
            Pairwise logits (not yet symmetrised).

        Shapes:
            h: ``(B, n, dim)``; returns ``(B, n, n)``.
        """
        return (h @ self.weight) @ h.transpose(-1, -2) + self.bias
