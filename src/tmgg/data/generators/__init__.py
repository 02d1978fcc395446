"""Synthetic graph generators that sample seeded adjacency matrices."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "erdos_renyi_generator": ["ErdosRenyiGenerator"],
        "graph_generator": ["GraphGenerator"],
        "regular_generator": ["RegularGenerator"],
        "ring_of_cliques_generator": ["RingOfCliquesGenerator"],
        "sbm_generator": ["SBMGenerator"],
        "tree_generator": ["TreeGenerator"],
    },
)
