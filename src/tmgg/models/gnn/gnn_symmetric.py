"""GNN whose readout is the Gram matrix of one node embedding."""

from __future__ import annotations

from tmgg.models.gnn.gnn import GNN


class GNNSymmetric(GNN):
    """``GNN`` with logits ``X X^T + b``: one shared embedding instead of ``X`` and ``Y``.

    Same arguments, inputs and permutation equivariance (up to eigenvector sign and
    degeneracy) as ``GNN``.
    """

    symmetric_readout = True
