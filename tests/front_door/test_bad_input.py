"""Bad input at every front door, on the real configs: one line naming the cause and what to type instead.

Rationale: a researcher types a command line and must learn in seconds what is
wrong with it (issue #26). Each case here is a command line that once ended in
a traceback, a reason left unsaid, a wrong piece of advice (Hydra's
``+key``), a sandbox path, or a launch of the wrong thing; and the keys the
original tmgg's README uses, which this project has moved.
Assumptions: the repository's configs/ and pyproject.toml (runfiles under
Bazel); preflight and the launcher preflight run in-process; planning is
refused before any job is built, so no torch model is built here.
Invariants: exit 2; one line; it names the key, option or value and, where one
exists, the key or option to use; no traceback, no Hydra config search path,
no ``To append`` advice for a key that would be refused later; nothing written.
"""

import sys

import pytest
from hydra.core.global_hydra import GlobalHydra

from tmgg.preflight import launch_preflight as preflight
from tmgg.preflight import slurm_preflight as launcher_preflight
from tmgg.runners import make_runner

pytestmark = pytest.mark.integration

MOVED_KEYS = [
    ("model.num_layers=16", "did you mean model.net.num_layers?"),
    ("model.k=4", "did you mean model.net.k?"),
    ("model.learning_rate=0.1", "did you mean model.optimizer.lr?"),
    ("wandb.project=x", "did you mean logger.wandb.project (with logger=wandb)?"),
]


def refusal(capsys, module, *argv):
    status = module.main(list(argv))
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert "Traceback" not in captured.out + captured.err
    return status, lines


@pytest.mark.parametrize(
    "sweep", ["spectral/filter_bankk,spectral/linear_pe", "spectral/linear_pe,spectral/filter_bankk"], ids=["first", "second"]
)
def test_a_misspelt_option_anywhere_in_a_sweep_is_refused_naming_the_option(capsys, sweep) -> None:
    status, lines = refusal(capsys, preflight, "tmgg-stage4", f"model={sweep}")
    assert status == 2
    assert len(lines) == 1
    assert "Could not find 'model/spectral/filter_bankk'; did you mean 'model/spectral/filter_bank'?" in lines[0]


def test_a_flag_of_the_wrong_type_is_refused(capsys) -> None:
    status, lines = refusal(capsys, preflight, "tmgg-stage3", "sweep=abc")
    assert status == 2
    assert len(lines) == 1 and "sweep='abc' has the wrong type: expected true or false" in lines[0]


@pytest.mark.parametrize(("override", "suggestion"), MOVED_KEYS, ids=[case[0] for case in MOVED_KEYS])
def test_a_moved_key_names_the_key_to_use(capsys, override, suggestion) -> None:
    status, lines = refusal(capsys, preflight, "tmgg-attention", override)
    assert status == 2
    assert len(lines) == 1 and lines[0].endswith(f"{suggestion} (exit 2)")
    assert "To append" not in lines[0]


def test_an_unknown_option_lists_the_options_and_no_search_path(capsys) -> None:
    status, lines = refusal(capsys, preflight, "tmgg-attention", "data=legacy_match")
    assert status == 2
    assert len(lines) == 1
    assert "Could not find 'data/legacy_match' (options: er, regular," in lines[0]
    assert "search path" not in lines[0] and "file://" not in lines[0]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["tmgg-typo"], "unknown runner 'tmgg-typo'"),
        (["tmgg-attention", "model.num_layers=16"], "did you mean model.net.num_layers?"),
        (["tmgg-stage3", "sweep=abc"], "sweep='abc'"),
        (["tmgg-stage4", "model=spectral/filter_bankk,spectral/linear_pe"], "did you mean 'model/spectral/filter_bank'?"),
    ],
)
def test_the_launcher_preflight_refuses_bad_input_in_one_line(capsys, argv, named) -> None:
    status, lines = refusal(capsys, launcher_preflight, *argv)
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith("launcher_preflight: error: ") and named in lines[0]


def test_the_runner_names_the_moved_key_and_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["tmgg-attention", "model.num_layers=16"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    monkeypatch.delenv("BUILD_WORKSPACE_DIRECTORY", raising=False)
    GlobalHydra.instance().clear()
    try:
        with pytest.raises(SystemExit) as stop:
            make_runner("base_config_attention")()
    finally:
        GlobalHydra.instance().clear()
    assert stop.value.code == 2
    stderr = capsys.readouterr().err.strip().splitlines()
    assert stderr == [
        "tmgg-attention: error: model.num_layers is not a key of base_config_attention; did you mean model.net.num_layers?"
    ]
    assert list(tmp_path.iterdir()) == []


def run_runner(tmp_path, monkeypatch, capsys, config_name, *argv):
    monkeypatch.setattr(sys, "argv", [*argv])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMGG_OUTPUT_ROOT", str(tmp_path / "outputs"))
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    monkeypatch.delenv("BUILD_WORKSPACE_DIRECTORY", raising=False)
    GlobalHydra.instance().clear()
    try:
        with pytest.raises(SystemExit) as stop:
            make_runner(config_name)()
    finally:
        GlobalHydra.instance().clear()
    return stop.value.code, capsys.readouterr().err.strip().splitlines()


def test_the_runner_refuses_a_misspelt_option_late_in_a_sweep_before_any_job_runs(tmp_path, monkeypatch, capsys) -> None:
    # Found by the fuzzer: Hydra composes a sweep's jobs as it launches them, so two jobs trained first.
    status, stderr = run_runner(tmp_path, monkeypatch, capsys, "base_config_attention", "tmgg-attention", "-m", "trainer=default,cpu,pcu")
    assert status == 2
    assert stderr == ["tmgg-attention: error: In 'base_config_attention': Could not find 'trainer/pcu'; did you mean 'trainer/cpu'?"]
    assert list(tmp_path.iterdir()) == []


def test_an_override_without_a_key_is_refused_in_one_line(tmp_path, monkeypatch, capsys) -> None:
    # Found by the fuzzer: Hydra parses `=0.001`, then fails with a ValueError (a traceback) while composing.
    status, stderr = run_runner(tmp_path, monkeypatch, capsys, "base_config_attention", "tmgg-attention", "=0.001")
    assert status == 2
    assert stderr == ["tmgg-attention: error: the override '=0.001' names no key: write KEY=VALUE"]
    status, lines = refusal(capsys, preflight, "tmgg-attention", "=0.001")
    assert status == 2 and len(lines) == 1 and "'=0.001' names no key" in lines[0]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["trainer.max_steps=abc"], "trainer.max_steps='abc' has the wrong type: pytorch_lightning.Trainer expects int"),
        (["-m", "seed=1,abc"], "seed='abc' has the wrong type: expected an integer from 0 to 4294967295"),
        (["+stage=stage3_diversity", "sweep=abc"], "sweep='abc' has the wrong type: expected true or false"),
    ],
)
def test_the_runner_refuses_a_wrong_type_before_hydra_makes_the_run_folder(tmp_path, monkeypatch, capsys, argv, line) -> None:
    status, stderr = run_runner(tmp_path, monkeypatch, capsys, "base_config_spectral", "tmgg-spectral", *argv)
    assert status == 2
    assert stderr == [f"tmgg-spectral: error: {line}"]
    assert list(tmp_path.iterdir()) == []
