"""Config checks that turn wrong types, unknown keys and oversized models into one-line errors.

Rationale: without a schema Hydra passes any value through (trainer.max_steps=abc
reaches Lightning as a string); these checks compare `_target_` nodes with the
target's signature before anything is built.
Assumptions: targets are importable; annotations may be unions, Literals or classes.
Invariants: messages name the dotted key and the value; a check never rejects
a value it cannot judge (an unknown class annotation).
"""

from types import SimpleNamespace

import pytest
from omegaconf import OmegaConf

from tmgg.training.config_checks import check_net_fits_data, check_targets
from tmgg.training.errors import ConfigError

pytestmark = pytest.mark.unit


def test_wrong_scalar_type_names_key_value_and_expected_type() -> None:
    cfg = OmegaConf.create({"trainer": {"_target_": "pytorch_lightning.Trainer", "max_steps": "abc"}})
    with pytest.raises(ConfigError, match=r"trainer\.max_steps='abc' has the wrong type: .*expects int"):
        check_targets(cfg)


def test_nested_target_is_checked_with_its_full_key() -> None:
    cfg = OmegaConf.create({"model": {"net": {"_target_": "torch.nn.Linear", "in_features": 2.5, "out_features": 3}}})
    with pytest.raises(ConfigError, match=r"model\.net\.in_features=2\.5"):
        check_targets(cfg)


def test_unknown_argument_lists_accepted_ones() -> None:
    cfg = OmegaConf.create({"net": {"_target_": "torch.nn.Linear", "in_features": 2, "out_features": 3, "depth": 4}})
    with pytest.raises(ConfigError, match=r"net\.depth is not an argument of torch\.nn\.Linear .*in_features"):
        check_targets(cfg)


def test_valid_values_pass_including_unions_literals_and_nulls() -> None:
    cfg = OmegaConf.create(
        {
            "trainer": {
                "_target_": "pytorch_lightning.Trainer",
                "max_steps": 2,
                "max_epochs": None,
                "val_check_interval": 1,
                "accelerator": "cpu",
                "precision": "32-true",
                "gradient_clip_val": None,
            },
            "optimizer": {"_target_": "torch.optim.Adam", "_partial_": True, "lr": 0.01},
        }
    )
    check_targets(cfg)


def test_interpolated_nodes_are_checked_where_defined() -> None:
    cfg = OmegaConf.create(
        {
            "data": {"_target_": "torch.nn.ModuleDict", "modules": "${noise}"},
            "noise": {"_target_": "torch.nn.Linear", "in_features": "x", "out_features": 1},
        }
    )
    with pytest.raises(ConfigError, match=r"^noise\.in_features='x'"):
        check_targets(cfg)


def test_unimportable_target_is_reported_with_its_key() -> None:
    cfg = OmegaConf.create({"model": {"_target_": "tmgg.no_such_module.Model"}})
    with pytest.raises(ConfigError, match=r"model\._target_: cannot import 'tmgg\.no_such_module\.Model'"):
        check_targets(cfg)


def test_k_larger_than_graph_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"^model\.net\.k=64 is larger than the graph: data has 20 nodes$"):
        check_net_fits_data(SimpleNamespace(k=64), num_nodes=20)


def test_max_nodes_smaller_than_graph_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"model\.net\.max_nodes=16 is smaller than the graph: data has 20 nodes"):
        check_net_fits_data(SimpleNamespace(max_nodes=16), num_nodes=20)


def test_fitting_or_size_free_models_pass() -> None:
    check_net_fits_data(SimpleNamespace(k=20, max_nodes=None), num_nodes=20)
    check_net_fits_data(object(), num_nodes=3)


def test_appended_key_that_lives_one_level_down_names_it() -> None:
    # `+model.num_layers=16` is accepted by Hydra and lands beside `net`, which takes it.
    cfg = OmegaConf.create(
        {
            "model": {
                "_target_": "tmgg.training.DenoisingModule",
                "net": {"_target_": "torch.nn.Transformer", "num_encoder_layers": 2},
                "num_encoder_layers": 16,
            }
        }
    )
    with pytest.raises(ConfigError, match=r"model\.num_encoder_layers is not an argument .*; did you mean model\.net\.num_encoder_layers\?$"):
        check_targets(cfg)


def test_a_list_for_a_scalar_argument_names_the_key() -> None:
    # Found by the entry-point fuzzer: trainer.max_steps=[1,2] reached Lightning, which failed with a bare TypeError.
    cfg = OmegaConf.create({"trainer": {"_target_": "pytorch_lightning.Trainer", "max_steps": [1, 2]}})
    with pytest.raises(ConfigError, match=r"trainer\.max_steps=\[1, 2\] has the wrong type: .*expects int"):
        check_targets(cfg)
