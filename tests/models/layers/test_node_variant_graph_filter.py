"""Tests of ``NodeVariantGraphFilter``.

Invariants: at initialisation (all taps 1) it is the plain polynomial filter with the
same weights; once taps depend on node features, different nodes weigh the shift
powers differently, yet the layer stays permutation equivariant.
"""

import pytest
import torch

from tmgg.models.layers import NodeVariantGraphFilter

pytestmark = pytest.mark.unit


def test_initial_taps_give_plain_polynomial_filter(model_checks):
    shift, x = torch.randn(2, 5, 5), torch.randn(2, 5, 3)
    layer = NodeVariantGraphFilter(3, 4, num_terms=3)
    expected = sum(torch.matrix_power(shift, t) @ x @ layer.weight[t] for t in range(3)) + layer.bias
    model_checks.assert_close(layer(shift, x), expected)


def test_feature_dependent_taps_scale_each_node_separately(model_checks):
    shift, x = torch.zeros(1, 2, 2), torch.tensor([[[1.0], [2.0]]])
    layer = NodeVariantGraphFilter(1, 1, num_terms=1)
    with torch.no_grad():
        layer.taps.weight.fill_(1.0)
        layer.taps.bias.zero_()
        layer.weight.fill_(1.0)
    # Tap of node i is x_i, so the output is x_i * x_i.
    model_checks.assert_close(layer(shift, x), torch.tensor([[[1.0], [4.0]]]))


def test_filter_is_permutation_equivariant(model_checks):
    a, x = torch.randn(1, 6, 6), torch.randn(1, 6, 3)
    shift = a + a.transpose(-1, -2)
    layer = NodeVariantGraphFilter(3, 2, num_terms=3)
    with torch.no_grad():
        layer.taps.weight.normal_()
    perm = torch.randperm(6)
    model_checks.assert_close(layer(shift[:, perm][:, :, perm], x[:, perm]), layer(shift, x)[:, perm])


def test_non_positive_num_terms_raises_naming_it():
    with pytest.raises(ValueError, match="num_terms=0"):
        NodeVariantGraphFilter(2, 2, num_terms=0)
