"""tmgg.preflight.launch_preflight: one line per job, a summary, and the exit status the README promises.

Rationale: users gate their GPU launches on this command's exit status.
Assumptions: a throwaway configs folder whose jobs fail or pass the check
without building torch models (check_job is replaced by a stub that fails
jobs whose overrides say `bad=1`, check_learns by one that fails those that
say `lr=0`); pyproject.toml beside configs/ names the
console script.
Invariants: exit 0 when every job passes, 1 when any fails (its line names
the job and the error) or a SLURM launch could not be checked against the
cluster (unless `--no-cluster`); `--learn` runs the learning check on each job
and only then; 2 for an unknown runner, an override Hydra rejects, a sweep
with no jobs; the last line ends with `(exit N)`; a job that asks for a GPU
from a CPU build of torch fails, naming the setting.
"""

import pytest

import tmgg.learning.learning_check
import tmgg.launch.job_check
from tmgg.learning.learning_report import DoesNotLearn
from tmgg.preflight import launch_preflight
from tmgg.preflight.launch_preflight import main

pytestmark = pytest.mark.unit


@pytest.fixture
def configs(tmp_path, monkeypatch):
    root = tmp_path / "configs"
    root.mkdir()
    (root / "base_config_toy.yaml").write_text("sweep: false\nbad: 0\nhydra:\n  mode: ${tmgg.run_mode:${sweep}}\n")
    (tmp_path / "pyproject.toml").write_text('[project.scripts]\ntmgg-toy = "tmgg.runners:base_config_toy"\n')
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(root))

    def check(job, scratch, steps=0):
        if "bad=1" in job.overrides:
            raise ValueError("bad=1 is rejected")

    def learns(job, scratch):
        if "lr=0" in job.overrides:
            raise DoesNotLearn("does not learn: loss 0.693 -> 0.693 after 30 steps; model.optimizer.lr=0")

    monkeypatch.setattr(tmgg.launch.job_check, "check_job", check)
    monkeypatch.setattr(tmgg.learning.learning_check, "check_learns", learns)
    return root


def run(capsys, *argv):
    status = main(list(argv))
    return status, capsys.readouterr().out.strip().splitlines()


def test_every_job_ok_exits_0(configs, capsys) -> None:
    status, lines = run(capsys, "tmgg-toy", "-m", "bad=0,0")
    assert status == 0
    assert [line.split(" (")[0] for line in lines[1:3]] == ["ok    base_config_toy[bad=0]"] * 2
    assert lines[-1] == "preflight: 2 of 2 jobs ok, 0 failed (exit 0)"


def test_a_failing_job_is_named_and_exits_1(configs, capsys) -> None:
    status, lines = run(capsys, "tmgg-toy", "--multirun", "bad=0,1")
    assert status == 1
    assert "FAIL  base_config_toy[bad=1]: ValueError: bad=1 is rejected" in lines
    assert lines[-1] == "preflight: 1 of 2 jobs ok, 1 failed (exit 1)"


def test_learn_names_the_job_that_does_not_learn(configs, capsys) -> None:
    (configs / "base_config_toy.yaml").write_text(
        "sweep: false\nbad: 0\nlr: 1\nhydra:\n  mode: ${tmgg.run_mode:${sweep}}\n"
    )
    status, lines = run(capsys, "tmgg-toy", "-m", "lr=1,0", "--learn")
    assert status == 1
    assert "FAIL  base_config_toy[lr=0]: DoesNotLearn: does not learn: loss 0.693 -> 0.693" in lines[2]
    assert lines[-1] == "preflight: 1 of 2 jobs ok, 1 failed (exit 1)"
    status, lines = run(capsys, "tmgg-toy", "-m", "lr=1,0")
    assert status == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tmgg-nope"], "unknown runner 'tmgg-nope'"),
        (["tmgg-toy", "bad=(1"], "cannot parse the override 'bad=(1'"),
        (["tmgg-toy", "-m", "bad=range(0)"], "the sweep has no jobs"),
        (["tmgg-toy", "nokey=1"], "nokey"),
    ],
)
def test_bad_input_exits_2_in_one_line(configs, capsys, argv, message) -> None:
    status, lines = run(capsys, *argv)
    assert status == 2
    assert len(lines) == 1 and message in lines[0] and lines[0].endswith("(exit 2)")


def test_a_gpu_asked_of_a_cpu_build_fails_the_job_naming_the_setting(configs, capsys, monkeypatch) -> None:
    from tmgg.device import cuda_support

    monkeypatch.setattr(tmgg.launch.job_check, "check_job", lambda job, scratch, steps=0: tmgg.launch.job_check.check_gpu_request(job))
    if cuda_support.cuda_build() is not None:
        pytest.skip("torch here is a CUDA build: it can give the GPU asked for")
    status, lines = run(capsys, "tmgg-toy", "-m", "+trainer.accelerator=cpu,gpu")
    assert status == 1
    assert lines[1].startswith("ok    base_config_toy[+trainer.accelerator=cpu]")
    assert lines[2].startswith("FAIL  base_config_toy[+trainer.accelerator=gpu]: GpuUnavailable: trainer.accelerator=gpu asks")
    assert "is the CPU build" in lines[2] and "--gpu" in lines[2]


SLURM_TOY = "hydra:\n  mode: ${tmgg.run_mode:${sweep}}\n  launcher:\n    _target_: x.SlurmLauncher\n"


def test_a_slurm_launch_the_cluster_cannot_answer_is_not_checked_and_exits_1(configs, capsys, monkeypatch) -> None:
    from tmgg.slurm.slurm_cluster import SlurmCluster

    (configs / "base_config_toy.yaml").write_text("sweep: false\nbad: 0\n" + SLURM_TOY)
    monkeypatch.setattr(SlurmCluster, "controller", lambda self: None)
    status, lines = run(capsys, "tmgg-toy", "-m", "bad=0,0")
    assert status == 1
    assert any(line.startswith("skip") and "not checked" in line for line in lines)
    assert lines[-1] == "preflight: 2 of 2 jobs ok, 0 failed; 1 launcher check(s) failed or not checked (exit 1)"
    status, lines = run(capsys, "tmgg-toy", "-m", "bad=0,0", "--no-cluster")
    assert status == 0 and not any(line.startswith("skip") for line in lines)
    # tools/tmgg asks the cluster itself when this line says the launch is SLURM's.
    assert f"preflight: {launch_preflight.SLURM_LAUNCH}: the cluster is asked after the job checks" in lines


def test_no_cluster_names_no_slurm_launch_for_another_launcher(configs, capsys) -> None:
    (configs / "base_config_toy.yaml").write_text("sweep: false\nbad: 0\n" + SLURM_TOY.replace("x.SlurmLauncher", "x.LocalLauncher"))
    status, lines = run(capsys, "tmgg-toy", "-m", "bad=0,0", "--no-cluster")
    assert status == 0 and not any(launch_preflight.SLURM_LAUNCH in line for line in lines)
