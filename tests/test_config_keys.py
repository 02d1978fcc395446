"""Did-you-mean for keys: the nearest existing path by name along the config tree.

Rationale: Hydra answers a key the config lacks with `+key` advice, which is
wrong when the key lives a level away (`model.num_layers` is
`model.net.num_layers`); researchers arrive with the original tmgg's keys.
Assumptions: a config tree given as its dotted paths; no Hydra composition.
Invariants: a key moved one level up or down, or with one misspelt part, is
answered with the path it came from (among at most three equally near ones);
a key with no near path gets no suggestion.
"""

import pytest
from omegaconf import OmegaConf

from tmgg.config_keys import config_paths, missing_key, nearest_keys, plus_accepted

pytestmark = pytest.mark.unit

TREE = OmegaConf.create(
    {
        "seed": 1,
        "model": {
            "_target_": "tmgg.training.DenoisingModule",
            "net": {"_target_": "x.Net", "k": 8, "num_layers": 2, "d_model": 32},
            "optimizer": {"_target_": "torch.optim.Adam", "lr": 0.01, "weight_decay": 0.0},
            "loss": "bce",
        },
        "logger": {"csv": {"_target_": "pytorch_lightning.loggers.CSVLogger", "name": "csv", "save_dir": "out"}},
        "trainer": {"_target_": "pytorch_lightning.Trainer", "max_epochs": 3, "max_steps": -1},
    }
)
PATHS = config_paths(TREE)


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("model.num_layers", ["model.net.num_layers"]),
        ("model.k", ["model.net.k"]),
        ("model.learning_rate", ["model.optimizer.lr"]),
        ("modle.net.k", ["model.net.k"]),
        ("model.net.num_layer", ["model.net.num_layers"]),
        ("trainer.epochs", ["trainer.max_epochs"]),
        ("model.net.optimizer.lr", ["model.optimizer.lr"]),
    ],
)
def test_the_original_tmgg_keys_and_typos_get_the_path_to_use(missing, expected) -> None:
    assert nearest_keys(missing, PATHS) == expected


def test_a_key_with_no_near_path_gets_no_suggestion() -> None:
    assert nearest_keys("completely.unrelated", PATHS) == []


@pytest.mark.parametrize("path", [p for p in PATHS if "." in p and not p.rsplit(".", 1)[1].startswith("_")])
def test_a_key_moved_one_level_up_or_down_is_answered_with_where_it_came_from(path) -> None:
    parts = path.split(".")
    up = ".".join(parts[:-2] + parts[-1:])
    down = ".".join([*parts[:-1], "extra", parts[-1]])
    for moved in (up, down):
        if moved not in PATHS:
            assert path in nearest_keys(moved, PATHS), moved


def test_plus_advice_only_where_the_target_takes_the_argument() -> None:
    assert plus_accepted(TREE, "trainer.gradient_clip_val")
    assert not plus_accepted(TREE, "trainer.no_such_argument")
    assert not plus_accepted(TREE, "model.net.num_layers_typo")  # x.Net cannot be imported: not accepted
    assert not plus_accepted(TREE, "foo") and plus_accepted(TREE, "rerun")


def test_only_a_missing_key_is_taken_from_hydra_errors() -> None:
    from hydra.errors import ConfigCompositionException

    error = ConfigCompositionException("Could not override 'model.num_layers'.\nTo append to your config use +model.num_layers=16")
    error.__cause__ = KeyError("Key 'num_layers' is not in struct")
    assert missing_key(error) == "model.num_layers"
    refused_value = ConfigCompositionException("Could not override 'seed'.")
    refused_value.__cause__ = ValueError("Value 'abc' could not be converted to Integer")
    assert missing_key(refused_value) is None
