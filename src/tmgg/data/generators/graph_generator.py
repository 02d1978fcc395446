"""Common base of the synthetic graph generators."""

from __future__ import annotations

from abc import ABC, abstractmethod

import networkx as nx
import numpy as np
import torch

from tmgg.data.arg_checks import check_int


class GraphGenerator(ABC):
    """Samples simple undirected graphs on a fixed number of nodes as adjacency tensors.

    Subclasses build a networkx graph on nodes ``0 .. n-1``; this class turns it
    into a dense float32 0/1 matrix with rows in node order.
    """

    @property
    @abstractmethod
    def num_nodes(self) -> int:
        """Number of nodes of every sampled graph."""

    @abstractmethod
    def _sample_graph(self, seed: int) -> nx.Graph:
        """Return a networkx graph on nodes ``0 .. num_nodes - 1`` drawn with ``seed``."""

    def sample(self, seed: int) -> torch.Tensor:
        """Draw one graph.

        Args:
            seed: Seed of the draw; the same seed gives the same graph.

        Returns:
            Adjacency matrix, float32 0/1, symmetric, zero diagonal.

        Raises:
            ValueError: if ``seed`` is negative.

        Shapes:
            Returns ``(n, n)`` with ``n = num_nodes``.
        """
        graph = self._sample_graph(check_int("seed", seed, 0))
        adj = nx.to_numpy_array(graph, nodelist=range(self.num_nodes), dtype=np.float32, weight=None)
        return torch.from_numpy(adj)
