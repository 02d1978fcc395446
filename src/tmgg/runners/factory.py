"""One factory for every command-line runner: a runner is a config name plus fixed overrides."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tmgg.report.reported_error import ReportedError

if TYPE_CHECKING:
    from omegaconf import DictConfig

EXIT_JOB_FAILED = 1
EXIT_CONFIG_ERROR = 2
EXIT_INTERRUPTED = 130


def make_runner(config_name: str, overrides: Sequence[str] = ()) -> Callable[[], None]:
    """Make a console-script entry point that trains with ``configs/<config_name>.yaml``.

    The entry point runs ``hydra.main`` on the config, with ``overrides`` placed
    before the command line's own, so the user can still change anything. When
    ``sweep`` is true, Hydra's ``hydra.mode`` is MULTIRUN (configs/hydra/default.yaml)
    and Hydra runs a multirun over ``hydra.sweeper.params``; ``-m`` always does.
    Errors a user can cause (an unknown key or config name, a wrong type, a
    model larger than the graphs) end the process with one line on stderr and
    exit status 2; an interrupt ends it with status 130. Neither leaves a
    ``results.json``. ``HYDRA_FULL_ERROR=1`` shows the traceback instead.

    In a multirun each job runs through :func:`tmgg.sweep.sweep_job.run_sweep_job`
    (skipped when its results are already complete; a failure fails that job
    only), and the run ends with one line per job. When a job failed, the
    runner exits 2 for an error a user can cause and 1 for any other (a job
    killed on the cluster), after that summary.

    Args:
        config_name: Name of a top-level config, e.g. ``base_config_spectral``.
        overrides: Hydra overrides always applied, e.g. ``("+stage=stage1_poc",)``.

    Returns:
        A callable taking no arguments; it reads ``sys.argv``.
    """
    fixed = tuple(overrides)

    def run() -> None:
        # Imported before Hydra sets up logging, so Lightning keeps its own plain console handler.
        from tmgg.report.error_report import EXPECTED_ERRORS, one_line, one_line_any
        from tmgg.sweep.sweep_job import JobFailed

        program = Path(sys.argv[0]).name or config_name
        workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
        if workspace:
            # Under `bazel run` the working directory is the runfiles tree; outputs belong in the checkout.
            os.chdir(workspace)
        arguments = [*fixed, *sys.argv[1:]]
        show_traceback = os.environ.get("HYDRA_FULL_ERROR") == "1"
        try:
            refusal = None if show_traceback else _refusal(config_name, arguments)
            if refusal is not None:
                print(f"{program}: error: {refusal}", file=sys.stderr)
                sys.exit(EXIT_CONFIG_ERROR)
            main = _hydra_main(config_name)
            with _argv([sys.argv[0], *arguments]), _hydra_raises():
                main()
            return
        except KeyboardInterrupt:
            _print_sweep_summary()
            print(f"{program}: interrupted; no results written", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        except ReportedError as reported:
            error = reported.error
        except EXPECTED_ERRORS as expected:
            error = expected
        except Exception as failure:
            # A job of a multirun failed: Hydra's launchers ran the others, and re-raise the first failure.
            error, swept = failure, _print_sweep_summary()
            if show_traceback or not swept:
                raise
            if isinstance(error, JobFailed):
                print(f"{program}: error: {error}", file=sys.stderr)
                sys.exit(EXIT_CONFIG_ERROR)
            print(f"{program}: error: {one_line_any(error)}", file=sys.stderr)
            sys.exit(EXIT_JOB_FAILED)
        _print_sweep_summary()
        if show_traceback:
            raise error
        print(f"{program}: error: {_explained(error, config_name, arguments) or one_line(error)}", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)

    run.__name__ = run.__qualname__ = config_name
    run.__doc__ = f"Train with configs/{config_name}.yaml" + (f" and {' '.join(fixed)}" if fixed else "") + "."
    return run


def _task(cfg: DictConfig) -> str | None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from tmgg.report.error_report import EXPECTED_ERRORS
    from tmgg.launch.plain_keys import PlainKeyError, check_plain_keys
    from tmgg.training import format_summary, train
    from tmgg.training.train import RESULTS_FILE

    try:
        check_plain_keys(cfg)
    except PlainKeyError as error:
        raise ReportedError(error) from error
    if HydraConfig.get().mode == RunMode.MULTIRUN:
        from tmgg.sweep.sweep_job import run_sweep_job

        return run_sweep_job(cfg)
    try:
        train(cfg)
    except EXPECTED_ERRORS as error:
        raise ReportedError(error) from error
    results = json.loads((Path(cfg.paths.results_dir) / RESULTS_FILE).read_text(encoding="utf-8"))
    print(format_summary(results), flush=True)
    return None


def _refusal(config_name: str, arguments: Sequence[str]) -> str | None:
    """Plan the launch as preflight does, before any job runs: Hydra's refusal of any job of a sweep, or None.

    Hydra composes a sweep's jobs one by one as it launches them, so a misspelt
    option in the third job would fail only after two jobs had trained. Hydra's
    own flags (``--cfg``, ``--help``, ...) are left to Hydra.
    """
    from tmgg.report.error_report import describe_refusal
    from tmgg.launch.job_check import task_config
    from tmgg.launch.launch_plan import MULTIRUN_FLAGS, LaunchError, plan_launch
    from tmgg.launch.plain_keys import check_plain_keys
    from tmgg.training.config_checks import check_targets

    if any(argument.startswith("-") and argument not in MULTIRUN_FLAGS for argument in arguments):
        return None
    try:
        plan = plan_launch(config_name, arguments)
    except LaunchError as error:
        return describe_refusal(error)
    for job in plan.jobs:
        # Types as launched, before Hydra makes the run's folder: a refusal leaves nothing behind.
        with job.config() as cfg:
            task = task_config(cfg)
            check_plain_keys(task)
            check_targets(task)
    return None


def _explained(error: BaseException, config_name: str, arguments: Sequence[str]) -> str | None:
    """For an override of a key the config lacks, the line naming the key to use instead; else None."""
    from tmgg.config_keys import explain_refusal
    from tmgg.launch.launch_plan import hydra_config_loader

    def compose(rest: list[str]):
        from hydra.types import RunMode

        with hydra_config_loader() as loader:
            return loader.load_configuration(
                config_name=config_name, overrides=rest, run_mode=RunMode.MULTIRUN, validate_sweep_overrides=False
            )

    return explain_refusal(error, config_name, arguments, compose)


def _print_sweep_summary() -> bool:
    """Print the summary of a multirun that ended early; whether there was one."""
    from tmgg.sweep.sweep_callback import last_summary

    summary = last_summary()
    if summary is None:
        return False
    print("\n".join(summary.lines()), flush=True)
    return True


def _hydra_main(config_name: str) -> Callable[[], None]:
    import hydra

    from tmgg.paths import config_dir
    from tmgg.launch.launch_plan import register_run_mode_resolver

    register_run_mode_resolver()
    return hydra.main(config_path=str(config_dir()), config_name=config_name, version_base="1.3")(_task)


@contextlib.contextmanager
def _argv(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


@contextlib.contextmanager
def _hydra_raises() -> Iterator[None]:
    """Make hydra.main raise errors instead of printing a trace and exiting 1; the runner prints one line."""
    saved = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["HYDRA_FULL_ERROR"]
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved
