"""The one LightningModule that trains every denoiser."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from tmgg.training.metrics import denoising_metrics, off_diagonal_mask

LOSSES = ("bce", "mse")

OptimizerFactory = Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
SchedulerFactory = Callable[[torch.optim.Optimizer], Any]


class DenoisingModule(pl.LightningModule):
    """Trains ``net`` to map a noisy adjacency matrix to the logits of the clean one.

    The torch model, optimizer and scheduler come from the config: ``net`` is
    built by Hydra from its nested ``_target_``, and the optimizer and scheduler
    are partials (``_partial_: true``) that this module completes with its
    parameters and optimizer. Only ``loss`` is saved as a hyperparameter: the
    partials are not plain data, and Lightning reloads checkpoints with
    ``torch.load(weights_only=True)``.

    Every split logs ``<split>/loss`` and the metrics of
    :func:`tmgg.training.metrics.denoising_metrics`, e.g. ``val/recon_error``
    next to ``val/noisy_recon_error``.

    Args:
        net: Model with ``forward(adj) -> logits``.
        optimizer: Callable taking the parameters and returning an optimizer.
        scheduler: Optional callable taking the optimizer and returning an LR
            scheduler, stepped once per epoch.
        loss: ``"bce"`` (binary cross-entropy on the logits) or ``"mse"``
            (squared error of ``sigmoid(logits)``).

    Raises:
        ValueError: if ``loss`` is not one of the above, or ``optimizer`` is not callable.

    Shapes:
        batch: ``(clean, noisy)``, each ``(B, n, n)``; logits ``(B, n, n)``.
    """

    def __init__(
        self,
        net: nn.Module,
        optimizer: OptimizerFactory,
        scheduler: SchedulerFactory | None = None,
        loss: str = "bce",
    ) -> None:
        super().__init__()
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got loss={loss!r}")
        if not callable(optimizer):
            raise ValueError(
                f"optimizer must be a callable that takes the parameters (a partial), got optimizer={optimizer!r}"
            )
        if scheduler is not None and not callable(scheduler):
            raise ValueError(f"scheduler must be a callable or None, got scheduler={scheduler!r}")
        self.save_hyperparameters({"loss": loss})
        self.net = net
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler
        self.loss_name = loss

    def forward(self, noisy: Tensor) -> Tensor:
        """Return edge logits for a batch of noisy adjacency matrices.

        Args:
            noisy: Noisy adjacency.

        Returns:
            Edge logits.

        Shapes:
            noisy: ``(B, n, n)``; output ``(B, n, n)``.
        """
        return self.net(noisy)

    def compute_loss(self, logits: Tensor, clean: Tensor) -> Tensor:
        """Loss over the off-diagonal entries; the diagonal is never an edge.

        Args:
            logits: Edge logits.
            clean: Clean 0/1 adjacency.

        Returns:
            Scalar loss.

        Shapes:
            logits, clean: ``(B, n, n)``
        """
        if self.loss_name == "bce":
            elementwise = F.binary_cross_entropy_with_logits(logits, clean, reduction="none")
        else:
            elementwise = (torch.sigmoid(logits) - clean) ** 2
        mask = off_diagonal_mask(logits.shape[-1], logits.device)
        return elementwise.masked_select(mask.expand_as(elementwise)).mean()

    def _step(self, batch: tuple[Tensor, Tensor], split: str) -> Tensor:
        clean, noisy = batch
        logits = self(noisy)
        loss = self.compute_loss(logits, clean)
        batch_size = clean.shape[0]
        self.log(
            f"{split}/loss", loss, prog_bar=True, on_step=split == "train", on_epoch=True, batch_size=batch_size
        )
        with torch.no_grad():
            metrics = denoising_metrics(logits.detach(), clean, noisy)
        self.log_dict(
            {f"{split}/{name}": value for name, value in metrics.items()},
            on_step=False,
            on_epoch=True,
            batch_size=batch_size,
        )
        return loss

    def training_step(self, batch: tuple[Tensor, Tensor], batch_idx: int) -> Tensor:
        """Return the training loss of one batch and log its metrics."""
        return self._step(batch, "train")

    def validation_step(self, batch: tuple[Tensor, Tensor], batch_idx: int) -> Tensor:
        """Log the validation loss and metrics of one batch."""
        return self._step(batch, "val")

    def test_step(self, batch: tuple[Tensor, Tensor], batch_idx: int) -> Tensor:
        """Log the test loss and metrics of one batch."""
        return self._step(batch, "test")

    def configure_optimizers(self) -> Any:
        """Complete the optimizer (and scheduler) partials from the config."""
        optimizer = self.optimizer_factory(self.parameters())
        if self.scheduler_factory is None:
            return optimizer
        scheduler = self.scheduler_factory(optimizer)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}
