"""Tests of ``BaseDenoiser``, the forward shared by every model.

Invariants: whatever ``edge_logits`` returns is symmetrised; a single ``(n, n)`` matrix
comes back unbatched; input is validated (with ``max_nodes`` when a subclass sets it)
before ``edge_logits`` runs; the class cannot be instantiated without ``edge_logits``.
"""

import pytest
import torch

from tmgg.models.layers import BaseDenoiser

pytestmark = pytest.mark.unit


class _UpperTriangle(BaseDenoiser):
    """Deliberately asymmetric logits, to see the base class symmetrise them."""

    max_nodes = 4

    def edge_logits(self, adj):
        return torch.ones_like(adj).triu()


def test_asymmetric_logits_are_symmetrised(model_checks):
    out = _UpperTriangle()(torch.zeros(2, 3, 3))
    expected = torch.full((3, 3), 0.5) + 0.5 * torch.eye(3)
    model_checks.assert_close(out, expected.expand(2, 3, 3))


def test_unbatched_input_returns_unbatched_logits():
    assert _UpperTriangle()(torch.zeros(3, 3)).shape == (3, 3)


def test_input_is_validated_with_max_nodes():
    with pytest.raises(ValueError, match="max_nodes=4"):
        _UpperTriangle()(torch.zeros(5, 5))
    with pytest.raises(ValueError, match="adj must be symmetric"):
        _UpperTriangle()(torch.ones(3, 3).triu())


def test_subclass_without_edge_logits_cannot_be_built():
    with pytest.raises(TypeError):
        type("Incomplete", (BaseDenoiser,), {})()
