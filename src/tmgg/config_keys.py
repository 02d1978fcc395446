"""Did-you-mean for config keys: the nearest existing full path to a key the config lacks.

Hydra answers an override of a key the config lacks (``model.num_layers=16``)
with ``Could not override 'model.num_layers'. To append to your config use
+model.num_layers=16``, advice that is wrong when the key lives elsewhere
(``model.net.num_layers``) and appending it only fails later. Here the key is
looked up by name along the config tree: a path whose last part is the key's
name (or a known other name for it, ``learning_rate`` for ``lr``, or a close
spelling) and whose parents differ least from the key's (a level added, a
level dropped, a folder misspelt) is suggested. A key no composed config holds
is looked up in the config options' files too (``wandb.project`` lives in
``logger=wandb``). The ``+key`` advice is given only where the key would be
accepted: its node builds a ``_target_`` that takes an argument of that name,
or it is one of the plain keys the code reads when present (``rerun``).

Only Hydra and OmegaConf are imported, and a ``_target_`` only to read its
signature.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

# Names the original tmgg (and common usage) gave keys that tmgg names otherwise.
ALIASES = {
    "learning_rate": "lr",
    "epochs": "max_epochs",
    "num_epochs": "max_epochs",
    "steps": "max_steps",
    "num_steps": "max_steps",
}
# Keys no config sets but the code reads when present: `+rerun=true` is accepted.
OPTIONAL_ROOT_KEYS = frozenset({"rerun"})
# A suggestion costs at most this much: a level added or dropped (1) plus another name for the key (0.5).
MAX_COST = 1.5
CLOSE_SPELLING = 0.8
_OVERRIDE = re.compile(r"Could not override '([^']+)'")
_DELETE = re.compile(r"Could not delete from config\. '([^']+)' does not exist")
_PACKAGE = re.compile(r"^#\s*@package\s+(\S+)", re.MULTILINE)


def missing_key(error: BaseException) -> str | None:
    """The key of a Hydra composition error about a key the config lacks, else None."""
    message = str(error)
    found = _OVERRIDE.search(message) or _DELETE.search(message)
    if not found:
        return None
    cause = str(error.__cause__ or "")
    if _OVERRIDE.search(message) and error.__cause__ is not None and "not in struct" not in cause:
        return None  # the key exists; its value was refused
    return found.group(1)


def explain_refusal(error: BaseException, config_name: str, overrides: Sequence[str], compose: Callable[[list[str]], Any]) -> str | None:
    """One line for Hydra's refusal of an override of a key the config lacks; None for any other error.

    Args:
        error: what Hydra raised while composing ``overrides``.
        config_name: the top-level config.
        overrides: the command line's overrides (flags such as ``-m`` are ignored).
        compose: composes ``config_name`` with the overrides it is given (the others, without the refused one).
    """
    key = missing_key(error)
    if key is None:
        return None
    lines = [line for line in overrides if not line.startswith("-")]
    rest = [line for line in lines if _override_key(line) != key]
    value = next((line.partition("=")[2] for line in lines if _override_key(line) == key), "...")
    return explain_missing_key(key, value, config_name, lambda: compose(rest))


def _override_key(line: str) -> str:
    return line.partition("=")[0].lstrip("+~")


def explain_missing_key(key: str, value: str, config_name: str, compose: Callable[[], Any] | None) -> str:
    """One line for an override of ``key`` that the config of ``config_name`` lacks.

    Args:
        key: the dotted key, e.g. ``model.num_layers``.
        value: the override's value, for the ``+key=value`` advice.
        config_name: the top-level config, named in the message.
        compose: returns the config without the offending override, or None when unavailable.

    Returns:
        ``model.num_layers is not a key of base_config_attention; did you mean model.net.num_layers?``
    """
    cfg = None
    if compose is not None:
        try:
            cfg = compose()
        except Exception:  # the rest of the command line is refused too; suggest from options alone
            cfg = None
    head = f"{key} is not a key of {config_name}"
    if cfg is not None:
        if plus_accepted(cfg, key):
            return f"{key} is not set in {config_name}; to add it, use +{key}={value}"
        close = nearest_keys(key, config_paths(cfg))
        if close:
            return f"{head}; did you mean {' or '.join(close)}?"
    try:
        from tmgg.paths import config_dir

        options = option_paths(config_dir())
    except Exception:
        options = {}
    close = nearest_keys(key, options)
    if close:
        return f"{head}; did you mean {' or '.join(f'{path} (with {options[path]})' for path in close)}?"
    return f"{head}, nor of any config option"


def nearest_keys(missing: str, paths: Iterable[str], limit: int = 3) -> list[str]:
    """The existing paths nearest to ``missing`` by name along the tree, best first.

    Args:
        missing: a dotted key the config lacks, e.g. ``model.learning_rate``.
        paths: every dotted path of the config, nodes and leaves.
        limit: at most this many suggestions, all equally near.

    Returns:
        The nearest paths (``["model.optimizer.lr"]``), or none within :data:`MAX_COST`.
    """
    wanted = missing.split(".")
    name, parents = wanted[-1], wanted[:-1]
    scored = []
    for path in paths:
        parts = path.split(".")
        name_cost = _name_cost(name, parts[-1])
        if name_cost is None:
            continue
        cost = name_cost + _parents_cost(parents, parts[:-1])
        if cost <= MAX_COST:
            shared = len(set(parents) & set(parts[:-1]))
            scored.append((cost, -shared, len(parts), path))
    scored.sort()
    if not scored:
        return []
    best = scored[0][:2]
    return [path for *rank, path in scored if tuple(rank[:2]) == best][:limit]


def config_paths(cfg: Any, prefix: str = "") -> list[str]:
    """Every dotted path of a config, nodes and leaves, without Hydra's own node; nothing resolved."""
    from omegaconf import DictConfig

    paths = []
    for key in cfg.keys():
        if not prefix and key == "hydra":
            continue
        path = f"{prefix}{key}"
        paths.append(path)
        node = cfg._get_node(key)
        if isinstance(node, DictConfig) and not node._is_none() and not node._is_missing() and not node._is_interpolation():
            paths += config_paths(node, f"{path}.")
    return paths


