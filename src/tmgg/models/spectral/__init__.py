"""Denoisers that act on the leading eigenpairs of the noisy adjacency."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "filter_bank": ["GraphFilterBank"],
        "linear_pe": ["LinearPE"],
        "spectral_self_attention": ["SpectralSelfAttention"],
    },
)
