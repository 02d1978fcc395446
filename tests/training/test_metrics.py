"""Metrics of tmgg.training.metrics on hand-made matrices.

Rationale: every number a run reports comes from these functions, so each is
checked against a count done by hand on a 3-node graph.
Assumptions: predictions and targets are boolean (B, n, n); the diagonal never counts.
Invariants: accuracy and F1 are in [0, 1]; a perfect prediction scores 1 and
zero error; each undirected edge is counted in both triangles.
"""

import pytest
import torch

from tmgg.training.metrics import (
    denoising_metrics,
    edge_accuracy,
    edge_confusion,
    edge_f1,
    eigenvalue_error,
    frobenius_error,
    off_diagonal_mask,
)

pytestmark = pytest.mark.unit

# Path 0-1-2 as the truth; the prediction keeps 0-1, misses 1-2 and invents 0-2.
TARGET = torch.tensor([[[0, 1, 0], [1, 0, 1], [0, 1, 0]]], dtype=torch.bool)
PRED = torch.tensor([[[1, 1, 1], [1, 0, 0], [1, 0, 0]]], dtype=torch.bool)  # diagonal entry must be ignored


def test_off_diagonal_mask_excludes_only_the_diagonal() -> None:
    mask = off_diagonal_mask(3)
    assert mask.sum() == 6
    assert not mask.diagonal().any()


def test_confusion_counts_both_triangles_and_skips_diagonal() -> None:
    tp, fp, fn, tn = edge_confusion(PRED, TARGET)
    assert (tp.item(), fp.item(), fn.item(), tn.item()) == (2, 2, 2, 0)


def test_accuracy_and_f1_match_hand_counts() -> None:
    assert edge_accuracy(PRED, TARGET).item() == pytest.approx(2 / 6)
    # F1 = 2tp / (2tp + fp + fn) = 4 / 8
    assert edge_f1(PRED, TARGET).item() == pytest.approx(0.5)


def test_perfect_prediction_scores_one() -> None:
    assert edge_accuracy(TARGET, TARGET).item() == 1.0
    assert edge_f1(TARGET, TARGET).item() == 1.0


def test_f1_of_two_empty_graphs_is_one() -> None:
    empty = torch.zeros(2, 4, 4, dtype=torch.bool)
    assert edge_f1(empty, empty).item() == 1.0


def test_frobenius_error_is_root_of_wrong_entries_averaged_over_graphs() -> None:
    clean = TARGET.float().repeat(2, 1, 1)
    estimate = clean.clone()
    estimate[1, 0, 2] = estimate[1, 2, 0] = 1.0  # one wrong edge, two entries, in graph 1 only
    estimate[0, 0, 0] = 5.0  # the diagonal does not count
    assert frobenius_error(estimate, clean).item() == pytest.approx((0.0 + 2**0.5) / 2)


def test_eigenvalue_error_of_path_against_empty_graph() -> None:
    clean = TARGET.float()
    # The path P3 has eigenvalues -sqrt(2), 0, sqrt(2); the empty graph has zeros.
    expected = (2 * 2**0.5) / 3
    assert eigenvalue_error(torch.zeros_like(clean), clean).item() == pytest.approx(expected, rel=1e-5)
    assert eigenvalue_error(clean, clean).item() == pytest.approx(0.0, abs=1e-6)


def test_denoising_metrics_thresholds_logits_at_zero_and_noisy_at_half() -> None:
    clean = TARGET.float()
    logits = torch.where(TARGET, 3.0, -3.0)
    noisy = clean.clone()
    noisy[0, 0, 2] = noisy[0, 2, 0] = 0.9  # a spurious edge in the input
    metrics = denoising_metrics(logits, clean, noisy)
    assert metrics["accuracy"].item() == 1.0
    assert metrics["recon_error"].item() == pytest.approx(0.0)
    assert metrics["noisy_accuracy"].item() == pytest.approx(4 / 6)
    assert metrics["noisy_recon_error"].item() == pytest.approx((2 * 0.9**2) ** 0.5)
    assert all(torch.isfinite(value) for value in metrics.values())
