"""A picture of what the denoiser did: clean, noisy and denoised adjacency side by side."""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import Tensor

from tmgg.training.metrics import off_diagonal_mask


def save_denoising_figure(
    path: str | os.PathLike[str], clean: Tensor, noisy: Tensor, logits: Tensor, max_graphs: int = 3
) -> Path:
    """Save a grid with one row per graph: clean, noisy, denoised probability, denoised graph.

    Uses matplotlib's Agg canvas directly, so no GUI backend is needed and the
    global pyplot backend is left alone.

    Args:
        path: PNG file to write; its folder is created if needed.
        clean: Clean adjacency.
        noisy: Noisy adjacency given to the model.
        logits: The model's edge logits for ``noisy``.
        max_graphs: At most this many graphs (rows) are drawn.

    Returns:
        The path written.

    Shapes:
        clean, noisy, logits: ``(B, n, n)``
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = min(max_graphs, clean.shape[0])
    # Zero the diagonal, as the metrics do: graphs have no self-loops.
    probabilities = torch.sigmoid(logits.float()) * off_diagonal_mask(logits.shape[-1], logits.device)
    panels = {
        "clean": clean,
        "noisy": noisy,
        "denoised p(edge)": probabilities,
        "denoised (p > 0.5)": (probabilities > 0.5).float(),
    }
    # A fixed layout: matplotlib's constrained layout would double the drawing time.
    figure = Figure(figsize=(2.2 * len(panels), 2.2 * rows + 0.4))
    figure.subplots_adjust(left=0.06, right=0.99, bottom=0.02, top=0.9, wspace=0.05, hspace=0.08)
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, len(panels), squeeze=False)
    for row in range(rows):
        for column, (title, matrices) in enumerate(panels.items()):
            axis = axes[row][column]
            axis.imshow(
                matrices[row].detach().float().cpu().numpy(), cmap="Greys", vmin=0.0, vmax=1.0, interpolation="nearest"
            )
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(title, fontsize=10)
        axes[row][0].set_ylabel(f"test graph {row}")
    destination = Path(path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(destination, dpi=80)
    return destination
