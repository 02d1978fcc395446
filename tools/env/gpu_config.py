"""``--config=gpu``: stop in one line on a machine without an NVIDIA GPU, else show its GPUs to the tests.

tools/bazel runs this (through tools.env.startup_check) before Bazel starts, so a
GPU run asked for on a CPU machine builds and downloads nothing. On a GPU
machine the tests see the GPUs the user sees: ``CUDA_VISIBLE_DEVICES`` as set,
or every GPU ``nvidia-smi`` lists (``.bazelrc`` hides them by default).

A launch to SLURM (``hydra/launcher=slurm``, or the plugin's own ``submitit_slurm``, among the arguments, the
runner's or preflight's) is the exception: it is started from a login node
without a GPU, and its jobs run from the same GPU environment on the
cluster's GPU nodes, so there the environment is built and nothing is shown.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence

GPU_CONFIG = "gpu"
SLURM_LAUNCH = "hydra/launcher=slurm"
# tmgg's SLURM launcher and the plugin's own config it builds on (configs/hydra/launcher/slurm.yaml).
SLURM_LAUNCHES = (SLURM_LAUNCH, "hydra/launcher=submitit_slurm")


class NoGpu(Exception):
    """``--config=gpu`` on a machine without a usable NVIDIA GPU; the message is one line."""


def asks_for_gpu(args: Sequence[str]) -> bool:
    """Whether Bazel's arguments select ``--config=gpu`` (arguments after ``--`` are the program's)."""
    for position, arg in enumerate(args):
        if arg == "--":
            return False
        if arg == f"--config={GPU_CONFIG}":
            return True
        if arg == "--config" and position + 1 < len(args) and args[position + 1] == GPU_CONFIG:
            return True
    return False


def launches_to_slurm(args: Sequence[str]) -> bool:
    """Whether the command launches (or preflights) a sweep on SLURM: `bazel run ... -- ARGS` or `--test_arg=ARG`."""
    return any(arg.removeprefix("--test_arg=") in SLURM_LAUNCHES for arg in args)


def visible_gpus(
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run, which: Callable[[str], str | None] = shutil.which
) -> tuple[list[str], str]:
    """The indices of the GPUs ``nvidia-smi`` lists, and why there are none when the list is empty."""
    if which("nvidia-smi") is None:
        return [], "nvidia-smi not found"
    try:
        done = run(
            ["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return [], f"nvidia-smi failed: {error}"
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        return [], f"nvidia-smi: {lines[0] if lines else f'exit {done.returncode}'}"
    indices = [line.strip() for line in done.stdout.splitlines() if line.strip().isdigit()]
    return indices, "" if indices else "nvidia-smi lists no GPU"


def gpu_flags(
    command: str,
    args: Sequence[str],
    environ: Mapping[str, str],
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    which: Callable[[str], str | None] = shutil.which,
) -> list[str]:
    """The flags tools/bazel adds for ``--config=gpu``; none without it.

    Raises:
        NoGpu: ``--config=gpu`` was asked for, no GPU is there and the command launches nothing to SLURM.
    """
    if not asks_for_gpu(args):
        return []
    indices, reason = visible_gpus(run, which)
    if not indices and launches_to_slurm(args):
        return []
    if not indices:
        raise NoGpu(
            f"--config=gpu needs an NVIDIA GPU and this machine has none ({reason}); nothing was built or "
            f"downloaded: leave out --config=gpu (tools/tmgg: --gpu) to run on the CPU, or launch to a GPU "
            f"cluster with {SLURM_LAUNCH}"
        )
    if command not in ("test", "coverage"):
        return []
    visible = environ.get("CUDA_VISIBLE_DEVICES") or ",".join(indices)
    return [f"--test_env=CUDA_VISIBLE_DEVICES={visible}"]
