"""Turning the errors a user can cause into one line that names the key or file."""

from __future__ import annotations

import difflib
import re

from hydra.errors import HydraException, InstantiationException, MissingConfigException, OverrideParseException
from omegaconf.errors import OmegaConfBaseException

from tmgg.device.gpu_unavailable import GpuUnavailable
from tmgg.paths import ConfigDirNotFound, config_dir
from tmgg.launch.launch_plan import LaunchError
from tmgg.launch.plain_keys import PlainKeyError
from tmgg.slurm.slurm_cluster import SchedulerUnavailable
from tmgg.training.errors import TmggError

EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    TmggError,
    GpuUnavailable,
    HydraException,
    OmegaConfBaseException,
    ConfigDirNotFound,
    SchedulerUnavailable,
    PlainKeyError,
)


_RESOLVER_ERROR = re.compile(r"(?:PlainKeyError|ConfigError) raised while resolving interpolation: ([^\n]*)")


def one_line(error: BaseException) -> str:
    """Describe an expected error in one line.

    Args:
        error: One of :data:`EXPECTED_ERRORS`.

    Returns:
        The message without newlines, naming the config key or file involved.
    """
    if isinstance(error, LaunchError):
        return _launch_error(error)
    checked = _checking_resolver(error)
    if checked is not None:
        return checked
    if isinstance(error, MissingConfigException):
        return _missing_config(error)
    if isinstance(error, OverrideParseException):
        return _parse_error(error)
    if isinstance(error, InstantiationException):
        return _instantiation(error)
    return _flatten(str(error)) or type(error).__name__


def one_line_any(error: BaseException) -> str:
    """One line for any error: :func:`one_line` for an expected one, else its type and message joined."""
    if isinstance(error, (*EXPECTED_ERRORS, LaunchError)):
        return one_line(error)
    # Only the first line: a cluster's error may carry the job's whole stderr after it.
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _flatten(message: str) -> str:
    """Join a message's lines; OmegaConf's ``full_key:`` trailer becomes ``(at <key>)`` when not yet named."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    keys = [line.split(":", 1)[1].strip() for line in lines if line.startswith("full_key:")]
    text = " ".join(line for line in lines if not line.startswith(("full_key:", "object_type=", "reference_type=")))
    if keys and keys[0] and keys[0] not in text:
        text = f"{text} (at {keys[0]})"
    return text


def describe_refusal(error: LaunchError) -> str:
    """A refused command line in one line, without the runner's label: what a runner prints after its name."""
    cause = error.__cause__
    generic = f"{error.label}: {type(cause).__name__}: "
    if isinstance(cause, EXPECTED_ERRORS) and str(error).startswith(generic):
        return one_line(cause)
    text = _flatten(str(error))
    return text.removeprefix(f"{error.label}: ") if error.label else text


def _launch_error(error: LaunchError) -> str:
    """A refused command line: Hydra's error (its cause) in one line after the runner's label."""
    cause = error.__cause__
    generic = f"{error.label}: {type(cause).__name__}: "
    if isinstance(cause, EXPECTED_ERRORS) and str(error).startswith(generic):
        checked = _checking_resolver(cause)
        return f"{error.label}: {checked}" if checked is not None else generic + one_line(cause)
    return _flatten(str(error))


def _checking_resolver(error: BaseException) -> str | None:
    """The message of a resolver that checks a value (``${tmgg.run_mode:${sweep}}``), which names the key.

    OmegaConf drops the resolver's exception (its ``__cause__``) unless ``OC_CAUSE=1``, so it is read
    from the message: ``PlainKeyError raised while resolving interpolation: sweep='abc' has ...``.
    """
    if not isinstance(error, OmegaConfBaseException):
        return None
    if isinstance(error.__cause__, (TmggError, PlainKeyError)):
        return one_line(error.__cause__)
    found = _RESOLVER_ERROR.match(str(error))
    return found.group(1).strip() if found else None


def _parse_error(error: OverrideParseException) -> str:
    """``cannot parse the override 'seed=1,,2': extraneous input ','``: the override named, the grammar's token list and link dropped."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    detail = " ".join(line for line in lines if not line.startswith(("Error parsing override", "See https://")))
    detail = re.sub(r" expecting \{.*?\}", "", detail).strip() or "malformed"
    return f"cannot parse the override {error.override!r}: {detail}"


def _missing_config(error: MissingConfigException) -> str:
    """Hydra's first line, then the close names or the group's options; never its config search path."""
    head = str(error).strip().splitlines()[0] if str(error).strip() else "config not found"
    close = _close_config_names(error.missing_cfg_file) if error.missing_cfg_file else []
    if close:
        return f"{head}; did you mean {' or '.join(repr(name) for name in close)}?"
    options = _listed_options(str(error))
    if options:
        return f"{head} (options: {', '.join(options)})"
    return head


def _listed_options(message: str) -> list[str]:
    """The options Hydra lists after ``Available options in '<group>':``, up to its config search path."""
    lines = message.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Available options")), None)
    if start is None:
        return []
    options = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith("Config search path"):
            break
        options.append(line.strip())
    return options


def _close_config_names(missing: str) -> list[str]:
    """Existing configs spelled like ``missing`` (``model/spectral/linear_pee``), in Hydra's form.

    Names are compared within the folder of ``missing`` when it exists, so the
    shared folder prefix does not make every sibling look close.
    """
    try:
        root = config_dir()
    except ConfigDirNotFound:
        return []
    folder, _, name = missing.rpartition("/")
    if folder and (root / folder).is_dir():
        siblings = [path.stem for path in (root / folder).glob("*.yaml")]
        return [f"{folder}/{match}" for match in difflib.get_close_matches(name, siblings, n=2)]
    group = missing.split("/", 1)[0]
    names = [str(path.relative_to(root).with_suffix("")) for path in (root / group).rglob("*.yaml")]
    return difflib.get_close_matches(missing, names, n=2)


def _instantiation(error: InstantiationException) -> str:
    full_key = re.search(r"full_key: (\S+)", str(error))
    where = full_key.group(1) if full_key else "an object"
    cause = error.__cause__
    detail = f"{type(cause).__name__}: {_flatten(str(cause))}" if cause else _flatten(str(error))
    return f"cannot build {where}: {detail}"
