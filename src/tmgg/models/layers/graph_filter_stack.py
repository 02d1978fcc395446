"""Stack of graph-filter layers with tanh activations."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers.polynomial_graph_filter import PolynomialGraphFilter
from tmgg.models.layers.argument_checks import check_positive_int


class GraphFilterStack(nn.Module):
    """``H <- tanh(filter_l(S, H))`` for ``l = 1 .. num_layers``.

    tanh is odd, so flipping the sign of an input eigenvector flips, rather than
    scrambles, the first layer's response to it.

    Args:
        in_dim: Input feature size.
        hidden_dim: Output size of every layer.
        num_layers: Number of filter layers.
        num_terms: Taps per filter.
        filter_class: Layer type, called as ``filter_class(in_dim, out_dim, num_terms)``.

    Raises:
        ValueError: If a size is ``< 1``.
    """

    def __init__(
        self,
        in_dim: int,
        hidden_dim: int,
        num_layers: int,
        num_terms: int,
        filter_class: type[nn.Module] = PolynomialGraphFilter,
    ) -> None:
        super().__init__()
        check_positive_int("num_layers", num_layers)
        dims = [in_dim] + [hidden_dim] * num_layers
        self.filters = nn.ModuleList(
            filter_class(d_in, d_out, num_terms) for d_in, d_out in zip(dims[:-1], dims[1:])
        )

    def forward(self, shift: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Apply every layer.

        Args:
            shift: Graph shift operator.
            x: Node features.

        Returns:
            Node embeddings.

        Shapes:
            shift: ``(B, n, n)``; x: ``(B, n, in_dim)``; returns ``(B, n, hidden_dim)``.
        """
        for graph_filter in self.filters:
            x = torch.tanh(graph_filter(shift, x))
        return x
