"""Ring of cliques graphs."""

from __future__ import annotations

import networkx as nx

from tmgg.data.arg_checks import check_int
from tmgg.data.generators.graph_generator import GraphGenerator


class RingOfCliquesGenerator(GraphGenerator):
    """``num_cliques`` complete graphs joined in a ring by one edge between neighbours.

    The graph is fully determined by its arguments, so :meth:`sample` returns the
    same matrix for every seed; variety in a dataset comes from the noise.

    Args:
        num_cliques: Number of cliques in the ring, ``>= 2``.
        clique_size: Nodes per clique, ``>= 2``.

    Raises:
        ValueError: if either argument is below 2.
    """

    def __init__(self, num_cliques: int, clique_size: int) -> None:
        self.num_cliques = check_int("num_cliques", num_cliques, 2)
        self.clique_size = check_int("clique_size", clique_size, 2)

    @property
    def num_nodes(self) -> int:
        return self.num_cliques * self.clique_size

    def _sample_graph(self, seed: int) -> nx.Graph:
        return nx.ring_of_cliques(self.num_cliques, self.clique_size)

    def __repr__(self) -> str:
        return f"RingOfCliquesGenerator(num_cliques={self.num_cliques}, clique_size={self.clique_size})"
