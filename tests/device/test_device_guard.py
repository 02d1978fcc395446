"""tmgg.device.device_guard: a GPU asked for and unusable stops a job in seconds, naming why.

Rationale: Lightning's ``accelerator: auto`` falls back to the CPU without a
word, so a SLURM job given a GPU by a CPU build of torch trains on the CPU for
its whole length; a job that asks ``trainer.accelerator=gpu`` fails only after
building its data. The guard stops both before anything is built.
Assumptions: torch here is the CPU build (CI and these machines); the CUDA
branches are reached by replacing ``cuda_build`` / ``cuda_usable``. The runner
cases run a real runner in-process on a throwaway config whose data node
creates a file when built.
Invariants: exit status 2, one line on stderr naming the variable or key that
asked and the fix, no data built, no results.json; ``trainer.accelerator=cpu``
runs on any host; hidden GPUs (``CUDA_VISIBLE_DEVICES=``) ask for nothing.
"""

import pytest
from omegaconf import OmegaConf

import tmgg.device.device_guard as device_guard
from tmgg.device.device_guard import require_cuda_build, require_usable_gpu
from tmgg.device.gpu_unavailable import GpuUnavailable
from tmgg.runners import make_runner

pytestmark = pytest.mark.unit


def config(accelerator="auto", **launcher):
    node = {"trainer": {"accelerator": accelerator}}
    if launcher:
        node["hydra"] = {"launcher": launcher}
    return OmegaConf.create(node)


def test_preflight_refuses_a_gpu_launch_from_a_cpu_build(monkeypatch) -> None:
    monkeypatch.setattr(device_guard, "cuda_build", lambda: None)
    monkeypatch.setattr(device_guard, "torch_build", lambda: "2.13.0+cpu")
    with pytest.raises(GpuUnavailable) as refused:
        require_cuda_build(config(gpus_per_node=1))
    message = str(refused.value)
    assert "hydra.launcher.gpus_per_node=1" in message and "2.13.0+cpu is the CPU build" in message
    assert "--gpu" in message and "--extra gpu" in message and "\n" not in message


def test_preflight_passes_a_gpu_launch_from_a_cuda_build_and_a_cpu_launch_anywhere(monkeypatch) -> None:
    monkeypatch.setattr(device_guard, "cuda_build", lambda: "12.8")
    require_cuda_build(config(gpus_per_node=1))
    monkeypatch.setattr(device_guard, "cuda_build", lambda: None)
    require_cuda_build(config("auto", gpus_per_node=None))


@pytest.mark.parametrize(
    ("accelerator", "environ", "named"),
    [
        ("auto", {"CUDA_VISIBLE_DEVICES": "0"}, "CUDA_VISIBLE_DEVICES=0"),
        ("auto", {"SLURM_GPUS_ON_NODE": "1"}, "SLURM_GPUS_ON_NODE=1"),
        ("gpu", {}, "trainer.accelerator=gpu"),
        ("cuda", {"CUDA_VISIBLE_DEVICES": ""}, "trainer.accelerator=cuda"),
    ],
)
def test_job_start_stops_when_a_gpu_is_asked_or_given_and_unusable(monkeypatch, accelerator, environ, named) -> None:
    monkeypatch.setattr(device_guard, "cuda_usable", lambda: False)
    with pytest.raises(GpuUnavailable, match="stopped before training on the CPU") as refused:
        require_usable_gpu(config(accelerator), environ)
    assert named in str(refused.value) and "trainer.accelerator=cpu" in str(refused.value)


def test_job_start_goes_on_when_the_gpu_is_usable_or_none_is_asked(monkeypatch) -> None:
    monkeypatch.setattr(device_guard, "cuda_usable", lambda: True)
    require_usable_gpu(config("auto"), {"CUDA_VISIBLE_DEVICES": "0"})
    monkeypatch.setattr(device_guard, "cuda_usable", lambda: False)
    require_usable_gpu(config("cpu"), {"CUDA_VISIBLE_DEVICES": "0", "SLURM_GPUS_ON_NODE": "1"})
    require_usable_gpu(config("auto"), {"CUDA_VISIBLE_DEVICES": ""})


@pytest.fixture
def toy_runner(tmp_path, monkeypatch):
    """A runner whose config builds its data node by creating ``data_built``: it shows whether the guard came first."""
    root = tmp_path / "configs"
    root.mkdir()
    out = tmp_path / "out"
    (root / "base_config_toy.yaml").write_text(
        "sweep: false\nseed: 0\n"
        f"paths:\n  output_dir: {out}\n  results_dir: {out}/results\n"
        "hydra:\n  mode: ${tmgg.run_mode:${sweep}}\n  run:\n    dir: ${paths.output_dir}\n"
        "trainer:\n  _target_: builtins.dict\n  accelerator: auto\n"
        "data:\n  _target_: builtins.open\n  file: ${paths.output_dir}/data_built\n  mode: w\n"
        "model:\n  _target_: builtins.dict\n"
    )
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(root))
    # The runner's one-line report, not the traceback HYDRA_FULL_ERROR=1 (set for Bazel's tests) asks for.
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    for name in ("CUDA_VISIBLE_DEVICES", "SLURM_GPUS_ON_NODE", "SLURM_JOB_GPUS", "SLURM_STEP_GPUS"):
        monkeypatch.delenv(name, raising=False)
    return make_runner("base_config_toy"), out


def start(runner, monkeypatch, capsys, *overrides):
    monkeypatch.setattr("sys.argv", ["tmgg-toy", *overrides])
    with pytest.raises(SystemExit) as stopped:
        runner()
    return stopped.value.code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize(("variable", "value"), [("CUDA_VISIBLE_DEVICES", "0"), ("SLURM_GPUS_ON_NODE", "1")])
def test_runner_given_a_gpu_by_its_host_stops_in_one_line_before_data(
    toy_runner, monkeypatch, capsys, variable, value
) -> None:
    runner, out = toy_runner
    monkeypatch.setenv(variable, value)
    status, lines = start(runner, monkeypatch, capsys)
    assert status == 2
    assert len(lines) == 1 and f"{variable}={value}" in lines[0] and "is the CPU build" in lines[0], lines
    # Stopped before the data was built: no training time spent (the wall time is measured in docs/gpu.md).
    assert not (out / "data_built").exists() and not (out / "results" / "results.json").exists()


def test_runner_asked_for_the_cpu_trains_on_a_gpu_host(toy_runner, monkeypatch, capsys) -> None:
    runner, out = toy_runner
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    monkeypatch.setattr("sys.argv", ["tmgg-toy", "trainer.accelerator=cpu"])
    # The toy's model has no `net`, so the run fails after the guard, having built its data.
    with pytest.raises(AttributeError, match="net"):
        runner()
    assert (out / "data_built").exists()
