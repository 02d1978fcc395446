"""Graph denoisers in pure torch: each maps a noisy adjacency ``(B, n, n)`` to symmetric edge logits.

Families are subpackages (``attention``, ``gnn``, ``hybrid``, ``digress``, ``spectral``,
``baselines``); layers and checks they share live in ``layers``. The names below are
re-exported from their family on first use, so importing one family (as configs do,
e.g. ``tmgg.models.spectral.LinearPE``) does not load the others.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "attention": ["MultiHeadAttentionDenoiser"],
        "baselines": ["LinearBaseline", "MLPBaseline"],
        "digress": ["DigressGraphTransformer"],
        "gnn": ["GNN", "GNNSymmetric", "NodeVariantGNN"],
        "hybrid": ["HybridGNNTransformer"],
        "layers": ["BaseDenoiser", "check_adjacency", "TopKEigenLayer"],
        "spectral": ["GraphFilterBank", "LinearPE", "SpectralSelfAttention"],
    },
)
