"""Runner names: the console scripts pyproject.toml declares, and the config and fixed overrides each runner composes."""

from __future__ import annotations

import tomllib
from pathlib import Path

STAGE_BASE_CONFIG = "base_config_spectral"


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
    raise AttributeError(f"module 'tmgg.runners' has no runner {name!r}: no configs/{name}.yaml or configs/stage/{name}.yaml")
