"""One factory for every command-line runner: a runner is a config name plus fixed overrides."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omegaconf import DictConfig

EXIT_CONFIG_ERROR = 2
EXIT_INTERRUPTED = 130
_MULTIRUN_FLAGS = ("-m", "--multirun")


class _ReportedError(BaseException):
    """Carries an expected error out of a Hydra job.

    Hydra's job runner catches ``Exception`` and prints its own lines before
    re-raising; a ``BaseException`` passes straight through to the runner,
    which prints the one line.
    """

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def make_runner(config_name: str, overrides: Sequence[str] = ()) -> Callable[[], None]:
    """Make a console-script entry point that trains with ``configs/<config_name>.yaml``.

    The entry point runs ``hydra.main`` on the config, with ``overrides`` placed
    before the command line's own, so the user can still change anything. When
    ``sweep`` is true it runs a Hydra multirun over ``hydra.sweeper.params``.
    Errors a user can cause (an unknown key or config name, a wrong type, a
    model larger than the graphs) end the process with one line on stderr and
    exit status 2; an interrupt ends it with status 130. Neither leaves a
    ``results.json``. ``HYDRA_FULL_ERROR=1`` shows the traceback instead.

    Args:
        config_name: Name of a top-level config, e.g. ``base_config_spectral``.
        overrides: Hydra overrides always applied, e.g. ``("+stage=stage1_poc",)``.

    Returns:
        A callable taking no arguments; it reads ``sys.argv``.
    """
    fixed = tuple(overrides)

    def run() -> None:
        # Imported before Hydra sets up logging, so Lightning keeps its own plain console handler.
        from tmgg.runners.error_report import EXPECTED_ERRORS, one_line

        program = Path(sys.argv[0]).name or config_name
        workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
        if workspace:
            # Under `bazel run` the working directory is the runfiles tree; outputs belong in the checkout.
            os.chdir(workspace)
        arguments = [*fixed, *sys.argv[1:]]
        show_traceback = os.environ.get("HYDRA_FULL_ERROR") == "1"
        try:
            main = _hydra_main(config_name)
            if _sweep_requested(config_name, arguments) and not set(arguments) & set(_MULTIRUN_FLAGS):
                arguments.insert(0, "--multirun")
            with _argv([sys.argv[0], *arguments]), _hydra_raises():
                main()
            return
        except KeyboardInterrupt:
            print(f"{program}: interrupted; no results written", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        except _ReportedError as reported:
            error = reported.error
        except EXPECTED_ERRORS as expected:
            error = expected
        if show_traceback:
            raise error
        print(f"{program}: error: {one_line(error)}", file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)

    run.__name__ = run.__qualname__ = config_name
    run.__doc__ = f"Train with configs/{config_name}.yaml" + (f" and {' '.join(fixed)}" if fixed else "") + "."
    return run


def _task(cfg: DictConfig) -> None:
    from tmgg.runners.error_report import EXPECTED_ERRORS
    from tmgg.training import format_summary, train
    from tmgg.training.train import RESULTS_FILE

    try:
        train(cfg)
    except EXPECTED_ERRORS as error:
        raise _ReportedError(error) from error
    results = json.loads((Path(cfg.paths.results_dir) / RESULTS_FILE).read_text(encoding="utf-8"))
    print(format_summary(results), flush=True)


def _hydra_main(config_name: str) -> Callable[[], None]:
    import hydra

    from tmgg.paths import config_dir

    return hydra.main(config_path=str(config_dir()), config_name=config_name, version_base="1.3")(_task)


def _sweep_requested(config_name: str, arguments: Sequence[str]) -> bool:
    """The value ``sweep`` will have, read from the YAML files without composing the config.

    It starts from ``configs/<config_name>.yaml``; a ``# @package _global_`` config
    chosen on the command line (a stage, ``+stage=stage3_diversity``) may change
    it, and an explicit ``sweep=...`` has the last word, as in Hydra.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from tmgg.paths import config_dir

    configs = config_dir()
    sweep = _top_level_value(configs / f"{config_name}.yaml", "sweep", False)
    try:
        parsed = OverridesParser.create().parse_overrides([a for a in arguments if not a.startswith("-")])
    except Exception:
        # Hydra reports malformed overrides itself, in one line, when it composes.
        return bool(sweep)
    for override in parsed:
        value = None if override.is_delete() else override.value()
        if override.key_or_group != "sweep" and isinstance(value, str):
            chosen = configs / override.key_or_group / f"{value}.yaml"
            if chosen.is_file() and _is_global_package(chosen):
                sweep = _top_level_value(chosen, "sweep", sweep)
    for override in parsed:
        if override.key_or_group == "sweep":
            sweep = not override.is_delete() and override.value() is True
    return bool(sweep)


def _top_level_value(path: Path, key: str, default: object) -> object:
    from omegaconf import OmegaConf

    if not path.is_file():
        return default
    return OmegaConf.load(path).get(key, default)


def _is_global_package(path: Path) -> bool:
    with path.open(encoding="utf-8") as handle:
        return any(line.replace(" ", "").strip() == "#@package_global_" for line in handle)


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
