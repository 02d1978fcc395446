"""Self-attention denoisers over node embeddings."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "MultiHeadAttentionDenoiser": ".multi_head_attention_denoiser",
    },
)
