"""The top-level keys' declared types: a flag of the wrong type is refused, not taken as true.

Rationale: `sweep=abc` once launched a sweep (issue #26): the keys at the top
of a runner config are no `_target_`'s argument, so no signature checks them.
Assumptions: values as OmegaConf gives them from the command line (`abc` a
str, `1` an int, `true` a bool, `null` None).
Invariants: a declared key with a value of another type, or out of its range,
raises PlainKeyError naming the key, the value and what is expected; the run
mode resolver refuses a sweep flag that is not a bool.
"""

import pytest
from omegaconf import OmegaConf

from tmgg.launch.launch_plan import _run_mode_of
from tmgg.launch.plain_keys import PlainKeyError, check_plain_key, check_plain_keys

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("sweep", "abc", "sweep='abc' has the wrong type: expected true or false"),
        ("sweep", 1, "sweep=1 has the wrong type"),
        ("seed", -1, "seed=-1 is out of range: expected an integer from 0 to 4294967295"),
        ("seed", 1.5, "seed=1.5 has the wrong type"),
        ("seed", True, "seed=True has the wrong type"),
        ("torch_threads", 0, "torch_threads=0 is out of range: expected an integer >= 1 or null"),
        ("name", None, "name=None has the wrong type: expected a string"),
    ],
)
def test_a_value_of_the_wrong_type_or_range_is_refused_naming_the_key(key, value, message) -> None:
    with pytest.raises(PlainKeyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_plain_key(key, value)


def test_declared_values_pass_and_undeclared_keys_are_not_judged() -> None:
    check_plain_keys(OmegaConf.create({"sweep": False, "seed": 0, "torch_threads": None, "stage": None, "name": "x", "other": "abc"}))


def test_the_run_mode_resolver_refuses_a_sweep_flag_that_is_not_a_bool() -> None:
    assert _run_mode_of(True) == "MULTIRUN" and _run_mode_of(False) == "RUN"
    with pytest.raises(PlainKeyError, match="sweep='abc'"):
        _run_mode_of("abc")
