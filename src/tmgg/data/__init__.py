"""Synthetic graphs, clean/noisy datasets and the Lightning DataModules that serve them.

Names load on first use: the DataModules import pytorch_lightning, which takes
seconds, and a config that uses one generator needs none of the others.
"""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DenoisingDataModule": ".denoising_data_module",
        "DenoisingDataset": ".denoising_dataset",
        "ErdosRenyiGenerator": ".generators",
        "GraphDataModule": ".graph_data_module",
        "GraphGenerator": ".generators",
        "RegularGenerator": ".generators",
        "RingOfCliquesGenerator": ".generators",
        "SBMGenerator": ".generators",
        "SingleGraphDataModule": ".single_graph_data_module",
        "TreeGenerator": ".generators",
    },
)
