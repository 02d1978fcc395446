"""Tests of ``GNN`` (polynomial graph filters, ``X Y^T`` readout) beyond the shared contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) covers shape, symmetry,
gradients, equivariance, small graphs and bad input; what is specific is the wiring the
variants override. Invariants: ``k == feature_dim_in``; the layers are
``PolynomialGraphFilter`` and the readout uses two embeddings.
"""

import pytest

from tmgg.models.gnn import GNN
from tmgg.models.layers import PolynomialGraphFilter

pytestmark = pytest.mark.unit


def test_k_is_feature_dim_in_and_layers_are_polynomial_filters():
    model = GNN(num_layers=2, num_terms=3, feature_dim_in=4, feature_dim_out=6)
    assert model.k == 4
    assert all(type(f) is PolynomialGraphFilter for f in model.filters.filters)
    assert not model.readout.symmetric
