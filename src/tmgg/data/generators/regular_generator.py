"""Random d-regular graphs."""

from __future__ import annotations

import networkx as nx

from tmgg.data.arg_checks import check_int
from tmgg.data.generators.graph_generator import GraphGenerator


class RegularGenerator(GraphGenerator):
    """Uniformly random simple graph in which every node has the same degree.

    Args:
        num_nodes: Number of nodes, ``>= 1``.
        degree: Degree of every node, ``0 <= degree < num_nodes``; ``num_nodes * degree`` must be even.

    Raises:
        ValueError: if the arguments admit no simple regular graph.
    """

    def __init__(self, num_nodes: int, degree: int) -> None:
        self._num_nodes = check_int("num_nodes", num_nodes, 1)
        self.degree = check_int("degree", degree, 0)
        if self.degree >= self._num_nodes:
            raise ValueError(f"degree must be < num_nodes={self._num_nodes}, got degree={self.degree}")
        # Each edge adds 2 to the degree sum, so the sum n * d must be even.
        if (self._num_nodes * self.degree) % 2:
            raise ValueError(
                f"num_nodes * degree must be even, got num_nodes={self._num_nodes}, degree={self.degree}"
            )

    @property
    def num_nodes(self) -> int:
        return self._num_nodes

    def _sample_graph(self, seed: int) -> nx.Graph:
        return nx.random_regular_graph(self.degree, self._num_nodes, seed=seed)

    def __repr__(self) -> str:
        return f"RegularGenerator(num_nodes={self._num_nodes}, degree={self.degree})"
