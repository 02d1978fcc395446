"""What Hydra composes: the config files each launch loads and the `_target_`s they name, and the unit folders' data files."""

from __future__ import annotations

from pathlib import Path

from tools.build.import_graph import ImportGraph, Workspace, label_key
from tools.build.test_families import UNIT_DATA, read_starlark_data


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


def unit_data(workspace: Workspace) -> dict[str, list[str]]:
    """{unit target: labels of the files its tests read}, written by hand in tests/unit_data.bzl."""
    return _unit_tables(workspace)["UNIT_DATA"]


def unit_sizes(workspace: Workspace) -> dict[str, str]:
    """{unit target: Bazel size} for those not "small", written by hand in tests/unit_data.bzl."""
    return _unit_tables(workspace).get("UNIT_SIZE", {})


def _unit_tables(workspace: Workspace) -> dict:
    return read_starlark_data(workspace.root / UNIT_DATA)


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
