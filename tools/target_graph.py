"""Which test targets depend on which files, read from the generated tests/targets.bzl.

Shared by the fault drill and the benchmarks: both need the set of targets an
edit must rerun (the "true set"), and Bazel's inputs are exactly these lists.
"""

from __future__ import annotations

from pathlib import Path

TABLES = ("CONFIG_TARGETS", "SWEEP_TARGETS", "OPTION_TARGETS", "RUNNER_TARGETS", "UNIT_TARGETS")


def load_targets(workspace: Path) -> dict[str, dict[str, dict]]:
    """{table name: {target: spec}} as generated in `workspace`/tests/targets.bzl."""
    tables: dict = {}
    exec((workspace / "tests/targets.bzl").read_text(), tables)
    return {table: tables[table] for table in TABLES}


def inputs_of(spec: dict) -> set[str]:
    """The workspace files one target declares, as labels (`//:path`, `//pkg:file`)."""
    return set(spec.get("srcs", [])) | set(spec.get("configs", [])) | set(spec.get("data", []))


def declared_users(workspace: Path, path: str, tables: tuple[str, ...] = TABLES) -> set[str]:
    """Test targets whose declared inputs include the workspace file `path` (e.g. `configs/data/er.yaml`)."""
    label = f"//:{path}"
    package, _, name = path.rpartition("/")
    package_label = f"//{package}:{name}"
    users = set()
    for table, targets in load_targets(workspace).items():
        if table not in tables:
            continue
        for target, spec in targets.items():
            if {label, package_label} & inputs_of(spec):
                users.add(target)
    return users


# Every test's runfiles hold the lock's digest (tools/rules/python_venv.bzl), so a
# lock edit reruns everything.
LOCK = "tools/python/requirements.lock"
# The freshness check (tests/BUILD.bazel) reads every source, config and test
# and the files that shape the generated targets.
FRESHNESS_TARGET = "generated_targets_fresh"
FRESHNESS_PREFIXES = ("src/", "configs/", "tools/python/")
FRESHNESS_FILES = {
    "BUILD.bazel",
    "MODULE.bazel",
    "WORKSPACE",
    "pyproject.toml",
    "tests/BUILD.bazel",
    "tests/targets.bzl",
    "tools/BUILD.bazel",
    "tools/gen_test_targets.py",
    "tools/target_graph.py",
    "tools/trace_inputs.py",
    "tools/pytest/BUILD.bazel",
    "tools/rules/BUILD.bazel",
}


def all_targets(workspace: Path) -> set[str]:
    """Every generated test target, plus the freshness check."""
    names = {FRESHNESS_TARGET}
    for targets in load_targets(workspace).values():
        names.update(targets)
    return names


def affected(workspace: Path, path: str) -> set[str]:
    """Every test target whose inputs include `path`: the set an edit of it must rerun."""
    if path == LOCK:
        return all_targets(workspace)
    users = declared_users(workspace, path)
    if path in FRESHNESS_FILES or path.startswith(FRESHNESS_PREFIXES) or (path.startswith("tests/") and path.endswith(".py")):
        users.add(FRESHNESS_TARGET)
    return users
