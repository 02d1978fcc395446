"""Layers and checks shared by the model families."""

from tmgg.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BaseDenoiser": ".base_denoiser",
        "BilinearReadout": ".bilinear_readout",
        "check_adjacency": ".argument_checks",
        "check_attention_sizes": ".argument_checks",
        "check_dropout": ".argument_checks",
        "check_positive_int": ".argument_checks",
        "GraphFilterStack": ".graph_filter_stack",
        "NodeVariantGraphFilter": ".node_variant_graph_filter",
        "normalised_shift": ".graph_shift",
        "OuterProductReadout": ".outer_product_readout",
        "PolynomialGraphFilter": ".polynomial_graph_filter",
        "shift_powers": ".polynomial_graph_filter",
        "spectral_radius": ".graph_shift",
        "symmetrise": ".symmetric_part",
        "SYMMETRY_ATOL": ".argument_checks",
        "TopKEigenLayer": ".top_k_eigen_layer",
        "TransformerBlock": ".transformer_block",
        "unit_rms": ".top_k_eigen_layer",
    },
)
