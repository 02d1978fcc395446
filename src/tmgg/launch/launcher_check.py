"""Check a Hydra launcher option (``hydra/launcher=slurm``) within a sweep, without launching it.

Each launcher config in ``configs/hydra/launcher/`` builds on the plugin's own
config (the dataclass the plugin registers in Hydra's ConfigStore, named first
in its defaults list) and sets only what tmgg changes, so Hydra itself refuses
a key the plugin does not declare or a value of the wrong type when the sweep
is composed. The check composes the sweep as the user launches it, makes sure
the launcher node is typed by such a schema (a config that does not build on
one would let a misspelt key through to the launcher), resolves it (the
submitit folder names the sweep folder) and builds the launcher object
itself, which imports the plugin. Nothing is submitted.

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
        LauncherCheckError: the plan is no multirun, the launcher config is not built on a plugin's
            schema, or it does not build a Hydra launcher.
    """
    from hydra.plugins.launcher import Launcher
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    if not plan.multirun or len(plan.jobs) < 2:
        raise LauncherCheckError(f"{plan.label}: a launcher is checked within a sweep of 2 or more jobs")
    with plan.jobs[0].config() as cfg:
        choice = cfg.hydra.runtime.choices.get(LAUNCHER_GROUP)
        node = cfg.hydra.launcher
        if OmegaConf.get_type(node) is dict:
            raise LauncherCheckError(
                f"{LAUNCHER_GROUP}={choice} is not built on a launcher plugin's config, so a misspelt key would "
                f"pass unnoticed: start it with `defaults: [<the plugin's config, e.g. submitit_slurm>, _self_]`"
            )
        OmegaConf.to_container(node, resolve=True, throw_on_missing=True)
        launcher = instantiate(node)
    if not isinstance(launcher, Launcher):
        raise LauncherCheckError(f"{LAUNCHER_GROUP}={choice} builds {type(launcher).__name__}, not a Hydra Launcher")
    return type(launcher).__name__
