"""Denoising data over one fixed graph."""

from __future__ import annotations

from functools import cached_property

import torch

from tmgg.data.denoising_data_module import DenoisingDataModule


class SingleGraphDataModule(DenoisingDataModule):
    """One graph, sampled once with ``seed``, is the clean graph of every sample in every split.

    The splits differ only in their noise draws, so this measures how well a
    model denoises one graph it has seen, not how it generalises to new graphs.
    A split of ``num_<split>_samples`` holds that many copies of the graph, each
    with ``num_samples_per_graph`` noisy versions.

    Takes the arguments of :class:`DenoisingDataModule`.
    """

    def _clean_graphs(self, split: str) -> torch.Tensor:
        graph = self.graph
        return graph.expand(self.num_samples[split], *graph.shape)

    @cached_property
    def graph(self) -> torch.Tensor:
        """The clean graph shared by all splits, sampled on first use.

        Shapes:
            ``(n, n)`` float32.
        """
        return self.generator.sample(self.seed)
