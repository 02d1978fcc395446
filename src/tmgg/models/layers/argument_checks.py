"""Input checks shared by every model: adjacency tensors and positive integer sizes."""

from __future__ import annotations

import torch

SYMMETRY_ATOL = 1e-5
"""Largest ``|adj - adj^T|`` entry accepted as symmetric; float32 noise round-off stays below it."""


def check_positive_int(name: str, value: int) -> None:
    """Raise unless ``value`` is an integer ``>= 1``.

    Args:
        name: Argument name used in the error message.
        value: The value to check.

    Raises:
        ValueError: If ``value`` is not an int or is smaller than 1.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {name}={value!r}")


def check_adjacency(adj: torch.Tensor, max_nodes: int | None = None) -> None:
    """Check that ``adj`` is a (batch of) square, symmetric, floating-point adjacency matrices.

    Args:
        adj: Adjacency matrix or batch of them.
        max_nodes: Largest accepted number of nodes; ``None`` accepts any size.

    Raises:
        ValueError: If ``adj`` is not 2-D or 3-D, not floating point, not square, empty,
            not finite, not symmetric within ``SYMMETRY_ATOL``, or has more than ``max_nodes`` nodes.

    Shapes:
        adj: ``(B, n, n)`` or ``(n, n)``.
    """
    if not isinstance(adj, torch.Tensor):
        raise ValueError(f"adj must be a torch.Tensor, got type(adj)={type(adj).__name__}")
    if adj.dim() not in (2, 3):
        raise ValueError(f"adj must have shape (B, n, n) or (n, n), got adj.shape={tuple(adj.shape)}")
    if not adj.is_floating_point():
        raise ValueError(f"adj must be a floating-point tensor, got adj.dtype={adj.dtype}")
    rows, cols = adj.shape[-2:]
    if rows != cols:
        raise ValueError(f"adj must be square in its last two dims, got adj.shape={tuple(adj.shape)}")
    if rows < 1:
        raise ValueError(f"adj must have at least one node, got adj.shape={tuple(adj.shape)}")
    if max_nodes is not None and rows > max_nodes:
        raise ValueError(f"adj has n={rows} nodes, more than max_nodes={max_nodes}")
    non_finite = int((~torch.isfinite(adj)).sum().item())
    if non_finite:
        raise ValueError(f"adj must be finite, got {non_finite} NaN or infinite entries in adj")
    asymmetry = (adj - adj.transpose(-1, -2)).abs().max().item()
    if asymmetry > SYMMETRY_ATOL:
        raise ValueError(
            f"adj must be symmetric, got max |adj - adj^T| = {asymmetry:.3g} (tolerance {SYMMETRY_ATOL})"
        )


def check_attention_sizes(d_model: int, num_heads: int, dropout: float, d_model_name: str = "d_model") -> None:
    """Validate the arguments shared by every attention model.

    Args:
        d_model: Embedding size.
        num_heads: Number of heads.
        dropout: Dropout probability.
        d_model_name: The caller's name for ``d_model``, used in error messages.

    Raises:
        ValueError: If a size is ``< 1``, ``num_heads`` does not divide ``d_model``,
            or ``dropout`` is outside ``[0, 1)``.
    """
    check_positive_int(d_model_name, d_model)
    check_positive_int("num_heads", num_heads)
    if d_model % num_heads:
        raise ValueError(
            f"num_heads must divide {d_model_name}, got num_heads={num_heads}, {d_model_name}={d_model}"
        )
    check_dropout(dropout)


def check_dropout(dropout: float) -> None:
    """Raise unless ``0 <= dropout < 1``.

    Args:
        dropout: Dropout probability.

    Raises:
        ValueError: If ``dropout`` is outside ``[0, 1)``.
    """
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got dropout={dropout!r}")
