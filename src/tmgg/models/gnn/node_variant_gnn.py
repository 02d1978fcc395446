"""GNN whose filter taps vary from node to node."""

from __future__ import annotations

from tmgg.models.gnn.gnn import GNN
from tmgg.models.layers import NodeVariantGraphFilter


class NodeVariantGNN(GNN):
    """``GNN`` built from ``NodeVariantGraphFilter`` layers (per-node taps from node features).

    Same arguments, inputs and permutation equivariance (up to eigenvector sign and
    degeneracy) as ``GNN``: the taps depend on node features, not node indices.
    """

    filter_class = NodeVariantGraphFilter
