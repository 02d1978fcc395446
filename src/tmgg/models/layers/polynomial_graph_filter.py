"""Polynomial graph filter ``sum_t S^t X W_t``, the convolution of the GNN family."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers.argument_checks import check_positive_int


class PolynomialGraphFilter(nn.Module):
    """Linear shift-invariant graph filter: ``Y = sum_{t=0}^{T-1} S^t X W_t + b``.

    Permutation equivariant: relabelling the nodes of ``S`` and ``X`` relabels ``Y``.

    Args:
        in_dim: Input feature size.
        out_dim: Output feature size.
        num_terms: Number of taps ``T`` (powers ``S^0 .. S^{T-1}``).

    Raises:
        ValueError: If any size is ``< 1``.
    """

    def __init__(self, in_dim: int, out_dim: int, num_terms: int = 3) -> None:
        super().__init__()
        for name, value in (("in_dim", in_dim), ("out_dim", out_dim), ("num_terms", num_terms)):
            check_positive_int(name, value)
        self.num_terms = num_terms
        # One matrix over the concatenated [X, SX, S^2X, ...] equals the sum of T separate W_t.
        self.linear = nn.Linear(num_terms * in_dim, out_dim)

    def forward(self, shift: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Apply the filter.

        Args:
            shift: Graph shift operator ``S`` (a scaled adjacency).
            x: Node features.

        Returns:
            Filtered node features.

        Shapes:
            shift: ``(B, n, n)``; x: ``(B, n, in_dim)``; returns ``(B, n, out_dim)``.
        """
        return self.linear(torch.cat(shift_powers(shift, x, self.num_terms), dim=-1))


def shift_powers(shift: torch.Tensor, x: torch.Tensor, num_terms: int) -> list[torch.Tensor]:
    """Return ``[X, SX, ..., S^{T-1}X]`` by repeated multiplication (never forming ``S^t``).

    Args:
        shift: Graph shift operator.
        x: Node features.
        num_terms: Number of powers ``T``.

    Returns:
        ``T`` tensors shaped like ``x``.

    Shapes:
        shift: ``(B, n, n)``; x: ``(B, n, d)``; each item ``(B, n, d)``.
    """
    powers = [x]
    for _ in range(num_terms - 1):
        powers.append(shift @ powers[-1])
    return powers
