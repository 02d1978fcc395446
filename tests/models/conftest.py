"""Shared helpers for the model tests, handed to test functions as the ``model_checks`` fixture.

Rationale: model tests compare small tensors and build random graphs; these helpers do
both one way for every test. The contract every denoiser shares is checked in
tests/models/test_denoiser_contract.py; each model's own test module holds what is
specific to it.

Test graphs are random weighted symmetric matrices: their eigenvalues are distinct
and each eigenvector has a unique largest entry (almost surely), which is what makes
equivariance of eigenvector-based models a meaningful, exact (to round-off) property.
0/1 graphs often have repeated eigenvalues, where it is not.
"""

from __future__ import annotations

import pytest
import torch


def random_symmetric(batch: int, n: int, seed: int = 0) -> torch.Tensor:
    """A batch of random symmetric float32 matrices with Gaussian entries."""
    generator = torch.Generator().manual_seed(seed)
    a = torch.randn(batch, n, n, generator=generator)
    return (a + a.transpose(-1, -2)) / 2


def assert_close(actual: torch.Tensor, expected: torch.Tensor, rtol: float = 1e-5, atol: float = 1e-5) -> None:
    """Assert equal shapes and ``|actual - expected| <= atol + rtol * |expected|`` elementwise.

    ``torch.testing.assert_close`` would do, but its first call imports
    ``torch.distributed.tensor`` (about 1.5 s), more than a whole test file may take.
    """
    assert actual.shape == expected.shape, f"shape {tuple(actual.shape)} != {tuple(expected.shape)}"
    difference = (actual - expected).abs().max().item() if actual.numel() else 0.0
    assert torch.allclose(actual, expected, rtol=rtol, atol=atol), f"max |difference| = {difference:.3g}"


class ModelChecks:
    """The test helpers of this module, as one fixture; see the module docstring."""

    random_symmetric = staticmethod(random_symmetric)
    assert_close = staticmethod(assert_close)


@pytest.fixture
def model_checks() -> type[ModelChecks]:
    """The shared model test helpers."""
    torch.manual_seed(0)
    return ModelChecks


@pytest.fixture(autouse=True)
def _single_thread():
    """Run model tests on one thread: their tensors are tiny, so threads only add overhead."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
