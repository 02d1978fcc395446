"""Metrics comparing a denoised (or noisy) adjacency matrix with the clean one.

Every metric ignores the diagonal: graphs have no self-loops, and the models'
diagonal logits carry no information. Predictions are boolean adjacency
matrices; for the denoiser they are ``logits > 0``, for the noisy input
``noisy > 0.5``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from tmgg.linalg import eigvalsh


def off_diagonal_mask(n: int, device: torch.device | None = None) -> Tensor:
    """Return a boolean mask that is True off the diagonal.

    Args:
        n: Number of nodes.
        device: Device of the returned mask.

    Returns:
        The mask.

    Shapes:
        output: ``(n, n)``
    """
    return ~torch.eye(n, dtype=torch.bool, device=device)


def edge_confusion(pred: Tensor, target: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Count true/false positives/negatives over the off-diagonal entries of a batch.

    Each undirected edge is counted twice (both triangles); ratios are unaffected.

    Args:
        pred: Predicted adjacency, boolean.
        target: Clean adjacency, boolean.

    Returns:
        ``(tp, fp, fn, tn)`` as scalar integer tensors.

    Shapes:
        pred, target: ``(B, n, n)``
    """
    mask = off_diagonal_mask(pred.shape[-1], pred.device)
    tp = (pred & target & mask).sum()
    fp = (pred & ~target & mask).sum()
    fn = (~pred & target & mask).sum()
    tn = (~pred & ~target & mask).sum()
    return tp, fp, fn, tn


def edge_accuracy(pred: Tensor, target: Tensor) -> Tensor:
    """Fraction of off-diagonal entries predicted correctly.

    Args:
        pred: Predicted adjacency, boolean.
        target: Clean adjacency, boolean.

    Returns:
        Scalar float tensor in ``[0, 1]``.

    Shapes:
        pred, target: ``(B, n, n)``
    """
    tp, fp, fn, tn = edge_confusion(pred, target)
    return (tp + tn).float() / (tp + fp + fn + tn).clamp(min=1).float()


def edge_f1(pred: Tensor, target: Tensor) -> Tensor:
    """F1 score of the edges, pooled over the batch.

    A batch with no edges in either matrix scores 1: nothing was missed or invented.

    Args:
        pred: Predicted adjacency, boolean.
        target: Clean adjacency, boolean.

    Returns:
        Scalar float tensor in ``[0, 1]``.

    Shapes:
        pred, target: ``(B, n, n)``
    """
    tp, fp, fn, _ = edge_confusion(pred, target)
    denominator = (2 * tp + fp + fn).float()
    # torch.where rather than an if: no device-to-host sync on GPU.
    return torch.where(denominator > 0, 2 * tp.float() / denominator.clamp(min=1), 1.0)


def frobenius_error(estimate: Tensor, target: Tensor) -> Tensor:
    """Mean over graphs of the Frobenius norm of the off-diagonal difference.

    For 0/1 matrices this is the square root of the number of wrong entries,
    each undirected edge counted twice.

    Args:
        estimate: Estimated adjacency (any real values).
        target: Clean adjacency.

    Returns:
        Scalar float tensor.

    Shapes:
        estimate, target: ``(B, n, n)``
    """
    mask = off_diagonal_mask(estimate.shape[-1], estimate.device)
    difference = (estimate.float() - target.float()) * mask
    return torch.linalg.matrix_norm(difference, ord="fro").mean()


def eigenvalue_error(estimate: Tensor, target: Tensor) -> Tensor:
    """Mean absolute difference between the sorted eigenvalues of two symmetric matrices.

    The diagonals are zeroed first, as everywhere in this module.

    Args:
        estimate: Estimated symmetric adjacency.
        target: Clean symmetric adjacency.

    Returns:
        Scalar float tensor.

    Shapes:
        estimate, target: ``(B, n, n)``
    """
    mask = off_diagonal_mask(estimate.shape[-1], estimate.device)
    # eigvalsh returns eigenvalues in ascending order, so they are already paired by rank.
    estimate_eigenvalues = eigvalsh(estimate.float() * mask)
    target_eigenvalues = eigvalsh(target.float() * mask)
    return (estimate_eigenvalues - target_eigenvalues).abs().mean()


def denoising_metrics(logits: Tensor, clean: Tensor, noisy: Tensor) -> dict[str, Tensor]:
    """All metrics of a batch, for the denoised output and, prefixed ``noisy_``, for the input.

    The noisy input is the baseline a denoiser must beat: its errors are what
    one gets by not denoising at all.

    Args:
        logits: Edge logits from the model.
        clean: Clean 0/1 adjacency.
        noisy: Noisy adjacency given to the model.

    Returns:
        Scalar tensors keyed ``accuracy``, ``f1``, ``recon_error``,
        ``eigenvalue_error`` and the same four with the ``noisy_`` prefix.

    Shapes:
        logits, clean, noisy: ``(B, n, n)``
    """
    target = clean > 0.5
    denoised = logits > 0
    noisy_pred = noisy > 0.5
    return {
        "accuracy": edge_accuracy(denoised, target),
        "f1": edge_f1(denoised, target),
        "recon_error": frobenius_error(denoised, clean),
        "eigenvalue_error": eigenvalue_error(denoised, clean),
        "noisy_accuracy": edge_accuracy(noisy_pred, target),
        "noisy_f1": edge_f1(noisy_pred, target),
        "noisy_recon_error": frobenius_error(noisy, clean),
        "noisy_eigenvalue_error": eigenvalue_error(noisy, clean),
    }
