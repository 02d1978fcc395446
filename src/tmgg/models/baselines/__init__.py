"""Non-equivariant baselines over the flattened adjacency."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "flattened_baseline": ["FlattenedBaseline"],
        "linear_baseline": ["LinearBaseline"],
        "mlp_baseline": ["MLPBaseline"],
    },
)
