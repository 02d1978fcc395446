"""Every base config and every stage config composes, resolves and builds.

Rationale:
    Most failed GPU jobs die in their first seconds: a typo in a `_target_`,
    an undefined interpolation, a data module that cannot be built, a model
    whose output shape is wrong. Each of those is caught here, per config,
    without training.

Assumptions:
    - Base configs are the top-level `configs/*.yaml`; stage configs are
      `configs/stage/*.yaml` and compose onto base_config_spectral with
      `+stage=<name>`.
    - Under Bazel each target ships only its own config's files, so only its
      own case is collected; `--tmgg-case` selects it.

Invariants checked for each config:
    the keys model, data, trainer and paths exist, model and data carry a
    `_target_`; the whole config resolves (an undefined interpolation anywhere
    fails); instantiate gives a LightningModule, a LightningDataModule and a
    Trainer; one forward pass on a real batch keeps the input's shape and
    gives finite values; every `_target_` takes the arguments it is given and
    the model fits the data (the checks train() makes first). Hydra's global
    state is cleared around each test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytorch_lightning as pl
import torch
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from tmgg.paths import config_dir
from tmgg.training.config_checks import check_net_fits_data, check_targets

STAGE_BASE = "base_config_spectral"
# CPU by default; TMGG_TEST_ACCELERATOR=gpu builds the Trainer for, and runs the forward pass on, a GPU.
ACCELERATOR = os.environ.get("TMGG_TEST_ACCELERATOR", "cpu")
DEVICE = "cuda" if ACCELERATOR == "gpu" else "cpu"
REQUIRED_KEYS = ("model", "data", "trainer", "paths")
TINY_DATA = (
    "data.batch_size=2",
    "data.num_workers=0",
    "++data.num_samples_per_graph=1",
    "++data.num_train_samples=4",
    "++data.num_val_samples=2",
    "++data.num_test_samples=2",
)


def _cases() -> list:
    root = config_dir()
    base = [pytest.param((path.stem, ()), id=path.stem) for path in sorted(root.glob("*.yaml"))]
    stages = [
        pytest.param((STAGE_BASE, (f"+stage={path.stem}",)), id=path.stem)
        for path in sorted((root / "stage").glob("*.yaml"))
    ]
    return base + stages


@pytest.fixture
def composed(request: pytest.FixtureRequest, tmp_path: Path) -> DictConfig:
    """The case's config, composed with tiny data and outputs under tmp_path."""
    config_name, extra = request.param
    overrides = [
        *extra,
        *TINY_DATA,
        f"paths.output_dir={tmp_path / 'output'}",
        f"paths.results_dir={tmp_path / 'results'}",
        f"trainer.accelerator={ACCELERATOR}",
    ]
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            yield compose(config_name=config_name, overrides=overrides)
    finally:
        GlobalHydra.instance().clear()


pytestmark = [pytest.mark.integration, pytest.mark.config]
cases = pytest.mark.parametrize("composed", _cases(), indirect=True)


@cases
def test_config_has_required_keys_and_targets(composed: DictConfig) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in composed]
    assert not missing, f"config lacks the required keys {missing}"
    for key in ("model", "data"):
        assert "_target_" in composed[key], f"`{key}` has no _target_"


@cases
def test_config_resolves_completely(composed: DictConfig) -> None:
    # Raises InterpolationResolutionError naming the key for any undefined interpolation.
    OmegaConf.to_container(composed, resolve=True, throw_on_missing=True)


@cases
def test_config_instantiates_and_forward_keeps_shape(composed: DictConfig) -> None:
    # The checks a run makes before building anything: every `_target_`'s
    # arguments exist and have the right types.
    check_targets(composed)
    module = instantiate(composed.model)
    assert isinstance(module, pl.LightningModule), f"model built {type(module).__name__}, not a LightningModule"
    datamodule = instantiate(composed.data)
    assert isinstance(datamodule, pl.LightningDataModule), (
        f"data built {type(datamodule).__name__}, not a LightningDataModule"
    )
    trainer = instantiate(composed.trainer, logger=False, enable_checkpointing=False, callbacks=[])
    assert isinstance(trainer, pl.Trainer), f"trainer built {type(trainer).__name__}, not a Trainer"

    # The model must fit the data it is composed with (k, max_nodes against the graphs' size).
    check_net_fits_data(module.net, datamodule.num_nodes)
    datamodule.setup("fit")
    clean, noisy = next(iter(datamodule.train_dataloader()))
    module.eval().to(DEVICE)
    noisy = noisy.to(DEVICE)
    with torch.no_grad():
        output = module(noisy)
    assert output.shape == noisy.shape, (
        f"{type(module.net).__name__} maps input {tuple(noisy.shape)} to {tuple(output.shape)}"
    )
    assert torch.isfinite(output).all(), f"{type(module.net).__name__} gives non-finite values"
