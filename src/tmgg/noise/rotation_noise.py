"""Random rotation of the leading eigenvectors."""

from __future__ import annotations

import torch

from tmgg.linalg import eigh
from tmgg.noise.noise_process import NoiseProcess


class RotationNoise(NoiseProcess):
    """Rotates the top-``k`` eigenvectors by a random orthogonal matrix near the identity.

    With ``A = V diag(lam) V^T + R`` (``V`` the ``k`` eigenvectors of largest
    ``|lam|``, ``R`` the rest of the spectrum), the output is
    ``V Q diag(lam) Q^T V^T + R`` where ``Q = matrix_exp(angle_scale * S)`` and
    ``S`` is a random skew-symmetric matrix with standard normal entries.
    ``Q`` mixes eigenvectors within the top-``k`` subspace, so the spectrum of
    ``A`` is kept while its entries change; ``angle_scale=0`` gives ``Q = I``
    and returns ``A`` unchanged. Graphs with fewer than ``k`` nodes use all
    ``n`` eigenvectors.

    Args:
        k: Number of leading eigenvectors to rotate, ``>= 1``.
        angle_scale: Size of the rotation, ``>= 0``; roughly the typical angle in radians.

    Raises:
        ValueError: if ``k < 1`` or ``angle_scale`` is negative or not finite.
    """

    def __init__(self, k: int, angle_scale: float) -> None:
        if isinstance(k, bool) or int(k) != k or k < 1:
            raise ValueError(f"k must be an integer >= 1, got k={k}")
        angle_scale = float(angle_scale)
        if not 0.0 <= angle_scale < float("inf"):
            raise ValueError(f"angle_scale must be a finite number >= 0, got angle_scale={angle_scale}")
        self.k = int(k)
        self.angle_scale = angle_scale

    def _apply(self, adj: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        batch, n, _ = adj.shape
        k = min(self.k, n)
        eigenvalues, eigenvectors = eigh(adj)
        top = eigenvalues.abs().topk(k, dim=-1).indices
        lam = eigenvalues.gather(-1, top)
        vecs = eigenvectors.gather(-1, top.unsqueeze(-2).expand(batch, n, k))

        upper = torch.triu(self._draw("randn", (batch, k, k), generator, adj), diagonal=1)
        skew = upper - upper.transpose(-1, -2)
        rotation = torch.linalg.matrix_exp(self.angle_scale * skew)
        rotated = vecs @ rotation

        # Adding the difference of the two low-rank parts, rather than rebuilding
        # A from its residual, makes angle_scale=0 return A bit for bit.
        change = (rotated * lam.unsqueeze(-2)) @ rotated.transpose(-1, -2)
        change = change - (vecs * lam.unsqueeze(-2)) @ vecs.transpose(-1, -2)
        return adj + 0.5 * (change + change.transpose(-1, -2))

    def __repr__(self) -> str:
        return f"RotationNoise(k={self.k}, angle_scale={self.angle_scale})"
