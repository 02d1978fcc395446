"""Tests of ``LinearPE`` (logits ``V W V^T + b`` over the top-``k`` eigenvectors).

Rationale: the shared denoiser contract (tests/models/conftest.py) and the model's
closed form. Assumptions: random weighted symmetric test graphs (distinct eigenvalues).
Invariants: logits equal ``U (W + W^T)/2 U^T + b`` with ``U = sqrt(n) V``, ``V`` from
``TopKEigenLayer``;
symmetric, finite, equivariant; ``n < k``, ``n = 2``, batch 1; ``k < 1`` raises.
"""

import pytest
import torch

from tmgg.models.layers import TopKEigenLayer, unit_rms
from tmgg.models.spectral import LinearPE

pytestmark = pytest.mark.unit


@pytest.fixture
def model():
    return LinearPE(k=4)


def test_output_is_symmetric_finite_and_shaped(model, model_checks):
    model_checks.output(model)


def test_logits_are_bilinear_form_of_eigenvectors(model, model_checks):
    adj = model_checks.random_symmetric(2, 6)
    u = unit_rms(TopKEigenLayer(4)(adj)[1])
    w = (model.readout.weight + model.readout.weight.T) / 2
    model_checks.assert_close(model(adj), u @ w @ u.transpose(-1, -2) + model.readout.bias)


def test_every_parameter_gets_a_finite_gradient(model, model_checks):
    model_checks.gradients(model)


def test_permutation_equivariant(model, model_checks):
    model_checks.equivariance(model)


def test_small_graphs_and_unbatched_input(model, model_checks):
    model_checks.small_graphs(model)


def test_bad_adjacency_raises(model, model_checks):
    model_checks.rejects_bad_input(model)


def test_zero_k_raises_naming_k(model_checks):
    model_checks.rejects_bad_size(LinearPE, "k", 0)
