"""Stochastic block model graphs."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from tmgg.data.arg_checks import check_int, check_probability
from tmgg.data.generators.graph_generator import GraphGenerator


class SBMGenerator(GraphGenerator):
    """Stochastic block model with one within-block and one between-block edge probability.

    Nodes are numbered block by block (block 0 first), so the block structure
    shows as dense diagonal blocks of the adjacency matrix.

    Args:
        block_sizes: Number of nodes in each block, each ``>= 1``.
        p_in: Edge probability between two nodes of the same block, in ``[0, 1]``.
        p_out: Edge probability between nodes of different blocks, in ``[0, 1]``.

    Raises:
        ValueError: if ``block_sizes`` is empty or holds a size below 1, or a probability is outside ``[0, 1]``.
    """

    def __init__(self, block_sizes: Sequence[int], p_in: float, p_out: float) -> None:
        # Hydra passes lists as ListConfig; a plain list keeps the object picklable for workers.
        sizes = list(block_sizes)
        if not sizes:
            raise ValueError(f"block_sizes must hold at least one block, got block_sizes={sizes}")
        self.block_sizes = [check_int(f"block_sizes[{i}]", size, 1) for i, size in enumerate(sizes)]
        self.p_in = check_probability("p_in", p_in)
        self.p_out = check_probability("p_out", p_out)

    @property
    def num_nodes(self) -> int:
        return sum(self.block_sizes)

    def _sample_graph(self, seed: int) -> nx.Graph:
        blocks = len(self.block_sizes)
        probs = [[self.p_in if i == j else self.p_out for j in range(blocks)] for i in range(blocks)]
        return nx.stochastic_block_model(self.block_sizes, probs, seed=seed)

    def __repr__(self) -> str:
        return f"SBMGenerator(block_sizes={self.block_sizes}, p_in={self.p_in}, p_out={self.p_out})"
