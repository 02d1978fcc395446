"""Tests of ``LinearPE`` (logits ``V W V^T + b``) beyond the shared contract.

Rationale: the contract (tests/models/test_denoiser_contract.py) covers shape, symmetry,
gradients, equivariance, small graphs and bad input; what is specific is the model's
closed form. Assumptions: random weighted symmetric test graphs (distinct eigenvalues).
Invariant: logits equal ``U (W + W^T)/2 U^T + b`` with ``U = sqrt(n) V``, ``V`` from
``TopKEigenLayer``.
"""

import pytest

from tmgg.models.layers import TopKEigenLayer, unit_rms
from tmgg.models.spectral import LinearPE

pytestmark = pytest.mark.unit


def test_logits_are_bilinear_form_of_eigenvectors(model_checks):
    model = LinearPE(k=4)
    adj = model_checks.random_symmetric(2, 6)
    u = unit_rms(TopKEigenLayer(4)(adj)[1])
    w = (model.readout.weight + model.readout.weight.T) / 2
    model_checks.assert_close(model(adj), u @ w @ u.transpose(-1, -2) + model.readout.bias)
