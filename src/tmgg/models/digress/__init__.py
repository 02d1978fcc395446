"""DiGress-style graph transformer with node, edge and global features."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "digress_graph_transformer": ["DigressGraphTransformer"],
        "digress_layer": ["DigressLayer"],
        "graph_pooling": ["GraphPooling"],
        "node_edge_attention": ["NodeEdgeAttention"],
    },
)
