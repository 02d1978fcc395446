#!/usr/bin/env python3
"""Generate the build graph: a BUILD.bazel per tmgg package and config folder, and tests/targets.bzl.

Bazel learns what a test reads from labels. This script writes, from the source
and the configs alone:

- `src/tmgg/**/BUILD.bazel`: one `py_library` per module (`//src/tmgg/noise:edge_flip_noise`),
  its deps the tmgg modules it imports, parsed, never imported (see ImportGraph for
  how package `__init__` files and lazy exports become deps);
- `configs/**/BUILD.bazel`: every YAML file exported by name
  (`//configs/model/gnn:gnn.yaml`), and a `filegroup` per config group (`//configs/model/gnn`);
- `tests/targets.bzl`: what Bazel cannot infer, per test target: the config files its
  compositions load (Hydra's own defaults list) and the libraries of the modules its
  test files import and its configs' `_target_`s name. For every runner in
  pyproject.toml's `[project.scripts]`, every base and stage config, every runner
  whose launch is a Hydra sweep, every config group with options that no launch
  loads, and every unit test folder. A unit folder's tests also read files no
  import names (configs, the lock); tests/unit_data.bzl lists those by hand.

Usage:
    bazel run //tools/build:gen_test_targets                        # rewrite the generated files
    PYTHONPATH=src python3 -m tools.build.gen_test_targets --check  # exit 1, naming what is stale
"""

from __future__ import annotations

import argparse
import ast
import difflib
import itertools
import json
import os
import sys
from pathlib import Path

OUTPUT = Path("tests/targets.bzl")
REFRESH = "bazel run //tools/build:gen_test_targets"
CONFIG_TEST = "tests/test_config_composition.py"
RUNNER_TEST = "tests/test_runner_integration.py"
SWEEP_TEST = "tests/test_sweep_jobs.py"
OPTION_TEST = "tests/test_config_options.py"
FRESHNESS_TEST = "tests/test_generated_targets.py"
# The files each unit test folder reads besides Python modules: Bazel cannot infer them.
UNIT_DATA = "tests/unit_data.bzl"


class Workspace:
    """Paths and Bazel labels of one checkout."""

    def __init__(self, root: Path, packages: set[str] = frozenset()) -> None:
        # Not resolved: under Bazel the files are symlinks out of the runfiles tree.
        self.root = Path(os.path.abspath(root))
        self.configs = self.root / "configs"
        # Packages that have, or are about to get, a BUILD.bazel ("src/tmgg/noise").
        self.packages = set(packages)

    def rel(self, path: Path) -> str:
        return Path(os.path.abspath(path)).relative_to(self.root).as_posix()

    def _is_package(self, folder: Path) -> bool:
        return folder.as_posix() in self.packages or (self.root / folder / "BUILD.bazel").exists()

    def label(self, path: Path, from_package: str | None = None) -> str:
        """The label of a file; relative (no `//pkg:`) when it lies in `from_package`."""
        rel = self.rel(path)
        package = Path(rel).parent
        while package != Path(".") and not self._is_package(package):
            package = package.parent
        package_str = "" if package == Path(".") else package.as_posix()
        name = rel if not package_str else rel[len(package_str) + 1 :]
        if package_str == from_package:
            return name
        return f"//{package_str}:{name}"


