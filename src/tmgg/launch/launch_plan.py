"""What a runner's command line launches: one job, or the jobs of a Hydra multirun.

Everything here is Hydra's own logic, called rather than re-implemented:
whether a command line is a multirun is Hydra's ``hydra.mode`` after
composition (set by ``-m``/``--multirun`` or by the config, see
``configs/hydra/default.yaml``), the sweep is parsed by Hydra's override parser
(ranges, choice lists, ``glob``, quoting) and expanded by ``BasicSweeper``, and
each job's config is built by the config loader's ``load_sweep_config``, the
call Hydra's launcher makes. Nothing is run and nothing is written.

Only Hydra and OmegaConf are imported, so planning costs no torch import.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omegaconf import DictConfig

MULTIRUN_FLAGS = ("-m", "--multirun")
RUN_MODE_RESOLVER = "tmgg.run_mode"
# A config option as a sweep writes it: `spectral/filter_bank`, not a list or an interpolation.
_OPTION = re.compile(r"[\w./-]+")


class LaunchError(ValueError):
    """A command line that launches nothing: Hydra rejects it, or its sweep has no jobs.

    When Hydra's error is the cause (``raise ... from error``), the message reads
    ``<label>: <its type>: <its text>`` and :func:`tmgg.report.error_report.one_line`
    describes the cause in one line instead of repeating its text.
    """

    def __init__(self, message: str, label: str = "") -> None:
        super().__init__(message)
        self.label = label


def register_run_mode_resolver() -> None:
    """Register ``${tmgg.run_mode:<bool>}``, which turns the ``sweep`` flag into Hydra's ``hydra.mode``."""
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver(RUN_MODE_RESOLVER):
        OmegaConf.register_new_resolver(RUN_MODE_RESOLVER, _run_mode_of)


def _run_mode_of(sweep: object) -> str:
    """Hydra's mode for the ``sweep`` flag, which must be a bool: ``sweep=abc`` is refused, not taken as true."""
    from tmgg.launch.plain_keys import check_plain_key

    check_plain_key("sweep", sweep)
    return "MULTIRUN" if sweep else "RUN"


@dataclass(frozen=True)
class Job:
    """One job of a launch, as Hydra's launcher would compose it.

    Attributes:
        label: the runner's config (``stage4_benchmarks``) that names the job.
        config_name: the top-level config Hydra composes (``base_config_spectral``).
        overrides: the job's task overrides, in Hydra's order.
        swept: the overrides the sweep chose for this job (empty for a single run).
        hydra_overrides: ``hydra.*`` overrides from the command line, applied to every job.
    """

    label: str
    config_name: str
    overrides: tuple[str, ...]
    swept: tuple[str, ...] = ()
    hydra_overrides: tuple[str, ...] = field(default=(), repr=False)

    @property
    def id(self) -> str:
        """``stage4_benchmarks[model=spectral/filter_bank,noise.eps=0.2]``, or the label alone."""
        return f"{self.label}[{','.join(self.swept)}]" if self.swept else self.label

    @contextlib.contextmanager
    def config(self, extra: Sequence[str] = (), configs: str | None = None) -> Iterator[DictConfig]:
        """The job's config (with its ``hydra`` node), composed with ``extra`` overrides last.

        Hydra's global state is set up for the composition (``${hydra:...}``
        resolves inside the block) and restored afterwards.

        Args:
            extra: overrides applied after the job's own, e.g. a test's output paths.
            configs: the configs folder; default: :func:`tmgg.paths.config_dir`.
        """
        from hydra.core.hydra_config import HydraConfig

        with hydra_config_loader(configs) as loader:
            cfg = loader.load_configuration(
                config_name=self.config_name,
                overrides=[*self.hydra_overrides, *self.overrides, *extra],
                run_mode=_run_mode("RUN"),
            )
            saved = HydraConfig.instance().cfg
            HydraConfig.instance().set_config(cfg)
            try:
                yield cfg
            finally:
                # train() reads HydraConfig: leave no job's config behind for the next caller.
                HydraConfig.instance().cfg = saved


@dataclass(frozen=True)
class LaunchPlan:
    """The jobs one command line launches."""

    label: str
    multirun: bool
    jobs: tuple[Job, ...]


