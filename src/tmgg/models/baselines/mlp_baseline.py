"""Multi-layer perceptron from the noisy adjacency to edge logits."""

from __future__ import annotations

from torch import nn

from tmgg.models.baselines.flattened_baseline import FlattenedBaseline
from tmgg.models.layers import check_positive_int


class MLPBaseline(FlattenedBaseline):
    """ReLU MLP over the upper triangle of the (zero-padded) adjacency.

    Not permutation equivariant. See ``FlattenedBaseline`` for padding and cropping.

    Args:
        max_nodes: Largest graph size; inputs with more nodes raise ``ValueError``.
        hidden_dim: Width of every hidden layer.
        num_layers: Number of hidden layers.

    Raises:
        ValueError: If any argument is ``< 1``.
    """

    def __init__(self, max_nodes: int = 64, hidden_dim: int = 128, num_layers: int = 2) -> None:
        super().__init__(max_nodes)
        check_positive_int("hidden_dim", hidden_dim)
        check_positive_int("num_layers", num_layers)
        layers: list[nn.Module] = [nn.Linear(self.num_pairs, hidden_dim), nn.ReLU()]
        for _ in range(num_layers - 1):
            layers += [nn.Linear(hidden_dim, hidden_dim), nn.ReLU()]
        layers.append(nn.Linear(hidden_dim, self.num_pairs))
        self.net = nn.Sequential(*layers)