def ancestors(module: str) -> list[str]:
    """The packages Python imports before `module`: tmgg.a.b -> [tmgg, tmgg.a]."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _closure(graph: dict[str, set[str]], label: str) -> set[str]:
    """`label` and every label it reaches in `graph`."""
    seen, todo = set(), [label]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(graph.get(current, ()))
    return seen


class ImportGraph:
    """tmgg's modules, their libraries, and the libraries each one needs, read from source alone.

    Nothing is imported: modules are files under src/, imports are parsed, and
    the packages' lazy exports (`lazy_loader.attach(__name__, submod_attrs={...})`,
    SPEC 1) are read from their `__init__.py`. So the generator needs Hydra, but not torch.

    Libraries (per-file layout, as Gazelle's per-file mode makes them):

    - a module `tmgg/a/b.py` is `//src/tmgg/a:b`;
    - a package's `__init__.py` is `//src/tmgg/a:__init__`, with what that file itself imports;
    - a package that exports names lazily also has `//src/tmgg/a:exports`: its
      `__init__` and every module its lazy attach maps a name to.

    Deps follow what Python runs. `import tmgg.a.b` runs tmgg/__init__,
    tmgg/a/__init__ and tmgg/a/b, so the importer needs all three. A library
    depends on its own package's `__init__` (and that one on its parent's), so
    naming `//src/tmgg/a:b` brings them; where an `__init__` imports the module
    back (`training/__init__.py` imports `training.train`), Bazel allows no
    cycle, and the importers name that `__init__` themselves (see `graph`).
    A lazy export is an import made when the name is first reached, so it is
    the edge of whoever reaches it: `from tmgg.models import GNN` (or a
    `_target_: tmgg.models.GNN`) depends on the module that defines GNN, not on
    its siblings; a plain `import tmgg.models`, after which any exported name
    may be reached as an attribute, depends on `tmgg.models`'s `exports`.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._loads: dict[str, set[tuple[str, str]]] = {}
        self._graph: dict[str, set[str]] | None = None

    def module_file(self, module: str) -> Path | None:
        base = self.workspace.root / "src" / Path(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def modules(self) -> list[str]:
        """Every tmgg module and package, sorted."""
        src = self.workspace.root / "src"
        found = []
        for path in (src / "tmgg").rglob("*.py"):
            parts = path.relative_to(src).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        return sorted(found)

    def is_package(self, module: str) -> bool:
        path = self.module_file(module)
        return path is not None and path.name == "__init__.py"

    def lazy_exports(self, package: str) -> dict[str, str]:
        """{name: absolute module} from a package's `lazy_loader.attach(__name__, submod_attrs={...})` call."""
        path = self.module_file(package)
        if path is None or path.name != "__init__.py":
            return {}
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "attach"
                and getattr(node.func.value, "id", None) in ("lazy_loader", "lazy")
            ):
                continue
            keywords = {kw.arg: kw.value for kw in node.keywords}
            submod_attrs = node.args[2] if len(node.args) > 2 else keywords.get("submod_attrs")
            if not isinstance(submod_attrs, ast.Dict):
                return {}
            # Keys are submodules relative to the package; values list the names each defines.
            return {
                name.value: f"{package}.{submodule.value}"
                for submodule, names in zip(submod_attrs.keys, submod_attrs.values)
                for name in names.elts
            }
        return {}

    def defining_module(self, base: str, name: str) -> str:
        """The module that `from base import name` loads: a submodule, a lazy export's module, or base."""
        if self.module_file(f"{base}.{name}") is not None:
            return f"{base}.{name}"
        exported = self.lazy_exports(base).get(name)
        if exported and exported != base:
            return self.defining_module(exported, name)
        return base

    def reach(self, module: str) -> set[tuple[str, str]]:
        """("module", m) for `module` and each package Python runs first; ("exports", p) when asked."""
        return {("module", m) for m in [*ancestors(module), module] if m.split(".")[0] == "tmgg"}

    def loads_of_file(self, path: Path, package: str) -> set[tuple[str, str]]:
        """What a file's imports make Python run: ("module", m) and ("exports", p) pairs."""
        found: set[tuple[str, str]] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != "tmgg":
                        continue
                    found |= self.reach(alias.name)
                    if self.lazy_exports(alias.name):
                        found.add(("exports", alias.name))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                if base.split(".")[0] != "tmgg":
                    continue
                found |= self.reach(base)
                for alias in node.names:
                    found |= self.reach(self.defining_module(base, alias.name))
        return found

    def loads_of(self, module: str) -> set[tuple[str, str]]:
        if module not in self._loads:
            path = self.module_file(module)
            package = module if self.is_package(module) else module.rpartition(".")[0]
            self._loads[module] = self.loads_of_file(path, package) if path is not None else set()
        return self._loads[module]

    def library(self, kind: str, module: str) -> str:
        """The label of a module's library (`kind` "module") or of a package's exports."""
        path = self.module_file(module)
        package = self.workspace.rel(path.parent)
        if kind == "exports":
            return f"//{package}:exports"
        return f"//{package}:{'__init__' if path.name == '__init__.py' else path.stem}"

    def _direct(self, loads: set[tuple[str, str]], importer: str | None = None) -> set[str]:
        """Library labels for `loads`, less the importer itself and the packages run before it."""
        skip = {importer, *ancestors(importer)} if importer else set()
        return {
            self.library(kind, module)
            for kind, module in loads
            if not (kind == "module" and module in skip) and self.module_file(module) is not None
        }

    def graph(self) -> dict[str, set[str]]:
        """{library label: the labels it depends on}, for every library under src/tmgg.

        Beyond its imports, a library depends on its own package's `__init__`, which
        Python runs first, unless that `__init__` itself imports the module back
        (`training/__init__.py` imports `training.train`): Bazel allows no cycle, so
        there the edge stays with the importers, which name that `__init__` themselves.
        """
        if self._graph is None:
            graph = {self.library("module", module): self._direct(self.loads_of(module), module) for module in self.modules()}
            for package in self.modules():
                if self.lazy_exports(package):
                    graph[self.library("exports", package)] = self._direct(self._exports_loads(package))
            for module in self.modules():
                if "." in module:
                    label, own = self.library("module", module), self.library("module", module.rpartition(".")[0])
                    if label not in _closure(graph, own):
                        graph[label].add(own)
            self._graph = graph
        return self._graph

    def labels(self, loads: set[tuple[str, str]], importer: str | None = None, top_level: bool = False) -> list[str]:
        """Sorted labels for `loads`, less what another of them already brings in.

        A package `__init__` that a listed library depends on is left out; with
        `top_level`, so is any library that another listed one depends on.
        """
        graph = self.graph()
        direct = self._direct(loads, importer)
        implied = set().union(*(_closure(graph, label) - {label} for label in direct))
        kept = {label for label in direct if label not in implied or not (top_level or label.endswith(":__init__"))}
        return sorted((short(label) for label in kept), key=label_key)

    def deps(self, module: str) -> list[str]:
        """The deps of a module's library, its own package's `__init__` included where acyclic."""
        label = self.library("module", module)
        extra = self.graph()[label] - self._direct(self.loads_of(module), module)
        return sorted({*self.labels(self.loads_of(module), module), *map(short, extra)}, key=label_key)

    def _exports_loads(self, package: str) -> set[tuple[str, str]]:
        loads = {("module", package)}
        for name, module in self.lazy_exports(package).items():
            loads |= self.reach(self.defining_module(module, name))
        return loads - {("module", m) for m in ancestors(package)}

    def exports_deps(self, package: str) -> list[str]:
        """The package's `__init__` and every module its lazy attach maps a name to."""
        return self.labels(self._exports_loads(package))

    def test_file_loads(self, path: Path) -> set[tuple[str, str]]:
        return self.loads_of_file(path, "")


