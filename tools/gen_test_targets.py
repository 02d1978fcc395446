#!/usr/bin/env python3
"""Generate tests/targets.bzl: what each Bazel test target reads.

For every runner in pyproject.toml's `[project.scripts]`, every base config
(`configs/*.yaml`), every stage config (`configs/stage/*.yaml`), every runner
whose launch is a Hydra sweep (one target for all its jobs), every config group
with options that no launch loads (one target for those options) and every unit
test folder, it records the exact config files and tmgg source files the target
needs, derived from the real compositions and imports:

- configs: Hydra's own defaults list for the composition (every file it loads);
- sources: each `_target_` of the composed config, resolved to the module that
  defines it, plus the test file's imports, closed over tmgg's import graph
  (parsed, never imported; package `__init__` files export lazily through
  `lazy_loader.attach`, so importing one model does not import its siblings).

Usage:
    bazel run //tools:gen_test_targets          # rewrite tests/targets.bzl
    python3 tools/gen_test_targets.py --check   # exit 1, naming what is stale
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
import tomllib
from pathlib import Path

OUTPUT = Path("tests/targets.bzl")
REFRESH = "bazel run //tools:gen_test_targets"
CONFIG_TEST = "tests/test_config_composition.py"
RUNNER_TEST = "tests/test_runner_integration.py"
SWEEP_TEST = "tests/test_sweep_jobs.py"
OPTION_TEST = "tests/test_config_options.py"
FRESHNESS_TEST = "tests/test_generated_targets.py"
# Repository paths named in a test's string literals become that test's data.
PATH_LITERAL = re.compile(r"^(?:configs|tools|src)/[\w./-]+$|^(?:pyproject\.toml|MODULE\.bazel|WORKSPACE)$")


class Workspace:
    """Paths and Bazel labels of one checkout."""

    def __init__(self, root: Path) -> None:
        # Not resolved: under Bazel the files are symlinks out of the runfiles tree.
        self.root = Path(os.path.abspath(root))
        self.configs = self.root / "configs"

    def rel(self, path: Path) -> str:
        return Path(os.path.abspath(path)).relative_to(self.root).as_posix()

    def label(self, path: Path, from_package: str | None = None) -> str:
        """The label of a file; relative (no `//pkg:`) when it lies in `from_package`."""
        rel = self.rel(path)
        package = Path(rel).parent
        while package != Path(".") and not (self.root / package / "BUILD.bazel").exists():
            package = package.parent
        package_str = "" if package == Path(".") else package.as_posix()
        name = rel if not package_str else rel[len(package_str) + 1 :]
        if package_str == from_package:
            return name
        return f"//{package_str}:{name}"


class ImportGraph:
    """tmgg's modules and the tmgg modules each one imports, read from source alone.

    Nothing is imported: modules are files under src/, imports are parsed, and
    the packages' lazy exports (`lazy_loader.attach(__name__, submod_attrs={...})`,
    SPEC 1) are read from their `__init__.py`. So the generator needs Hydra, but not torch.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._imports: dict[str, set[str]] = {}

    def module_file(self, module: str) -> Path | None:
        base = self.workspace.root / "src" / Path(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    @staticmethod
    def _with_parents(module: str) -> set[str]:
        parts = module.split(".")
        return {".".join(parts[: i + 1]) for i in range(len(parts))}

    def _lazy_exports(self, package: str) -> dict[str, str]:
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
        exported = self._lazy_exports(base).get(name)
        if exported and exported != base:
            return self.defining_module(exported, name)
        return base

    def _imports_of(self, path: Path, package: str) -> set[str]:
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "tmgg")
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                if base.split(".")[0] != "tmgg":
                    continue
                found.add(base)
                found.update(self.defining_module(base, alias.name) for alias in node.names)
        return found

    def closure(self, modules: set[str]) -> set[str]:
        """All tmgg modules loaded by importing `modules`, parent packages included."""
        seen: set[str] = set()
        todo = [m for module in modules for m in self._with_parents(module)]
        while todo:
            module = todo.pop()
            if module in seen or module.split(".")[0] != "tmgg":
                continue
            seen.add(module)
            if module not in self._imports:
                path = self.module_file(module)
                package = module if path is not None and path.name == "__init__.py" else module.rpartition(".")[0]
                self._imports[module] = self._imports_of(path, package) if path is not None else set()
            for imported in self._imports[module]:
                todo.extend(self._with_parents(imported))
        return seen

    def files(self, modules: set[str]) -> list[str]:
        paths = (self.module_file(module) for module in self.closure(modules))
        return sorted({self.workspace.label(path) for path in paths if path is not None})

    def test_file_imports(self, path: Path) -> set[str]:
        return self._imports_of(path, "")


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
            return sorted(paths)

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


def target_modules(graph: ImportGraph, targets: set[str]) -> set[str]:
    """The tmgg modules that define the given `_target_` paths."""
    modules = set()
    for target in targets:
        if target.split(".")[0] != "tmgg":
            continue
        base, _, name = target.rpartition(".")
        modules.add(graph.defining_module(base, name))
    return modules


def declared_runners(workspace: Workspace) -> dict[str, str]:
    return tomllib.loads((workspace.root / "pyproject.toml").read_text())["project"]["scripts"]


def _named_paths(tree: ast.AST) -> set[str]:
    """Repository paths a test names: "configs/..."-style literals and `config_dir() / "x"`."""
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and PATH_LITERAL.match(node.value):
            named.add(node.value)
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.left, ast.Call)
            and getattr(node.left.func, "id", None) == "config_dir"
            and isinstance(node.right, ast.Constant)
            and isinstance(node.right.value, str)
        ):
            named.add(f"configs/{node.right.value}")
    return named


