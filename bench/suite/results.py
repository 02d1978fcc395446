"""What bench_suite records: one tool's run, a figure of the whole-suite table, a row of the incremental matrix."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

COLD, NOOP, CACHE_HIT = "cold full suite", "no-op rerun", "cache hit (fresh clone)"


@dataclass
class ToolRun:
    """One timed run of one tool."""

    seconds: float
    ran: set[str]  # integration targets that ran: Bazel's uncached results, or any of a target's pytest tests
    log: str
    unmapped: int = 0  # pytest tests that map to no Bazel target (the entry-point smoke test)


@dataclass
class Measure:
    """The samples of one figure of the whole-suite table."""

    scenario: str
    tool: str
    samples: list[float]
    note: str = ""
    reran: int | None = None
    measured: bool = True  # False: another figure's samples, reused

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class EditRow:
    """One row of the incremental matrix."""

    edit: str
    path: str
    tool: str
    reran: list[str]
    should: list[str]
    samples: list[float]
    measured: bool = True
    unmapped: int = 0
    note: str = ""

    @property
    def missed(self) -> list[str]:
        return sorted(set(self.should) - set(self.reran))

    @property
    def extra(self) -> list[str]:
        return sorted(set(self.reran) - set(self.should))