class Compositions:
    """Hydra compositions of tmgg's configs: which files load, which targets they name."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def _with_hydra(self, action):
        from hydra import initialize_config_dir
        from hydra.core.global_hydra import GlobalHydra

        GlobalHydra.instance().clear()
        try:
            with initialize_config_dir(config_dir=str(self.workspace.configs), version_base="1.3"):
                return action(GlobalHydra.instance())
        finally:
            GlobalHydra.instance().clear()

    def config_files(self, config_name: str, overrides: list[str]) -> list[str]:
        from hydra.types import RunMode

        def action(hydra):
            defaults = hydra.config_loader().compute_defaults_list(
                config_name=config_name, overrides=overrides, run_mode=RunMode.RUN
            )
            paths = set()
            for default in defaults.defaults:
                candidate = self.workspace.configs / f"{default.config_path}.yaml"
                if default.config_path and candidate.is_file():
                    paths.add(self.workspace.label(candidate))
            return sorted(paths, key=label_key)

        return self._with_hydra(action)

    def targets(self, config_name: str, overrides: list[str]) -> set[str]:
        from hydra import compose
        from omegaconf import OmegaConf

        cfg = self._with_hydra(lambda _: compose(config_name=config_name, overrides=overrides))
        return collect_targets(OmegaConf.to_container(cfg, resolve=False))


def collect_targets(node) -> set[str]:
    """Every `_target_` string in a nested dict/list config."""
    found: set[str] = set()
    if isinstance(node, dict):
        target = node.get("_target_")
        if isinstance(target, str):
            found.add(target)
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        children = ()
    for child in children:
        found |= collect_targets(child)
    return found


def target_loads(graph: ImportGraph, targets: set[str]) -> set[tuple[str, str]]:
    """What instantiating the given `_target_` paths makes Python run (see ImportGraph)."""
    loads: set[tuple[str, str]] = set()
    for target in targets:
        if target.split(".")[0] != "tmgg":
            continue
        base, _, name = target.rpartition(".")
        # Hydra imports `base`, then reaches `name` on it: a lazy export loads its module.
        loads |= graph.reach(base) | graph.reach(graph.defining_module(base, name))
    return loads


def declared_runners(workspace: Workspace) -> dict[str, str]:
    from tmgg.launch.runner_names import console_scripts

    return console_scripts(workspace.root / "pyproject.toml")


def tool_labels(workspace: Workspace, path: Path) -> set[str]:
    """The libraries of the `tools` modules a test file imports (`from tools.env import lock`: //tools/env:lock).

    tools/'s BUILD files are written by hand, a py_library per module; an import
    resolves to the library whose srcs hold the module's file, as Gazelle resolves it.
    """
    from tools.build.target_graph import BuildGraph

    graph = BuildGraph(workspace.root, generated=False)
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    found = set()
    for module in modules:
        if module.split(".")[0] != "tools":
            continue
        base = workspace.root / Path(*module.split("."))
        for file in (base.with_suffix(".py"), base / "__init__.py"):
            if file.is_file():
                library = graph.library_of(workspace.rel(file))
                if library is None:
                    raise SystemExit(f"tmgg: {workspace.rel(path)} imports {module}, but no py_library in tools/ holds {workspace.rel(file)}")
                found.add(library)
    # A package's __init__ comes with any module of it that is named too.
    packages = {label.partition(":")[0] for label in found if not label.endswith(":__init__")}
    return {label for label in found if not (label.endswith(":__init__") and label.partition(":")[0] in packages)}


def unit_data(workspace: Workspace) -> dict[str, list[str]]:
    """{unit target: labels of the files its tests read}, written by hand in tests/unit_data.bzl."""
    tables: dict = {}
    exec((workspace.root / UNIT_DATA).read_text(), tables)
    return tables["UNIT_DATA"]


def label_files(workspace: Workspace, label: str) -> list[Path]:
    """The files a data label stands for: a config group's filegroup (//configs/model) is its YAML files."""
    package, _, name = label[2:].partition(":")
    if not name:
        return sorted((workspace.root / package).rglob("*.yaml"))
    return [workspace.root / package / name]


def yaml_targets(paths: list[Path]) -> set[str]:
    """The `_target_` values in YAML files that a test loads by itself."""
    from omegaconf import OmegaConf

    found: set[str] = set()
    for path in paths:
        if path.suffix == ".yaml":
            found |= collect_targets(OmegaConf.to_container(OmegaConf.load(path), resolve=False))
    return found


def unit_targets(workspace: Workspace, graph: ImportGraph) -> dict[str, dict]:
    """One target per top-level test folder (tests/models, tests/data, ...), and unit_tmgg.

    A folder's files share one interpreter, so the import of torch and
    Lightning (the floor of every test process) is paid once per folder.
    """
    tests_root = workspace.root / "tests"
    folders = sorted({path.relative_to(tests_root).parts[0] for path in tests_root.rglob("test_*.py")})
    groups = {
        f"unit_{name}": sorted(p for p in (tests_root / name).rglob("*.py") if "__pycache__" not in p.parts)
        for name in folders
        # A folder with its own BUILD file (tests/cluster: manual targets) declares its targets itself.
        if (tests_root / name).is_dir() and not (tests_root / name / "BUILD.bazel").exists()
    }
    # Tests of src/tmgg's top-level modules (tests/test_paths.py) sit beside the integration
    # families; those that no other target runs share one target.
    owned = {CONFIG_TEST, RUNNER_TEST, SWEEP_TEST, OPTION_TEST, FRESHNESS_TEST}
    top_level = sorted(p for p in tests_root.glob("test_*.py") if workspace.rel(p) not in owned)
    if top_level:
        groups["unit_tmgg"] = top_level
    data = unit_data(workspace)
    unknown = sorted(set(data) - set(groups))
    if unknown:
        raise SystemExit(f"tmgg: {UNIT_DATA} names unit targets that no test folder makes: {', '.join(unknown)}")
    targets = {}
    for name, files in groups.items():
        files = [*files, tests_root / "conftest.py"]
        labels = sorted(data.get(name, []), key=label_key)
        read = [path for label in labels for path in label_files(workspace, label)]
        loads = set().union(*(graph.test_file_loads(path) for path in files))
        loads |= target_loads(graph, yaml_targets(read))
        tools = set().union(*(tool_labels(workspace, path) for path in files))
        targets[name] = {
            "tests": sorted(workspace.label(path, "tests") for path in files),
            "deps": sorted({*graph.labels(loads, top_level=True), *tools}, key=label_key),
            "configs": [label for label in labels if label.startswith("//configs")],
            "data": [label for label in labels if not label.startswith("//configs")],
        }
    return targets


def generate(workspace: Workspace) -> dict[str, dict]:
    graph = ImportGraph(workspace)
    compositions = Compositions(workspace)
    config_test_loads = graph.test_file_loads(workspace.root / CONFIG_TEST)
    runner_test_loads = graph.test_file_loads(workspace.root / RUNNER_TEST)

    from tmgg.launch.config_options import launch_labels, single_job

    configs, targets_of = {}, {}
    # Each base and stage config as its runner launches it with sweep=false.
    for case in launch_labels(workspace.configs):
        try:
            job = single_job(case, configs=workspace.configs)
            overrides = [*job.hydra_overrides, *job.overrides]
            targets = compositions.targets(job.config_name, overrides)
            files = compositions.config_files(job.config_name, overrides)
        except Exception as error:  # Hydra and YAML errors alike: name the config, keep the message.
            raise SystemExit(f"tmgg: cannot compose config {case}: {type(error).__name__}: {error}") from None
        configs[case] = {"configs": files, "deps": graph.labels(config_test_loads | target_loads(graph, targets), top_level=True)}
        targets_of[case] = targets

    runners = {}
    stage_names = {path.stem for path in (workspace.configs / "stage").glob("*.yaml")}
    for script, entry in declared_runners(workspace).items():
        module, _, config = entry.partition(":")
        if config not in configs:
            raise SystemExit(
                f"tmgg: runner {script} points at {entry}, but neither configs/{config}.yaml "
                f"nor configs/stage/{config}.yaml exists"
            )
        loads = runner_test_loads | graph.reach(module) | target_loads(graph, targets_of[config])
        runners[script] = {
            "case": f"{script}-{config}",
            "entry": entry,
            "kind": "stage" if config in stage_names else "experiment",
            "configs": configs[config]["configs"],
            "deps": graph.labels(loads, top_level=True),
        }
    return {
        "RUNNER_TARGETS": runners,
        "CONFIG_TARGETS": configs,
        "SWEEP_TARGETS": sweep_targets(workspace, graph, compositions),
        "OPTION_TARGETS": option_targets(workspace, graph, compositions),
        "UNIT_TARGETS": unit_targets(workspace, graph),
    }


def _jobs_inputs(graph: ImportGraph, compositions: Compositions, jobs, test_loads: set) -> dict[str, list[str]]:
    """The config files and sources that checking `jobs` reads."""
    files: set[str] = set()
    targets: set[str] = set()
    for job in jobs:
        overrides = [*job.hydra_overrides, *job.overrides]
        try:
            files.update(compositions.config_files(job.config_name, overrides))
            targets |= compositions.targets(job.config_name, overrides)
        except Exception as error:  # Hydra and YAML errors alike: name the job, keep the message.
            raise SystemExit(f"tmgg: cannot compose job {job.id}: {type(error).__name__}: {error}") from None
    return {"configs": sorted(files, key=label_key), "deps": graph.labels(test_loads | target_loads(graph, targets), top_level=True)}


def sweep_targets(workspace: Workspace, graph: ImportGraph, compositions: Compositions) -> dict[str, dict]:
    """One target per runner config whose launch is a Hydra sweep, checking each of its jobs."""
    from tmgg.launch.config_options import launch_labels, sweep_plan

    test_loads = graph.test_file_loads(workspace.root / SWEEP_TEST)
    targets = {}
    for label in launch_labels(workspace.configs):
        plan = sweep_plan(label, workspace.configs)
        if plan.multirun:
            inputs = _jobs_inputs(graph, compositions, plan.jobs, test_loads)
            targets[f"{label}_sweep"] = {"sweep": label, "jobs": len(plan.jobs), **inputs}
    return targets


def option_targets(workspace: Workspace, graph: ImportGraph, compositions: Compositions) -> dict[str, dict]:
    """One target per config group whose options no launch loads, checking each option."""
    from tmgg.launch.config_options import uncovered_options

    cases, unplaceable = uncovered_options(workspace.configs)
    if unplaceable:
        raise SystemExit(
            f"tmgg: no runner's config chooses from the group of {', '.join(unplaceable)}, so no test "
            "exercises it: add the group to a config's defaults list, or remove the file"
        )
    test_loads = graph.test_file_loads(workspace.root / OPTION_TEST)
    by_group: dict[str, list] = {}
    for case in cases:
        by_group.setdefault(case.group, []).append(case)
    targets = {}
    for group, group_cases in sorted(by_group.items()):
        jobs = [case.job(workspace.configs) for case in group_cases]
        inputs = _jobs_inputs(graph, compositions, jobs, test_loads)
        targets[f"options_{group.replace('/', '_')}"] = {"options": [case.id for case in group_cases], **inputs}
    return targets


HEADER = f"# Generated by tools/build/gen_test_targets.py; do not edit. Refresh: {REFRESH}"
VISIBILITY = '["//:__subpackages__"]'


def _list(items: list[str], indent: str) -> str:
    """A Starlark list of strings as buildifier formats it: one item a line when more than one."""
    if len(items) <= 1:
        return json.dumps(items)
    inner = "".join(f"{indent}    {json.dumps(item)},\n" for item in items)
    return f"[\n{inner}{indent}]"


def _call(rule: str, comment: str = "", **attributes) -> str:
    lines = [f"# {line}" for line in comment.splitlines()] + [f"{rule}("]
    for key, value in attributes.items():
        lines.append(f"    {key} = {_list(value, '    ') if isinstance(value, list) else json.dumps(value)},")
    return "\n".join([*lines, ")"])


def short(label: str) -> str:
    """`//a/b:b` as `//a/b`, as buildifier writes it."""
    package, _, name = label.partition(":")
    return package if name and package.rpartition("/")[2] == name else label


def label_key(label: str) -> tuple:
    """buildifier's order for label lists: same-package (`:x`) first, then by package and name."""
    package, _, name = label.partition(":")
    return (label.startswith("//"), package, name)


def _labels(labels, package: str) -> list[str]:
    """Labels relative to `package` where they lie in it, in buildifier's order."""
    found = set()
    for label in labels:
        full = label if ":" in label else f"{label}:{label.rpartition('/')[2]}"
        found.add(":" + full.partition(":")[2] if full.startswith(f"//{package}:") else short(full))
    return sorted(found, key=label_key)


def source_packages(graph: ImportGraph) -> dict[str, str]:
    """{package folder: its BUILD.bazel}: a py_library per module, and //src:tmgg holding all."""
    by_package: dict[str, list[str]] = {}
    for module in graph.modules():
        path = graph.module_file(module)
        by_package.setdefault(graph.workspace.rel(path.parent), []).append(module)
    header = [
        HEADER,
        "# A py_library per module; deps are the libraries of what its imports make Python run and",
        "# its package's __init__, which runs first (see ImportGraph in tools/build/gen_test_targets.py).",
        "",
        f"package(default_visibility = {VISIBILITY})",
    ]
    files, everything = {}, []
    for package, modules in sorted(by_package.items()):
        blocks = []
        for module in modules:
            path = graph.module_file(module)
            name = "__init__" if path.name == "__init__.py" else path.stem
            deps = _labels(["//:src_root", *graph.deps(module)], package)
            blocks.append(_call("py_library", name=name, srcs=[path.name], deps=deps))
            if graph.lazy_exports(module):
                comment = f"`import {module}`: the package with every name its lazy attach maps, as reaching one imports it."
                deps = _labels(graph.exports_deps(module), package)
                blocks.append(_call("py_library", comment, name="exports", deps=deps))
        everything.append(f"//{package}:py_files")
        blocks.append(
            f'# Every module of this package by glob, for //src:tmgg: it holds a module added since the last refresh.\n'
            f'filegroup(\n    name = "py_files",\n    srcs = glob(["*.py"]),\n)'
        )
        files[package] = "\n\n".join(["\n".join(header), *blocks]) + "\n"
    aggregate = _call(
        "py_library",
        "Every tmgg module, found by glob in each package: for `bazel run` of the runners and of\n"
        "//tools/build:gen_test_targets, which must run even when a new module is not in the graph yet.",
        name="tmgg",
        srcs=_labels(everything, "src"),
        deps=["//:src_root"],
    )
    files["src"] = "\n\n".join(["\n".join(header[:1] + header[3:]), aggregate]) + "\n"
    return files


def config_packages(workspace: Workspace) -> dict[str, str]:
    """{config folder: its BUILD.bazel}: each YAML file by name, and a filegroup of the folder."""
    holding = {Path(workspace.rel(path.parent)) for path in workspace.configs.rglob("*.yaml")}
    # A folder of subfolders only (configs/model) still gets its group's filegroup.
    folders = sorted({f.as_posix() for folder in holding for f in [folder, *folder.parents] if f.parts[:1] == ("configs",)})
    files = {}
    for folder in folders:
        yamls = sorted(path.name for path in (workspace.root / folder).glob("*.yaml"))
        subgroups = [f"//{sub}" for sub in folders if Path(sub).parent.as_posix() == folder]
        blocks = [
            "\n".join(
                [
                    HEADER,
                    "# A test target depends on the config files its compositions load, each by its label.",
                    "",
                    f"package(default_visibility = {VISIBILITY})",
                ]
            )
        ]
        if yamls:
            blocks.append(f"exports_files({_list(yamls, '')})")
        srcs = [*yamls, *sorted(subgroups, key=label_key)]
        comment = "The whole group, subgroups included." if subgroups else "The whole group."
        blocks.append(_call("filegroup", comment, name=Path(folder).name, srcs=srcs))
        files[folder] = "\n\n".join(blocks) + "\n"
    return files


def render_targets(tables: dict[str, dict], build_files: list[str]) -> str:
    """tests/targets.bzl: per test target, the labels Bazel cannot infer, one a line."""
    lines = [
        f'"""{HEADER[2:]}',
        "",
        "What Bazel cannot infer about each test target: the config files its Hydra",
        "compositions load, and the libraries of the modules its test files import and",
        "its configs' `_target_`s name. The libraries' own deps are in src/tmgg/**/BUILD.bazel.",
        '"""',
        "",
    ]
    for table, entries in tables.items():
        lines.append(f"{table} = {{")
        for key in sorted(entries):
            lines.append(f"    {json.dumps(key)}: {{")
            for field, value in sorted(entries[key].items()):
                text = _list(value, "        ") if isinstance(value, list) else json.dumps(value)
                lines.append(f"        {json.dumps(field)}: {text},")
            lines.append("    },")
        lines.append("}")
        lines.append("")
    lines.append("# The BUILD files this generator writes; the freshness check reads them.")
    lines.append(f"GENERATED_BUILD_FILES = {_list(build_files, '')}")
    lines.append("")
    return "\n".join(lines)


def render(workspace: Workspace) -> dict[str, str]:
    """{workspace-relative path: content} of every generated file."""
    graph = ImportGraph(workspace)
    packages = {**source_packages(graph), **config_packages(workspace)}
    workspace.packages |= set(packages)
    outputs = {f"{package}/BUILD.bazel": content for package, content in packages.items()}
    build_files = sorted((workspace.label(workspace.root / path) for path in outputs), key=label_key)
    outputs[OUTPUT.as_posix()] = render_targets(generate(workspace), build_files)
    return dict(sorted(outputs.items()))


def stale_report(current: dict[str, str], fresh: dict[str, str]) -> str | None:
    """What differs between the committed files and fresh ones, as a diff a reader can act on."""
    stale = [path for path in fresh if current.get(path) != fresh[path]]
    gone = sorted(set(current) - set(fresh))
    if not stale and not gone:
        return None
    lines = [f"tmgg: generated files are stale: run `{REFRESH}`. The changes it makes:"]
    lines += [f"{path}: to delete (its package is gone)" for path in gone]
    for path in stale:
        old = (current.get(path) or "").splitlines()
        diff = difflib.unified_diff(old, fresh[path].splitlines(), f"{path} (committed)", f"{path} (fresh)", n=1, lineterm="")
        lines += [line[:300] for line in itertools.islice(diff, 40)]
    return "\n".join(lines)


def read_current(workspace: Workspace, paths) -> dict[str, str]:
    """{path: content} of the files at `paths` and of the BUILD files the committed targets.bzl lists."""
    listed: dict = {}
    targets = workspace.root / OUTPUT
    if targets.is_file():
        exec(targets.read_text(), listed)
    # A BUILD file generated for a package that is gone: stale until deleted.
    paths = [*paths, *(label[2:].replace(":", "/") for label in listed.get("GENERATED_BUILD_FILES", []))]
    return {path: (workspace.root / path).read_text() for path in paths if (workspace.root / path).is_file()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale")
    parser.add_argument("--root", type=Path, help="workspace root (default: the bazel run workspace or cwd)")
    args = parser.parse_args()
    root = args.root or Path(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."))
    workspace = Workspace(root)
    fresh = render(workspace)
    current = read_current(workspace, fresh)
    if args.check:
        report = stale_report(current, fresh)
        if report:
            print(report, file=sys.stderr)
            return 1
        print(f"{len(fresh)} generated files are up to date")
        return 0
    for path in sorted(set(current) - set(fresh)):
        (workspace.root / path).unlink()
        print(f"deleted {path}")
    written = [path for path, content in fresh.items() if current.get(path) != content]
    for path in written:
        output = workspace.root / path
        scratch = output.with_suffix(".tmp")
        scratch.write_text(fresh[path])
        os.replace(scratch, output)
        print(f"wrote {path}")
    print(f"{len(fresh) - len(written)} of {len(fresh)} generated files were already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
