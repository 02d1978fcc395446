"""Graph neural network built from polynomial graph filters."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import (
    BaseDenoiser,
    GraphFilterStack,
    OuterProductReadout,
    PolynomialGraphFilter,
    TopKEigenLayer,
    check_positive_int,
    normalised_shift,
    unit_rms,
)


class GNN(BaseDenoiser):
    """Stack of polynomial graph filters ``H <- tanh(sum_t S^t H W_t)``, read out as ``X Y^T``.

    Node inputs are the ``feature_dim_in`` leading eigenvectors of the noisy adjacency,
    scaled to unit RMS (see ``unit_rms``); the shift ``S`` is the adjacency divided by its
    spectral radius, so that ``S^t`` stays bounded. Two linear heads give ``X`` and ``Y``;
    logits are ``(X Y^T + Y X^T)/2 + b``.

    Permutation equivariant up to eigenvector sign and degeneracy (the filters are
    exactly equivariant; the eigenvector inputs are whenever the leading eigenvalues
    are distinct).

    Variants override one class attribute: ``filter_class`` (the layer type) or
    ``symmetric_readout`` (share one embedding on both sides of the readout).

    Args:
        num_layers: Number of graph-filter layers.
        num_terms: Taps per filter (powers ``S^0 .. S^{num_terms-1}``).
        feature_dim_in: Number of eigenvectors used as input features (also ``k``).
        feature_dim_out: Hidden and embedding size.

    Raises:
        ValueError: If any argument is ``< 1``.
    """

    filter_class: type[nn.Module] = PolynomialGraphFilter
    symmetric_readout: bool = False

    def __init__(
        self, num_layers: int = 2, num_terms: int = 3, feature_dim_in: int = 8, feature_dim_out: int = 16
    ) -> None:
        super().__init__()
        check_positive_int("feature_dim_in", feature_dim_in)
        check_positive_int("feature_dim_out", feature_dim_out)
        self.eigen = TopKEigenLayer(feature_dim_in)
        self.k = feature_dim_in
        self.filters = GraphFilterStack(feature_dim_in, feature_dim_out, num_layers, num_terms, self.filter_class)
        self.readout = OuterProductReadout(feature_dim_out, feature_dim_out, symmetric=self.symmetric_readout)

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        values, vectors = self.eigen(adj)
        return self.readout(self.filters(normalised_shift(adj, values), unit_rms(vectors)))
