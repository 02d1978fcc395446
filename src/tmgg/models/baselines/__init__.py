"""Non-equivariant baselines over the flattened adjacency."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "FlattenedBaseline": ".flattened_baseline",
        "LinearBaseline": ".linear_baseline",
        "MLPBaseline": ".mlp_baseline",
    },
)
