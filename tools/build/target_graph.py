"""Which test targets depend on which files, read from the generated build graph.

Shared by the fault drill, the input trace and the benchmarks: they need the
files each target declares and the set of targets an edit must rerun (the
"true set"). Both follow from tests/targets.bzl with pyproject.toml's runners (each target's
top-level labels) and the generated BUILD files under src/ and configs/ (each library's files and
deps), read here as Python without Bazel. The freshness check's inputs are
listed once, in tests/BUILD.bazel; they are asked of Bazel.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from tools.build.runner_targets import console_scripts, runner_targets
from tools.build.test_families import OUTPUT, read_starlark_data

TABLES = ("CONFIG_TARGETS", "SWEEP_TARGETS", "OPTION_TARGETS", "RUNNER_TARGETS", "UNIT_TARGETS")
# Every test's runfiles hold the lock's digest (tools/build/rules/python_venv.bzl), so a
# lock edit reruns everything.
LOCK = "tools/env/requirements.lock"
FRESHNESS_TARGET = "generated_targets_fresh"


def _read_targets(workspace: Path) -> dict:
    return read_starlark_data(workspace / OUTPUT)


def load_targets(workspace: Path) -> dict[str, dict[str, dict]]:
    """{table name: {target: spec}}, each spec with every label its Bazel target names.

    As tests/BUILD.bazel makes them: each family's entries get the family's TEST_IMPORTS,
    and the runners' entries are made from pyproject.toml and CONFIG_TARGETS the way
    the @tmgg_runners repository rule makes them (tools/build/runner_targets.py).
    """
    tables = _read_targets(workspace)
    scripts = console_scripts((workspace / "pyproject.toml").read_text())
    tables["RUNNER_TARGETS"] = runner_targets(scripts, tables["CONFIG_TARGETS"])
    imports = tables.get("TEST_IMPORTS", {})
    loaded = {}
    for table in TABLES:
        extra = imports.get(table, [])
        loaded[table] = {name: {**spec, "deps": sorted({*spec["deps"], *extra})} for name, spec in tables[table].items()}
    return loaded


def absolute(label: str, package: str) -> str:
    """`label` as `//pkg:name`, for one written in `package` (`:x`, `x.py`, `//a/b`)."""
    if label.startswith("//"):
        return label if ":" in label else f"{label}:{label.rpartition('/')[2]}"
    return f"//{package}:{label.lstrip(':')}"


def label_path(label: str, package: str = "") -> str:
    """The workspace-relative path of a file label: `//pkg:name`, `//:name`, or `name` in `package`."""
    if label.startswith("//"):
        package, _, name = label[2:].partition(":")
    else:
        name = label
    return f"{package}/{name}" if package else name


class _StandIns(dict):
    """Names a BUILD file uses, for Python's exec: any rule records its name, srcs, deps and data."""

    def __init__(self, rule, glob) -> None:
        super().__init__(glob=glob, exports_files=lambda *_, **__: None, package=lambda **_: None, load=lambda *_: None)
        self._rule = rule

    def __missing__(self, kind: str):
        # py_library, py_binary, filegroup, toolchain, a macro loaded from a .bzl file: all alike.
        return functools.partial(self._rule, kind)


