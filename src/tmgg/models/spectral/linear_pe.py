"""Linear positional-encoding denoiser: a learned bilinear form of the leading eigenvectors."""

from __future__ import annotations

import torch

from tmgg.models.layers import BaseDenoiser, BilinearReadout, TopKEigenLayer, unit_rms


class LinearPE(BaseDenoiser):
    """``logits = V W V^T + b`` with ``V`` the top-``k`` eigenvectors of the noisy adjacency.

    The simplest spectral denoiser: a learned ``k x k`` mixing of the leading
    eigenspaces. ``V`` is scaled to unit RMS entries (``sqrt(n)`` times the unit-norm
    eigenvectors, see ``unit_rms``) so that useful ``W`` are of order 1 at any ``n``.
    Permutation equivariant up to eigenvector sign and degeneracy.

    Args:
        k: Number of leading eigenvectors.

    Raises:
        ValueError: If ``k < 1``.
    """

    def __init__(self, k: int = 8) -> None:
        super().__init__()
        self.eigen = TopKEigenLayer(k)
        self.k = k
        self.readout = BilinearReadout(k)

    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """See ``BaseDenoiser.edge_logits``.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        _, vectors = self.eigen(adj)
        return self.readout(unit_rms(vectors))
