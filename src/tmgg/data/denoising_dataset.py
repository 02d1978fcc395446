"""Pairs of clean and noisy graphs with the noise fixed up front."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.data import Dataset

from tmgg.data.arg_checks import check_int


class DenoisingDataset(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Holds ``num_samples_per_graph`` noisy copies of each clean graph.

    All noise is drawn in ``__init__`` from one generator seeded with ``seed``,
    so items do not depend on access order or on which dataloader worker reads
    them. Item ``i`` pairs clean graph ``i // num_samples_per_graph`` with its
    ``i % num_samples_per_graph``-th noisy copy.

    Args:
        clean_graphs: Clean adjacency matrices, float32 0/1.
        noise: Noise process called as ``noise(adj, generator)`` on the whole batch.
        num_samples_per_graph: Noisy copies per clean graph, ``>= 1``.
        seed: Seed of the noise generator.

    Raises:
        ValueError: if ``clean_graphs`` is not ``(N, n, n)`` or ``num_samples_per_graph < 1``.

    Shapes:
        clean_graphs: ``(N, n, n)``; each item is a pair of ``(n, n)`` float32 tensors.
    """

    def __init__(
        self,
        clean_graphs: torch.Tensor,
        noise: Callable[[torch.Tensor, torch.Generator], torch.Tensor],
        num_samples_per_graph: int = 1,
        seed: int = 0,
    ) -> None:
        if clean_graphs.dim() != 3 or clean_graphs.shape[-1] != clean_graphs.shape[-2]:
            raise ValueError(
                f"clean_graphs must have shape (N, n, n), got clean_graphs.shape={tuple(clean_graphs.shape)}"
            )
        self.num_samples_per_graph = check_int("num_samples_per_graph", num_samples_per_graph, 1)
        self.clean_graphs = clean_graphs.to(torch.float32)
        generator = torch.Generator().manual_seed(int(seed))
        repeated = self.clean_graphs.repeat_interleave(self.num_samples_per_graph, dim=0)
        self.noisy_graphs = noise(repeated, generator).to(torch.float32)

    def __len__(self) -> int:
        return self.noisy_graphs.shape[0]

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.clean_graphs[index // self.num_samples_per_graph], self.noisy_graphs[index]
