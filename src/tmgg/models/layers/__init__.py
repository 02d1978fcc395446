"""Layers and checks shared by the model families."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "argument_checks": [
            "check_adjacency",
            "check_attention_sizes",
            "check_dropout",
            "check_positive_int",
            "SYMMETRY_ATOL",
        ],
        "base_denoiser": ["BaseDenoiser"],
        "bilinear_readout": ["BilinearReadout"],
        "graph_filter_stack": ["GraphFilterStack"],
        "graph_shift": ["normalised_shift", "spectral_radius"],
        "node_variant_graph_filter": ["NodeVariantGraphFilter"],
        "outer_product_readout": ["OuterProductReadout"],
        "polynomial_graph_filter": ["PolynomialGraphFilter", "shift_powers"],
        "symmetric_part": ["symmetrise"],
        "top_k_eigen_layer": ["TopKEigenLayer", "unit_rms"],
        "transformer_block": ["TransformerBlock"],
    },
)
