"""tmgg.launch.launch_env: configs are resolved with only the declared environment visible.

Rationale: a config that requires an environment variable fails on every
machine without it; the launch checks must catch a new, undeclared one even on
a machine that happens to set it.
Assumptions: OmegaConf wraps a resolver's error with the key it resolved.
Invariants: an undeclared variable with no default fails, naming the key and
the variable; a default is used even when the machine sets the variable; a
declared variable resolves; oc.env behaves normally again after the block.
"""

import pytest
from omegaconf import OmegaConf
from omegaconf.errors import InterpolationResolutionError

from tmgg.launch.launch_env import CHECK_VALUE, declared_environment_only

pytestmark = pytest.mark.unit


def test_undeclared_variable_without_default_fails_naming_key_and_variable(monkeypatch) -> None:
    monkeypatch.setenv("TMGG_TEST_SET_HERE", "/somewhere")
    cfg = OmegaConf.create({"paths": {"root": "${oc.env:TMGG_TEST_SET_HERE}"}})
    with declared_environment_only({}), pytest.raises(InterpolationResolutionError) as raised:
        OmegaConf.to_container(cfg, resolve=True)
    assert "TMGG_TEST_SET_HERE" in str(raised.value) and "paths.root" in str(raised.value)


def test_default_is_used_as_on_a_fresh_machine(monkeypatch) -> None:
    monkeypatch.setenv("TMGG_TEST_ROOT", "/users/machine")
    cfg = OmegaConf.create({"root": "${oc.env:TMGG_TEST_ROOT,outputs}"})
    with declared_environment_only({}):
        assert cfg.root == "outputs"
    assert cfg.root == "/users/machine"


def test_declared_variable_resolves(monkeypatch) -> None:
    monkeypatch.delenv("TMGG_TEST_TOKEN", raising=False)
    cfg = OmegaConf.create({"token": "${oc.env:TMGG_TEST_TOKEN}"})
    with declared_environment_only({"TMGG_TEST_TOKEN": "an API token"}):
        assert cfg.token == CHECK_VALUE
