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

import tomllib
from collections.abc import Callable
from pathlib import Path

from tmgg.runners.factory import make_runner

STAGE_BASE_CONFIG = "base_config_spectral"

__all__ = ["STAGE_BASE_CONFIG", "console_scripts", "make_runner", "runner_arguments", "runner_for", "runner_label"]


def console_scripts(pyproject: Path) -> dict[str, str]:
    """The runners a pyproject.toml declares: its ``[project.scripts]``, in file order.

    Args:
        pyproject: the path of a pyproject.toml.

    Returns:
        ``{script: "module:name"}``, e.g. ``{"tmgg-spectral": "tmgg.runners:base_config_spectral"}``.
    """
    return tomllib.loads(pyproject.read_text()).get("project", {}).get("scripts", {})


def runner_label(runner: str, configs: Path) -> str:
    """The runner config of a console script (via pyproject.toml beside configs/), or ``runner`` itself."""
    pyproject = configs.parent / "pyproject.toml"
    scripts = console_scripts(pyproject) if pyproject.is_file() else {}
    if runner in scripts:
        return scripts[runner].partition(":")[2]
    return runner


def runner_arguments(name: str, configs: Path | None = None) -> tuple[str, tuple[str, ...]]:
    """The config a runner composes and its fixed overrides.

    Args:
        name: A top-level config name or a stage name.
        configs: the configs folder; default: :func:`tmgg.paths.config_dir`.

    Returns:
        ``(config name, fixed overrides)``, e.g. ``("base_config_spectral", ("+stage=stage1_poc",))``.

    Raises:
        AttributeError: if no config of that name exists.
    """
    from tmgg.paths import config_dir

    configs = configs or config_dir()
    if (configs / f"{name}.yaml").is_file():
        return name, ()
    if (configs / "stage" / f"{name}.yaml").is_file():
        return STAGE_BASE_CONFIG, (f"+stage={name}",)
    raise AttributeError(f"module {__name__!r} has no runner {name!r}: no configs/{name}.yaml or configs/stage/{name}.yaml")


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
