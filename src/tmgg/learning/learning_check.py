"""Does a job learn? Its own module, trained a few steps on one fixed tiny batch on the CPU.

The job's config is composed with the config checks' tiny data and output
overrides (:func:`tmgg.launch.job_check.check_overrides`), and its own
LightningModule does the work: ``configure_optimizers()`` gives the optimizer
and scheduler its config names, ``training_step`` gives the loss, and the
trainer config's ``gradient_clip_val`` is applied as Lightning would. Then:

1. one batch of the training data is fixed and its loss measured (eval mode,
   so dropout does not blur the comparison);
2. at the first step every trainable parameter must get a finite, non-zero
   gradient and be held by the optimizer; a frozen parameter is named too;
3. after ``steps`` steps on that batch the loss must be lower by ``margin`` of
   its first value, and the parameters must have moved.

Everything is seeded, so a job's numbers are the same on every run. The
settings (steps, margin) are those of :mod:`tmgg.learning.learning_settings`,
calibrated in docs/learning.md.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tmgg.learning.learning_report import LearningReport
from tmgg.learning.learning_settings import MARGIN, MIN_CHANGE, settings_for
from tmgg.launch.launch_plan import Job

SEED = 0


def check_learns(job: Job, scratch: Path) -> LearningReport:
    """Train ``job``'s module on one fixed batch for its model's steps; raise unless it learns.

    Args:
        job: one job of a :class:`~tmgg.launch.launch_plan.LaunchPlan`.
        scratch: an empty folder for anything the job's config writes.

    Returns:
        The measurements, when the job learns.

    Raises:
        DoesNotLearn: one line, each cause with its numbers, and the learning rate; the caller names the job.
    """
    report = measure_learning(job, scratch)
    failure = report.failure(MIN_CHANGE)
    if failure is not None:
        raise failure
    return report


def measure_learning(job: Job, scratch: Path, steps: int | None = None, curve_at: Sequence[int] = ()) -> LearningReport:
    """Build ``job``'s module and data with tiny data, train on one batch, and measure.

    Args:
        job: the job.
        scratch: an empty folder for anything the job's config writes.
        steps: optimizer steps on the fixed batch; by default the job's model's
            (:func:`tmgg.learning.learning_settings.settings_for`).
        curve_at: step counts after which to also measure the loss (for calibration).

    Raises:
        The error Hydra, OmegaConf or tmgg raised if the job does not build; the
        config checks name those.
    """
    import torch
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from tmgg.launch.job_check import check_overrides, task_config

    started = time.perf_counter()
    with job.config(check_overrides(scratch)) as full:
        cfg = task_config(full)
        settings = settings_for(OmegaConf.select(full, "hydra.runtime.choices.model"))
    torch.manual_seed(SEED)
    module = instantiate(cfg.model)
    datamodule = instantiate(cfg.data)
    datamodule.setup("fit")
    loader = datamodule.train_dataloader()
    lr = OmegaConf.select(cfg, "model.optimizer.lr")
    report = train_on_batch(
        module,
        next(iter(loader)),
        settings.steps if steps is None else steps,
        job=job.id,
        margin=settings.margin,
        lr=float(lr) if lr is not None else None,
        clip=OmegaConf.select(cfg, "trainer.gradient_clip_val"),
        epoch_steps=len(loader),
        curve_at=curve_at,
    )
    return dataclasses.replace(report, seconds=time.perf_counter() - started)


def train_on_batch(
    module: Any,
    batch: Any,
    steps: int,
    *,
    job: str,
    margin: float = MARGIN,
    lr: float | None = None,
    clip: float | None = None,
    epoch_steps: int = 1,
    curve_at: Sequence[int] = (),
) -> LearningReport:
    """Train ``module`` ``steps`` steps on ``batch`` with its own optimizer, scheduler and loss; measure.

    Args:
        module: a LightningModule whose ``training_step`` returns the loss.
        batch: the fixed batch, as its training dataloader gives it.
        steps: optimizer steps.
        job: the name the report carries.
        margin: the relative drop of the loss the report asks for.
        lr: the configured learning rate, for the report's failure line.
        clip: the trainer's ``gradient_clip_val``, applied as Lightning does (by norm).
        epoch_steps: batches in an epoch; an epoch-interval scheduler steps after each such run.
        curve_at: step counts after which to also measure the loss.

    Shapes:
        batch: ``(clean, noisy)``, each ``(B, n, n)``.
    """
    import torch

    started = time.perf_counter()
    optimizer, scheduler = _optimizer_and_scheduler(module.configure_optimizers())
    params = dict(module.named_parameters())
    trainable = {name: p for name, p in params.items() if p.requires_grad}
    start = {name: p.detach().clone() for name, p in trainable.items()}
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    bad = {name: "frozen (requires_grad=False)" for name, p in params.items() if not p.requires_grad}
    bad.update({name: "not in the optimizer" for name, p in trainable.items() if id(p) not in held})

    with warnings.catch_warnings():
        # training_step logs through self.log, which warns without a Trainer.
        warnings.simplefilter("ignore")
        loss_before = _loss(module, batch)
        module.train()
        norms, curve = {}, {}
        for step in range(steps):
            optimizer.zero_grad()
            module.training_step(batch, step).backward()
            if step == 0:
                norms = _first_gradients(trainable, bad)
            if clip:
                torch.nn.utils.clip_grad_norm_(module.parameters(), clip)
            optimizer.step()
            if scheduler is not None and (step + 1) % max(epoch_steps, 1) == 0:
                scheduler.step()
            if step + 1 in curve_at:
                curve[step + 1] = _loss(module, batch)
                module.train()
        loss_after = _loss(module, batch)

    moved = sum(float(((p.detach() - start[n]) ** 2).sum()) for n, p in trainable.items()) ** 0.5
    size = sum(float((v**2).sum()) for v in start.values()) ** 0.5
    return LearningReport(
        job=job,
        steps=steps,
        margin=margin,
        loss_before=loss_before,
        loss_after=loss_after,
        lr=lr,
        min_grad_norm=min(norms.values(), default=0.0),
        param_change=moved / size if size > 0 else moved,
        seconds=time.perf_counter() - started,
        bad_gradients=bad,
        unmoved=tuple(n for n, p in trainable.items() if bool((p.detach() == start[n]).all())),
        curve=curve,
    )


def _optimizer_and_scheduler(configured: Any) -> tuple[Any, Any]:
    """The optimizer and (or None) the scheduler from ``configure_optimizers()``'s return value."""
    if not isinstance(configured, dict):
        return configured, None
    scheduler = configured.get("lr_scheduler")
    if isinstance(scheduler, dict):
        scheduler = scheduler["scheduler"]
    return configured["optimizer"], scheduler


def _loss(module: Any, batch: Any) -> float:
    """The module's own training loss on ``batch``, in eval mode and without gradients."""
    import torch

    module.eval()
    with torch.no_grad():
        return float(module.training_step(batch, 0))


def _first_gradients(trainable: dict[str, Any], bad: dict[str, str]) -> dict[str, float]:
    """Each trainable parameter's gradient norm; records a missing, non-finite or zero one in ``bad``."""
    import torch

    norms = {}
    for name, param in trainable.items():
        if param.grad is None:
            bad.setdefault(name, "no gradient at the first step")
        elif not bool(torch.isfinite(param.grad).all()):
            bad.setdefault(name, "non-finite gradient at the first step")
        else:
            norms[name] = float(param.grad.norm())
            if norms[name] == 0.0:
                bad.setdefault(name, "zero gradient at the first step")
    return norms
