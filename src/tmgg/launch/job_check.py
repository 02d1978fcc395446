"""Check one launch job the way a config target does, without training it (or with 2 steps).

A job is checked twice over:

1. as the user launches it: the job's config, with none of the check's
   overrides, resolves completely (every interpolation, path and environment
   variable, with only the declared variables of
   :mod:`tmgg.launch.launch_env` visible), including where Hydra would write;
   a GPU it asks for (``trainer.accelerator``, the SLURM launcher's GPU keys)
   needs a CUDA build of torch in this environment;
2. as a test may run it: outputs under ``scratch`` and tiny data; the required
   keys and ``_target_``s exist and take their arguments (callbacks included);
   the LightningModule, DataModule, loggers, Trainer and optimizer (with its
   scheduler) are built; the model fits the data; one forward pass on a real batch keeps
   the shape and gives finite values. Each logger writes one metric, offline,
   under ``scratch``. With ``steps``, the job then trains for that many steps
   on the CPU with ``train()`` and must record finite results.

Every failure raises with the key, file or module named.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tmgg.launch.check_configs import QUICK_TRAINING
from tmgg.launch.launch_env import declared_environment_only
from tmgg.launch.launch_plan import Job
from tmgg.launch.plain_keys import check_plain_keys

REQUIRED_KEYS = ("model", "data", "trainer", "paths")
TINY_DATA = (
    "data.batch_size=2",
    "data.num_workers=0",
    "++data.num_samples_per_graph=1",
    "++data.num_train_samples=4",
    "++data.num_val_samples=2",
    "++data.num_test_samples=2",
)


class JobCheckError(AssertionError):
    """The job would fail, or misbehave, when launched."""


def check_job(job: Job, scratch: Path, accelerator: str = "cpu", steps: int = 0) -> None:
    """Check ``job`` as launched by a user, then build and run it forward under ``scratch``.

    Args:
        job: one job of a :class:`~tmgg.launch.launch_plan.LaunchPlan`.
        scratch: an empty folder; everything the check writes goes below it.
        accelerator: ``cpu``, or ``gpu`` to build the Trainer for and run the forward pass on a GPU.
        steps: when above 0, also train the job for this many steps.

    Raises:
        JobCheckError, or the error Hydra, OmegaConf or tmgg raised, naming the key or file.
    """
    check_resolves_as_launched(job)
    check_gpu_request(job)
    check_builds(job, scratch, accelerator)
    if steps:
        check_trains(job, scratch / "steps", steps)


def check_resolves_as_launched(job: Job) -> None:
    """The job's config resolves as the user's launch would resolve it, where Hydra writes included."""
    from omegaconf import OmegaConf

    from tmgg.training.config_checks import check_targets

    with job.config() as cfg, declared_environment_only():
        task = task_config(cfg)
        OmegaConf.to_container(task, resolve=True, throw_on_missing=True)
        # Types as launched: the check's own overrides (TINY_DATA) would hide the user's values.
        check_plain_keys(task)
        check_targets(task)
        for key in ("hydra.run.dir", "hydra.sweep.dir"):
            OmegaConf.select(cfg, key, throw_on_missing=True)


def check_gpu_request(job: Job) -> None:
    """A job whose launch asks for a GPU (trainer or SLURM launcher) needs a CUDA build of torch here.

    Raises:
        GpuUnavailable: naming the setting that asks, the CPU build and the GPU environment to use.
    """
    from tmgg.device.device_guard import require_cuda_build

    with job.config() as cfg:
        require_cuda_build(cfg)


def check_overrides(scratch: Path, accelerator: str = "cpu") -> tuple[str, ...]:
    """Tiny data, outputs under ``scratch``, a single run on ``accelerator``."""
    return (
        *TINY_DATA,
        f"paths.output_dir={scratch / 'output'}",
        f"paths.results_dir={scratch / 'results'}",
        f"trainer.accelerator={accelerator}",
        "hydra.mode=RUN",
    )


def check_builds(job: Job, scratch: Path, accelerator: str = "cpu") -> None:
    """Build everything the job builds, and run one forward pass; see the module docstring."""
    import pytorch_lightning as pl
    import torch
    from hydra.utils import instantiate

    from tmgg.training.config_checks import check_net_fits_data, check_targets
    from tmgg.training.train import group_nodes

    with job.config(check_overrides(scratch, accelerator)) as full:
        cfg = task_config(full)
        check_plain_keys(cfg)
        missing = [key for key in REQUIRED_KEYS if key not in cfg]
        _require(not missing, f"the config lacks the required keys {missing}")
        for key in ("model", "data"):
            _require("_target_" in cfg[key], f"`{key}` has no _target_")
        check_targets(cfg)
        module = instantiate(cfg.model)
        _require(isinstance(module, pl.LightningModule), f"model built {type(module).__name__}, not a LightningModule")
        datamodule = instantiate(cfg.data)
        _require(
            isinstance(datamodule, pl.LightningDataModule),
            f"data built {type(datamodule).__name__}, not a LightningDataModule",
        )
        loggers = [_check_logger(node, scratch) for node in group_nodes(cfg.get("logger"))]
        # Callbacks were checked against their signatures above; building one may start work
        # (a profiler, a sleep), which is the runner targets' to meet.
        trainer = instantiate(cfg.trainer, logger=loggers or False, enable_checkpointing=False, callbacks=[])
        _require(isinstance(trainer, pl.Trainer), f"trainer built {type(trainer).__name__}, not a Trainer")
        # The optimizer and scheduler partials are completed only when training starts.
        module.configure_optimizers()

        check_net_fits_data(module.net, datamodule.num_nodes)
        datamodule.setup("fit")
        _, noisy = next(iter(datamodule.train_dataloader()))
        device = "cuda" if accelerator == "gpu" else "cpu"
        module.eval().to(device)
        noisy = noisy.to(device)
        with torch.no_grad():
            output = module(noisy)
        name = type(module.net).__name__
        _require(output.shape == noisy.shape, f"{name} maps input {tuple(noisy.shape)} to {tuple(output.shape)}")
        _require(bool(torch.isfinite(output).all()), f"{name} gives non-finite values")


def check_trains(job: Job, scratch: Path, steps: int) -> None:
    """Train the job for ``steps`` steps on the CPU, without checkpoints; its results must be finite."""
    from tmgg.training.train import train

    # configs/quick/train.yaml (no checkpoints, validation after every step), for ``steps`` steps.
    quick = (QUICK_TRAINING, f"trainer.max_steps={steps}")
    with job.config((*check_overrides(scratch), *quick)) as full:
        train(task_config(full))


def _check_logger(node: Any, scratch: Path) -> Any:
    """Build one logger, offline, and have it write a metric below ``scratch``."""
    from hydra.utils import instantiate

    before = set(scratch.rglob("*"))
    with _offline_trackers(scratch):
        logger = instantiate(node)
        logger.log_metrics({"check/metric": 1.0}, step=0)
        logger.finalize("success")
        finish = getattr(logger.experiment, "finish", None)
        if callable(finish):
            # W&B keeps its run open until the process ends; close it so its files are complete.
            finish()
    written = [path for path in set(scratch.rglob("*")) - before if path.is_file()]
    _require(written, f"logger {node._target_} wrote nothing below the output folder {scratch}")
    return logger


@contextlib.contextmanager
def _offline_trackers(scratch: Path) -> Iterator[None]:
    """Experiment trackers offline and quiet, their files below ``scratch``."""
    values = {"WANDB_MODE": "offline", "WANDB_SILENT": "true", "WANDB_DIR": str(scratch / "output")}
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def task_config(cfg: Any) -> Any:
    """The job's config without Hydra's own node, as Hydra's ``run_job`` hands it to the task function."""
    import copy

    from omegaconf import open_dict, read_write

    task = copy.deepcopy(cfg)
    with read_write(task), open_dict(task):
        task.pop("hydra", None)
    return task


def _require(condition: Any, message: str) -> None:
    if not condition:
        raise JobCheckError(message)
