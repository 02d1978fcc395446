"""Which config files the launches load, and a launch for every option that none of them loads.

A launch is a runner's command line with no user overrides: every top-level
config (``configs/<name>.yaml``) and every stage (``configs/stage/<name>.yaml``),
as one job and, where it sweeps, as each of its sweep's jobs. A config file
that none of those loads (``trainer/cpu.yaml``, ``logger/wandb.yaml``,
``module/scheduler/step.yaml``) is an *option*: it is checked by composing the
launch whose defaults list uses the same config group, with that group switched
to the option (``base_config_spectral:logger=wandb``). A file that no launch can
host (a group no defaults list names) is reported as unplaceable.

Only Hydra is imported: no torch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tmgg.launch.check_configs import QUICK_TRAINING, config_path
from tmgg.launch.launch_plan import Job, LaunchPlan, hydra_config_loader, plan_launch
from tmgg.launch.launcher_check import LAUNCHER_GROUP

SINGLE_RUN = "sweep=false"


def launch_labels(configs: Path) -> list[str]:
    """Every runner config: top-level configs, then stages, each sorted."""
    return [path.stem for path in sorted(configs.glob("*.yaml"))] + [
        path.stem for path in sorted((configs / "stage").glob("*.yaml"))
    ]


def single_job(label: str, extra: Iterable[str] = (), configs: Path | None = None) -> Job:
    """The one job a runner launches with ``sweep=false`` (and ``extra``)."""
    return _runner_plan(label, [*extra, SINGLE_RUN], configs).jobs[0]


def sweep_plan(label: str, configs: Path | None = None, extra: Iterable[str] = ()) -> LaunchPlan:
    """What the runner launches with no arguments (or ``extra``): one job, or its sweep's jobs."""
    return _runner_plan(label, list(extra), configs)


def _runner_plan(label: str, arguments: list[str], configs: Path | None) -> LaunchPlan:
    from tmgg.launch.runner_names import runner_arguments

    config_name, fixed = runner_arguments(label, configs)
    return plan_launch(config_name, [*fixed, *arguments], label, None if configs is None else str(configs))


@dataclass(frozen=True)
class OptionCase:
    """An option checked within a launch: ``host`` with ``override`` (``logger=wandb``)."""

    host: str
    override: str

    @property
    def id(self) -> str:
        return f"{self.host}:{self.override}"

    @classmethod
    def parse(cls, case_id: str) -> OptionCase:
        host, sep, override = case_id.partition(":")
        if not sep or "=" not in override:
            raise ValueError(f"option case {case_id!r} is not HOST:GROUP=OPTION")
        return cls(host, override)

    @property
    def group(self) -> str:
        return self.override.partition("=")[0]

    @property
    def is_launcher(self) -> bool:
        """A ``hydra/launcher`` option, checked within its host's sweep rather than as a job."""
        return self.group == LAUNCHER_GROUP

    def job(self, configs: Path | None = None) -> Job:
        return single_job(self.host, [self.override], configs)

    def plan(self, configs: Path | None = None) -> LaunchPlan:
        """The host's sweep launched with this option."""
        return sweep_plan(self.host, configs, [self.override])


@dataclass(frozen=True)
class _GroupUse:
    """A config group a launch chooses an option of (Hydra's ``hydra.runtime.choices``)."""

    host: str
    group: str
    config_path: str


def loaded_files(job: Job, configs: Path) -> tuple[set[str], list[_GroupUse]]:
    """The config files (relative, without ``.yaml``) the job's composition loads, and its group choices."""
    from hydra.types import RunMode

    with hydra_config_loader(str(configs)) as loader:
        result = loader.compute_defaults_list(
            config_name=job.config_name, overrides=[*job.hydra_overrides, *job.overrides], run_mode=RunMode.RUN
        )
    files = {
        default.config_path
        for default in result.defaults
        if default.config_path and (configs / f"{default.config_path}.yaml").is_file()
    }
    uses = [
        _GroupUse(job.label, group, f"{group}/{choice}")
        for group, choice in result.overrides.known_choices.items()
        if choice is not None and f"{group}/{choice}" in files
    ]
    return files, uses


def uncovered_options(configs: Path) -> tuple[list[OptionCase], list[str]]:
    """Option cases for the files no launch loads, and the files no launch can host.

    Returns:
        ``(cases, unplaceable)``; ``unplaceable`` lists files like ``configs/foo/bar.yaml``.
    """
    covered: set[str] = set()
    uses: list[_GroupUse] = []
    for label in launch_labels(configs):
        plan = sweep_plan(label, configs)
        # Launchers choose how a sweep's jobs run, not what a job builds, and no launch's defaults list
        # names their group (Hydra's own config does): the first launch that sweeps hosts them.
        if plan.multirun and not any(use.group == LAUNCHER_GROUP for use in uses):
            uses.append(_GroupUse(label, LAUNCHER_GROUP, f"{LAUNCHER_GROUP}/basic"))
        # Each job once, in a fixed order (a sweep's single job may equal one of its jobs).
        for job in dict.fromkeys([single_job(label, configs=configs), *plan.jobs]):
            files, job_uses = loaded_files(job, configs)
            covered |= files
            uses += job_uses
    # The quick-training config is no launch's: the checks append it (+quick=train), and the runner targets train with it.
    covered.add(config_path(QUICK_TRAINING))
    every = {path.relative_to(configs).with_suffix("").as_posix() for path in configs.rglob("*.yaml")}
    cases, unplaceable = [], []
    for path in sorted(every - covered):
        hosts = [use for use in uses if path.startswith(use.group + "/")]
        if not hosts:
            unplaceable.append(f"configs/{path}.yaml")
            continue
        # The host whose current choice is closest to the option: model/gnn/gnn for model/gnn/node_variant.
        best = max(hosts, key=lambda use: len(os.path.commonprefix([use.config_path, path])))
        cases.append(OptionCase(best.host, f"{best.group}={path[len(best.group) + 1:]}"))
    return cases, unplaceable
