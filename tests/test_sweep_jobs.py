"""Every job of every sweeping runner builds and runs forward, as launched.

Rationale:
    What reaches a GPU is sweeps: `tmgg-stage3`, `tmgg-stage4`, `tmgg-stage5`
    and `tmgg-grid-search` launch Hydra multiruns over `hydra.sweeper.params`.
    A sweep value that names a missing config option, or that the model or
    data rejects, fails only the jobs that use it, minutes into a sweep. Here
    each job is its own case, checked like a config target.

Assumptions:
    - A runner is a top-level config or a stage (tmgg.runners.runner_arguments);
      it sweeps when Hydra's composition of its command line says multirun.
    - Jobs are expanded by Hydra's own override parser and BasicSweeper
      (tmgg.launch.launch_plan), never by reading the YAML here.
    - Under Bazel each target ships one runner's configs and passes
      `--tmgg-sweep=<runner config>`, so only that sweep is expanded.

Invariants checked for each job (tmgg.launch.job_check): the job's config
resolves as the user launches it, before any test override; built with tiny
data and outputs under tmp_path, its module, data, loggers, trainer and
optimizer build, the model fits the data, and one forward pass keeps the
shape with finite values; and it learns (marker `learns`,
tmgg.learning.learning_check: the loss on a fixed tiny batch falls by the
calibrated margin, every parameter gets a gradient and moves). Case ids read `stage4_benchmarks[model=...,noise.eps=0.2]`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tmgg.learning.learning_check import check_learns
from tmgg.paths import config_dir
from tmgg.launch.config_options import launch_labels, sweep_plan
from tmgg.launch.job_check import check_job
from tmgg.launch.launch_plan import Job

ACCELERATOR = os.environ.get("TMGG_TEST_ACCELERATOR", "cpu")

pytestmark = [pytest.mark.integration, pytest.mark.config, pytest.mark.sweep]


def sweep_jobs(labels: list[str]) -> list[Job]:
    """The jobs of those runner configs that sweep."""
    configs = config_dir()
    plans = (sweep_plan(label, configs) for label in labels)
    return [job for plan in plans if plan.multirun for job in plan.jobs]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "job" in metafunc.fixturenames:
        labels = metafunc.config.getoption("--tmgg-sweep") or launch_labels(config_dir())
        jobs = sweep_jobs(labels)
        metafunc.parametrize("job", jobs, ids=[job.id for job in jobs])


def test_sweep_job_builds_and_runs_forward(job: Job, tmp_path: Path) -> None:
    check_job(job, tmp_path, ACCELERATOR)


@pytest.mark.learns
def test_sweep_job_learns(job: Job, tmp_path: Path) -> None:
    check_learns(job, tmp_path)
