"""Shared checks for the model tests, handed to test functions as the ``model_checks`` fixture.

Every denoiser promises the same contract (``tmgg.models.BaseDenoiser``): symmetric,
finite ``(B, n, n)`` logits for any ``n >= 2``, finite gradients for every parameter,
``ValueError`` naming the argument on bad input, and, for the eigenvector-based
families, permutation equivariance. The checks live here once; each model's test
module calls the ones that apply, so a failure names the model and the property.

Test graphs are random weighted symmetric matrices: their eigenvalues are distinct
and each eigenvector has a unique largest entry (almost surely), which is what makes
equivariance of eigenvector-based models a meaningful, exact (to round-off) property.
0/1 graphs often have repeated eigenvalues, where it is not.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn


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
    """Assertions about denoisers, and the test helpers they use; see the module docstring."""

    random_symmetric = staticmethod(random_symmetric)
    assert_close = staticmethod(assert_close)

    @staticmethod
    def output(model: nn.Module, batch: int = 3, n: int = 10) -> torch.Tensor:
        """Assert shape ``(B, n, n)``, symmetry and finiteness; return the logits."""
        adj = random_symmetric(batch, n)
        logits = model(adj)
        assert logits.shape == (batch, n, n)
        assert logits.dtype == adj.dtype
        assert torch.isfinite(logits).all()
        assert_close(logits, logits.transpose(-1, -2), rtol=0, atol=0)
        return logits

    @staticmethod
    def gradients(model: nn.Module, n: int = 10) -> None:
        """Assert every parameter receives a finite, non-zero gradient (no dead or unused weights)."""
        model.zero_grad()
        model(random_symmetric(2, n)).square().mean().backward()
        for name, param in model.named_parameters():
            assert param.grad is not None, f"parameter {name} gets no gradient"
            assert torch.isfinite(param.grad).all(), f"parameter {name} has a non-finite gradient"
            assert param.grad.abs().sum() > 0, f"parameter {name} has an all-zero gradient"

    @staticmethod
    def equivariance(model: nn.Module, n: int = 9) -> None:
        """Assert ``model(P A P^T) == P model(A) P^T`` for a random permutation ``P``."""
        adj = random_symmetric(2, n, seed=1)
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(2))
        logits = model(adj)
        permuted = model(adj[:, perm][:, :, perm])
        assert_close(permuted, logits[:, perm][:, :, perm], rtol=1e-4, atol=1e-4)

    @staticmethod
    def small_graphs(model: nn.Module, n_below_k: int = 3) -> None:
        """Assert valid logits for ``n < k``, ``n = 2``, a batch of one and an unbatched matrix."""
        for batch, n in ((2, n_below_k), (2, 2), (1, 6)):
            ModelChecks.output(model, batch=batch, n=n)
        single = random_symmetric(1, 5)[0]
        logits = model(single)
        assert logits.shape == (5, 5)
        assert_close(logits, model(single.unsqueeze(0))[0])

    @staticmethod
    def rejects_bad_input(model: nn.Module) -> None:
        """Assert ``ValueError`` naming ``adj`` for non-square, non-symmetric and 1-D inputs."""
        asymmetric = random_symmetric(1, 4)
        asymmetric[0, 0, 1] += 1.0
        for bad in (torch.zeros(2, 4, 5), asymmetric, torch.zeros(4)):
            with pytest.raises(ValueError, match="adj"):
                model(bad)

    @staticmethod
    def rejects_bad_size(factory, name: str = "k", value: int = 0) -> None:
        """Assert ``factory(name=value)`` raises ``ValueError`` naming the argument and value."""
        with pytest.raises(ValueError, match=f"{name}={value}"):
            factory(**{name: value})


@pytest.fixture
def model_checks() -> type[ModelChecks]:
    """The shared model assertions."""
    torch.manual_seed(0)
    return ModelChecks


@pytest.fixture(autouse=True)
def _single_thread():
    """Run model tests on one thread: their tensors are tiny, so threads only add overhead."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
