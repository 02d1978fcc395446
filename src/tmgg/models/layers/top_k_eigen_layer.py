"""Leading eigenpairs of a symmetric adjacency matrix, the node features of most models."""

from __future__ import annotations

import torch
from torch import nn

from tmgg.linalg import eigh
from tmgg.models.layers.argument_checks import check_positive_int


class TopKEigenLayer(nn.Module):
    """The ``k`` eigenpairs of largest ``|eigenvalue|``, with a deterministic sign per eigenvector.

    Eigenvectors are only defined up to sign; each one is flipped so that its entry of
    largest magnitude is positive, which makes the output a function of the input
    (and permutation equivariant whenever that entry is unique). When ``n < k`` the
    missing eigenpairs are zeros, so downstream layers always see ``k`` columns.

    The decomposition is a fixed featurisation: no gradient flows back through it,
    because the backward pass of ``eigh`` divides by eigenvalue gaps, which are zero
    for the repeated eigenvalues that 0/1 graphs routinely have.

    Args:
        k: Number of eigenpairs to return.

    Raises:
        ValueError: If ``k < 1``.
    """

    def __init__(self, k: int = 8) -> None:
        super().__init__()
        check_positive_int("k", k)
        self.k = k

    def forward(self, adj: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the top-``k`` eigenvalues and eigenvectors, ordered by decreasing ``|eigenvalue|``.

        Args:
            adj: Batch of symmetric matrices (not re-validated here).

        Returns:
            ``(eigenvalues, eigenvectors)``, zero-padded to ``k`` when ``n < k``.

        Shapes:
            adj: ``(B, n, n)``; eigenvalues: ``(B, k)``; eigenvectors: ``(B, n, k)``.
        """
        values, vectors = self._eigh(adj.detach())
        n = adj.shape[-1]
        take = min(self.k, n)
        order = values.abs().argsort(dim=-1, descending=True, stable=True)[..., :take]
        values = values.gather(-1, order)
        vectors = vectors.gather(-1, order.unsqueeze(-2).expand(-1, n, -1))
        vectors = vectors * self._sign_of_largest_entry(vectors)
        if take < self.k:
            values = nn.functional.pad(values, (0, self.k - take))
            vectors = nn.functional.pad(vectors, (0, self.k - take))
        return values.to(adj.dtype), vectors.to(adj.dtype)

    @staticmethod
    def _eigh(adj: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # eigh has no half-precision kernels, and under autocast it must not be downcast.
        work_dtype = adj.dtype if adj.dtype in (torch.float32, torch.float64) else torch.float32
        with torch.autocast(device_type=adj.device.type, enabled=False):
            return eigh(adj.to(work_dtype))

    @staticmethod
    def _sign_of_largest_entry(vectors: torch.Tensor) -> torch.Tensor:
        pivot = vectors.abs().argmax(dim=-2, keepdim=True)
        sign = vectors.gather(-2, pivot).sign()
        return torch.where(sign == 0, torch.ones_like(sign), sign)


def unit_rms(vectors: torch.Tensor) -> torch.Tensor:
    """Scale unit-norm eigenvectors by ``sqrt(n)``, so their entries have mean square 1.

    Entries of a unit eigenvector shrink as ``1/sqrt(n)``; used raw as node features they
    leave a default-initialised ``nn.Linear`` dominated by its bias (every node looks the
    same) and force bilinear weights to grow with ``n``. Zero-padded columns stay zero.

    Args:
        vectors: Eigenvectors as columns, e.g. from ``TopKEigenLayer``.

    Returns:
        ``sqrt(n) * vectors``.

    Shapes:
        vectors: ``(B, n, k)`` -> ``(B, n, k)``.
    """
    return vectors * vectors.shape[-2] ** 0.5
