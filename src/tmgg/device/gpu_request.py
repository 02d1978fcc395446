"""What asks a job for a GPU: its config (trainer, SLURM launcher) or its host (CUDA, SLURM variables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omegaconf import DictConfig, OmegaConf

GPU_ACCELERATORS = ("gpu", "cuda")
# Keys of hydra.launcher (the submitit SLURM launcher) that ask SLURM for GPUs.
LAUNCHER_GPU_KEYS = ("gpus_per_node", "gpus_per_task", "gres")
# Variables a host sets when it gives a process GPUs; values that mean "none" are ignored.
HOST_GPU_VARIABLES = ("CUDA_VISIBLE_DEVICES", "SLURM_GPUS_ON_NODE", "SLURM_JOB_GPUS", "SLURM_STEP_GPUS")
# Values that give no device: CUDA's way of hiding all (empty, -1), SLURM's for none.
HIDDEN = ("", "-1", "none", "nodevfiles")
NONE_ASKED = ("", "0", "none", "null")


def gpu_request(cfg: DictConfig) -> str | None:
    """The setting of a composed job config that asks for a GPU, as an override; None when none does.

    Looks at ``trainer.accelerator`` (``gpu``, ``cuda``) and, where the config
    holds a ``hydra.launcher`` node (a composed launch, as preflight sees it), at
    its GPU keys and ``additional_parameters``.

    Args:
        cfg: a composed config, with or without its ``hydra`` node.

    Returns:
        e.g. ``hydra.launcher.gpus_per_node=1`` or ``trainer.accelerator=gpu``.
    """
    launcher = OmegaConf.select(cfg, "hydra.launcher", default=None)
    if isinstance(launcher, DictConfig):
        found = _launcher_request(launcher)
        if found:
            return found
    accelerator = OmegaConf.select(cfg, "trainer.accelerator", default=None)
    if str(accelerator).lower() in GPU_ACCELERATORS:
        return f"trainer.accelerator={accelerator}"
    return None


def host_gpus(environ: Mapping[str, str]) -> str | None:
    """The variable by which the host gives this process GPUs, as ``NAME=value``; None when it gives none.

    ``CUDA_VISIBLE_DEVICES=`` (empty, as the tests set it) or ``-1`` hides every GPU.
    """
    for name in HOST_GPU_VARIABLES:
        value = environ.get(name)
        if value is not None and _gives_devices(name, value.strip().lower()):
            return f"{name}={value}"
    return None


def _gives_devices(name: str, value: str) -> bool:
    if name == "SLURM_GPUS_ON_NODE":
        # A count: 0 gives none.
        return value not in NONE_ASKED
    # A list of device ids or UUIDs: CUDA_VISIBLE_DEVICES=0 gives GPU 0.
    return value not in HIDDEN


def _launcher_request(launcher: DictConfig) -> str | None:
    for key in LAUNCHER_GPU_KEYS:
        value = launcher.get(key)
        if _asks_for_gpus(key, value):
            return f"hydra.launcher.{key}={value}"
    extra = launcher.get("additional_parameters") or {}
    for key, value in extra.items():
        if "gpu" in str(key).lower() or (str(key).lower() == "gres" and "gpu" in str(value).lower()):
            if _asks_for_gpus(str(key), value):
                return f"hydra.launcher.additional_parameters.{key}={value}"
    return None


def _asks_for_gpus(key: str, value: Any) -> bool:
    if value is None or str(value).strip().lower() in NONE_ASKED:
        return False
    # gres names the resource (gpu:a100:1); a gres for something else asks for no GPU.
    return "gpu" in str(value).lower() if key.lower() == "gres" else True
