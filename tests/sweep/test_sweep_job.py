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


@pytest.fixture
def in_hydra_job(tmp_path):
    """HydraConfig as Hydra sets it inside job 0 of a multirun, its output folder tmp_path/job."""
    from hydra.conf import HydraConf
    from hydra.core.hydra_config import HydraConfig

    hydra = OmegaConf.structured(HydraConf)
    hydra.runtime.output_dir = str(tmp_path / "job")
    hydra.overrides.task = ["model.net.k=999"]
    hydra.job.num = 0
    hydra.job.name = "toy"
    HydraConfig.instance().set_config(OmegaConf.create({"hydra": hydra}))
    (tmp_path / "job").mkdir()
    yield tmp_path / "job"
    HydraConfig.instance().cfg = None


def test_a_job_failing_with_a_users_error_is_recorded_with_its_one_line(in_hydra_job, monkeypatch) -> None:
    import tmgg.training
    from tmgg.sweep.job_status import FAILED, JobStatus
    from tmgg.sweep.sweep_job import JobFailed, run_sweep_job
    from tmgg.training.errors import ConfigError

    def train(cfg):
        raise ConfigError("model.net.k=999 is larger than the graph: data has 32 nodes")

    monkeypatch.setattr(tmgg.training, "train", train)
    cfg = OmegaConf.create({"seed": 1, "paths": {"results_dir": str(in_hydra_job / "results")}})
    # The sweep goes on with the other jobs: this one fails as an ordinary exception, in one line.
    with pytest.raises(JobFailed, match=r"^model\.net\.k=999 is larger than the graph: data has 32 nodes$"):
        run_sweep_job(cfg)
    status = JobStatus.read(in_hydra_job)
    assert status.state == FAILED and status.error.startswith("model.net.k=999 is larger")
    assert status.overrides == ("model.net.k=999",)