def option_paths(configs: Path) -> dict[str, str]:
    """Every key the config options' files set, with the override that loads it (``logger=wandb``).

    A file's keys sit under its group (the first folder) or its ``# @package``
    line. Hydra's own and the stage configs are left out: they set keys the
    runner configs already hold.
    """
    from omegaconf import DictConfig, OmegaConf

    found: dict[str, str] = {}
    for path in sorted(configs.rglob("*.yaml")):
        relative = path.relative_to(configs).with_suffix("").as_posix()
        group, _, option = relative.partition("/")
        if not option or group in ("hydra", "stage"):
            continue
        text = path.read_text(encoding="utf-8")
        package = _PACKAGE.search(text)
        prefix = package.group(1) if package else group
        if group == "module" and not package:
            continue  # included by the model configs (`/module/denoiser@_here_`): their keys are composed
        loaded = OmegaConf.create(text)
        if not isinstance(loaded, DictConfig):
            continue
        loaded.pop("defaults", None)
        how = f"+{group}={option}" if package else f"{group}={option}"
        for key in config_paths(loaded):
            full = key if prefix == "_global_" else f"{prefix}.{key}"
            found.setdefault(full, how)
    return found


def plus_accepted(cfg: Any, key: str) -> bool:
    """Whether ``+key=...`` would be accepted: its node's ``_target_`` takes the name, or the code reads it."""
    from omegaconf import DictConfig, OmegaConf

    parent, _, name = key.rpartition(".")
    if not parent:
        return name in OPTIONAL_ROOT_KEYS
    node = OmegaConf.select(cfg, parent, default=None, throw_on_resolution_failure=False)
    if not isinstance(node, DictConfig) or "_target_" not in node:
        return False
    parameters = _parameters(node._target_)
    if parameters is None:
        return False
    import inspect

    return name in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _parameters(target_name: str) -> dict[str, Any] | None:
    import inspect

    from hydra.utils import get_object

    try:
        return dict(inspect.signature(get_object(target_name)).parameters)
    except Exception:
        return None


def _name_cost(wanted: str, have: str) -> float | None:
    if wanted == have:
        return 0.0
    if ALIASES.get(wanted) == have or ALIASES.get(have) == wanted:
        return 0.5
    if have.startswith("_") or wanted.startswith("_"):
        return None
    if difflib.SequenceMatcher(None, wanted, have).ratio() >= CLOSE_SPELLING:
        return 0.5
    return None


def _parents_cost(wanted: Sequence[str], have: Sequence[str]) -> float:
    """Edit distance between two lists of key names; a misspelt name costs half."""
    previous = [float(j) for j in range(len(have) + 1)]
    for i, part in enumerate(wanted, 1):
        current = [float(i)]
        for j, other in enumerate(have, 1):
            if part == other:
                change = 0.0
            elif difflib.SequenceMatcher(None, part, other).ratio() >= CLOSE_SPELLING:
                change = 0.5
            else:
                change = 1.0
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + change))
        previous = current
    return previous[-1]
