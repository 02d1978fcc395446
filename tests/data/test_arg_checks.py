"""Tests of the argument checks shared by generators, datasets and DataModules.

Rationale: every error message users see about a bad count or probability
comes from these two functions.
Assumptions: whole-number floats (e.g. 4.0 from a YAML) count as integers.
Invariants: valid values come back as int / float; invalid ones raise
ValueError whose message names the argument and the value.
"""

import pytest

from tmgg.data.arg_checks import check_int, check_probability

pytestmark = pytest.mark.unit


def test_check_int_accepts_whole_numbers():
    assert check_int("batch_size", 4, 1) == 4
    assert type(check_int("batch_size", 4.0, 1)) is int


@pytest.mark.parametrize("value", [0, -3, 2.5, True, float("inf")])
def test_check_int_rejects(value):
    with pytest.raises(ValueError, match=f"batch_size must be an integer >= 1, got batch_size={value}"):
        check_int("batch_size", value, 1)


def test_check_probability_accepts_bounds():
    assert check_probability("p", 0) == 0.0
    assert check_probability("p", 1) == 1.0


@pytest.mark.parametrize("value", [-0.5, 1.01, float("nan")])
def test_check_probability_rejects(value):
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\], got p="):
        check_probability("p", value)
