"""Runner lookup and behaviour of tmgg.runners, against a throwaway configs folder.

Rationale: every console script is `tmgg.runners:<name>`, resolved by module
__getattr__; a name must map to a top-level config or a stage, and anything
else must be an AttributeError. A runner must end a bad command line with one
line on stderr and exit status 2.
Assumptions: TMGG_CONFIG_DIR points tmgg at the configs folder.
Invariants: stage runners are base_config_spectral plus `+stage=<name>`; the
`sweep` key decides Hydra's `hydra.mode` (multirun or not), a `_global_` stage
may set it, `sweep=...` on the command line has the last word, and `-m` always
means a multirun.
"""

import os
import sys

import pytest
from hydra.core.global_hydra import GlobalHydra

import tmgg.runners
from tmgg.runners import STAGE_BASE_CONFIG, factory, make_runner, runner_for
from tmgg.launch.launch_plan import plan_launch

pytestmark = pytest.mark.unit


@pytest.fixture
def configs(tmp_path, monkeypatch):
    root = tmp_path / "configs"
    (root / "stage").mkdir(parents=True)
    # The same rule as configs/hydra/default.yaml: `sweep` sets Hydra's mode.
    mode = "hydra:\n  mode: ${tmgg.run_mode:${sweep}}\n"
    (root / "base_config_toy.yaml").write_text("name: toy\nsweep: false\nvalue: 1\n" + mode)
    (root / "grid_toy.yaml").write_text("name: grid\nsweep: true\n" + mode)
    (root / "stage" / "toy_stage.yaml").write_text("# @package _global_\nstage: toy_stage\n")
    (root / "stage" / "toy_sweep.yaml").write_text("# @package _global_\nsweep: true\n")
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(root))
    return root


def test_top_level_config_name_gives_its_runner(configs) -> None:
    runner = tmgg.runners.base_config_toy
    assert callable(runner)
    assert runner.__name__ == "base_config_toy"
    assert "configs/base_config_toy.yaml" in runner.__doc__


def test_stage_name_gives_base_config_runner_with_stage_override(configs) -> None:
    runner = runner_for("toy_stage")
    assert runner.__name__ == STAGE_BASE_CONFIG
    assert "+stage=toy_stage" in runner.__doc__


def test_unknown_and_private_names_are_attribute_errors(configs) -> None:
    with pytest.raises(AttributeError, match="no runner 'base_config_nope'"):
        tmgg.runners.base_config_nope
    with pytest.raises(AttributeError):
        tmgg.runners._hidden
    assert not hasattr(tmgg.runners, "__wrapped__")


@pytest.mark.parametrize(
    ("config_name", "arguments", "expected"),
    [
        ("base_config_toy", [], False),
        ("grid_toy", [], True),
        ("grid_toy", ["sweep=false"], False),
        ("base_config_toy", ["+stage=toy_sweep"], True),
        ("base_config_toy", ["+stage=toy_sweep", "sweep=false"], False),
        ("base_config_toy", ["+stage=toy_stage"], False),
        ("base_config_toy", ["-m"], True),
        ("grid_toy", ["--multirun", "sweep=false"], True),
    ],
)
def test_multirun_follows_config_stage_and_command_line(configs, config_name, arguments, expected) -> None:
    assert plan_launch(config_name, arguments).multirun is expected


def test_bad_override_exits_2_with_one_line(configs, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["tmgg-toy", "nonexistent=1", f"hydra.run.dir={tmp_path / 'run'}"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(configs))
    GlobalHydra.instance().clear()
    try:
        with pytest.raises(SystemExit) as stop:
            make_runner("base_config_toy")()
    finally:
        GlobalHydra.instance().clear()
    assert stop.value.code == 2
    stderr = capsys.readouterr().err.strip().splitlines()
    # Not Hydra's `+nonexistent=1` advice: nothing would read the key (tmgg.config_keys).
    assert stderr == ["tmgg-toy: error: nonexistent is not a key of base_config_toy, nor of any config option"]
    assert os.getcwd() == str(configs), "under bazel run the runner works in the user's checkout"
    assert "HYDRA_FULL_ERROR" not in os.environ


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [(["value=5"], [5]), (["-m", "value=5,6"], [5, 6])],
)
def test_good_command_line_reaches_the_task_through_hydra_main(
    configs, tmp_path, monkeypatch, overrides, expected
) -> None:
    # The refusal check composes the jobs itself; this is the path through hydra.main and its config name.
    seen = []
    monkeypatch.setattr(factory, "_task", lambda cfg: seen.append(cfg.value))
    monkeypatch.setattr(
        sys, "argv", ["tmgg-toy", *overrides, f"hydra.run.dir={tmp_path / 'run'}", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    )
    monkeypatch.chdir(tmp_path)
    GlobalHydra.instance().clear()
    try:
        make_runner("base_config_toy")()
    finally:
        GlobalHydra.instance().clear()
    assert seen == expected
