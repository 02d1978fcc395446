"""Symmetrisation of edge logits."""

from __future__ import annotations

import torch


def symmetrise(x: torch.Tensor) -> torch.Tensor:
    """Return ``(x + x^T) / 2`` over the last two dims.

    Args:
        x: Square matrices.

    Returns:
        The symmetric part of ``x``.

    Shapes:
        x: ``(..., n, n)`` -> ``(..., n, n)``.
    """
    return 0.5 * (x + x.transpose(-1, -2))
