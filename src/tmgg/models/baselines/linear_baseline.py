"""Linear map from the noisy adjacency to edge logits."""

from __future__ import annotations

from torch import nn

from tmgg.models.baselines.flattened_baseline import FlattenedBaseline


class LinearBaseline(FlattenedBaseline):
    """One affine map over the upper triangle of the (zero-padded) adjacency.

    Not permutation equivariant. See ``FlattenedBaseline`` for padding and cropping.

    Args:
        max_nodes: Largest graph size; inputs with more nodes raise ``ValueError``.

    Raises:
        ValueError: If ``max_nodes < 1``.
    """

    def __init__(self, max_nodes: int = 64) -> None:
        super().__init__(max_nodes)
        self.net = nn.Linear(self.num_pairs, self.num_pairs)
