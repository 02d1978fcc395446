"""Command-line runners, one per config, all made by :func:`make_runner`.

Entry points are looked up by name on this module (``tmgg.runners:<name>`` in
``[project.scripts]``):

- a top-level config ``configs/<name>.yaml`` gives a runner for that config,
  e.g. ``base_config_spectral``;
- a stage config ``configs/stage/<name>.yaml`` gives a runner for
  ``base_config_spectral`` with ``+stage=<name>``, e.g. ``stage1_poc``.

Adding a runner is adding its config (and its line in ``[project.scripts]``).
"""

from __future__ import annotations

from collections.abc import Callable

from tmgg.launch.runner_names import STAGE_BASE_CONFIG, console_scripts, runner_arguments, runner_label
from tmgg.runners.factory import make_runner

__all__ = ["STAGE_BASE_CONFIG", "console_scripts", "make_runner", "runner_arguments", "runner_for", "runner_label"]


def runner_for(name: str) -> Callable[[], None]:
    """Return the runner called ``name``.

    Args:
        name: A top-level config name or a stage name.

    Returns:
        A zero-argument entry point.

    Raises:
        AttributeError: if no config of that name exists.
    """
    from tmgg.paths import ConfigDirNotFound, config_dir

    try:
        configs = config_dir()
    except ConfigDirNotFound:
        # Without configs no name can be checked; the runner reports the missing
        # folder in one line when called, which beats a bare ImportError.
        return make_runner(name)
    return make_runner(*runner_arguments(name, configs))


def __getattr__(name: str) -> Callable[[], None]:
    if name.startswith("_") or not name.isidentifier():
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return runner_for(name)
