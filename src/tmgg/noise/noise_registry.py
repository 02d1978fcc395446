"""Build a noise process from its name."""

from __future__ import annotations

from typing import Any

from tmgg.noise.edge_flip_noise import EdgeFlipNoise
from tmgg.noise.gaussian_noise import GaussianNoise
from tmgg.noise.noise_process import NoiseProcess
from tmgg.noise.rotation_noise import RotationNoise

NOISE_TYPES: dict[str, type[NoiseProcess]] = {
    "gaussian": GaussianNoise,
    "edge_flip": EdgeFlipNoise,
    "rotation": RotationNoise,
}


def make_noise(noise_type: str, **kwargs: Any) -> NoiseProcess:
    """Instantiate the noise process registered under ``noise_type``.

    Args:
        noise_type: One of ``"gaussian"``, ``"edge_flip"``, ``"rotation"``.
        **kwargs: Constructor arguments of that class (``sigma``, ``eps``, or ``k`` and ``angle_scale``).

    Returns:
        The noise process.

    Raises:
        ValueError: if ``noise_type`` is unknown, or the class rejects its arguments.
    """
    if noise_type not in NOISE_TYPES:
        raise ValueError(f"noise_type must be one of {sorted(NOISE_TYPES)}, got noise_type={noise_type!r}")
    return NOISE_TYPES[noise_type](**kwargs)
