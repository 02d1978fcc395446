"""Tests of ``symmetrise``, the last step of every model's forward.

Invariant: the result is exactly symmetric, equals the input when the input is already
symmetric, and is the average of ``x`` and its transpose (not e.g. the upper triangle).
"""

import pytest
import torch

from tmgg.models.layers import symmetrise

pytestmark = pytest.mark.unit


def test_result_is_average_of_matrix_and_transpose(model_checks):
    x = torch.tensor([[1.0, 2.0], [4.0, 3.0]])
    model_checks.assert_close(symmetrise(x), torch.tensor([[1.0, 3.0], [3.0, 3.0]]))


def test_batched_result_is_exactly_symmetric_and_fixes_symmetric_input(model_checks):
    x = torch.randn(3, 5, 5)
    out = symmetrise(x)
    assert torch.equal(out, out.transpose(-1, -2))
    model_checks.assert_close(symmetrise(out), out)
