"""Tests of ``PolynomialGraphFilter`` and ``shift_powers``.

Invariants: the filter equals the explicit sum ``sum_t S^t X W_t + b`` (so the
concatenated-weight implementation is the textbook filter), and it is permutation
equivariant. Sizes below 1 raise ``ValueError`` naming the argument.
"""

import pytest
import torch

from tmgg.models.layers import PolynomialGraphFilter, shift_powers

pytestmark = pytest.mark.unit


def test_filter_equals_explicit_sum_of_shift_powers(model_checks):
    shift, x = torch.randn(2, 5, 5), torch.randn(2, 5, 3)
    layer = PolynomialGraphFilter(in_dim=3, out_dim=4, num_terms=3)
    weights = layer.linear.weight.T.reshape(3, 3, 4)
    expected = sum(torch.matrix_power(shift, t) @ x @ weights[t] for t in range(3)) + layer.linear.bias
    model_checks.assert_close(layer(shift, x), expected)


def test_shift_powers_start_at_identity(model_checks):
    shift, x = torch.randn(1, 4, 4), torch.randn(1, 4, 2)
    powers = shift_powers(shift, x, 3)
    assert len(powers) == 3 and powers[0] is x
    model_checks.assert_close(powers[2], shift @ shift @ x)


def test_filter_is_permutation_equivariant(model_checks):
    a, x = torch.randn(1, 6, 6), torch.randn(1, 6, 3)
    shift = a + a.transpose(-1, -2)
    perm = torch.randperm(6)
    layer = PolynomialGraphFilter(3, 2, num_terms=4)
    model_checks.assert_close(layer(shift[:, perm][:, :, perm], x[:, perm]), layer(shift, x)[:, perm])


@pytest.mark.parametrize("name", ["in_dim", "out_dim", "num_terms"])
def test_non_positive_size_raises_naming_it(name):
    kwargs = {"in_dim": 2, "out_dim": 2, "num_terms": 2, name: 0}
    with pytest.raises(ValueError, match=f"{name}=0"):
        PolynomialGraphFilter(**kwargs)
