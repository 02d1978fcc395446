"""Seeded, symmetric noise processes that corrupt adjacency matrices."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "edge_flip_noise": ["EdgeFlipNoise"],
        "gaussian_noise": ["GaussianNoise"],
        "noise_process": ["NoiseProcess"],
        "noise_registry": ["make_noise", "NOISE_TYPES"],
        "rotation_noise": ["RotationNoise"],
    },
)
