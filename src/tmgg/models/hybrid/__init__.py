"""GNN and transformer combined, each switchable."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "HybridGNNTransformer": ".hybrid_gnn_transformer",
    },
)
