"""Stop a job that asked for a GPU before it builds anything, when its torch cannot use one."""

from __future__ import annotations

import os
from collections.abc import Mapping

from omegaconf import DictConfig, OmegaConf

from tmgg.device.cuda_support import cuda_build, cuda_usable, torch_build
from tmgg.device.gpu_request import GPU_ACCELERATORS, gpu_request, host_gpus
from tmgg.device.gpu_unavailable import GPU_FIX, GpuUnavailable


def require_cuda_build(cfg: DictConfig) -> None:
    """Preflight: a job whose config asks for a GPU must come from an environment whose torch is a CUDA build.

    Judged from the config and the installed torch alone, so it gives the same
    answer on a machine without a GPU (a login node, a sandboxed test).

    Raises:
        GpuUnavailable: naming the setting that asks and the CPU build.
    """
    request = gpu_request(cfg)
    if request and cuda_build() is None:
        raise GpuUnavailable(
            f"{request} asks for a GPU, but this environment's torch {torch_build()} is the CPU build: {GPU_FIX}"
        )


def require_usable_gpu(cfg: DictConfig, environ: Mapping[str, str] | None = None) -> None:
    """A job's start: when its config asks for a GPU or its host gives it one, torch must be able to use it.

    ``trainer.accelerator=cpu`` always passes: the CPU was asked for. Otherwise
    (``auto``, ``gpu``, ``cuda``), a GPU asked for by the config (trainer or
    launcher) or given by the host (``CUDA_VISIBLE_DEVICES``, ``SLURM_GPUS_ON_NODE``,
    ``SLURM_JOB_GPUS``) that torch cannot use stops the job here, instead of
    Lightning's ``auto`` falling back to the CPU without a word.

    Raises:
        GpuUnavailable: naming what asked for the GPU, the torch build and the fix.
    """
    accelerator = str(OmegaConf.select(cfg, "trainer.accelerator", default="auto")).lower()
    if accelerator != "auto" and accelerator not in GPU_ACCELERATORS:
        return
    reason = gpu_request(cfg) or host_gpus(os.environ if environ is None else environ)
    if reason is None or cuda_usable():
        return
    build = cuda_build()
    why = "is the CPU build" if build is None else f"(CUDA {build}) finds no usable GPU"
    raise GpuUnavailable(
        f"{reason} gives this job a GPU, but torch {torch_build()} here {why}; stopped before training on the CPU: "
        f"{GPU_FIX}, or set trainer.accelerator=cpu"
    )
