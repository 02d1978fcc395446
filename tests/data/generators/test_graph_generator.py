"""Tests of GraphGenerator, the base that turns networkx graphs into tensors.

Rationale: every dataset consumes ``sample(seed)``; its output format is the
contract between generators and the rest of tmgg.
Assumptions: a tiny subclass returning a fixed star graph stands in for real ones.
Invariants: output is float32 ``(n, n)``, rows follow node labels 0..n-1 even
when networkx stores nodes in another order, and negative seeds raise
ValueError naming seed.
"""

import networkx as nx
import pytest
import torch

from tmgg.data.generators import GraphGenerator

pytestmark = pytest.mark.unit


class _ReversedStar(GraphGenerator):
    """Star centred on node 3, with nodes stored in reverse order."""

    num_nodes = 4

    def _sample_graph(self, seed):
        graph = nx.Graph()
        graph.add_nodes_from([3, 2, 1, 0])
        graph.add_edges_from([(3, 0), (3, 1), (3, 2)])
        return graph


def test_rows_follow_node_labels():
    adj = _ReversedStar().sample(0)
    expected = torch.tensor([[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1], [1, 1, 1, 0]], dtype=torch.float32)
    assert adj.dtype == torch.float32
    assert torch.equal(adj, expected)


@pytest.mark.parametrize("seed", [-1, 1.5])
def test_bad_seed_raises(seed):
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got seed="):
        _ReversedStar().sample(seed)


def test_is_abstract():
    with pytest.raises(TypeError):
        GraphGenerator()
