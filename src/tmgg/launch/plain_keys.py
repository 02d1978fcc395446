"""Types of the plain keys: the top-level settings that are no ``_target_``'s argument.

``tmgg.training.config_checks`` checks every ``_target_`` argument against its
callable's signature; the keys at the top of a runner config (``sweep``,
``seed``, ``torch_threads``, ...) have no signature to check against, and
without a check Hydra takes ``sweep=abc`` as a true value and launches a
sweep. Their types are declared here, once, and checked where they are first
read: ``sweep`` when Hydra's mode is resolved from it (every entry point), the
rest before a job is built or trained.

Only OmegaConf is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlainKey:
    """A top-level key's type: ``kind`` is ``bool``, ``int`` or ``str``; ``minimum`` bounds an int."""

    kind: type
    nullable: bool = False
    minimum: int | None = None
    # The highest seed numpy accepts (2**32 - 1); Lightning refuses larger ones deep inside.
    maximum: int | None = None

    def describe(self) -> str:
        words = {bool: "true or false", int: "an integer", str: "a string"}[self.kind]
        if self.minimum is not None and self.maximum is not None:
            words += f" from {self.minimum} to {self.maximum}"
        elif self.minimum is not None:
            words += f" >= {self.minimum}"
        return words + (" or null" if self.nullable else "")

    def accepts(self, value: Any) -> bool:
        if value is None:
            return self.nullable
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                return False
            return (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)
        return isinstance(value, self.kind)


PLAIN_KEYS = {
    "name": PlainKey(str),
    "seed": PlainKey(int, minimum=0, maximum=2**32 - 1),
    "stage": PlainKey(str, nullable=True),
    "sweep": PlainKey(bool),
    "torch_threads": PlainKey(int, nullable=True, minimum=1),
    "rerun": PlainKey(bool),  # set only with +rerun=true (tmgg.sweep.sweep_job)
}


class PlainKeyError(ValueError):
    """A top-level key holds a value of the wrong type or out of range."""


def check_plain_key(key: str, value: Any) -> None:
    """Refuse ``value`` for the top-level ``key`` unless it has the declared type.

    Raises:
        PlainKeyError: ``sweep='abc' has the wrong type: expected true or false``, or ``... is out of range: ...``.
    """
    declared = PLAIN_KEYS.get(key)
    if declared is None or declared.accepts(value):
        return
    wrong = "is out of range" if PlainKey(declared.kind, declared.nullable).accepts(value) else "has the wrong type"
    raise PlainKeyError(f"{key}={value!r} {wrong}: expected {declared.describe()}")


def check_plain_keys(cfg: Any) -> None:
    """Check every declared top-level key that ``cfg`` sets, its interpolations resolved."""
    for key in PLAIN_KEYS:
        if key in cfg:
            check_plain_key(key, cfg[key])
