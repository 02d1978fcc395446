"""Graph neural networks from polynomial graph filters."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "GNN": ".gnn",
        "GNNSymmetric": ".gnn_symmetric",
        "NodeVariantGNN": ".node_variant_gnn",
    },
)
