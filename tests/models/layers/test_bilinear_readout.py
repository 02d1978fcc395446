"""Tests of ``BilinearReadout``.

Invariants: ``H W H^T + b`` exactly, shape ``(B, n, n)``, permutation equivariant,
and logits of order 1 at initialisation for unit-scale node states.
"""

import pytest
import torch

from tmgg.models.layers import BilinearReadout

pytestmark = pytest.mark.unit


def test_readout_is_bilinear_form_plus_bias(model_checks):
    readout = BilinearReadout(4)
    with torch.no_grad():
        readout.bias.fill_(0.5)
    h = torch.randn(2, 3, 4)
    out = readout(h)
    assert out.shape == (2, 3, 3)
    model_checks.assert_close(out, h @ readout.weight @ h.transpose(-1, -2) + 0.5)
    perm = torch.tensor([2, 0, 1])
    model_checks.assert_close(readout(h[:, perm]), out[:, perm][:, :, perm])


def test_initial_logits_are_order_one():
    torch.manual_seed(0)
    out = BilinearReadout(32)(torch.randn(4, 20, 32))
    assert 0.1 < out.std() < 10


def test_zero_dim_raises_naming_dim():
    with pytest.raises(ValueError, match="dim=0"):
        BilinearReadout(0)
