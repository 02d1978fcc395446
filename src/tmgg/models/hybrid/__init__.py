"""GNN and transformer combined, each switchable."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "hybrid_gnn_transformer": ["HybridGNNTransformer"],
    },
)
