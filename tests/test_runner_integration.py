"""Every CLI runner, run for real as a subprocess, for two training steps on CPU.

Rationale:
    A runner that crashes on a cloud GPU costs dollars and hours; one that
    crashes here costs seconds. Each runner declared in pyproject.toml's
    `[project.scripts]` is started the way a user starts it (its entry point
    in a fresh interpreter) with the quick-training overrides below: two
    training steps at most, no logger, and checkpointing turned off the way a
    user turns it off (`++trainer.enable_checkpointing=false`: Lightning adds
    no checkpoint callback and train() drops tmgg's), so the test split is
    scored with the weights training ended with.

Assumptions:
    - Runners are `tmgg.runners:<name>` entry points, where <name> is a
      top-level config (`configs/<name>.yaml`, TestExperimentRunners) or a
      stage config (`configs/stage/<name>.yaml`, TestStageRunners) run as
      base_config_spectral with `+stage=<name>`.
    - Hydra records the composed config in `<paths.output_dir>/.hydra/config.yaml`
      (configs/hydra/default.yaml sets `hydra.run.dir` to `paths.output_dir`).
    - A healthy run's stderr holds Lightning's notices (devices, the model
      summary, "`Trainer.fit` stopped: `max_steps=2` reached.") and Python
      warnings ("...: UserWarning: ..."), none of which names an error or
      exception. The quick overrides give every runner more than MAX_STEPS
      training batches an epoch, so the step limit, not max_epochs, ends fit.
    - Under Bazel, each target ships only its own runner's configs and passes
      `--tmgg-case=<script>-<config>`, which keeps that runner's training case
      and its entry-point case (both parametrized with that id).

Invariants checked for each runner:
    - Entry point (fast, no training): `<module>:<config>` resolves to a
      callable made by make_runner for the runner's config, and a stage
      runner's fixed overrides are exactly `+stage=<name>`.
    - Two-step run: exit code 0; no stderr line matches ERROR_LINE (a
      traceback, an exception's name, "<program>: error:", a logging record
      at ERROR or CRITICAL); Lightning reports on stderr that fit stopped at
      `max_steps=MAX_STEPS` (the run records no step count, so this stop
      reason, printed with the trainer's own limit, is the evidence); the
      output directory holds Hydra's record of the composed config, whose
      `stage` is the stage's name for a stage runner and null otherwise;
      results.json exists and all its metrics are finite numbers; no `*.ckpt`
      file and no `checkpoints` folder exists anywhere under the test's
      scratch folder. A run that outlives RUNNER_TIMEOUT_S is killed and
      reported as a timeout of that runner, with the tail of its output.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from omegaconf import OmegaConf
from runfiles import Runfiles

from tmgg.launch.check_configs import QUICK_TRAINING, config_path
from tmgg.runners import STAGE_BASE_CONFIG, console_scripts, make_runner

RUNNER_TIMEOUT_S = 120
TAIL_LINES = 40
# CPU by default; TMGG_TEST_ACCELERATOR=gpu runs the same checks on a GPU machine.
ACCELERATOR = os.environ.get("TMGG_TEST_ACCELERATOR", "cpu")

# configs/quick/train.yaml: two steps, validation after each, no checkpoint; then tiny data.
QUICK_OVERRIDES = (
    QUICK_TRAINING,
    f"trainer.accelerator={ACCELERATOR}",
    "~logger",
    "data.batch_size=2",
    "++data.num_samples_per_graph=1",
    "++data.num_train_samples=8",
    "++data.num_val_samples=4",
    "++data.num_test_samples=4",
    "sweep=false",
)


def _quick_max_steps() -> int:
    """The step count the quick-training config (configs/quick/train.yaml) sets."""
    from tmgg.paths import config_dir

    return OmegaConf.load(config_dir() / f"{config_path(QUICK_TRAINING)}.yaml").trainer.max_steps


MAX_STEPS = _quick_max_steps()
# What Lightning prints on stderr when fit ends because the trainer reached its max_steps.
STEP_LIMIT_REACHED = f"`Trainer.fit` stopped: `max_steps={MAX_STEPS}` reached."

# Case-sensitive on purpose: "reconstruction error" in prose or a UserWarning is no error report.
ERROR_LINE = re.compile(
    r"Traceback \(most recent call last\)"  # a Python traceback
    r"|\b\w*(?:Error|Exception)\b"  # "RuntimeError: boom", "Exception ignored in", Hydra's "Error executing job"
    r"|\berror:"  # the runner's (and argparse's) "<program>: error: <message>"
    r"|\b(?:ERROR|CRITICAL)\b"  # a logging record at those levels
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
    """The checkout, or under Bazel its files in the runfiles tree (`tmgg/` or, under bzlmod, `_main/`)."""
    runfiles = Runfiles.Create()
    if runfiles is None:
        return Path(__file__).resolve().parent.parent
    return Path(runfiles.Rlocation("tmgg/pyproject.toml")).parent


def _config_root() -> Path:
    from tmgg.paths import config_dir

    return config_dir()


def declared_runners() -> list[Runner]:
    """All runners of pyproject.toml, in file order."""
    scripts = console_scripts(_workspace_root() / "pyproject.toml")
    runners = []
    for script, target in scripts.items():
        module, _, config = target.partition(":")
        runners.append(Runner(script, module, config))
    return runners


def _is_stage(config: str) -> bool:
    return (_config_root() / "stage" / f"{config}.yaml").is_file()


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


def assert_brief_training_succeeded(runner: Runner, scratch: Path, stage: str | None) -> None:
    """Run ``runner`` for MAX_STEPS steps in ``scratch`` and check what it leaves behind.

    Args:
        runner: The runner to start.
        scratch: An empty folder of the test's own; the run writes only below it.
        stage: The `stage` the composed config must hold: the stage's name, or None.
    """
    result, output_dir, results_dir = run_runner(runner, scratch)
    context = f"runner {runner.script} (config {runner.config})"
    assert result.returncode == 0, (
        f"{context} exited {result.returncode}.\n--- last lines of stderr ---\n{_tail(result.stderr)}"
    )
    error_lines = [line for line in result.stderr.splitlines() if ERROR_LINE.search(line)]
    assert not error_lines, (
        f"{context} reported errors on stderr:\n"
        + "\n".join(f"  {line}" for line in error_lines)
        + f"\n--- last lines of stderr ---\n{_tail(result.stderr)}"
    )
    # The run records no step count; Lightning's stop reason, which names the trainer's own limit, stands in.
    assert STEP_LIMIT_REACHED in result.stderr, (
        f"{context} did not report stopping at the step limit ({STEP_LIMIT_REACHED!r} is missing).\n"
        f"--- last lines of stderr ---\n{_tail(result.stderr)}"
    )

    assert output_dir.is_dir(), f"{context} did not create its output directory {output_dir}"
    composed_file = output_dir / ".hydra" / "config.yaml"
    assert composed_file.is_file(), f"{context} wrote no record of its composed config, {composed_file}"
    recorded_stage = OmegaConf.load(composed_file).get("stage")
    assert recorded_stage == stage, (
        f"{context} ran with stage={recorded_stage!r}, expected {stage!r} (from {composed_file})"
    )

    results_file = results_dir / "results.json"
    assert results_file.is_file(), f"{context} wrote no {results_file}"
    metrics = json.loads(results_file.read_text())["metrics"]
    assert metrics, f"{context} wrote no metrics to {results_file}"
    bad = {key: value for key, value in metrics.items() if not (isinstance(value, (int, float)) and math.isfinite(value))}
    assert not bad, f"{context} wrote non-finite metrics: {bad}"

    checkpoints = sorted(path for path in scratch.rglob("*") if path.suffix == ".ckpt" or path.name == "checkpoints")
    assert not checkpoints, (
        f"{context} wrote checkpoints although checkpointing is off: {', '.join(map(str, checkpoints))}"
    )


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.runner
class TestExperimentRunners:
    """The model runners (tmgg-spectral, tmgg-gnn, ...) and the grid search."""

    @pytest.mark.parametrize("runner", _runners_with("experiment"))
    def test_runner_executes_brief_training(self, runner: Runner, tmp_path: Path) -> None:
        assert_brief_training_succeeded(runner, tmp_path, stage=None)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.runner
class TestStageRunners:
    """The stage runners: base_config_spectral with `+stage=<name>`."""

    @pytest.mark.parametrize("runner", _runners_with("stage"))
    def test_stage_runner_executes_brief_training(self, runner: Runner, tmp_path: Path) -> None:
        assert_brief_training_succeeded(runner, tmp_path, stage=runner.config)


@pytest.mark.integration
@pytest.mark.parametrize("runner", [pytest.param(runner, id=runner.case_id) for runner in declared_runners()])
def test_runner_entry_point_imports(runner: Runner) -> None:
    """Fast smoke test: the entry point resolves to the runner made for its config, without running it.

    make_runner names a runner after the config it composes and writes the
    config and its fixed overrides into the runner's docstring, so comparing
    with a runner made for the expected config and overrides tells a stage
    runner that lost its `+stage=<name>` (or any other runner) apart.
    """
    entry = getattr(importlib.import_module(runner.module), runner.config)
    assert callable(entry), f"{runner.script}: {runner.module}:{runner.config} is {entry!r}, not callable"
    if _is_stage(runner.config):
        expected = make_runner(STAGE_BASE_CONFIG, (f"+stage={runner.config}",))
    else:
        expected = make_runner(runner.config)
    assert (entry.__name__, entry.__doc__) == (expected.__name__, expected.__doc__), (
        f"{runner.script}: {runner.module}:{runner.config} is the runner {entry.__name__!r} "
        f"({entry.__doc__!r}), not {expected.__name__!r} ({expected.__doc__!r})"
    )
