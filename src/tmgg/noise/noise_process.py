"""Common base of every noise process: shape checks and batching."""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch


class NoiseProcess(ABC):
    """Corrupts adjacency matrices with seeded, symmetric noise.

    Subclasses implement :meth:`_apply` on a batch. This class accepts a single
    matrix or a batch, and draws every random number from the ``generator``
    passed to ``__call__`` so that a generator seed fixes the output.
    Random numbers are drawn on the generator's device and then moved to the
    input's device, so a CPU generator gives the same noise on CPU and CUDA.
    """

    def __call__(self, adj: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Return a noisy copy of ``adj``.

        Args:
            adj: Adjacency matrix or batch of them, floating point, symmetric.
            generator: Source of all randomness.

        Returns:
            The noisy adjacency, same shape, dtype and device as ``adj``; symmetric.

        Raises:
            ValueError: if ``adj`` is not ``(n, n)`` or ``(B, n, n)``, or not floating point.

        Shapes:
            adj: ``(n, n)`` or ``(B, n, n)``; returns the same shape.
        """
        if adj.dim() not in (2, 3) or adj.shape[-1] != adj.shape[-2]:
            raise ValueError(f"adj must have shape (n, n) or (B, n, n), got adj.shape={tuple(adj.shape)}")
        if not adj.is_floating_point():
            raise ValueError(f"adj must be a floating point tensor, got adj.dtype={adj.dtype}")
        if adj.dim() == 2:
            return self._apply(adj.unsqueeze(0), generator).squeeze(0)
        return self._apply(adj, generator)

    @abstractmethod
    def _apply(self, adj: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Corrupt a batch.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """

    @staticmethod
    def _draw(kind: str, shape: tuple[int, ...], generator: torch.Generator, like: torch.Tensor) -> torch.Tensor:
        """Draw ``torch.rand`` or ``torch.randn`` numbers on the generator's device.

        Args:
            kind: ``"rand"`` (uniform on [0, 1)) or ``"randn"`` (standard normal).
            shape: Shape of the draw.
            generator: Source of randomness.
            like: Tensor whose device and dtype the result takes.

        Returns:
            The random tensor on ``like``'s device and dtype.
        """
        sampler = torch.rand if kind == "rand" else torch.randn
        values = sampler(shape, generator=generator, device=generator.device)
        return values.to(device=like.device, dtype=like.dtype)

    @staticmethod
    def _upper_to_symmetric(values: torch.Tensor) -> torch.Tensor:
        """Mirror the strict upper triangle onto the lower one; the diagonal becomes zero.

        Shapes:
            values: ``(B, n, n)``; returns ``(B, n, n)``.
        """
        upper = torch.triu(values, diagonal=1)
        return upper + upper.transpose(-1, -2)
