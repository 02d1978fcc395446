"""Tests of ``MultiHeadAttentionDenoiser`` beyond the shared denoiser contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) checks one size per
argument; what is left is the argument check that spans two sizes and the exposed ``k``.
Invariants: ``num_heads`` must divide ``d_model``, and the ``ValueError`` names both;
the model exposes the ``k`` it was built with.
"""

import pytest

from tmgg.models.attention import MultiHeadAttentionDenoiser

pytestmark = pytest.mark.unit


def test_heads_must_divide_d_model():
    with pytest.raises(ValueError, match="num_heads=3, d_model=8"):
        MultiHeadAttentionDenoiser(d_model=8, num_heads=3)


def test_exposes_k():
    assert MultiHeadAttentionDenoiser(k=5).k == 5
