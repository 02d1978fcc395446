"""Additive symmetric Gaussian noise."""

from __future__ import annotations

import torch

from tmgg.noise.noise_process import NoiseProcess


class GaussianNoise(NoiseProcess):
    """Adds ``sigma * Z`` with ``Z`` symmetric standard normal and zero on the diagonal.

    Each undirected pair ``{i, j}`` gets one draw, so the output stays symmetric,
    and the diagonal is left as it was (zero for a simple graph).

    Args:
        sigma: Standard deviation of the noise on each off-diagonal entry.

    Raises:
        ValueError: if ``sigma`` is negative or not finite.
    """

    def __init__(self, sigma: float) -> None:
        sigma = float(sigma)
        if not 0.0 <= sigma < float("inf"):
            raise ValueError(f"sigma must be a finite number >= 0, got sigma={sigma}")
        self.sigma = sigma

    def _apply(self, adj: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        noise = self._upper_to_symmetric(self._draw("randn", tuple(adj.shape), generator, adj))
        return adj + self.sigma * noise

    def __repr__(self) -> str:
        return f"GaussianNoise(sigma={self.sigma})"
