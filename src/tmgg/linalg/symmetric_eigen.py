"""Symmetric eigendecompositions that do not fail where a GPU solver gives up.

cuSOLVER's float32 ``eigh`` can stop with "failed to converge" on matrices with
many repeated eigenvalues, which 0/1 adjacency matrices often have: on an H200
a thresholded prediction batch of the default experiment did so, while LAPACK
on the CPU handles the same matrices. These wrappers call torch's solver and,
only when it raises, solve again in float64 on the CPU and return the result
on the input's device and in its dtype. Gradients flow through both paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import torch
from torch import Tensor

Result = TypeVar("Result", Tensor, tuple[Tensor, Tensor])


def eigh(matrix: Tensor) -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and eigenvectors of a batch of symmetric matrices.

    Args:
        matrix: Symmetric matrices, float32 or float64.

    Returns:
        ``(eigenvalues, eigenvectors)`` as :func:`torch.linalg.eigh` gives them.

    Shapes:
        matrix: ``(..., n, n)``; eigenvalues: ``(..., n)``; eigenvectors: ``(..., n, n)``.
    """
    values, vectors = _solve(torch.linalg.eigh, matrix)
    return values, vectors


def eigvalsh(matrix: Tensor) -> Tensor:
    """Eigenvalues (ascending) of a batch of symmetric matrices; see :func:`eigh`.

    Shapes:
        matrix: ``(..., n, n)``; returns ``(..., n)``.
    """
    return _solve(torch.linalg.eigvalsh, matrix)


def _solve(solver: Callable[[Tensor], Result], matrix: Tensor) -> Result:
    try:
        return solver(matrix)
    except torch.linalg.LinAlgError:
        result = solver(matrix.to("cpu", torch.float64))
    if isinstance(result, Tensor):
        return result.to(matrix.device, matrix.dtype)
    return tuple(part.to(matrix.device, matrix.dtype) for part in result)
