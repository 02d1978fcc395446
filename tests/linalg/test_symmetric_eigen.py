"""tmgg.linalg: symmetric eigendecompositions with a CPU float64 retry.

Rationale: a GPU solver that fails to converge on one batch element must not
kill a training run. The retry path cannot be provoked on a CPU machine, so a
stand-in solver that refuses float32 input plays the failing GPU solver.
Invariants: without a failure the result is torch's own; after a failure it is
the float64 solution, in the input's dtype and on its device, with gradients.
Under `--config=gpu` (TMGG_TEST_ACCELERATOR=gpu) the batch of thresholded 0/1
predictions, the input on which cuSOLVER's float32 solver failed, is solved on
the GPU itself; elsewhere on the CPU.
"""

import os

import pytest
import torch

from tmgg.linalg import eigh, eigvalsh

pytestmark = pytest.mark.unit


def _symmetric(seed: int = 0, n: int = 6) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    a = torch.randn(3, n, n, generator=generator)
    return a + a.transpose(-1, -2)


@pytest.fixture
def float32_fails(monkeypatch):
    """torch's solvers raise LinAlgError on float32 input, as cuSOLVER did on an H200."""
    calls = []

    def refusing(solver):
        def solve(matrix):
            calls.append(matrix.dtype)
            if matrix.dtype == torch.float32:
                raise torch.linalg.LinAlgError("linalg.eigh: The algorithm failed to converge")
            return solver(matrix)

        return solve

    monkeypatch.setattr(torch.linalg, "eigh", refusing(torch.linalg.eigh))
    monkeypatch.setattr(torch.linalg, "eigvalsh", refusing(torch.linalg.eigvalsh))
    return calls


def test_without_a_failure_the_result_is_torchs() -> None:
    matrix = _symmetric()
    values, vectors = eigh(matrix)
    expected_values, expected_vectors = torch.linalg.eigh(matrix)
    assert torch.equal(values, expected_values)
    assert torch.equal(vectors, expected_vectors)
    assert torch.equal(eigvalsh(matrix), torch.linalg.eigvalsh(matrix))


def test_a_failed_solve_is_retried_in_float64(float32_fails) -> None:
    matrix = _symmetric()
    values, vectors = eigh(matrix)
    assert float32_fails == [torch.float32, torch.float64]
    assert values.dtype == vectors.dtype == torch.float32
    assert values.device == matrix.device
    reference = torch.linalg.eigvalsh(matrix.double()).float()
    torch.testing.assert_close(values, reference)
    # The vectors still diagonalise the matrix.
    rebuilt = vectors @ torch.diag_embed(values) @ vectors.transpose(-1, -2)
    torch.testing.assert_close(rebuilt, matrix, atol=1e-4, rtol=1e-4)


def test_eigvalsh_retry_matches_float64(float32_fails) -> None:
    matrix = _symmetric(seed=1)
    values = eigvalsh(matrix)
    assert values.dtype == torch.float32
    torch.testing.assert_close(values, torch.linalg.eigvalsh(matrix.double()).float())


def test_gradients_flow_through_the_retry(float32_fails) -> None:
    matrix = _symmetric(seed=2).requires_grad_()
    eigvalsh(matrix).sum().backward()
    # d(trace)/dA = I: the sum of the eigenvalues is the trace.
    torch.testing.assert_close(matrix.grad, torch.eye(6).expand(3, 6, 6))


def test_repeated_eigenvalues_of_a_zero_one_adjacency() -> None:
    # Two disjoint 4-cliques: eigenvalues 3 (twice) and -1 (six times).
    block = torch.ones(4, 4) - torch.eye(4)
    adjacency = torch.block_diag(block, block).unsqueeze(0)
    values = eigvalsh(adjacency)
    torch.testing.assert_close(values, torch.tensor([[-1.0] * 6 + [3.0, 3.0]]))


def test_thresholded_predictions_solve_on_the_tests_device() -> None:
    device = "cuda" if os.environ.get("TMGG_TEST_ACCELERATOR", "cpu") == "gpu" else "cpu"
    generator = torch.Generator().manual_seed(3)
    logits = torch.randn(64, 32, 32, generator=generator)
    # Symmetric 0/1 adjacency with many repeated eigenvalues, as a denoiser's thresholded output is.
    adjacency = ((logits + logits.transpose(-1, -2)) > 0.5).float()
    values = eigvalsh(adjacency.to(device))
    assert values.device.type == device and values.dtype == torch.float32
    expected = torch.linalg.eigvalsh(adjacency.double())
    torch.testing.assert_close(values.cpu().double(), expected, atol=1e-3, rtol=1e-4)
