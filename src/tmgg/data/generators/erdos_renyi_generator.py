"""Erdos-Renyi G(n, p) graphs."""

from __future__ import annotations

import networkx as nx

from tmgg.data.arg_checks import check_int, check_probability
from tmgg.data.generators.graph_generator import GraphGenerator


class ErdosRenyiGenerator(GraphGenerator):
    """Each of the ``n (n - 1) / 2`` node pairs is an edge independently with probability ``p``.

    Args:
        num_nodes: Number of nodes, ``>= 1``.
        p: Edge probability, in ``[0, 1]``.

    Raises:
        ValueError: if ``num_nodes < 1`` or ``p`` is outside ``[0, 1]``.
    """

    def __init__(self, num_nodes: int, p: float) -> None:
        self._num_nodes = check_int("num_nodes", num_nodes, 1)
        self.p = check_probability("p", p)

    @property
    def num_nodes(self) -> int:
        return self._num_nodes

    def _sample_graph(self, seed: int) -> nx.Graph:
        return nx.gnp_random_graph(self._num_nodes, self.p, seed=seed)

    def __repr__(self) -> str:
        return f"ErdosRenyiGenerator(num_nodes={self._num_nodes}, p={self.p})"
