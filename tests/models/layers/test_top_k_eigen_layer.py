"""Tests of ``TopKEigenLayer``, the node featurisation shared by the spectral, attention,
GNN, hybrid and DiGress families.

Assumptions: inputs are symmetric (the layer does not re-check). Invariants: eigenpairs
come sorted by decreasing ``|eigenvalue|`` and satisfy ``A v = lambda v``; with ``k = n``
they reconstruct ``A``; missing pairs (``n < k``) are zeros; each eigenvector's largest-
magnitude entry is positive, which makes the output deterministic and permutation
equivariant for matrices with distinct eigenvalues; no gradient flows back to ``A``.
``unit_rms`` gives real eigenvector columns mean-square-1 entries and keeps padding zero.
"""

import pytest
import torch

from tmgg.models.layers import TopKEigenLayer, unit_rms

pytestmark = pytest.mark.unit


def test_eigenpairs_sorted_by_magnitude_and_satisfy_eigen_equation(model_checks):
    adj = model_checks.random_symmetric(2, 7).double()
    values, vectors = TopKEigenLayer(k=4)(adj)
    assert values.shape == (2, 4) and vectors.shape == (2, 7, 4)
    assert (values.abs().diff(dim=-1) <= 0).all()
    model_checks.assert_close(adj @ vectors, vectors * values.unsqueeze(-2))
    model_checks.assert_close(values[:, 0].abs(), torch.linalg.eigvalsh(adj).abs().amax(-1))


def test_all_eigenpairs_reconstruct_the_matrix(model_checks):
    adj = model_checks.random_symmetric(1, 6).double()
    values, vectors = TopKEigenLayer(k=6)(adj)
    model_checks.assert_close(vectors @ torch.diag_embed(values) @ vectors.transpose(-1, -2), adj)


def test_fewer_nodes_than_k_pads_with_zeros(model_checks):
    adj = model_checks.random_symmetric(2, 3).double()
    values, vectors = TopKEigenLayer(k=5)(adj)
    assert values.shape == (2, 5) and vectors.shape == (2, 3, 5)
    assert (values[:, 3:] == 0).all() and (vectors[..., 3:] == 0).all()
    assert (values[:, :3] != 0).all()


def test_sign_makes_each_eigenvectors_largest_entry_positive(model_checks):
    adj = model_checks.random_symmetric(2, 6).double()
    _, vectors = TopKEigenLayer(k=6)(adj)
    pivot = vectors.abs().argmax(dim=-2, keepdim=True)
    assert (vectors.gather(-2, pivot) > 0).all()


def test_permuting_nodes_permutes_eigenvector_rows(model_checks):
    adj = model_checks.random_symmetric(2, 8).double()
    perm = torch.randperm(8, generator=torch.Generator().manual_seed(3))
    layer = TopKEigenLayer(k=4)
    values, vectors = layer(adj)
    values_p, vectors_p = layer(adj[:, perm][:, :, perm])
    model_checks.assert_close(values_p, values)
    model_checks.assert_close(vectors_p, vectors[:, perm])


def test_output_keeps_dtype_and_blocks_gradient_to_input(model_checks):
    adj = model_checks.random_symmetric(1, 4).requires_grad_()
    values, vectors = TopKEigenLayer(k=2)(adj)
    assert values.dtype == vectors.dtype == torch.float32
    assert not values.requires_grad and not vectors.requires_grad


@pytest.mark.parametrize("k", [0, -2])
def test_non_positive_k_raises_naming_k(k):
    with pytest.raises(ValueError, match=f"k={k}"):
        TopKEigenLayer(k=k)


def test_unit_rms_gives_mean_square_one_and_keeps_padding_zero(model_checks):
    _, vectors = TopKEigenLayer(k=5)(model_checks.random_symmetric(2, 3))
    scaled = unit_rms(vectors)
    model_checks.assert_close(scaled[..., :3].square().mean(-2), torch.ones(2, 3))
    assert (scaled[..., 3:] == 0).all()
