"""Node-variant graph filter: each node weighs the powers of the shift with its own taps."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers.polynomial_graph_filter import shift_powers
from tmgg.models.layers.argument_checks import check_positive_int


class NodeVariantGraphFilter(nn.Module):
    """``Y_i = sum_t h_t(x_i) (S^t X W_t)_i + b``, with taps ``h_t`` that vary per node.

    Classical node-variant filters learn one tap vector per node index, which ties the
    model to one graph size and node order. Here the taps are a learned linear function
    of the node's own features, so the filter works for any ``n`` and stays permutation
    equivariant. The taps start at 1 (zero weights, unit bias), i.e. as a plain
    polynomial filter.

    Args:
        in_dim: Input feature size.
        out_dim: Output feature size.
        num_terms: Number of taps ``T``.

    Raises:
        ValueError: If any size is ``< 1``.
    """

    def __init__(self, in_dim: int, out_dim: int, num_terms: int = 3) -> None:
        super().__init__()
        for name, value in (("in_dim", in_dim), ("out_dim", out_dim), ("num_terms", num_terms)):
            check_positive_int(name, value)
        self.num_terms = num_terms
        bound = (num_terms * in_dim) ** -0.5
        self.weight = nn.Parameter(torch.empty(num_terms, in_dim, out_dim).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(out_dim))
        self.taps = nn.Linear(in_dim, num_terms)
        nn.init.zeros_(self.taps.weight)
        nn.init.ones_(self.taps.bias)

    def forward(self, shift: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Apply the filter.

        Args:
            shift: Graph shift operator ``S``.
            x: Node features.

        Returns:
            Filtered node features.

        Shapes:
            shift: ``(B, n, n)``; x: ``(B, n, in_dim)``; returns ``(B, n, out_dim)``.
        """
        powers = torch.stack(shift_powers(shift, x, self.num_terms), dim=-2)
        return torch.einsum("bnt,bnti,tio->bno", self.taps(x), powers, self.weight) + self.bias
