"""tmgg.learning.learning_check: a module that learns passes; each way of not learning is named.

Rationale: the learning check stands between a job that runs and a GPU run
that learns nothing. Each fault the check promises to catch is built here on
a tiny denoiser inside the real DenoisingModule (its optimizer partial, its
training_step and loss), so a case fails only for the fault it injects.
Assumptions: a per-entry linear net on 2 graphs of 8 nodes learns (loss falls
well past the margin) within the check's step count at lr 5e-2; seeds are
fixed by conftest.
Invariants: the healthy module passes and its report is deterministic; a
learning rate of 5e-30, a training loss scaled to zero, a layer never used in
forward, a frozen parameter, a branch detached from its parameters, and a
parameter the optimizer does not hold each raise DoesNotLearn naming the
cause, the parameter and the numbers, in one line.
"""

from __future__ import annotations

import functools

import pytest
import torch
from torch import nn

from tmgg.learning.learning_check import train_on_batch
from tmgg.learning.learning_report import DoesNotLearn
from tmgg.learning.learning_settings import MARGIN, MIN_CHANGE, STEPS
from tmgg.training.denoising_module import DenoisingModule

pytestmark = pytest.mark.unit


class EdgeNet(nn.Module):
    """Logits from each entry of the noisy adjacency and its node degrees; optionally faulty."""

    def __init__(self, fault: str = "") -> None:
        super().__init__()
        self.entry = nn.Linear(1, 1)
        self.degree = nn.Linear(1, 1)
        self.fault = fault
        if fault == "unused":
            self.unused = nn.Linear(1, 1)
        if fault == "frozen":
            self.degree.weight.requires_grad_(False)

    def forward(self, adj: torch.Tensor) -> torch.Tensor:
        degrees = adj.sum(-1, keepdim=True) / adj.shape[-1]
        pair = self.degree(degrees) + self.degree(degrees).transpose(-1, -2)
        if self.fault == "detached":
            pair = pair.detach()
        return self.entry(adj.unsqueeze(-1)).squeeze(-1) + pair


class ZeroLossModule(DenoisingModule):
    def training_step(self, batch, batch_idx):
        return super().training_step(batch, batch_idx) * 0.0


def batch(nodes: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    upper = (torch.rand(2, nodes, nodes, generator=generator) < 0.3).float().triu(1)
    clean = upper + upper.transpose(-1, -2)
    flips = (torch.rand(2, nodes, nodes, generator=generator) < 0.1).float().triu(1)
    return clean, (clean + flips + flips.transpose(-1, -2)) % 2


def module(fault: str = "", lr: float = 5e-2, cls=DenoisingModule) -> DenoisingModule:
    return cls(EdgeNet(fault), functools.partial(torch.optim.Adam, lr=lr))


def check(mod: DenoisingModule, lr: float = 5e-2, steps: int = STEPS):
    report = train_on_batch(mod, batch(), steps, job="toy", lr=lr)
    failure = report.failure(MIN_CHANGE)
    return report, failure


def test_a_module_that_learns_passes_with_room() -> None:
    report, failure = check(module())
    assert failure is None
    assert report.relative_drop > 2 * MARGIN
    assert not report.bad_gradients and not report.unmoved and report.min_grad_norm > 0


def test_the_measurement_is_deterministic() -> None:
    torch.manual_seed(0)
    first, _ = check(module(), steps=5)
    torch.manual_seed(0)
    second, _ = check(module(), steps=5)
    assert (first.loss_before, first.loss_after) == (second.loss_before, second.loss_after)


def test_a_learning_rate_too_small_to_move_anything_is_named() -> None:
    _, failure = check(module(lr=5e-30), lr=5e-30)
    assert isinstance(failure, DoesNotLearn)
    message = str(failure)
    assert message.startswith("does not learn: loss ")
    assert f"after {STEPS} steps (0.0% lower" in message
    assert "parameters moved by 0 of their norm" in message
    assert message.endswith("model.optimizer.lr=5e-30")
    assert "\n" not in message


def test_a_training_loss_scaled_to_zero_is_named() -> None:
    _, failure = check(module(cls=ZeroLossModule), steps=2)
    assert "loss 0 -> 0" in str(failure)
    assert "zero gradient at the first step: net.entry.weight, net.entry.bias, net.degree.weight" in str(failure)


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        ("unused", "no gradient at the first step: net.unused.weight, net.unused.bias"),
        ("frozen", "frozen (requires_grad=False): net.degree.weight"),
        ("detached", "no gradient at the first step: net.degree.weight, net.degree.bias"),
    ],
)
def test_a_parameter_without_a_gradient_is_named(fault: str, cause: str) -> None:
    # The gradients are judged at the first step: two steps show it.
    _, failure = check(module(fault), steps=2)
    assert isinstance(failure, DoesNotLearn)
    assert cause in str(failure)


def test_a_parameter_the_optimizer_does_not_hold_is_named() -> None:
    mod = DenoisingModule(EdgeNet(), lambda params: torch.optim.Adam(list(params)[:2], lr=5e-2))
    _, failure = check(mod, steps=2)
    assert "not in the optimizer: net.degree.weight, net.degree.bias" in str(failure)
