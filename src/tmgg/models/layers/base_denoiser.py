"""Common ``forward`` of every denoiser: validate, batch, compute logits, symmetrise."""

from __future__ import annotations

import abc

import torch
from torch import nn

from tmgg.models.layers.symmetric_part import symmetrise
from tmgg.models.layers.argument_checks import check_adjacency


class BaseDenoiser(nn.Module, abc.ABC):
    """Maps a noisy adjacency to symmetric edge logits; subclasses implement ``edge_logits``.

    ``forward`` validates the input (see ``check_adjacency``), accepts a single
    ``(n, n)`` matrix as well as a batch, and symmetrises whatever ``edge_logits``
    returns, so no subclass can emit asymmetric logits.

    Attributes:
        max_nodes: Largest accepted graph size; ``None`` (the default) for models
            that work at any size.
    """

    max_nodes: int | None = None

    def forward(self, adj: torch.Tensor) -> torch.Tensor:
        """Return symmetric edge logits for ``adj``.

        Args:
            adj: Noisy adjacency matrix or batch of them.

        Returns:
            Edge logits with the shape of ``adj``.

        Raises:
            ValueError: If ``adj`` fails ``check_adjacency``.

        Shapes:
            adj: ``(B, n, n)`` or ``(n, n)``; returns the same shape.
        """
        check_adjacency(adj, max_nodes=self.max_nodes)
        if adj.dim() == 2:
            return self.forward(adj.unsqueeze(0)).squeeze(0)
        return symmetrise(self.edge_logits(adj))

    @abc.abstractmethod
    def edge_logits(self, adj: torch.Tensor) -> torch.Tensor:
        """Compute (possibly asymmetric) edge logits for a validated batch.

        Args:
            adj: Batch of symmetric adjacency matrices.

        Returns:
            Edge logits.

        Shapes:
            adj: ``(B, n, n)``; returns ``(B, n, n)``.
        """
