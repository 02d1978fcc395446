"""The targets bench_suite measures, and which Bazel target runs each pytest case."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tools.build import target_graph

QUICK_TARGETS = ("base_config_gnn", "stage1_poc", "tmgg-gnn")


@dataclass(frozen=True)
class Scope:
    """The targets measured, as Bazel labels and as a pytest selection."""

    targets: tuple[str, ...]
    labels: tuple[str, ...]
    pytest_args: tuple[str, ...]

    @classmethod
    def of(cls, workspace: Path, quick: bool) -> Scope:
        if quick:
            cases = case_ids(workspace)
            wanted = [case for case, target in cases.items() if target in QUICK_TARGETS]
            keyword = " or ".join(f"[{case}]" for case in sorted(wanted))
            return cls(QUICK_TARGETS, tuple(f"//tests:{t}" for t in QUICK_TARGETS), ("-m", "integration", "-k", keyword))
        return cls(tuple(sorted(integration_targets(workspace))), ("//tests:integration_all",), ("-m", "integration"))


# Every table of tests/targets.bzl but the unit targets: what //tests:integration_all holds.
INTEGRATION_TABLES = tuple(table for table in target_graph.TABLES if table != "UNIT_TARGETS")


def integration_targets(workspace: Path) -> set[str]:
    """The targets of //tests:integration_all: config, sweep, option and runner targets."""
    tables = target_graph.load_targets(workspace)
    return {name for table in INTEGRATION_TABLES for name in tables[table]}


def case_ids(workspace: Path) -> dict[str, str]:
    """{pytest case id: Bazel target}, from targets.bzl.

    A config case is named after its config, a runner case and an option case are listed
    by their target, and a sweep job's case is its sweep's name with the job's overrides in
    brackets (`stage3_diversity[data=er]`): the sweep's name is the key, see case_target.
    """
    tables = target_graph.load_targets(workspace)
    cases = {name: name for name in tables["CONFIG_TARGETS"]}
    cases.update({spec["case"]: name for name, spec in tables["RUNNER_TARGETS"].items()})
    cases.update({option: name for name, spec in tables["OPTION_TARGETS"].items() for option in spec["options"]})
    cases.update({spec["sweep"] + "[": name for name, spec in tables["SWEEP_TARGETS"].items()})
    return cases


def case_target(cases: dict[str, str], case: str) -> str | None:
    """The Bazel target of a pytest case id, or None when no target runs it."""
    if case in cases:
        return cases[case]
    sweep = case.split("[", 1)[0] + "["
    return cases.get(sweep) if case.endswith("]") else None
