"""Tests of the input checks every model runs before computing anything.

Rationale: a malformed adjacency (wrong rank, non-square, asymmetric, NaN, too large)
would otherwise surface as a shape error deep inside a model, or silently produce
garbage. Invariant: each rejection is a ``ValueError`` whose message names the
argument and the offending value; valid 2-D and 3-D inputs pass, and round-off-level
asymmetry (below ``SYMMETRY_ATOL``) is accepted.
"""

import pytest
import torch

from tmgg.models.layers import (
    SYMMETRY_ATOL,
    check_adjacency,
    check_attention_sizes,
    check_dropout,
    check_positive_int,
)

pytestmark = pytest.mark.unit


def test_valid_batched_and_unbatched_adjacency_pass():
    check_adjacency(torch.eye(4))
    check_adjacency(torch.zeros(3, 5, 5), max_nodes=5)


def test_round_off_asymmetry_is_accepted():
    adj = torch.zeros(1, 3, 3)
    adj[0, 0, 1] = SYMMETRY_ATOL / 2
    check_adjacency(adj)


@pytest.mark.parametrize(
    ("adj", "message"),
    [
        (torch.zeros(4), r"adj.shape=\(4,\)"),
        (torch.zeros(1, 2, 3, 3), r"adj.shape=\(1, 2, 3, 3\)"),
        (torch.zeros(2, 3, 4), r"square.*adj.shape=\(2, 3, 4\)"),
        (torch.zeros(2, 0, 0), "at least one node"),
        (torch.zeros(3, 3, dtype=torch.int64), "adj.dtype=torch.int64"),
        (torch.tensor([[0.0, 1.0], [0.0, 0.0]]), r"adj must be symmetric, got max \|adj - adj\^T\| = 1"),
        (torch.tensor([[0.0, float("nan")], [float("nan"), 0.0]]), "adj must be finite, got 2"),
    ],
    ids=["1d", "4d", "non_square", "empty", "integer", "asymmetric", "nan"],
)
def test_bad_adjacency_raises_naming_adj(adj, message):
    with pytest.raises(ValueError, match=message):
        check_adjacency(adj)


def test_too_many_nodes_names_n_and_max_nodes():
    with pytest.raises(ValueError, match="n=5 nodes, more than max_nodes=4"):
        check_adjacency(torch.zeros(5, 5), max_nodes=4)


@pytest.mark.parametrize("value", [0, -1, 2.0, True])
def test_positive_int_rejects_non_positive_and_non_int(value):
    with pytest.raises(ValueError, match=f"width={value!r}"):
        check_positive_int("width", value)


def test_attention_sizes_need_heads_dividing_d_model():
    check_attention_sizes(8, 4, 0.1)
    with pytest.raises(ValueError, match="num_heads=3, d_model=8"):
        check_attention_sizes(8, 3, 0.0)
    with pytest.raises(ValueError, match="d_model=0"):
        check_attention_sizes(0, 1, 0.0)
    with pytest.raises(ValueError, match="num_heads=3, hidden_node=8"):
        check_attention_sizes(8, 3, 0.0, d_model_name="hidden_node")


@pytest.mark.parametrize("dropout", [-0.1, 1.0])
def test_dropout_outside_unit_interval_raises(dropout):
    with pytest.raises(ValueError, match=f"dropout={dropout}"):
        check_dropout(dropout)
