"""Tests of the model configs in configs/model/<family>/<name>.yaml.

Rationale: a model config is the only way runners reach a model, so each must build
the model it names with the arguments it shows. Only the ``net`` node is instantiated
here (with OmegaConf and ``hydra.utils.instantiate``); composing the whole LightningModule
node needs configs/module/, which the training tests cover.

Invariants: exactly the expected configs exist; each opens with the shared
``/module/denoiser@_here_`` default; its ``net`` lists every constructor argument, so
what a reader sees is what runs; the built net maps a 16-node graph (the smallest the
experiments use) to symmetric finite logits.
"""

import inspect

import hydra.utils
import pytest
import torch
from omegaconf import OmegaConf

from tmgg.models.attention import MultiHeadAttentionDenoiser
from tmgg.models.baselines import LinearBaseline, MLPBaseline
from tmgg.models.digress import DigressGraphTransformer
from tmgg.models.gnn import GNN, GNNSymmetric, NodeVariantGNN
from tmgg.models.hybrid import HybridGNNTransformer
from tmgg.models.spectral import GraphFilterBank, LinearPE, SpectralSelfAttention
from tmgg.paths import config_dir

pytestmark = pytest.mark.unit

EXPECTED = {
    "attention/multi_head": MultiHeadAttentionDenoiser,
    "gnn/gnn": GNN,
    "gnn/gnn_symmetric": GNNSymmetric,
    "gnn/node_variant": NodeVariantGNN,
    "hybrid/hybrid": HybridGNNTransformer,
    "hybrid/gnn_only": HybridGNNTransformer,
    "hybrid/transformer_only": HybridGNNTransformer,
    "digress/digress": DigressGraphTransformer,
    "spectral/linear_pe": LinearPE,
    "spectral/filter_bank": GraphFilterBank,
    "spectral/self_attention": SpectralSelfAttention,
    "baselines/linear": LinearBaseline,
    "baselines/mlp": MLPBaseline,
}


@pytest.fixture(scope="module")
def model_config_dir():
    return config_dir() / "model"


def test_exactly_the_expected_configs_exist(model_config_dir):
    found = {str(p.relative_to(model_config_dir).with_suffix("")) for p in model_config_dir.rglob("*.yaml")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_config_builds_its_model_with_every_argument_shown(model_config_dir, name):
    cfg = OmegaConf.load(model_config_dir / f"{name}.yaml")
    assert list(cfg.defaults) == ["/module/denoiser@_here_", "_self_"]
    net = hydra.utils.instantiate(cfg.net)
    assert type(net) is EXPECTED[name]
    shown = set(cfg.net) - {"_target_"}
    assert shown == set(inspect.signature(type(net).__init__).parameters) - {"self"}
    for arg in shown:
        assert getattr(net, arg, cfg.net[arg]) == cfg.net[arg]
    a = torch.randn(2, 16, 16)
    logits = net(a + a.transpose(-1, -2))
    assert logits.shape == (2, 16, 16) and torch.isfinite(logits).all()
    assert torch.equal(logits, logits.transpose(-1, -2))
