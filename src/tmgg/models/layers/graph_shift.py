"""Spectral-radius scaling, so that powers of the graph shift neither explode nor vanish."""

from __future__ import annotations

import torch

_MIN_RADIUS = 1e-6
"""Floor on the radius: an all-zero graph would otherwise divide by zero."""


def spectral_radius(eigenvalues: torch.Tensor) -> torch.Tensor:
    """Largest ``|eigenvalue|`` per graph, floored at ``1e-6``.

    Args:
        eigenvalues: Eigenvalues per graph (e.g. from ``TopKEigenLayer``, whose first
            entry already has the largest magnitude).

    Returns:
        The spectral radius, keeping a trailing singleton dim for broadcasting.

    Shapes:
        eigenvalues: ``(B, k)`` -> ``(B, 1)``.
    """
    return eigenvalues.abs().amax(dim=-1, keepdim=True).clamp_min(_MIN_RADIUS)


def normalised_shift(adj: torch.Tensor, eigenvalues: torch.Tensor) -> torch.Tensor:
    """Divide each adjacency by its spectral radius, so its spectrum lies in ``[-1, 1]``.

    Args:
        adj: Batch of symmetric matrices.
        eigenvalues: Their top-``k`` eigenvalues by magnitude.

    Returns:
        ``adj / rho`` per graph.

    Shapes:
        adj: ``(B, n, n)``; eigenvalues: ``(B, k)``; returns ``(B, n, n)``.
    """
    return adj / spectral_radius(eigenvalues).unsqueeze(-1)
