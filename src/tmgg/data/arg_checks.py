"""Argument checks whose errors name the argument and its value."""

from __future__ import annotations


def check_int(name: str, value: int, minimum: int) -> int:
    """Return ``value`` as an int, checking that it is a whole number ``>= minimum``.

    Raises:
        ValueError: otherwise, naming ``name`` and ``value``.
    """
    if isinstance(value, bool) or not float(value).is_integer() or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {name}={value}")
    return int(value)


def check_probability(name: str, value: float) -> float:
    """Return ``value`` as a float, checking that it lies in ``[0, 1]``.

    Raises:
        ValueError: otherwise (NaN included), naming ``name`` and ``value``.
    """
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {name}={value}")
    return value