class BuildGraph:
    """The rules of the BUILD files: {label: labels it names (srcs, deps and data)}.

    The generated BUILD files are read first; a hand-written one (tools/env/BUILD.bazel)
    when a label in its package is first asked about. They are plain calls of rules,
    glob, exports_files, load and package, so Python evaluates them with stand-ins for
    those. A label that no rule defines is a file.
    """

    def __init__(self, workspace: Path, generated: bool = True) -> None:
        self.workspace = workspace
        # //:src_root (BUILD.bazel) puts src/ on the import path and holds no file.
        self.rules: dict[str, list[str]] = {"//:src_root": []}
        self.kinds: dict[str, str] = {"//:src_root": "py_library"}
        self._loaded: set[str] = {""}
        for build_file in _read_targets(workspace).get("GENERATED_BUILD_FILES", []) if generated else ():
            self._load(label_path(absolute(build_file, "")).rpartition("/")[0])

    def _load(self, package: str) -> None:
        self._loaded.add(package)
        path = self.workspace / package / "BUILD.bazel"
        if not path.is_file():
            return

        def rule(kind, name, srcs=(), deps=(), data=(), **_):
            named = [label for label in (*srcs, *deps, *data) if isinstance(label, str)]
            self.rules[f"//{package}:{name}"] = [absolute(label, package) for label in named]
            self.kinds[f"//{package}:{name}"] = kind

        def glob(patterns, **_):
            """The package's files that match, as Bazel's glob gives them (relative to the package)."""
            folder = path.parent
            found = set()
            for pattern in patterns:
                for match in folder.glob(pattern):
                    relative = match.relative_to(folder)
                    # Like Bazel's, a glob stops at a subpackage (a folder with its own BUILD.bazel).
                    inner = (folder.joinpath(*relative.parts[:depth]) for depth in range(1, len(relative.parts)))
                    if match.is_file() and not any((sub / "BUILD.bazel").is_file() for sub in inner):
                        found.add(relative.as_posix())
            return sorted(found)

        exec(path.read_text(), {"__builtins__": __builtins__}, _StandIns(rule, glob))

    def library_of(self, path: str) -> str | None:
        """The py_library whose srcs hold the workspace file `path`, as Gazelle resolves an import."""
        package, _, name = path.rpartition("/")
        while package and not (self.workspace / package / "BUILD.bazel").is_file():
            package, _, folder = package.rpartition("/")
            name = f"{folder}/{name}"
        if package not in self._loaded:
            self._load(package)
        wanted = f"//{package}:{name}"
        found = [label for label, named in self.rules.items() if self.kinds.get(label) == "py_library" and wanted in named]
        return min(found) if found else None

    @functools.lru_cache(maxsize=None)
    def files(self, label: str) -> frozenset[str]:
        """The workspace files (paths) that `label` brings into a target's runfiles."""
        label = absolute(label, "")
        package = label[2:].partition(":")[0]
        if label not in self.rules and package not in self._loaded:
            self._load(package)
        if label not in self.rules:
            return frozenset({label_path(label)})
        return frozenset().union(*(self.files(named) for named in self.rules[label]))


def inputs_of(graph: BuildGraph, spec: dict) -> set[str]:
    """The workspace files (paths) one target's labels declare, through the libraries' deps."""
    labels = [*spec.get("deps", []), *spec.get("configs", []), *spec.get("data", [])]
    return set().union(*(graph.files(label) for label in labels))


def declared_users(workspace: Path, path: str, tables: tuple[str, ...] = TABLES) -> set[str]:
    """Test targets whose declared inputs include the workspace file `path` (e.g. `configs/data/er.yaml`)."""
    graph = BuildGraph(workspace)
    users = set()
    for table, targets in load_targets(workspace).items():
        if table in tables:
            users.update(target for target, spec in targets.items() if path in inputs_of(graph, spec))
    return users


@functools.lru_cache(maxsize=None)
def freshness_inputs(workspace: Path) -> frozenset[str]:
    """The workspace files //tests:generated_targets_fresh declares, as Bazel says (tests/BUILD.bazel lists them)."""
    bazel = shutil.which("bazel")
    if bazel is None:
        raise RuntimeError(f"`bazel` is not on PATH to say what //tests:{FRESHNESS_TARGET} declares")
    query = f'kind("source file", deps(//tests:{FRESHNESS_TARGET}))'
    done = subprocess.run([bazel, "query", "--noimplicit_deps", query], cwd=workspace, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise RuntimeError(f"bazel query for //tests:{FRESHNESS_TARGET}'s inputs failed: {last}")
    labels = (line.split()[0] for line in done.stdout.splitlines() if line.startswith("//"))
    return frozenset({label_path(label) for label in labels} | {LOCK})


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
    if path in freshness_inputs(workspace):
        users.add(FRESHNESS_TARGET)
    return users
