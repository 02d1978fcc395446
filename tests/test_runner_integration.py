"""Every CLI runner, run for real as a subprocess, for two training steps on CPU.

Rationale:
    A runner that crashes on a cloud GPU costs dollars and hours; one that
    crashes here costs seconds. Each runner declared in pyproject.toml's
    `[project.scripts]` is started the way a user starts it (its entry point
    in a fresh interpreter) with the quick-training overrides below.

Assumptions:
    - Runners are `tmgg.runners:<name>` entry points, where <name> is a
      top-level config (`configs/<name>.yaml`, TestExperimentRunners) or a
      stage config (`configs/stage/<name>.yaml`, TestStageRunners).
    - Under Bazel, each target ships only its own runner's configs, so only
      that runner is collected; `--tmgg-case` selects it.

Invariants checked for each runner:
    exit code 0; no Python traceback on stderr; the output directory exists;
    results.json exists and all its metrics are finite numbers. A run that
    outlives RUNNER_TIMEOUT_S is killed and reported as a timeout of that
    runner, with the tail of its output.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

RUNNER_TIMEOUT_S = 120
TAIL_LINES = 40
# CPU by default; TMGG_TEST_ACCELERATOR=gpu runs the same checks on a GPU machine.
ACCELERATOR = os.environ.get("TMGG_TEST_ACCELERATOR", "cpu")

QUICK_OVERRIDES = (
    "trainer.max_steps=2",
    "trainer.val_check_interval=1",
    f"trainer.accelerator={ACCELERATOR}",
    "~logger",
    "data.batch_size=2",
    "data.num_workers=0",
    "++data.num_samples_per_graph=1",
    "++data.num_train_samples=8",
    "++data.num_val_samples=4",
    "++data.num_test_samples=4",
    "sweep=false",
)


@dataclass(frozen=True)
class Runner:
    """One `[project.scripts]` entry: `script = "module:config"`."""

    script: str
    module: str
    config: str

    @property
    def case_id(self) -> str:
        return f"{self.script}-{self.config}"


def _workspace_root() -> Path:
    srcdir = os.environ.get("TEST_SRCDIR")
    if srcdir:
        return Path(srcdir) / os.environ.get("TEST_WORKSPACE", "tmgg")
    return Path(__file__).resolve().parent.parent


def _config_root() -> Path:
    from tmgg.paths import config_dir

    return config_dir()


def declared_runners() -> list[Runner]:
    """All runners of pyproject.toml, in file order."""
    scripts = tomllib.loads((_workspace_root() / "pyproject.toml").read_text())["project"]["scripts"]
    runners = []
    for script, target in scripts.items():
        module, _, config = target.partition(":")
        runners.append(Runner(script, module, config))
    return runners


def _runners_with(kind: str) -> list:
    configs = _config_root()
    folder = configs / "stage" if kind == "stage" else configs
    return [
        pytest.param(runner, id=runner.case_id)
        for runner in declared_runners()
        if (folder / f"{runner.config}.yaml").is_file()
    ]


def _tail(text: str) -> str:
    return "\n".join(text.splitlines()[-TAIL_LINES:])


def run_runner(runner: Runner, scratch: Path) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """Run one runner's entry point in a fresh interpreter, as its console script would."""
    output_dir, results_dir = scratch / "output", scratch / "results"
    launcher = (
        f"import sys; from {runner.module} import {runner.config} as main; "
        f"sys.argv[0] = {runner.script!r}; sys.exit(main())"
    )
    command = [
        sys.executable,
        "-c",
        launcher,
        f"paths.output_dir={output_dir}",
        f"paths.results_dir={results_dir}",
        f"hydra.run.dir={scratch / 'hydra'}",
        *QUICK_OVERRIDES,
    ]
    # The runner imports the same tmgg as this test: an editable install, Bazel's
    # runfiles or, in a plain checkout, the src/ that pytest put on sys.path.
    import tmgg

    import_root = str(Path(tmgg.__file__).parent.parent)
    python_path = os.pathsep.join(filter(None, [import_root, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": python_path, "PYTHONUNBUFFERED": "1"}
    if ACCELERATOR == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    # A session of its own, so a timeout kills the runner's workers too.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=RUNNER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(
            f"TIMEOUT: runner {runner.script} did not finish within {RUNNER_TIMEOUT_S} s and was killed.\n"
            f"--- last lines of its output ---\n{_tail(stdout + stderr)}",
            pytrace=False,
        )
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), output_dir, results_dir


def assert_brief_training_succeeded(runner: Runner, scratch: Path) -> None:
    result, output_dir, results_dir = run_runner(runner, scratch)
    context = f"runner {runner.script} (config {runner.config})"
    assert result.returncode == 0, (
        f"{context} exited {result.returncode}.\n--- last lines of stderr ---\n{_tail(result.stderr)}"
    )
    assert "Traceback (most recent call last)" not in result.stderr, (
        f"{context} printed a traceback.\n--- last lines of stderr ---\n{_tail(result.stderr)}"
    )
    assert output_dir.is_dir(), f"{context} did not create its output directory {output_dir}"
    results_file = results_dir / "results.json"
    assert results_file.is_file(), f"{context} wrote no {results_file}"
    metrics = json.loads(results_file.read_text())["metrics"]
    assert metrics, f"{context} wrote no metrics to {results_file}"
    bad = {key: value for key, value in metrics.items() if not (isinstance(value, (int, float)) and math.isfinite(value))}
    assert not bad, f"{context} wrote non-finite metrics: {bad}"


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.runner
class TestExperimentRunners:
    """The model runners (tmgg-spectral, tmgg-gnn, ...) and the grid search."""

    @pytest.mark.parametrize("runner", _runners_with("experiment"))
    def test_runner_executes_brief_training(self, runner: Runner, tmp_path: Path) -> None:
        assert_brief_training_succeeded(runner, tmp_path)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.runner
class TestStageRunners:
    """The stage runners: base_config_spectral with `+stage=<name>`."""

    @pytest.mark.parametrize("runner", _runners_with("stage"))
    def test_stage_runner_executes_brief_training(self, runner: Runner, tmp_path: Path) -> None:
        assert_brief_training_succeeded(runner, tmp_path)


@pytest.mark.integration
def test_every_runner_entry_point_imports() -> None:
    """Fast smoke test: each entry point resolves to a callable without running it."""
    import importlib

    for runner in declared_runners():
        entry = getattr(importlib.import_module(runner.module), runner.config)
        assert callable(entry), f"{runner.script}: {runner.module}:{runner.config} is not callable"
