"""tools/env/gpu_config.py: `--config=gpu` stops at once without a GPU, else shows the GPUs to tests.

Rationale: `bazel test --config=gpu` on a CPU machine must not build or
download a CUDA environment of gigabytes before failing; on a GPU machine the
tests must see the GPU that .bazelrc hides by default.
Assumptions: nvidia-smi is replaced by canned answers.
Invariants: without --config=gpu nothing is added or asked; with it and no
GPU, NoGpu in one line naming why and what to type; with GPUs, test commands
get CUDA_VISIBLE_DEVICES (the user's own, or every GPU listed).
"""

import subprocess

import pytest

from tools.env.gpu_config import NoGpu, asks_for_gpu, gpu_flags

pytestmark = pytest.mark.unit


def smi(stdout="", returncode=0):
    def run(command, **kwargs):
        assert command[0] == "nvidia-smi"
        return subprocess.CompletedProcess(command, returncode, stdout, "")

    return run


def present(name):
    return f"/usr/bin/{name}"


def absent(name):
    return None


@pytest.mark.parametrize(
    ("args", "asked"),
    [
        (["--config=gpu", "//..."], True),
        (["--config", "gpu", "//..."], True),
        (["--config=ci", "//..."], False),
        (["//:tmgg-spectral", "--", "--config=gpu"], False),
        ([], False),
    ],
)
def test_asks_for_gpu_reads_bazel_options_only(args, asked) -> None:
    assert asks_for_gpu(args) is asked


def test_no_gpu_config_adds_nothing_and_asks_nothing() -> None:
    def run(*args, **kwargs):
        raise AssertionError("nvidia-smi must not be asked")

    assert gpu_flags("test", ["//..."], {}, run=run, which=present) == []


@pytest.mark.parametrize(
    ("which", "run", "reason"),
    [
        (absent, smi(), "nvidia-smi not found"),
        (present, smi("", returncode=9), "nvidia-smi: exit 9"),
        (present, smi("NVIDIA-SMI has failed because it couldn't communicate with the driver", 9), "couldn't communicate"),
        (present, smi(""), "nvidia-smi lists no GPU"),
    ],
)
def test_gpu_config_without_a_gpu_stops_in_one_line(which, run, reason) -> None:
    with pytest.raises(NoGpu) as stopped:
        gpu_flags("test", ["--config=gpu", "//..."], {}, run=run, which=which)
    message = str(stopped.value)
    assert reason in message and "leave out --config=gpu" in message and "\n" not in message


def test_gpu_config_shows_the_gpus_to_tests() -> None:
    assert gpu_flags("test", ["--config=gpu"], {}, run=smi("0\n1\n"), which=present) == [
        "--test_env=CUDA_VISIBLE_DEVICES=0,1"
    ]
    assert gpu_flags("test", ["--config=gpu"], {"CUDA_VISIBLE_DEVICES": "1"}, run=smi("0\n1\n"), which=present) == [
        "--test_env=CUDA_VISIBLE_DEVICES=1"
    ]
    # `bazel run` inherits the user's environment; only tests need the variable passed.
    assert gpu_flags("run", ["--config=gpu"], {}, run=smi("0\n"), which=present) == []


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("run", ["--config=gpu", "//:tmgg-stage4", "--", "hydra/launcher=slurm", "-m"]),
        ("test", ["--config=gpu", "//tools:preflight", "--test_arg=hydra/launcher=slurm"]),
        ("run", ["--config=gpu", "//:tmgg-stage4", "--", "hydra/launcher=submitit_slurm", "-m"]),
    ],
)
def test_a_slurm_launch_needs_no_gpu_here_its_jobs_run_on_the_clusters(command, args) -> None:
    assert gpu_flags(command, args, {}, run=smi(), which=absent) == []
    with pytest.raises(NoGpu):
        gpu_flags(command, [arg for arg in args if "slurm" not in arg], {}, run=smi(), which=absent)