def plan_launch(
    config_name: str, arguments: Sequence[str], label: str | None = None, configs: str | None = None
) -> LaunchPlan:
    """Expand a runner's command line into its jobs, as ``hydra.main`` would launch them.

    Args:
        config_name: the top-level config the runner composes.
        arguments: the runner's fixed overrides followed by the user's arguments;
            ``-m``/``--multirun`` may appear among them.
        label: names the jobs; default ``config_name``.
        configs: the configs folder; default: :func:`tmgg.paths.config_dir`.

    Returns:
        The plan: whether it is a multirun, and each job's overrides.

    Raises:
        LaunchError: Hydra cannot parse or compose the command line, or the sweep has no jobs.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    label = label or config_name
    flags = [a for a in arguments if a.startswith("-")]
    unknown = sorted(set(flags) - set(MULTIRUN_FLAGS))
    if unknown:
        raise LaunchError(f"unsupported flag {unknown[0]}: only -m/--multirun is understood here")
    overrides = [a for a in arguments if not a.startswith("-")]
    refuse_keyless(overrides, label)
    with hydra_config_loader(configs) as loader:
        try:
            parsed = OverridesParser.create(config_loader=loader).parse_overrides(overrides)
            hydra_overrides = [o.input_line for o in parsed if o.is_hydra_override()]
            task_overrides = [o.input_line for o in parsed if not o.is_hydra_override()]
            master = loader.load_configuration(
                config_name=config_name, overrides=overrides, run_mode=_run_mode("MULTIRUN"), validate_sweep_overrides=False
            )
            mode = master.hydra.mode
        except (HydraException, OmegaConfBaseException, OSError) as error:
            raise _refusal(error, label, config_name, overrides, loader) from error
        # Hydra's rule (hydra._internal.utils._run_app): -m forces a multirun; otherwise the config's mode.
        multirun = bool(flags) or mode == _run_mode("MULTIRUN")
        if not multirun:
            return LaunchPlan(label, False, (Job(label, config_name, tuple(task_overrides), (), tuple(hydra_overrides)),))
        # Imported once Hydra has scanned its plugins, which imports this module anew.
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

        declared = master.hydra.sweeper.get("params")
        params = OmegaConf.to_container(declared, resolve=False) if declared is not None else {}
        sweeper = BasicSweeper(max_batch_size=None, params=params)
        try:
            # What BasicSweeper.sweep does before it launches: its params, then the command line's task overrides.
            lines = [*sweeper._parse_config(), *task_overrides]
            sweep_parsed = OverridesParser.create(config_loader=loader).parse_overrides(lines)
            batches = BasicSweeper.split_arguments(sweep_parsed, max_batch_size=None)
        except (HydraException, OmegaConfBaseException) as error:
            raise LaunchError(f"{label}: the sweep cannot be expanded: {type(error).__name__}: {error}", label) from error
        _check_sweep(loader, config_name, label, [*hydra_overrides], [list(job) for batch in batches for job in batch])
    swept_keys = {o.get_key_element() for o in sweep_parsed if o.is_sweep_override()}
    jobs = tuple(
        Job(
            label,
            config_name,
            tuple(job),
            tuple(line for line in job if line.partition("=")[0] in swept_keys),
            tuple(hydra_overrides),
        )
        for batch in batches
        for job in batch
    )
    if not jobs:
        raise LaunchError(f"{label}: the sweep has no jobs (a sweep over an empty list or range)", label)
    return LaunchPlan(label, True, jobs)


def refuse_keyless(overrides: Sequence[str], label: str) -> None:
    """Refuse ``=0.1`` (no key): Hydra's parser takes it, then fails with a ValueError deep in composition."""
    for line in overrides:
        if "=" in line and not line.partition("=")[0].lstrip("+~").strip():
            message = f"the override {line!r} names no key: write KEY=VALUE"
            raise LaunchError(f"{label}: {message}" if label else message, label)


def _check_sweep(loader, config_name: str, label: str, hydra_overrides: list[str], jobs: list[list[str]]) -> None:
    """Refuse a sweep whose jobs name a config option that does not exist, or whose first job Hydra rejects.

    Hydra composes a sweep's jobs only as it launches them, so a misspelt option
    at any position, or a misspelt key, would fail the launch only then.
    """
    from hydra.errors import HydraException, MissingConfigException
    from omegaconf.errors import OmegaConfBaseException

    for line in dict.fromkeys(line for job in jobs for line in job):
        key, _, value = line.partition("=")
        group = key.lstrip("+~").partition("@")[0]
        if not _OPTION.fullmatch(value) or value == "null" or not loader.repository.group_exists(group):
            continue
        if not loader.repository.config_exists(f"{group}/{value}"):
            missing = MissingConfigException(f"In '{config_name}': Could not find '{group}/{value}'", f"{group}/{value}")
            raise LaunchError(f"{label}: MissingConfigException: {missing}", label) from missing
    if not jobs:
        return
    try:
        loader.load_configuration(config_name=config_name, overrides=[*hydra_overrides, *jobs[0]], run_mode=_run_mode("RUN"))
    except (HydraException, OmegaConfBaseException) as error:
        raise _refusal(error, label, config_name, [*hydra_overrides, *jobs[0]], loader) from error


def _refusal(error: Exception, label: str, config_name: str, overrides: list[str], loader) -> LaunchError:
    """Hydra's refusal as a LaunchError; an override of a key the config lacks names the key to use instead."""
    from tmgg.config_keys import explain_refusal

    def compose(rest: list[str]):
        return loader.load_configuration(
            config_name=config_name, overrides=rest, run_mode=_run_mode("MULTIRUN"), validate_sweep_overrides=False
        )

    explained = explain_refusal(error, config_name, overrides, compose)
    if explained is None:
        return LaunchError(f"{label}: {type(error).__name__}: {error}", label)
    return LaunchError(f"{label}: {explained}", label)


def _run_mode(name: str):
    from hydra.types import RunMode

    return RunMode[name]


@contextlib.contextmanager
def hydra_config_loader(configs: str | None = None):
    """Hydra initialised on tmgg's configs folder, cleared on exit; yields its config loader."""
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from tmgg.paths import config_dir

    register_run_mode_resolver()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(configs or config_dir()), version_base="1.3"):
            yield GlobalHydra.instance().config_loader()
    finally:
        GlobalHydra.instance().clear()
