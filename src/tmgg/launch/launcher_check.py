"""Check a Hydra launcher option (``hydra/launcher=slurm``) within a sweep, without launching it.

The launcher configs in ``configs/hydra/launcher/`` take the place of the
plugins' own configs of the same name, so each must hold every key of the
plugin's schema (the dataclass the plugin registers in Hydra's ConfigStore)
with values of the right type; a key the schema lacks is a typo the launcher
would ignore or choke on. The check composes the sweep as the user launches
it, checks the launcher node against that schema, resolves it (the submitit
folder names the sweep folder) and builds the launcher object itself, which
imports the plugin. Nothing is submitted.

Only Hydra and OmegaConf are imported: no torch.
"""

from __future__ import annotations

from tmgg.launch.launch_plan import LaunchPlan

LAUNCHER_GROUP = "hydra/launcher"


class LauncherCheckError(AssertionError):
    """The launcher config would fail, or be misread, when the sweep is launched."""


def check_launcher(plan: LaunchPlan) -> str:
    """Check the launcher that would launch ``plan``'s jobs.

    Args:
        plan: a multirun, composed with a ``hydra/launcher=...`` override.

    Returns:
        The launcher class's name, e.g. ``SlurmLauncher``.

    Raises:
        LauncherCheckError: the plan is no multirun, or the config does not match the plugin's schema.
    """
    from hydra.core.config_store import ConfigStore
    from hydra.plugins.launcher import Launcher
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    if not plan.multirun or len(plan.jobs) < 2:
        raise LauncherCheckError(f"{plan.label}: a launcher is checked within a sweep of 2 or more jobs")
    with plan.jobs[0].config() as cfg:
        choice = cfg.hydra.runtime.choices.get(LAUNCHER_GROUP)
        node = cfg.hydra.launcher
        try:
            schema = ConfigStore.instance().load(f"{LAUNCHER_GROUP}/{choice}.yaml").node
        except Exception:
            schema = None
        if schema is not None:
            missing = sorted(set(schema.keys()) - set(node.keys()))
            if missing:
                raise LauncherCheckError(f"{LAUNCHER_GROUP}={choice} lacks the plugin's keys {missing}")
            # A structured schema refuses keys it does not declare and values of the wrong type.
            OmegaConf.merge(schema, node)
        OmegaConf.to_container(node, resolve=True, throw_on_missing=True)
        launcher = instantiate(node)
    if not isinstance(launcher, Launcher):
        raise LauncherCheckError(f"{LAUNCHER_GROUP}={choice} builds {type(launcher).__name__}, not a Hydra Launcher")
    return type(launcher).__name__
