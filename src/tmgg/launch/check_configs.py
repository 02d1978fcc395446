"""Configs the checks append to a job; no launch loads them by itself.

``QUICK_TRAINING`` (configs/quick/train.yaml) cuts a job to two training steps with validation
after each and no checkpoint. The training check (``job_check.check_trains``, run by
``tools/tmgg preflight``), the runner targets and the SLURM check train with it, so none of
them spells those trainer settings again.
"""

QUICK_TRAINING = "+quick=train"


def config_path(override: str) -> str:
    """The config file an appended group override loads, relative to configs/ and without .yaml."""
    group, _, option = override.removeprefix("+").partition("=")
    return f"{group}/{option}"
