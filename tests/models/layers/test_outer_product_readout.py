"""Tests of ``OuterProductReadout``.

Invariants: with ``symmetric=True`` the logits are the Gram matrix ``X X^T + b``
(symmetric before any symmetrisation); otherwise ``X Y^T + b`` with distinct maps, which
is in general not symmetric. Both are permutation equivariant.
"""

import pytest
import torch

from tmgg.models.layers import OuterProductReadout

pytestmark = pytest.mark.unit


def test_symmetric_readout_is_gram_matrix(model_checks):
    readout = OuterProductReadout(3, 4, symmetric=True)
    h = torch.randn(2, 5, 3)
    x = readout.embed(h)
    model_checks.assert_close(readout(h), x @ x.transpose(-1, -2) + readout.bias)


def test_two_sided_readout_uses_distinct_embeddings_and_is_equivariant(model_checks):
    readout = OuterProductReadout(3, 4)
    h = torch.randn(2, 5, 3)
    out = readout(h)
    assert out.shape == (2, 5, 5)
    assert not torch.allclose(out, out.transpose(-1, -2))
    perm = torch.randperm(5)
    model_checks.assert_close(readout(h[:, perm]), out[:, perm][:, :, perm])


def test_zero_embed_dim_raises_naming_it():
    with pytest.raises(ValueError, match="embed_dim=0"):
        OuterProductReadout(3, 0)
