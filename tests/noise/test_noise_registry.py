"""Tests of make_noise, the name-to-class lookup of noise processes.

Rationale: scripts and sweeps pick noise by name; a typo must fail loudly.
Assumptions: the three registered names are gaussian, edge_flip and rotation.
Invariants: each name builds its class with the given arguments; an unknown
name raises ValueError naming it and listing the valid names.
"""

import pytest

from tmgg.noise import EdgeFlipNoise, GaussianNoise, RotationNoise, make_noise

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("noise_type", "kwargs", "cls"),
    [
        ("gaussian", {"sigma": 0.2}, GaussianNoise),
        ("edge_flip", {"eps": 0.1}, EdgeFlipNoise),
        ("rotation", {"k": 4, "angle_scale": 0.1}, RotationNoise),
    ],
)
def test_builds_registered_class(noise_type, kwargs, cls):
    noise = make_noise(noise_type, **kwargs)
    assert type(noise) is cls
    for name, value in kwargs.items():
        assert getattr(noise, name) == value


def test_unknown_type_names_it_and_the_valid_ones():
    with pytest.raises(ValueError, match=r"noise_type='salt'") as info:
        make_noise("salt", eps=0.1)
    for valid in ("gaussian", "edge_flip", "rotation"):
        assert valid in str(info.value)


def test_bad_arguments_reach_the_class():
    with pytest.raises(ValueError, match="eps="):
        make_noise("edge_flip", eps=2.0)
