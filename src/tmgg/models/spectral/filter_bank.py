"""Spectral filter: a learned polynomial of the eigenvalues applied in the eigenbasis."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.models.layers import BaseDenoiser, TopKEigenLayer, check_positive_int, spectral_radius, unit_rms


class GraphFilterBank(BaseDenoiser):
    """``logits = V diag(sum_j h_j lam~^j) V^T + b`` over the top-``k`` eigenpairs.

    ``lam~`` are the eigenvalues divided by the spectral radius, so every power stays in
    ``[-1, 1]`` whatever the graph size; ``V`` holds the eigenvectors scaled to unit RMS
    entries (see ``unit_rms``), so useful taps are of order 1 at any ``n``. The taps start
    at ``h_1 = 1`` (the others 0), i.e. at ``n / rho`` times the rank-``k`` approximation
    of the adjacency; with ``num_terms = 1`` the single tap ``h_0`` starts at 1.

    Permutation equivariant up to eigenvector sign and degeneracy (the output depends
    on each eigenvector only through ``v v^T``, so only degeneracy matters).

    Args:
        k: Number of leading eigenpairs.
        num_terms: Number of polynomial coefficients ``h_0 .. h_{num_terms-1}``.

    Raises:
        ValueError: If ``k < 1`` or ``num_terms < 1``.
    """

    def __init__(self, k: int = 8, num_terms: int = 4) -> None:
        super().__init__()
        check_positive_int("num_terms", num_terms)
        self.eigen = TopKEigenLayer(k)
        self.k = k
        taps = torch.zeros(num_terms)
        taps[min(1, num_terms - 1)] = 1.0
        self.taps = nn.Parameter(taps)
        self.bias = nn.Parameter(torch.zeros(()))

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        values, vectors = self.eigen(adj)
        vectors = unit_rms(vectors)
        scaled = values / spectral_radius(values)
        powers = scaled.unsqueeze(-1) ** torch.arange(len(self.taps), device=adj.device)
        response = powers @ self.taps
        return (vectors * response.unsqueeze(-2)) @ vectors.transpose(-1, -2) + self.bias
