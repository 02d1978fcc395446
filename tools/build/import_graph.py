"""What tmgg's and tools' modules import, parsed and never imported: the deps of each generated py_library and test target."""

from __future__ import annotations

import ast
import os
from pathlib import Path


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


def short(label: str) -> str:
    """`//a/b:b` as `//a/b`, as buildifier writes it."""
    package, _, name = label.partition(":")
    return package if name and package.rpartition("/")[2] == name else label


def label_key(label: str) -> tuple:
    """buildifier's order for label lists: same-package (`:x`) first, then by package and name."""
    package, _, name = label.partition(":")
    return (label.startswith("//"), package, name)
