"""Denoising data over many graphs from one generator."""

from __future__ import annotations

import torch

from tmgg.data.denoising_data_module import SPLITS, DenoisingDataModule


class GraphDataModule(DenoisingDataModule):
    """Every clean graph is a fresh draw from the generator with its own seed.

    Graph seeds are consecutive integers: train first, then val, then test,
    starting at ``seed * (num_train_samples + num_val_samples + num_test_samples)``.
    No seed is used twice, within a run or across runs with different ``seed``,
    so the splits hold different graphs (up to chance repeats of tiny graphs).

    Takes the arguments of :class:`DenoisingDataModule`.
    """

    def _clean_graphs(self, split: str) -> torch.Tensor:
        total = sum(self.num_samples.values())
        start = self.seed * total + sum(self.num_samples[s] for s in SPLITS[: SPLITS.index(split)])
        seeds = range(start, start + self.num_samples[split])
        return torch.stack([self.generator.sample(graph_seed) for graph_seed in seeds])