def named_files(workspace: Workspace, files: list[Path]) -> list[Path]:
    """The repository files that `files` name (a folder stands for all its files)."""
    found = set()
    for path in files:
        for name in _named_paths(ast.parse(path.read_text())):
            target = workspace.root / name
            members = target.rglob("*") if target.is_dir() else [target]
            found.update(p for p in members if p.is_file() and "__pycache__" not in p.parts)
    return sorted(found)


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
    targets = {}
    for name, files in groups.items():
        files = [*files, tests_root / "conftest.py"]
        named = named_files(workspace, files)
        modules = set().union(*(graph.test_file_imports(path) for path in files))
        modules |= target_modules(graph, yaml_targets(named))
        labels = [workspace.label(path) for path in named]
        targets[name] = {
            "tests": sorted(workspace.label(path, "tests") for path in files),
            "srcs": graph.files(modules),
            "configs": [label for label in labels if label.startswith("//:configs/")],
            "data": [label for label in labels if not label.startswith("//:configs/")],
        }
    return targets


def generate(workspace: Workspace) -> dict[str, dict]:
    graph = ImportGraph(workspace)
    compositions = Compositions(workspace)
    config_test_modules = graph.test_file_imports(workspace.root / CONFIG_TEST)
    runner_test_modules = graph.test_file_imports(workspace.root / RUNNER_TEST)

    from tmgg.runners.config_options import launch_labels, single_job

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
        configs[case] = {"configs": files, "srcs": graph.files(config_test_modules | target_modules(graph, targets))}
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
        modules = runner_test_modules | {module} | target_modules(graph, targets_of[config])
        runners[script] = {
            "case": f"{script}-{config}",
            "entry": entry,
            "kind": "stage" if config in stage_names else "experiment",
            "configs": configs[config]["configs"],
            "srcs": graph.files(modules),
        }
    return {
        "RUNNER_TARGETS": runners,
        "CONFIG_TARGETS": configs,
        "SWEEP_TARGETS": sweep_targets(workspace, graph, compositions),
        "OPTION_TARGETS": option_targets(workspace, graph, compositions),
        "UNIT_TARGETS": unit_targets(workspace, graph),
    }


def _jobs_inputs(graph: ImportGraph, compositions: Compositions, jobs, test_modules: set[str]) -> dict[str, list[str]]:
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
    return {"configs": sorted(files), "srcs": graph.files(test_modules | target_modules(graph, targets))}


def sweep_targets(workspace: Workspace, graph: ImportGraph, compositions: Compositions) -> dict[str, dict]:
    """One target per runner config whose launch is a Hydra sweep, checking each of its jobs."""
    from tmgg.runners.config_options import launch_labels, sweep_plan

    test_modules = graph.test_file_imports(workspace.root / SWEEP_TEST)
    targets = {}
    for label in launch_labels(workspace.configs):
        plan = sweep_plan(label, workspace.configs)
        if plan.multirun:
            inputs = _jobs_inputs(graph, compositions, plan.jobs, test_modules)
            targets[f"{label}_sweep"] = {"sweep": label, "jobs": len(plan.jobs), **inputs}
    return targets


def option_targets(workspace: Workspace, graph: ImportGraph, compositions: Compositions) -> dict[str, dict]:
    """One target per config group whose options no launch loads, checking each option."""
    from tmgg.runners.config_options import uncovered_options

    cases, unplaceable = uncovered_options(workspace.configs)
    if unplaceable:
        raise SystemExit(
            f"tmgg: no runner's config chooses from the group of {', '.join(unplaceable)}, so no test "
            "exercises it: add the group to a config's defaults list, or remove the file"
        )
    test_modules = graph.test_file_imports(workspace.root / OPTION_TEST)
    by_group: dict[str, list] = {}
    for case in cases:
        by_group.setdefault(case.group, []).append(case)
    targets = {}
    for group, group_cases in sorted(by_group.items()):
        jobs = [case.job(workspace.configs) for case in group_cases]
        inputs = _jobs_inputs(graph, compositions, jobs, test_modules)
        targets[f"options_{group.replace('/', '_')}"] = {"options": [case.id for case in group_cases], **inputs}
    return targets


def render(tables: dict[str, dict]) -> str:
    lines = [
        f"# Generated by tools/gen_test_targets.py; do not edit. Refresh: {REFRESH}",
        "# Each test target's exact inputs, derived from Hydra's compositions and tmgg's imports.",
        "",
    ]
    for table, entries in tables.items():
        lines.append(f"{table} = {{")
        for key in sorted(entries):
            lines.append(f"    {json.dumps(key)}: {json.dumps(entries[key], sort_keys=True)},")
        lines.append("}")
        lines.append("")
    return "\n".join(lines)


def stale_report(current: str, fresh: str) -> str | None:
    """What differs between the committed file and a fresh one, as lines a reader can act on."""
    if current == fresh:
        return None
    current_lines = set(current.splitlines())
    missing = [line for line in fresh.splitlines() if line not in current_lines and line.startswith("    ")]
    lines = [f"tmgg: {OUTPUT} is stale: run `{REFRESH}`. Lines to add or change:"]
    lines += [f"  {line.strip()[:300]}" for line in missing[:20]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if {OUTPUT} is stale")
    parser.add_argument("--root", type=Path, help="workspace root (default: the bazel run workspace or cwd)")
    args = parser.parse_args()
    root = args.root or Path(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."))
    workspace = Workspace(root)
    fresh = render(generate(workspace))
    output = workspace.root / OUTPUT
    if args.check:
        report = stale_report(output.read_text() if output.exists() else "", fresh)
        if report:
            print(report, file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    scratch = output.with_suffix(".tmp")
    scratch.write_text(fresh)
    os.replace(scratch, output)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
