"""What the learning check measured on one job, and the failure it raises."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from collections.abc import Sequence
from typing import Any


class DoesNotLearn(AssertionError):
    """The job runs, but its model does not learn: one line of causes with their numbers.

    The job is named by whoever reports it: the test's case id, preflight's ``FAIL`` line.
    """


@dataclass(frozen=True)
class LearningReport:
    """The learning check's measurements on one job.

    Attributes:
        job: the job's id, e.g. ``stage4_benchmarks[model=spectral/filter_bank,noise.eps=0.1]``.
        steps: optimizer steps taken on the fixed batch.
        margin: the smallest relative drop of the loss that counts as learning.
        loss_before: the training loss on the batch before the first step.
        loss_after: the same loss after ``steps`` steps.
        lr: the optimizer's learning rate as configured (``model.optimizer.lr``), or None.
        min_grad_norm: the smallest gradient norm of a trainable parameter at the first step.
        param_change: ``||theta_K - theta_0|| / ||theta_0||`` over the trainable parameters.
        seconds: wall time of the check, building included.
        bad_gradients: ``{parameter: cause}`` for each parameter whose first-step gradient
            is missing, zero or not finite, that is frozen, or that the optimizer does not hold.
        unmoved: trainable parameters that are exactly as they were after ``steps`` steps.
        curve: ``{steps so far: loss}`` at the step counts the caller asked for (calibration).
    """

    job: str
    steps: int
    margin: float
    loss_before: float
    loss_after: float
    lr: float | None
    min_grad_norm: float
    param_change: float
    seconds: float
    bad_gradients: dict[str, str] = field(default_factory=dict)
    unmoved: tuple[str, ...] = ()
    curve: dict[int, float] = field(default_factory=dict)

    @property
    def relative_drop(self) -> float:
        """``(before - after) / before``; 0 when the loss before was not positive."""
        return (self.loss_before - self.loss_after) / self.loss_before if self.loss_before > 0 else 0.0

    def causes(self, min_change: float) -> list[str]:
        """Why the job does not learn, one phrase a cause; empty when it learns.

        Args:
            min_change: the smallest relative parameter change that counts as moving.
        """
        margin = self.margin
        causes = []
        if not self.relative_drop >= margin:
            causes.append(
                f"loss {self.loss_before:.4g} -> {self.loss_after:.4g} after {self.steps} steps "
                f"({self.relative_drop:.1%} lower, needs {margin:.0%})"
            )
        by_cause: dict[str, list[str]] = {}
        for name, cause in self.bad_gradients.items():
            by_cause.setdefault(cause, []).append(name)
        causes += [f"{cause}: {_listed(names)}" for cause, names in by_cause.items()]
        if not self.param_change >= min_change:
            causes.append(f"parameters moved by {self.param_change:.3g} of their norm (needs {min_change:g})")
        elif self.unmoved:
            causes.append(f"unchanged after {self.steps} steps: {_listed(self.unmoved)}")
        return causes

    def failure(self, min_change: float) -> DoesNotLearn | None:
        """The one-line failure for these measurements, or None when the job learns."""
        causes = self.causes(min_change)
        if not causes:
            return None
        lr = f"; model.optimizer.lr={self.lr:g}" if self.lr is not None else ""
        return DoesNotLearn(f"does not learn: {'; '.join(causes)}{lr}")

    def as_dict(self) -> dict[str, Any]:
        """Plain data for a JSON record, the relative drop included."""
        return {**asdict(self), "relative_drop": self.relative_drop}


def _listed(names: Sequence[str], shown: int = 4) -> str:
    """``a, b, c, d and 3 more``: the first ``shown`` names and a count of the rest."""
    head = ", ".join(names[:shown])
    return f"{head} and {len(names) - shown} more" if len(names) > shown else head
