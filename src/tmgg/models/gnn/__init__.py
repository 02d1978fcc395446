"""Graph neural networks from polynomial graph filters."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "gnn": ["GNN"],
        "gnn_symmetric": ["GNNSymmetric"],
        "node_variant_gnn": ["NodeVariantGNN"],
    },
)
