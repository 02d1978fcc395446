"""Tests of the spectral-radius scaling used by the GNN shifts and the spectral filters.

Invariants: the radius is the largest ``|eigenvalue|`` (sign ignored), floored so an
all-zero graph does not divide by zero; the normalised shift has spectral radius 1.
"""

import pytest
import torch

from tmgg.models.layers import TopKEigenLayer, normalised_shift, spectral_radius

pytestmark = pytest.mark.unit


def test_radius_is_largest_magnitude_and_floored(model_checks):
    values = torch.tensor([[-5.0, 2.0], [0.0, 0.0]])
    model_checks.assert_close(spectral_radius(values), torch.tensor([[5.0], [1e-6]]))


def test_normalised_shift_has_unit_radius_and_zero_graph_stays_finite(model_checks):
    a = torch.randn(2, 6, 6)
    adj = torch.cat([(a + a.transpose(-1, -2)), torch.zeros(1, 6, 6)])
    values, _ = TopKEigenLayer(k=3)(adj)
    shift = normalised_shift(adj, values)
    radius = torch.linalg.eigvalsh(shift).abs().amax(-1)
    model_checks.assert_close(radius[:2], torch.ones(2))
    assert (shift[2] == 0).all()
