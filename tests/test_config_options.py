"""Every config option that no runner selects is composed, built and run forward too.

Rationale:
    `trainer=cpu`, the TensorBoard and W&B loggers, the step scheduler, the
    models and noises that no base config or sweep selects: a user picks them
    on the command line, and nothing else would ever build them.

Assumptions:
    - An option is a config file that no runner's launch loads (neither its
      single job nor any job of its sweep). tmgg.launch.config_options hosts
      each in the launch whose defaults list chooses in the same group, closest
      to it, and names the case `<host>:<group>=<option>`.
    - Under Bazel each target passes its cases with `--tmgg-option=<id>`, so it
      composes only its own configs.
    - The loggers run offline, writing under tmp_path (W&B in offline mode).
    - A launcher option (`hydra/launcher=parallel`, `slurm_local`,
      `slurm`) changes how a sweep's jobs run, not what a job builds:
      it is checked within its host's sweep by tmgg.launch.launcher_check
      (the launcher node typed by the plugin's schema, so Hydra refuses unknown
      keys and wrong types; interpolations resolved; the launcher built),
      then the sweep's first job is checked like any other; nothing is submitted.

Invariants: each option's job passes the checks of tmgg.launch.job_check
and learns (marker `learns`, tmgg.learning.learning_check; a launcher
option's job is its sweep's first job);
every config file is loaded by some launch or hosted as an option, and a file
that cannot be hosted is named.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tmgg.learning.learning_check import check_learns
from tmgg.paths import config_dir
from tmgg.launch.config_options import OptionCase, uncovered_options
from tmgg.launch.job_check import check_job
from tmgg.launch.launcher_check import check_launcher

ACCELERATOR = os.environ.get("TMGG_TEST_ACCELERATOR", "cpu")

pytestmark = [pytest.mark.integration, pytest.mark.config]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "option" in metafunc.fixturenames:
        given = metafunc.config.getoption("--tmgg-option")
        cases = [OptionCase.parse(case) for case in given] if given else uncovered_options(config_dir())[0]
        metafunc.parametrize("option", cases, ids=[case.id for case in cases])


def test_option_builds_and_runs_forward(option: OptionCase, tmp_path: Path) -> None:
    if option.is_launcher:
        plan = option.plan()
        check_launcher(plan)
        # The sweep's first job, as this launcher would start it: the launcher must not break the job.
        check_job(plan.jobs[0], tmp_path, ACCELERATOR)
    else:
        check_job(option.job(), tmp_path, ACCELERATOR)


@pytest.mark.learns
def test_option_learns(option: OptionCase, tmp_path: Path) -> None:
    check_learns(option.plan().jobs[0] if option.is_launcher else option.job(), tmp_path)
