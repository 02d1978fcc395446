"""tmgg: graph denoising models, synthetic graph data and noise, trained with Lightning and Hydra."""

__version__ = "0.1.0"
