"""train(cfg) end to end on a tiny config: what it records, and what it never records.

Rationale: results.json is the mark of a finished run. It must hold finite
float metrics, the resolved config, the seed and timings; a run that fails its
checks or is interrupted must leave no results.json at all.
Assumptions: the tmgg data, noise and model classes of the shared contract exist;
two training steps on 8-node graphs take well under a second.
Invariants: checkpoints load with torch.load(weights_only=True) (no objects in
hparams); a LearningRateMonitor is dropped when there is no logger, a progress
bar when the bar is disabled, the checkpoint callback when checkpointing is off.
"""

import json
import math
import signal

import pytest
import torch
from omegaconf import DictConfig, OmegaConf

from tmgg.data import GraphDataModule
from tmgg.data.generators import SBMGenerator
from tmgg.models.spectral import LinearPE
from tmgg.noise import EdgeFlipNoise
from tmgg.training import ConfigError, DenoisingModule, train

pytestmark = pytest.mark.unit


def _target(cls: type) -> str:
    # Taken from the classes, not typed as strings: a class renamed or moved fails this module's
    # import, by name, instead of surfacing as an InstantiationException deep inside train().
    return f"{cls.__module__}.{cls.__qualname__}"


def _config(tmp_path, k: int = 2) -> DictConfig:
    return OmegaConf.create(
        {
            "name": "unit",
            "seed": 0,
            "stage": None,
            "torch_threads": 1,
            "noise": {"_target_": _target(EdgeFlipNoise), "eps": 0.1},
            "data": {
                "_target_": _target(GraphDataModule),
                "generator": {"_target_": _target(SBMGenerator), "block_sizes": [4, 4], "p_in": 0.9, "p_out": 0.1},
                "noise": "${noise}",
                "batch_size": 4,
                "num_train_samples": 8,
                "num_val_samples": 4,
                "num_test_samples": 4,
                "seed": "${seed}",
            },
            "model": {
                "_target_": _target(DenoisingModule),
                "net": {"_target_": _target(LinearPE), "k": k},
                "optimizer": {"_target_": "torch.optim.Adam", "_partial_": True, "lr": 0.01},
                "scheduler": None,
                "loss": "bce",
            },
            "trainer": {
                "_target_": "pytorch_lightning.Trainer",
                "accelerator": "cpu",
                "max_steps": 2,
                "log_every_n_steps": 1,
                "enable_progress_bar": False,
                "enable_model_summary": False,
                "default_root_dir": "${paths.output_dir}",
            },
            "callbacks": {
                "model_checkpoint": {
                    "_target_": "pytorch_lightning.callbacks.ModelCheckpoint",
                    "dirpath": "${paths.output_dir}/checkpoints",
                    "monitor": "val/loss",
                },
                "lr_monitor": {"_target_": "pytorch_lightning.callbacks.LearningRateMonitor"},
                "progress_bar": {"_target_": "pytorch_lightning.callbacks.TQDMProgressBar"},
            },
            "paths": {"output_dir": str(tmp_path / "output"), "results_dir": str(tmp_path / "results")},
        }
    )


@pytest.fixture(autouse=True)
def keep_torch_threads():
    """train() sets torch's thread count from the config; leave other tests the count they had."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def keep_sigint_handler():
    """Lightning ignores SIGINT after handling an interrupt; give the test process its handler back."""
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


def test_finished_run_records_finite_metrics_config_and_figure(tmp_path) -> None:
    metrics = train(_config(tmp_path))
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["metrics"] == metrics
    assert {"test/loss", "test/recon_error", "test/noisy_recon_error", "val/loss"} <= metrics.keys()
    assert all(isinstance(value, float) and math.isfinite(value) for value in metrics.values())
    assert results["seed"] == 0
    assert results["config"]["data"]["noise"] == {"_target_": _target(EdgeFlipNoise), "eps": 0.1}
    assert set(results["timings"]) == {"fit_seconds", "test_seconds"}
    assert (tmp_path / "results" / "denoising.png").stat().st_size > 0
    checkpoint = torch.load(results["files"]["checkpoint"], weights_only=True)
    assert checkpoint["hyper_parameters"] == {"loss": "bce"}


def test_model_larger_than_graph_fails_before_training_and_records_nothing(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"model\.net\.k=9 is larger than the graph: data has 8 nodes"):
        train(_config(tmp_path, k=9))
    assert not (tmp_path / "results").exists()


def test_interrupted_run_raises_keyboard_interrupt_and_records_nothing(
    tmp_path, monkeypatch, keep_sigint_handler
) -> None:
    def interrupt(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(DenoisingModule, "training_step", interrupt)
    with pytest.raises(KeyboardInterrupt):
        train(_config(tmp_path))
    assert not (tmp_path / "results" / "results.json").exists()


def test_checkpointing_off_drops_the_checkpoint_callback_and_writes_none(tmp_path) -> None:
    cfg = _config(tmp_path)
    cfg.trainer.enable_checkpointing = False
    metrics = train(cfg)
    assert all(math.isfinite(value) for value in metrics.values())
    written = sorted(str(path) for path in tmp_path.rglob("*") if path.suffix == ".ckpt" or path.name == "checkpoints")
    assert not written, f"checkpointing was off, yet these were written: {written}"
    assert json.loads((tmp_path / "results" / "results.json").read_text())["files"]["checkpoint"] == ""
