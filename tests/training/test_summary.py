"""The end-of-run summary: noisy input against denoised output, on one screen.

Rationale: the summary is what a user reads first; it must show both errors,
the relative change, and say plainly whether denoising helped.
Assumptions: results follow the results.json layout (metrics keyed <split>/<name>).
Invariants: at most about twenty lines; improvements and regressions are labelled.
"""

import pytest

from tmgg.training.summary import format_summary

pytestmark = pytest.mark.unit


def _results(denoised_error: float) -> dict:
    return {
        "name": "spectral",
        "stage": None,
        "seed": 42,
        "timings": {"fit_seconds": 12.5, "test_seconds": 0.25},
        "files": {"results": "out/results.json", "figure": "out/denoising.png"},
        "metrics": {
            "test/loss": 0.2,
            "test/recon_error": denoised_error,
            "test/noisy_recon_error": 10.0,
            "test/accuracy": 0.95,
            "test/noisy_accuracy": 0.9,
            "test/f1": 0.85,
            "test/noisy_f1": 0.8,
        },
    }


def test_improvement_is_reported_with_relative_change() -> None:
    text = format_summary(_results(6.0))
    assert "40.0% lower" in text
    assert "+0.0500" in text
    assert "denoised graphs are better than the noisy input" in text
    assert "out/results.json" in text
    assert len(text.splitlines()) <= 20


def test_regression_is_labelled_worse() -> None:
    text = format_summary(_results(12.0))
    assert "20.0% higher (worse)" in text
    assert "NOT better" in text


def test_missing_metrics_are_skipped() -> None:
    results = _results(6.0)
    del results["metrics"]["test/f1"]
    assert "edge F1" not in format_summary(results)
