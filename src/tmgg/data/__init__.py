"""Synthetic graphs, clean/noisy datasets and the Lightning DataModules that serve them.

Names load on first use: the DataModules import pytorch_lightning, which takes
seconds, and a config that uses one generator needs none of the others.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "denoising_data_module": ["DenoisingDataModule"],
        "denoising_dataset": ["DenoisingDataset"],
        "generators": [
            "ErdosRenyiGenerator",
            "GraphGenerator",
            "RegularGenerator",
            "RingOfCliquesGenerator",
            "SBMGenerator",
            "TreeGenerator",
        ],
        "graph_data_module": ["GraphDataModule"],
        "single_graph_data_module": ["SingleGraphDataModule"],
    },
)
