"""Tests of the public names of ``tmgg.models`` and its family subpackages.

Rationale: other parts of tmgg (configs, training, runners) import models by these
paths. Invariants: every name in each ``__all__`` exists; the package re-exports each
family's models; every model
exposes ``k`` or ``max_nodes`` as the contract says. The families are imported by the
dotted paths configs and users write, so a package that stops importing fails here by name.
"""

import importlib

import pytest

import tmgg.models
import tmgg.models.attention
import tmgg.models.baselines
import tmgg.models.digress
import tmgg.models.gnn
import tmgg.models.hybrid
import tmgg.models.layers
import tmgg.models.spectral

pytestmark = pytest.mark.unit

FAMILIES = [
    tmgg.models.attention,
    tmgg.models.baselines,
    tmgg.models.digress,
    tmgg.models.gnn,
    tmgg.models.hybrid,
    tmgg.models.layers,
    tmgg.models.spectral,
]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda module: module.__name__)
def test_every_exported_name_exists(family):
    assert family.__all__ and all(hasattr(family, name) for name in family.__all__)


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchModel"):
        tmgg.models.NoSuchModel  # noqa: B018


def test_package_reexports_family_models():
    for name in tmgg.models.__all__:
        exported = getattr(tmgg.models, name)
        family = exported.__module__.split(".")[2]
        assert getattr(importlib.import_module(f"tmgg.models.{family}"), name) is exported


@pytest.mark.parametrize(
    ("name", "attribute", "value"),
    [
        ("MultiHeadAttentionDenoiser", "k", 8),
        ("GNN", "k", 8),
        ("GNNSymmetric", "k", 8),
        ("NodeVariantGNN", "k", 8),
        ("HybridGNNTransformer", "k", 8),
        ("DigressGraphTransformer", "k", 8),
        ("LinearPE", "k", 8),
        ("GraphFilterBank", "k", 8),
        ("SpectralSelfAttention", "k", 8),
        ("LinearBaseline", "max_nodes", 64),
        ("MLPBaseline", "max_nodes", 64),
    ],
)
def test_default_model_exposes_size_attribute(name, attribute, value):
    assert getattr(getattr(tmgg.models, name)(), attribute) == value
