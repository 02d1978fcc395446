"""Uniformly random labeled trees."""

from __future__ import annotations

import networkx as nx

from tmgg.data.arg_checks import check_int
from tmgg.data.generators.graph_generator import GraphGenerator


class TreeGenerator(GraphGenerator):
    """Tree drawn uniformly among the ``n^(n-2)`` labeled trees on ``n`` nodes.

    Args:
        num_nodes: Number of nodes, ``>= 1``.

    Raises:
        ValueError: if ``num_nodes < 1``.
    """

    def __init__(self, num_nodes: int) -> None:
        self._num_nodes = check_int("num_nodes", num_nodes, 1)

    @property
    def num_nodes(self) -> int:
        return self._num_nodes

    def _sample_graph(self, seed: int) -> nx.Graph:
        # networkx 3.3 renamed random_tree (now removed) to random_labeled_tree.
        if hasattr(nx, "random_labeled_tree"):
            return nx.random_labeled_tree(self._num_nodes, seed=seed)
        return nx.random_tree(self._num_nodes, seed=seed)

    def __repr__(self) -> str:
        return f"TreeGenerator(num_nodes={self._num_nodes})"
