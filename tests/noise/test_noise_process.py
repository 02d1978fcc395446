"""Tests of NoiseProcess, the base that every noise class inherits.

Rationale: the base decides which input shapes are accepted and how a single
matrix is batched, so every noise class relies on it.
Assumptions: any concrete subclass exercises the base; EdgeFlipNoise is used.
Invariants: ``(n, n)`` in gives ``(n, n)`` out equal to the batched result of the
same matrix with the same seed; bad shapes or dtypes raise ValueError naming ``adj``.
"""

import pytest
import torch

from tmgg.noise import EdgeFlipNoise, NoiseProcess

pytestmark = pytest.mark.unit


def test_single_matrix_matches_batch_of_one():
    adj = torch.zeros(5, 5)
    single = EdgeFlipNoise(0.5)(adj, torch.Generator().manual_seed(3))
    batched = EdgeFlipNoise(0.5)(adj.unsqueeze(0), torch.Generator().manual_seed(3))
    assert single.shape == (5, 5)
    assert torch.equal(single, batched[0])


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4), (1, 2, 3, 3)])
def test_rejects_non_square_or_wrong_rank(shape):
    with pytest.raises(ValueError, match=r"adj must have shape .*adj.shape="):
        EdgeFlipNoise(0.1)(torch.zeros(shape), torch.Generator())


def test_rejects_integer_adjacency():
    with pytest.raises(ValueError, match="adj.dtype=torch.int64"):
        EdgeFlipNoise(0.1)(torch.zeros(3, 3, dtype=torch.long), torch.Generator())


def test_is_abstract():
    with pytest.raises(TypeError):
        NoiseProcess()
