"""Tests of ``HybridGNNTransformer`` beyond the shared denoiser contract.

Rationale: the ablation configs (gnn_only, transformer_only) switch parts off; the
contract (tests/models/test_denoiser_contract.py) checks all four on/off combinations.
What is left is that a switched-off part is not built at all. Invariant: with both
parts off there are no filters and no transformer blocks, and the readout acts on the
``feature_dim`` embedding.
"""

import pytest

from tmgg.models.hybrid import HybridGNNTransformer

pytestmark = pytest.mark.unit


def test_switched_off_parts_are_not_built():
    both_off = HybridGNNTransformer(use_gnn=False, use_transformer=False)
    assert not hasattr(both_off, "filters") and not hasattr(both_off, "blocks")
    assert both_off.readout.weight.shape == (16, 16)
