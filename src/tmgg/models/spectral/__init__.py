"""Denoisers that act on the leading eigenpairs of the noisy adjacency."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "GraphFilterBank": ".filter_bank",
        "LinearPE": ".linear_pe",
        "SpectralSelfAttention": ".spectral_self_attention",
    },
)
