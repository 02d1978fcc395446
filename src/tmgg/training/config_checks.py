"""Checks a composed config before anything is built, so mistakes fail in one clear line.

Hydra checks that overridden keys exist, but without a schema it accepts any
value: ``trainer.max_steps=abc`` would reach Lightning as a string and fail deep
inside it. These checks compare every node that has a ``_target_`` with the
signature of the callable it names, and compare the model with the data.
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any, Literal, Union

import torch
from hydra.utils import get_object
from omegaconf import DictConfig, ListConfig, OmegaConf

from tmgg.training.errors import ConfigError

_HYDRA_KEYS = frozenset({"_target_", "_partial_", "_args_", "_recursive_", "_convert_"})
_NAMED_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def check_targets(cfg: DictConfig, prefix: str = "") -> None:
    """Check every ``_target_`` node below ``cfg`` against its callable's signature.

    Unknown arguments and scalar values whose type cannot match the annotation
    raise. Annotations this check does not understand (an arbitrary class, a
    string forward reference) are trusted, so it never rejects a valid config.

    Args:
        cfg: Composed config (or a node of it).
        prefix: Dotted key of ``cfg`` within the whole config, for messages.

    Raises:
        ConfigError: naming the key, its value and the expected type.
    """
    if "_target_" in cfg:
        _check_node(cfg, prefix)
    for key in cfg:
        if key in _HYDRA_KEYS or OmegaConf.is_interpolation(cfg, key) or OmegaConf.is_missing(cfg, key):
            # An interpolated node is checked where it is defined, e.g. data.noise at noise.
            continue
        value = cfg[key]
        if isinstance(value, DictConfig):
            check_targets(value, f"{prefix}{key}.")


def check_net_fits_data(net: Any, num_nodes: int, key: str = "model.net") -> None:
    """Reject a model whose size settings do not fit the graphs.

    Args:
        net: The torch model; ``k`` (eigenvectors used) and ``max_nodes``
            (input size of the baselines) are read when present.
        num_nodes: Nodes per graph in the data.
        key: Dotted config key of ``net``, for messages.

    Raises:
        ConfigError: if ``k > num_nodes`` or ``max_nodes < num_nodes``.
    """
    k = getattr(net, "k", None)
    if isinstance(k, int) and k > num_nodes:
        raise ConfigError(f"{key}.k={k} is larger than the graph: data has {num_nodes} nodes")
    max_nodes = getattr(net, "max_nodes", None)
    if isinstance(max_nodes, int) and max_nodes < num_nodes:
        raise ConfigError(f"{key}.max_nodes={max_nodes} is smaller than the graph: data has {num_nodes} nodes")


def _check_node(node: DictConfig, prefix: str) -> None:
    target_name = node._target_
    try:
        target = get_object(target_name)
    except Exception as error:
        raise ConfigError(f"{prefix}_target_: cannot import {target_name!r} ({error})") from error
    parameters = _parameters(target)
    if parameters is None:
        return
    takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    for key in node:
        if key in _HYDRA_KEYS:
            continue
        parameter = parameters.get(key)
        if parameter is None:
            if takes_kwargs:
                continue
            raise ConfigError(_unknown_argument(node, prefix, key, target_name, parameters))
        if OmegaConf.is_missing(node, key):
            continue
        value = node[key]
        if isinstance(value, (DictConfig, ListConfig)):
            if _scalar_only(parameter.annotation):
                shown = OmegaConf.to_container(value, resolve=False)
                raise ConfigError(
                    f"{prefix}{key}={shown!r} has the wrong type: {target_name} expects {_describe(parameter.annotation)}"
                )
            continue
        if value is None and parameter.default is None:
            continue
        if _accepts(parameter.annotation, value) is False:
            raise ConfigError(
                f"{prefix}{key}={value!r} has the wrong type: {target_name} expects {_describe(parameter.annotation)}"
            )


def _unknown_argument(node: DictConfig, prefix: str, key: str, target_name: str, parameters: dict) -> str:
    """``model.num_layers is not an argument of ...; did you mean model.net.num_layers?`` (+key put it there)."""
    from tmgg.config_keys import config_paths, nearest_keys

    head = f"{prefix}{key} is not an argument of {target_name}"
    close = nearest_keys(key, [path for path in config_paths(node) if path != key])
    if close:
        return f"{head}; did you mean {' or '.join(prefix + path for path in close)}?"
    accepted = ", ".join(name for name, p in parameters.items() if p.kind in _NAMED_KINDS)
    return f"{head} (it takes: {accepted})"


def _parameters(target: Any) -> dict[str, inspect.Parameter] | None:
    try:
        signature = inspect.signature(target, eval_str=True)
    except Exception:
        try:
            signature = inspect.signature(target)
        except (TypeError, ValueError):
            return None
    return dict(signature.parameters)


def _accepts(annotation: Any, value: Any) -> bool | None:
    """Whether a scalar config value can match an annotation; None when unknown."""
    if annotation is inspect.Parameter.empty or annotation is Any or isinstance(annotation, str):
        return None
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        verdicts = [_accepts(member, value) for member in typing.get_args(annotation)]
        if True in verdicts:
            return True
        return None if None in verdicts else False
    if origin is Literal:
        return value in typing.get_args(annotation)
    if annotation in (None, type(None)):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation in (int, str):
        return isinstance(value, annotation)
    # Containers and tensors never come from a scalar; Hydra cannot build a tensor.
    container = origin if origin is not None else annotation
    if container in (list, tuple, dict, set) or container is torch.Tensor:
        return False
    if inspect.isclass(container) and container.__module__ == "collections.abc":
        return False
    return None


def _scalar_only(annotation: Any) -> bool:
    """Whether an annotation admits only scalars (``int``, ``float | None``, a Literal): no list or dict fits it."""
    if annotation in (int, float, bool, str, type(None), None):
        return True
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return True
    if origin in (Union, types.UnionType):
        return all(_scalar_only(member) for member in typing.get_args(annotation))
    return False


def _describe(annotation: Any) -> str:
    if inspect.isclass(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "")
