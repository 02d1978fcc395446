"""Graph denoisers in pure torch: each maps a noisy adjacency ``(B, n, n)`` to symmetric edge logits.

Families are subpackages (``attention``, ``gnn``, ``hybrid``, ``digress``, ``spectral``,
``baselines``); layers and checks they share live in ``layers``. The names below are
re-exported from their family on first use, so importing one family (as configs do,
e.g. ``tmgg.models.spectral.LinearPE``) does not load the others.
"""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BaseDenoiser": ".layers",
        "check_adjacency": ".layers",
        "DigressGraphTransformer": ".digress",
        "GNN": ".gnn",
        "GNNSymmetric": ".gnn",
        "GraphFilterBank": ".spectral",
        "HybridGNNTransformer": ".hybrid",
        "LinearBaseline": ".baselines",
        "LinearPE": ".spectral",
        "MLPBaseline": ".baselines",
        "MultiHeadAttentionDenoiser": ".attention",
        "NodeVariantGNN": ".gnn",
        "SpectralSelfAttention": ".spectral",
        "TopKEigenLayer": ".layers",
    },
)
