"""The environment variables tmgg's configs may require, and resolving a config without the rest.

A config that reads ``${oc.env:NAME}`` without a default fails on any machine
where ``NAME`` is unset. Such a variable must be declared here, with what it is
for; the launch checks resolve every config with only the declared variables
visible, so a config that comes to require a new one fails with its key named.
Variables read with a default (``${oc.env:TMGG_OUTPUT_ROOT,outputs}``) need no
declaration: the checks resolve them to their default, as on a fresh machine.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping

# NAME -> what it is for. None of tmgg's configs requires one today.
REQUIRED_ENV_VARS: Mapping[str, str] = {}
# The value the checks give a declared variable that the machine leaves unset.
CHECK_VALUE = "tmgg-check"


class UndeclaredEnvironmentVariable(KeyError):
    """A config requires an environment variable that REQUIRED_ENV_VARS does not declare."""


@contextlib.contextmanager
def declared_environment_only(declared: Mapping[str, str] = REQUIRED_ENV_VARS) -> Iterator[None]:
    """Within the block, ``oc.env`` sees declared variables only, and undeclared ones take their default.

    Args:
        declared: the variables a config may require.

    Raises:
        UndeclaredEnvironmentVariable: (on resolution, wrapped by OmegaConf with the key)
            for ``${oc.env:NAME}`` with no default and NAME not declared.
    """
    from omegaconf import OmegaConf
    from omegaconf.resolvers import oc

    no_default = object()

    def env(key: str, default: object = no_default) -> object:
        if key in declared:
            return os.environ.get(key, CHECK_VALUE)
        if default is no_default:
            raise UndeclaredEnvironmentVariable(
                f"the config reads ${{oc.env:{key}}} with no default, and {key} is not declared "
                "in tmgg.launch.launch_env.REQUIRED_ENV_VARS"
            )
        # As oc.env does: a default is a string, or None.
        return None if default is None else str(default)

    OmegaConf.register_new_resolver("oc.env", env, replace=True, use_cache=False)
    try:
        yield
    finally:
        OmegaConf.register_new_resolver("oc.env", oc.env, replace=True, use_cache=False)
