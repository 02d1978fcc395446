"""Seeded, symmetric noise processes that corrupt adjacency matrices."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "EdgeFlipNoise": ".edge_flip_noise",
        "GaussianNoise": ".gaussian_noise",
        "make_noise": ".noise_registry",
        "NOISE_TYPES": ".noise_registry",
        "NoiseProcess": ".noise_process",
        "RotationNoise": ".rotation_noise",
    },
)
