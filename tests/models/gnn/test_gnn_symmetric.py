"""Tests of ``GNNSymmetric`` (GNN with logits ``X X^T + b``) beyond the shared contract.

Rationale: the variant differs from ``GNN`` only in its readout; the contract
(tests/models/test_denoiser_contract.py) covers the rest. Invariant: the readout is the
Gram matrix of one embedding of size ``feature_dim_out``.
"""

import pytest

from tmgg.models.gnn import GNNSymmetric

pytestmark = pytest.mark.unit


def test_readout_shares_one_embedding():
    model = GNNSymmetric(num_layers=2, num_terms=3, feature_dim_in=4, feature_dim_out=6)
    assert model.readout.symmetric
    assert model.readout.embed.out_features == 6
