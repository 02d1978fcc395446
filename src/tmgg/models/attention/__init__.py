"""Self-attention denoisers over node embeddings."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "multi_head_attention_denoiser": ["MultiHeadAttentionDenoiser"],
    },
)
