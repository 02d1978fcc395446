"""What the installed torch can do with a GPU: its build, and whether it sees a usable device."""

from __future__ import annotations


def torch_build() -> str:
    """The installed torch's version, local label included, e.g. ``2.13.0+cpu``."""
    import torch

    return torch.__version__


def cuda_build() -> str | None:
    """The CUDA version torch was built with, e.g. ``12.8``; None for a CPU build."""
    import torch

    return torch.version.cuda


def cuda_usable() -> bool:
    """Whether torch can run on a GPU here: a CUDA build, a driver and a visible device."""
    import torch

    return torch.cuda.is_available()
