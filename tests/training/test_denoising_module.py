"""DenoisingModule on a tiny net: losses, optimizer/scheduler partials, logged metrics.

Rationale: one LightningModule trains every model, so its contract (partials in,
bce/mse losses, finite metrics per split, no objects in hparams) is checked
once here on a net with two parameters.
Assumptions: batches are (clean, noisy) pairs of shape (B, n, n).
Invariants: unknown losses fail naming the value; only plain data is saved as
hyperparameters, so checkpoints load with torch.load(weights_only=True).
"""

from functools import partial

import pytest
import pytorch_lightning as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from tmgg.training import DenoisingModule

pytestmark = pytest.mark.unit


class ScaleNet(nn.Module):
    """logits = a * (2 adj - 1) + b: enough to learn to copy the input."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Parameter(torch.tensor(0.1))
        self.b = nn.Parameter(torch.tensor(0.0))

    def forward(self, adj: torch.Tensor) -> torch.Tensor:
        return self.a * (2 * adj - 1) + self.b


def _module(loss: str = "bce", scheduler=None) -> DenoisingModule:
    return DenoisingModule(ScaleNet(), optimizer=partial(torch.optim.Adam, lr=0.1), scheduler=scheduler, loss=loss)


def _graphs(count: int = 4, n: int = 5) -> torch.Tensor:
    upper = torch.triu((torch.rand(count, n, n, generator=torch.Generator().manual_seed(0)) > 0.5).float(), 1)
    return upper + upper.transpose(-1, -2)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_loss_is_finite_positive_and_differentiable(loss: str) -> None:
    module = _module(loss)
    clean = _graphs()
    value = module.compute_loss(module(clean), clean)
    value.backward()
    assert value.item() > 0
    assert torch.isfinite(module.net.a.grad)


def test_loss_ignores_the_diagonal() -> None:
    module = _module("bce")
    clean = _graphs(1)
    logits = torch.where(clean > 0, 20.0, -20.0)
    noisy_diagonal = logits + torch.eye(5) * 40.0
    assert module.compute_loss(noisy_diagonal, clean).item() == pytest.approx(module.compute_loss(logits, clean).item())


def test_unknown_loss_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match="loss='hinge'"):
        _module("hinge")


def test_optimizer_must_be_a_partial() -> None:
    with pytest.raises(ValueError, match="optimizer"):
        DenoisingModule(ScaleNet(), optimizer="adam")


def test_optimizer_and_scheduler_partials_are_completed() -> None:
    module = _module(scheduler=partial(torch.optim.lr_scheduler.StepLR, step_size=1, gamma=0.5))
    configured = module.configure_optimizers()
    assert isinstance(configured["optimizer"], torch.optim.Adam)
    assert configured["optimizer"].param_groups[0]["lr"] == 0.1
    assert isinstance(configured["lr_scheduler"]["scheduler"], torch.optim.lr_scheduler.StepLR)
    assert isinstance(_module().configure_optimizers(), torch.optim.Adam)


def test_hyperparameters_hold_plain_data_only() -> None:
    assert dict(_module("mse").hparams) == {"loss": "mse"}


@pytest.mark.filterwarnings("ignore:.*LeafSpec.*")
@pytest.mark.filterwarnings("ignore:.*does not have many workers.*")
def test_fit_logs_finite_metrics_for_every_split(tmp_path) -> None:
    clean = _graphs(8)
    loader = DataLoader(TensorDataset(clean, clean), batch_size=4)
    trainer = pl.Trainer(
        max_steps=2,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
        default_root_dir=tmp_path,
    )
    module = _module()
    trainer.fit(module, loader, loader)
    metrics = dict(trainer.callback_metrics)
    trainer.test(module, loader, verbose=False)
    metrics.update(trainer.callback_metrics)
    for split in ("train", "val", "test"):
        for name in ("loss", "accuracy", "f1", "recon_error", "noisy_recon_error", "eigenvalue_error"):
            key = f"{split}/{name}" if split != "train" or name != "loss" else "train/loss_epoch"
            assert key in metrics, key
            assert torch.isfinite(metrics[key]), key
