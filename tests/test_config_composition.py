"""Every base config and every stage config composes, resolves and builds.

Rationale:
    Most failed GPU jobs die in their first seconds: a typo in a `_target_`,
    an undefined interpolation, a path or environment variable that does not
    resolve on the user's machine, a data module that cannot be built, a model
    whose output shape is wrong. Each of those is caught here, per config,
    without training.

Assumptions:
    - Base configs are the top-level `configs/*.yaml`; stage configs are
      `configs/stage/*.yaml` and compose onto base_config_spectral with
      `+stage=<name>` (tmgg.runners.runner_arguments). Each is checked as the
      single job its runner launches with `sweep=false`; sweeps have their own
      cases (test_sweep_jobs.py).
    - Under Bazel each target ships only its own config's files, so only its
      own case is collected; `--tmgg-case` selects it.

Invariants checked for each config (tmgg.launch.job_check):
    the config resolves completely as the user launches it, before the test
    redirects any output: every interpolation, path (where Hydra writes
    included) and environment variable, with only the variables declared in
    tmgg.launch.launch_env visible; a GPU it asks for (trainer.accelerator,
    the SLURM launcher's GPU keys) needs a CUDA build of torch in this
    environment (tmgg.device). Then, with tiny data and outputs under
    tmp_path: the keys model, data, trainer and paths exist, model and data
    carry a `_target_`; every `_target_` takes the arguments it is given;
    instantiate gives a LightningModule, a LightningDataModule, the loggers
    and a Trainer, and the optimizer and scheduler build; the model
    fits the data; one forward pass on a real batch keeps the input's shape and
    gives finite values. Hydra's global state is cleared around each check.
    And the config learns (marker `learns`, tmgg.learning.learning_check):
    its own module, optimizer, scheduler and loss, trained on one fixed tiny
    batch on the CPU, lower that batch's loss by the calibrated margin, every
    trainable parameter gets a finite, non-zero gradient at the first step,
    and the parameters move.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tmgg.learning.learning_check import check_learns
from tmgg.paths import config_dir
from tmgg.launch.config_options import launch_labels, single_job
from tmgg.launch.job_check import check_builds, check_gpu_request, check_resolves_as_launched
from tmgg.launch.launch_plan import Job

# CPU by default; TMGG_TEST_ACCELERATOR=gpu builds the Trainer for, and runs the forward pass on, a GPU.
ACCELERATOR = os.environ.get("TMGG_TEST_ACCELERATOR", "cpu")

pytestmark = [pytest.mark.integration, pytest.mark.config]
cases = pytest.mark.parametrize("label", launch_labels(config_dir()))


@pytest.fixture
def job(label: str) -> Job:
    return single_job(label)


@cases
def test_config_resolves_as_launched(job: Job) -> None:
    check_resolves_as_launched(job)


@cases
def test_config_asks_for_no_gpu_this_environment_lacks(job: Job) -> None:
    check_gpu_request(job)


@cases
def test_config_instantiates_and_forward_keeps_shape(job: Job, tmp_path: Path) -> None:
    check_builds(job, tmp_path, ACCELERATOR)


@cases
@pytest.mark.learns
def test_config_learns(job: Job, tmp_path: Path) -> None:
    check_learns(job, tmp_path)
