"""Where bench_suite runs and what it has found so far, and how a step fails."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

from bench.suite.results import EditRow, Measure, ToolRun
from bench.suite.scope import Scope


class BenchError(RuntimeError):
    """A step failed; the message names the step and its log."""


@dataclass
class Context:
    """Where the bench runs and what it has found so far."""

    args: argparse.Namespace
    scratch: Path
    logs: Path
    work: Path
    commit: str  # HEAD when the bench started: every clone checks out this commit
    scope: Scope | None = None
    cases: dict[str, str] = field(default_factory=dict)
    python: str = ""
    cache_url: str = ""
    clones: list[Path] = field(default_factory=list)
    venvs_before: set[str] = field(default_factory=set)
    lock_venvs: set[str] = field(default_factory=set)
    full_runs: dict[str, tuple[ToolRun, str]] = field(default_factory=dict)  # tool: (a full run, which one)
    reads: dict[str, set[str]] = field(default_factory=dict)  # target: workspace files its tests opened (traced)
    measures: list[Measure] = field(default_factory=list)
    matrix: list[EditRow] = field(default_factory=list)
    breakdown: list[dict] = field(default_factory=list)
    step_count: int = 0

    def log_stem(self, step: str) -> Path:
        """A numbered path in logs/ named after the step; callers add `.log`, `.bep.json`, `.xml`."""
        self.step_count += 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", step).strip("-").lower()[:80]
        return self.logs / f"{self.step_count:03d}-{slug}"


def with_suffix(stem: Path, suffix: str) -> Path:
    return stem.parent / (stem.name + suffix)
