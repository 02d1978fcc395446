"""Tests of ``GraphFilterStack``, the GNN body shared by ``GNN`` and ``HybridGNNTransformer``.

Invariants: ``num_layers`` layers of the requested type map ``in_dim`` to ``hidden_dim``;
outputs lie in ``(-1, 1)`` (tanh); the stack is permutation equivariant.
"""

import pytest
import torch

from tmgg.models.layers import GraphFilterStack, NodeVariantGraphFilter, PolynomialGraphFilter

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("filter_class", [PolynomialGraphFilter, NodeVariantGraphFilter])
def test_stack_shape_range_and_equivariance(filter_class, model_checks):
    stack = GraphFilterStack(3, 5, num_layers=2, num_terms=2, filter_class=filter_class)
    assert len(stack.filters) == 2 and all(isinstance(f, filter_class) for f in stack.filters)
    a, x = torch.randn(2, 6, 6), torch.randn(2, 6, 3)
    shift = a + a.transpose(-1, -2)
    out = stack(shift, x)
    assert out.shape == (2, 6, 5) and (out.abs() < 1).all()
    perm = torch.randperm(6)
    model_checks.assert_close(stack(shift[:, perm][:, :, perm], x[:, perm]), out[:, perm])


def test_zero_layers_raises_naming_num_layers():
    with pytest.raises(ValueError, match="num_layers=0"):
        GraphFilterStack(3, 5, num_layers=0, num_terms=2)
