"""Tests of ``TransformerBlock``.

Invariants: shape is preserved; with no positional encoding the block is permutation
equivariant over tokens; a key padding mask keeps padded tokens from influencing the
others; bad sizes raise ``ValueError`` naming the argument.
"""

import pytest
import torch

from tmgg.models.layers import TransformerBlock

pytestmark = pytest.mark.unit


def test_block_keeps_shape_and_is_permutation_equivariant(model_checks):
    block = TransformerBlock(d_model=8, num_heads=2)
    h = torch.randn(2, 5, 8)
    out = block(h)
    assert out.shape == (2, 5, 8)
    perm = torch.randperm(5)
    model_checks.assert_close(block(h[:, perm]), out[:, perm])


def test_masked_tokens_do_not_affect_the_others(model_checks):
    block = TransformerBlock(d_model=8, num_heads=2)
    h = torch.randn(1, 4, 8)
    changed = h.clone()
    changed[:, 3] = 100.0
    mask = torch.tensor([[False, False, False, True]])
    model_checks.assert_close(block(h, key_padding_mask=mask)[:, :3], block(changed, key_padding_mask=mask)[:, :3])


def test_bad_sizes_raise_naming_the_argument():
    with pytest.raises(ValueError, match="num_heads=3, d_model=8"):
        TransformerBlock(8, 3)
    with pytest.raises(ValueError, match="dropout=1.0"):
        TransformerBlock(8, 2, dropout=1.0)
