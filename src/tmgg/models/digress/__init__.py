"""DiGress-style graph transformer with node, edge and global features."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DigressGraphTransformer": ".digress_graph_transformer",
        "DigressLayer": ".digress_layer",
        "GraphPooling": ".graph_pooling",
        "NodeEdgeAttention": ".node_edge_attention",
    },
)
