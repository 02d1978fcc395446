"""``train(cfg)``: the one training routine every runner calls."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytorch_lightning as pl
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import Callback, LearningRateMonitor, ModelCheckpoint, ProgressBar

from tmgg.device.device_guard import require_usable_gpu
from tmgg.training.config_checks import check_net_fits_data, check_targets
from tmgg.training.errors import TrainingError
from tmgg.training.plotting import save_denoising_figure
from tmgg.training.results_io import write_json_atomic

T = TypeVar("T")

RESULTS_FILE = "results.json"
FIGURE_FILE = "denoising.png"


def train(cfg: DictConfig) -> dict[str, float]:
    """Build data, model, callbacks, loggers and trainer from ``cfg``; fit, test, record.

    ``<paths.results_dir>/results.json`` is written last and atomically, so it
    exists only for a run that finished: it holds the metrics, the resolved
    config, the seed and the fit/test timings. ``denoising.png`` next to it
    shows a few test graphs before and after denoising.

    In a Hydra multirun every job gets its own ``paths.output_dir`` (Hydra's job
    folder, ``<sweep dir>/<job number>``), so jobs never overwrite each other.

    Args:
        cfg: Composed config with ``seed``, ``data``, ``model`` (a
            :class:`~tmgg.training.DenoisingModule` node), ``trainer``, ``paths``,
            optional ``logger`` and ``callbacks`` groups (name -> node) and
            optional ``torch_threads``.

    Returns:
        The recorded metrics, ``<split>/<metric>`` -> float: validation at the
        end of fitting, test of the best checkpoint.

    Raises:
        ConfigError: the config cannot run (wrong type, unknown argument, model
            larger than the graphs).
        GpuUnavailable: a GPU was asked for (``trainer.accelerator``) or given by
            the host (``CUDA_VISIBLE_DEVICES``, ``SLURM_GPUS_ON_NODE``) and torch
            here cannot use it.
        TrainingError: a recorded metric is not finite.
        KeyboardInterrupt: the run was interrupted; nothing is recorded.
    """
    use_job_dir_in_multirun(cfg)
    # Before anything is built: a GPU asked for or given, that torch cannot use, stops the job in seconds.
    require_usable_gpu(cfg)
    resolved = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    check_targets(cfg)
    if cfg.get("torch_threads") is not None:
        torch.set_num_threads(cfg.torch_threads)
    pl.seed_everything(cfg.seed, workers=True, verbose=False)

    datamodule = instantiate(cfg.data)
    model = instantiate(cfg.model)
    check_net_fits_data(model.net, datamodule.num_nodes)
    loggers = [instantiate(node) for node in group_nodes(cfg.get("logger"))]
    trainer: pl.Trainer = instantiate(
        cfg.trainer, logger=loggers or False, callbacks=_callbacks(cfg, has_logger=bool(loggers))
    )

    with _quiet_known_warnings():
        started = time.perf_counter()
        _unless_interrupted(trainer, lambda: trainer.fit(model, datamodule=datamodule))
        fit_seconds = time.perf_counter() - started
        metrics = _floats(trainer.callback_metrics)
        checkpoint = trainer.checkpoint_callback
        best_path = checkpoint.best_model_path if isinstance(checkpoint, ModelCheckpoint) else ""
        started = time.perf_counter()
        tested = _unless_interrupted(
            trainer,
            lambda: trainer.test(model, datamodule=datamodule, ckpt_path="best" if best_path else None, verbose=False),
        )
        test_seconds = time.perf_counter() - started
    for split_metrics in tested:
        metrics.update(_floats(split_metrics))
    _require_finite(metrics)

    results_dir = Path(cfg.paths.results_dir).resolve()
    figure = _save_figure(model, datamodule, results_dir / FIGURE_FILE)
    write_json_atomic(
        results_dir / RESULTS_FILE,
        {
            "name": cfg.get("name"),
            "stage": cfg.get("stage"),
            "seed": cfg.seed,
            "metrics": metrics,
            "timings": {"fit_seconds": fit_seconds, "test_seconds": test_seconds},
            "files": {"results": str(results_dir / RESULTS_FILE), "figure": str(figure), "checkpoint": best_path},
            "config": resolved,
        },
    )
    return metrics


def use_job_dir_in_multirun(cfg: DictConfig) -> None:
    """In a multirun, point ``paths`` at the job's own folder (``<sweep dir>/<job number>``); else nothing.

    Call it once per config: an explicit ``paths.results_dir`` gets the job number appended.
    """
    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return
    job = HydraConfig.get()
    if not OmegaConf.is_interpolation(cfg.paths, "results_dir"):
        # An explicit results_dir is shared by all jobs: give each job a subfolder of it.
        cfg.paths.results_dir = str(Path(cfg.paths.results_dir) / str(job.job.num))
    cfg.paths.output_dir = job.runtime.output_dir


def group_nodes(group: Any) -> list[DictConfig]:
    """The nodes of a ``name -> node`` group such as ``logger``; empty when removed or null."""
    if not group:
        return []
    if "_target_" in group:
        return [group]
    return [node for node in group.values() if node is not None]


def _callbacks(cfg: DictConfig, has_logger: bool) -> list[Callback]:
    progress_bar = cfg.trainer.get("enable_progress_bar", True)
    checkpointing = cfg.trainer.get("enable_checkpointing", True)
    callbacks = []
    for node in group_nodes(cfg.get("callbacks")):
        callback = instantiate(node)
        # Lightning refuses a LearningRateMonitor without a logger, a progress bar
        # callback when the bar is disabled, and a checkpoint callback when
        # checkpointing is off: drop them rather than fail.
        if isinstance(callback, LearningRateMonitor) and not has_logger:
            continue
        if isinstance(callback, ProgressBar) and not progress_bar:
            continue
        if isinstance(callback, ModelCheckpoint) and not checkpointing:
            continue
        callbacks.append(callback)
    return callbacks


@contextmanager
def _quiet_known_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        # The graphs are small in-memory tensors: worker processes would cost more than they save.
        warnings.filterwarnings("ignore", message=r".*does not have many workers.*")
        # Lightning 2.6 calls a torch API that newer torch marks deprecated; nothing for a user to do.
        warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\).*")
        yield


def _unless_interrupted(trainer: pl.Trainer, call: Callable[[], T]) -> T:
    """Run ``call``; turn Lightning's handling of Ctrl-C back into a KeyboardInterrupt.

    Lightning catches KeyboardInterrupt, shuts down, and calls ``sys.exit(1)``;
    the caller should see the interrupt itself, and never record results.
    """
    try:
        result = call()
    except SystemExit as stop:
        if trainer.interrupted:
            raise KeyboardInterrupt("the run was interrupted") from stop
        raise
    if trainer.interrupted:
        raise KeyboardInterrupt("the run was interrupted")
    return result


def _floats(metrics: Any) -> dict[str, float]:
    return {str(name): float(value) for name, value in metrics.items()}


def _require_finite(metrics: dict[str, float]) -> None:
    bad = {name: value for name, value in metrics.items() if not math.isfinite(value)}
    if bad:
        shown = ", ".join(f"{name}={value}" for name, value in sorted(bad.items()))
        raise TrainingError(f"training diverged, no results written: {shown}")


@torch.no_grad()
def _save_figure(model: pl.LightningModule, datamodule: pl.LightningDataModule, path: Path) -> Path:
    clean, noisy = next(iter(datamodule.test_dataloader()))
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    model.eval()
    logits = model(noisy.to(device)).cpu()
    return save_denoising_figure(path, clean, noisy, logits)
