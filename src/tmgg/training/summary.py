"""The one-screen summary a runner prints at the end of a run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# (label, metric name, True when lower is better)
_ROWS = (
    ("reconstruction error", "recon_error", True),
    ("eigenvalue error", "eigenvalue_error", True),
    ("edge accuracy", "accuracy", False),
    ("edge F1", "f1", False),
)


def format_summary(results: Mapping[str, Any], split: str = "test") -> str:
    """Render the results of one run as a short table: noisy input against denoised output.

    Args:
        results: The contents of ``results.json`` (keys ``metrics``, ``timings``,
            ``name``, ``stage``, ``seed``, ``files``).
        split: Which split's metrics to compare.

    Returns:
        Multi-line text, at most about twenty lines.
    """
    metrics = results["metrics"]
    timings = results.get("timings", {})
    stage = results.get("stage") or "-"
    lines = [
        "=" * 72,
        f"run {results.get('name')}  stage {stage}  seed {results.get('seed')}  "
        f"fit {timings.get('fit_seconds', float('nan')):.1f} s  test {timings.get('test_seconds', float('nan')):.1f} s",
        f"{split + ' split':<24} {'noisy input':>12} {'denoised':>12}   change",
    ]
    for label, name, lower_is_better in _ROWS:
        noisy = metrics.get(f"{split}/noisy_{name}")
        denoised = metrics.get(f"{split}/{name}")
        if noisy is None or denoised is None:
            continue
        lines.append(f"  {label:<22} {noisy:>12.4f} {denoised:>12.4f}   {_change(noisy, denoised, lower_is_better)}")
    if f"{split}/loss" in metrics:
        lines.append(f"  {'loss':<22} {'':>12} {metrics[f'{split}/loss']:>12.4f}")
    noisy_error = metrics.get(f"{split}/noisy_recon_error")
    denoised_error = metrics.get(f"{split}/recon_error")
    if noisy_error is not None and denoised_error is not None:
        verdict = "better than" if denoised_error < noisy_error else "NOT better than"
        lines.append(f"denoised graphs are {verdict} the noisy input (reconstruction error)")
    for label, path in results.get("files", {}).items():
        if path:
            lines.append(f"{label + ':':<12} {path}")
    lines.append("=" * 72)
    return "\n".join(lines)


def _change(noisy: float, denoised: float, lower_is_better: bool) -> str:
    if lower_is_better:
        if noisy == 0:
            return "n/a"
        relative = 100.0 * (denoised - noisy) / noisy
        return f"{-relative:.1f}% lower" if relative <= 0 else f"{relative:.1f}% higher (worse)"
    difference = denoised - noisy
    return f"{difference:+.4f}" + ("" if difference >= 0 else " (worse)")
