"""DiGress-style edge flipping."""

from __future__ import annotations

import torch

from tmgg.noise.noise_process import NoiseProcess


class EdgeFlipNoise(NoiseProcess):
    """Flips each undirected edge or non-edge independently with probability ``eps``.

    A flip maps an entry ``a`` to ``1 - a``, so inputs are expected to be 0/1.
    Both entries of a pair flip together (symmetric output) and the diagonal is
    never touched (zero stays zero).

    Args:
        eps: Flip probability per unordered node pair, in ``[0, 1]``.

    Raises:
        ValueError: if ``eps`` is outside ``[0, 1]``.
    """

    def __init__(self, eps: float) -> None:
        eps = float(eps)
        if not 0.0 <= eps <= 1.0:
            raise ValueError(f"eps must be in [0, 1], got eps={eps}")
        self.eps = eps

    def _apply(self, adj: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        # Uniform draws lie in [0, 1): eps=0 flips nothing and eps=1 flips every pair.
        uniform = self._draw("rand", tuple(adj.shape), generator, adj)
        flips = self._upper_to_symmetric((uniform < self.eps).to(adj.dtype)).bool()
        return torch.where(flips, 1.0 - adj, adj)

    def __repr__(self) -> str:
        return f"EdgeFlipNoise(eps={self.eps})"
