"""tmgg.sweep.sweep_job decides whether a job of a relaunched sweep is already done.

Rationale: a relaunch must skip exactly the jobs whose results are complete
for the config they would run now; skipping a job whose results are half
written, missing or from another config loses a result, rerunning a done job
wastes its GPU hours.
Assumptions: train() writes results.json last and atomically, with the
resolved config under "config" (tmgg.training.train); outside a Hydra job the
config's paths are used as they are.
Invariants: complete only when results.json parses, holds metrics, and records
the same resolved config, the `rerun` switch aside.
"""

import json

import pytest
from omegaconf import OmegaConf

from tmgg.sweep.sweep_job import results_complete

pytestmark = pytest.mark.unit


@pytest.fixture
def cfg(tmp_path):
    return OmegaConf.create({"seed": 1, "noise": {"eps": 0.1}, "paths": {"results_dir": str(tmp_path)}})


def record(tmp_path, config, metrics=None):
    results = {"metrics": {"test/loss": 0.5} if metrics is None else metrics, "config": config}
    (tmp_path / "results.json").write_text(json.dumps(results))


def test_complete_results_for_the_same_config(cfg, tmp_path):
    record(tmp_path, OmegaConf.to_container(cfg, resolve=True))
    assert results_complete(cfg)


def test_rerun_switch_does_not_change_what_is_done(cfg, tmp_path):
    record(tmp_path, {**OmegaConf.to_container(cfg, resolve=True), "rerun": True})
    assert results_complete(cfg)


def test_no_results_means_not_done(cfg):
    assert not results_complete(cfg)


def test_half_written_results_mean_not_done(cfg, tmp_path):
    (tmp_path / "results.json").write_text('{"metrics": {"test/loss": 0.5}, "con')
    assert not results_complete(cfg)


def test_results_without_metrics_mean_not_done(cfg, tmp_path):
    record(tmp_path, OmegaConf.to_container(cfg, resolve=True), metrics="none")
    assert not results_complete(cfg)


def test_results_of_another_config_mean_not_done(cfg, tmp_path):
    record(tmp_path, {**OmegaConf.to_container(cfg, resolve=True), "noise": {"eps": 0.2}})
    assert not results_complete(cfg)
