"""tmgg.device.gpu_request: what in a job's config or its host asks for a GPU.

Rationale: a GPU asked for and not used wastes the whole GPU run; the guards
can only stop what these functions find.
Assumptions: configs are composed OmegaConf nodes, with ``hydra.launcher`` when
preflight composes a launch; host variables are those CUDA and SLURM set.
Invariants: each setting that asks is named as an override; settings that ask
for no GPU (null, 0, a gres of another resource, ``CUDA_VISIBLE_DEVICES=``) are
never taken for a request.
"""

import pytest
from omegaconf import OmegaConf

from tmgg.device.gpu_request import gpu_request, host_gpus

pytestmark = pytest.mark.unit


def config(accelerator="auto", **launcher):
    node = {"trainer": {"accelerator": accelerator}}
    if launcher:
        node["hydra"] = {"launcher": {"gpus_per_node": None, "gpus_per_task": None, "gres": None, **launcher}}
    return OmegaConf.create(node)


@pytest.mark.parametrize(
    ("cfg", "expected"),
    [
        (config("gpu"), "trainer.accelerator=gpu"),
        (config("cuda"), "trainer.accelerator=cuda"),
        (config(gpus_per_node=1), "hydra.launcher.gpus_per_node=1"),
        (config(gpus_per_task=2), "hydra.launcher.gpus_per_task=2"),
        (config(gres="gpu:a100:1"), "hydra.launcher.gres=gpu:a100:1"),
        (config(additional_parameters={"gpus": 1}), "hydra.launcher.additional_parameters.gpus=1"),
        (config(additional_parameters={"gres": "gpu:1"}), "hydra.launcher.additional_parameters.gres=gpu:1"),
    ],
)
def test_each_gpu_setting_is_named_as_an_override(cfg, expected) -> None:
    assert gpu_request(cfg) == expected


@pytest.mark.parametrize(
    "cfg",
    [
        config("auto"),
        config("cpu"),
        config(gpus_per_node=None),
        config(gpus_per_node=0),
        config(gres="shard:2"),
        config(additional_parameters={"mail-type": "END"}),
        OmegaConf.create({"model": {"x": 1}}),
    ],
)
def test_settings_that_ask_for_no_gpu_are_not_requests(cfg) -> None:
    assert gpu_request(cfg) is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"CUDA_VISIBLE_DEVICES": "0"}, "CUDA_VISIBLE_DEVICES=0"),
        ({"CUDA_VISIBLE_DEVICES": "GPU-5d2c"}, "CUDA_VISIBLE_DEVICES=GPU-5d2c"),
        ({"SLURM_GPUS_ON_NODE": "1"}, "SLURM_GPUS_ON_NODE=1"),
        ({"SLURM_JOB_GPUS": "0,1"}, "SLURM_JOB_GPUS=0,1"),
        ({"CUDA_VISIBLE_DEVICES": "", "SLURM_GPUS_ON_NODE": "2"}, "SLURM_GPUS_ON_NODE=2"),
        ({}, None),
        ({"CUDA_VISIBLE_DEVICES": ""}, None),
        ({"CUDA_VISIBLE_DEVICES": "-1"}, None),
        ({"SLURM_GPUS_ON_NODE": "0"}, None),
        ({"SLURM_JOB_GPUS": ""}, None),
    ],
)
def test_host_gpus_reads_cuda_and_slurm_variables(environ, expected) -> None:
    assert host_gpus(environ) == expected
