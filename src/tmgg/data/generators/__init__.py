"""Synthetic graph generators that sample seeded adjacency matrices."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ErdosRenyiGenerator": ".erdos_renyi_generator",
        "GraphGenerator": ".graph_generator",
        "RegularGenerator": ".regular_generator",
        "RingOfCliquesGenerator": ".ring_of_cliques_generator",
        "SBMGenerator": ".sbm_generator",
        "TreeGenerator": ".tree_generator",
    },
)
