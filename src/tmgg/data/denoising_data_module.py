"""Shared arguments, splits and dataloaders of the denoising DataModules."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader

from tmgg.data.arg_checks import check_int
from tmgg.data.denoising_dataset import DenoisingDataset
from tmgg.data.generators.graph_generator import GraphGenerator

SPLITS = ("train", "val", "test")
_STAGE_SPLITS = {None: SPLITS, "fit": ("train", "val"), "validate": ("val",), "test": ("test",), "predict": ()}


class DenoisingDataModule(pl.LightningDataModule, ABC):
    """Builds train/val/test :class:`DenoisingDataset` splits from a graph generator and a noise process.

    Subclasses decide which clean graphs a split holds (:meth:`_clean_graphs`).
    Each split's noise is seeded by ``seed`` and the split alone, so a split's
    content does not depend on the order in which splits are set up.

    Args:
        generator: Graph generator; fixes ``num_nodes``.
        noise: Noise process called as ``noise(adj, generator)``.
        batch_size: Graphs per batch, ``>= 1``.
        num_workers: Dataloader worker processes, ``>= 0``.
        num_samples_per_graph: Noisy copies of each clean graph, ``>= 1``.
        num_train_samples: Clean graphs in the train split, ``>= 1``; the split
            holds ``num_train_samples * num_samples_per_graph`` pairs.
        num_val_samples: Clean graphs in the validation split, ``>= 1``.
        num_test_samples: Clean graphs in the test split, ``>= 1``.
        seed: Seed of graphs and noise, ``>= 0``.

    Raises:
        ValueError: if a count or size is out of range; the message names the argument.

    Shapes:
        Batches are tuples ``(clean, noisy)``, each ``(B, n, n)`` float32.
    """

    def __init__(
        self,
        generator: GraphGenerator,
        noise: Callable[[torch.Tensor, torch.Generator], torch.Tensor],
        batch_size: int = 16,
        num_workers: int = 0,
        num_samples_per_graph: int = 1,
        num_train_samples: int = 256,
        num_val_samples: int = 32,
        num_test_samples: int = 32,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.generator = generator
        self.noise = noise
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.num_workers = check_int("num_workers", num_workers, 0)
        self.num_samples_per_graph = check_int("num_samples_per_graph", num_samples_per_graph, 1)
        self.num_samples = {
            "train": check_int("num_train_samples", num_train_samples, 1),
            "val": check_int("num_val_samples", num_val_samples, 1),
            "test": check_int("num_test_samples", num_test_samples, 1),
        }
        self.seed = check_int("seed", seed, 0)
        self.datasets: dict[str, DenoisingDataset] = {}

    @property
    def num_nodes(self) -> int:
        """Number of nodes of every graph, from the generator."""
        return self.generator.num_nodes

    @abstractmethod
    def _clean_graphs(self, split: str) -> torch.Tensor:
        """Return the ``num_samples[split]`` clean graphs of ``split`` as an ``(N, n, n)`` tensor."""

    def setup(self, stage: str | None = None) -> None:
        """Build the splits ``stage`` needs (all of them for ``None``); splits already built are kept.

        Raises:
            ValueError: if ``stage`` is not a Lightning stage.
        """
        if stage not in _STAGE_SPLITS:
            raise ValueError(f"stage must be one of {sorted(map(str, _STAGE_SPLITS))}, got stage={stage!r}")
        for split in _STAGE_SPLITS[stage]:
            self._dataset(split)

    def _dataset(self, split: str) -> DenoisingDataset:
        if split not in self.datasets:
            # One noise stream per (seed, split) pair, none shared by two pairs.
            noise_seed = len(SPLITS) * self.seed + SPLITS.index(split)
            self.datasets[split] = DenoisingDataset(
                self._clean_graphs(split), self.noise, self.num_samples_per_graph, noise_seed
            )
        return self.datasets[split]

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        return DataLoader(
            self._dataset(split),
            batch_size=self.batch_size,
            shuffle=shuffle,
            num_workers=self.num_workers,
            persistent_workers=self.num_workers > 0,
            generator=torch.Generator().manual_seed(self.seed) if shuffle else None,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)

