"""The tables of tests/targets.bzl: one entry per base and stage config, sweep, option group and unit folder, and each family's test imports."""

from __future__ import annotations

from tools.build.compositions import Compositions, label_files, target_loads, unit_data, unit_sizes, yaml_targets
from tools.build.import_graph import ImportGraph, Workspace, label_key, tool_labels
from tools.build.runner_targets import QUICK_TRAINING as QUICK_LABEL
from tools.build.runner_targets import RUNNER_MODULE, RunnerError, console_scripts, runner_targets
from tools.build.test_families import FAMILY_TESTS, FRESHNESS_TEST, RUNNER_TEST, UNIT_DATA


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
    owned = {*FAMILY_TESTS.values(), FRESHNESS_TEST}
    top_level = sorted(p for p in tests_root.glob("test_*.py") if workspace.rel(p) not in owned)
    if top_level:
        groups["unit_tmgg"] = top_level
    data = unit_data(workspace)
    sizes = unit_sizes(workspace)
    unknown = sorted((set(data) | set(sizes)) - set(groups))
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
        if name in sizes:
            targets[name]["size"] = sizes[name]
    return targets


def generate(workspace: Workspace) -> dict[str, dict]:
    """The tables of tests/targets.bzl.

    A family entry's deps are the libraries its configs' `_target_`s name; those its
    family's test file imports are the family's, once, in TEST_IMPORTS. The runners'
    targets are made by Bazel from pyproject.toml and CONFIG_TARGETS (tools/build/runner_targets.py).
    """
    graph = ImportGraph(workspace)
    compositions = Compositions(workspace)
    configs = config_targets(workspace, graph, compositions)
    try:
        # The check Bazel's load makes (the @tmgg_runners rule), here too: the same parser and function.
        runner_targets(console_scripts((workspace.root / "pyproject.toml").read_text()), configs)
    except RunnerError as error:
        raise SystemExit(f"tmgg: {error}") from None
    imports = {
        table: graph.labels(graph.test_file_loads(workspace.root / test), top_level=True)
        for table, test in FAMILY_TESTS.items()
        if table != "RUNNER_TARGETS"
    }
    # A runner's test launches it through its entry point's module.
    runner_loads = graph.test_file_loads(workspace.root / RUNNER_TEST) | graph.reach(RUNNER_MODULE)
    imports["RUNNER_TARGETS"] = graph.labels(runner_loads, top_level=True)
    return {
        "CONFIG_TARGETS": configs,
        "SWEEP_TARGETS": sweep_targets(workspace, graph, compositions),
        "OPTION_TARGETS": option_targets(workspace, graph, compositions),
        "UNIT_TARGETS": unit_targets(workspace, graph),
        "TEST_IMPORTS": imports,
    }


def check_quick_training(case: str, files: list[str], trained: list[str]) -> None:
    """Exits naming `case` unless composing it with the quick config adds that config's file and nothing else.

    A runner's test target declares its config target's files and configs/quick/train.yaml
    (tools/build/runner_targets.py): a file the quick config pulled in would go undeclared.
    """
    if set(trained) == {*files, QUICK_LABEL}:
        return
    added = sorted(set(trained) - set(files) - {QUICK_LABEL}, key=label_key)
    dropped = sorted(set(files) - set(trained), key=label_key)
    change = ", ".join([*(f"adds {label}" for label in added), *(f"drops {label}" for label in dropped)]) or f"lacks {QUICK_LABEL}"
    raise SystemExit(
        f"tmgg: composing {case} with +quick=train {change}; the runners' test targets declare only "
        f"{QUICK_LABEL} beside their config's files: keep configs/quick/train.yaml to plain settings, no defaults list"
    )


def config_targets(workspace: Workspace, graph: ImportGraph, compositions: Compositions) -> dict[str, dict]:
    """One target per base and stage config, as its runner launches it with sweep=false."""
    from tmgg.launch.check_configs import QUICK_TRAINING
    from tmgg.launch.config_options import launch_labels, single_job

    configs = {}
    for case in launch_labels(workspace.configs):
        try:
            job = single_job(case, configs=workspace.configs)
            overrides = [*job.hydra_overrides, *job.overrides]
            targets = compositions.targets(job.config_name, overrides)
            files = compositions.config_files(job.config_name, overrides)
            trained = compositions.config_files(job.config_name, [*overrides, QUICK_TRAINING])
        except Exception as error:  # Hydra and YAML errors alike: name the config, keep the message.
            raise SystemExit(f"tmgg: cannot compose config {case}: {type(error).__name__}: {error}") from None
        check_quick_training(case, files, trained)
        configs[case] = {"configs": files, "deps": graph.labels(target_loads(graph, targets), top_level=True)}
    return configs


def _jobs_inputs(graph: ImportGraph, compositions: Compositions, jobs) -> dict[str, list[str]]:
    """The config files `jobs` compose and the libraries their `_target_`s name."""
    files: set[str] = set()
    targets: set[str] = set()
    for job in jobs:
        overrides = [*job.hydra_overrides, *job.overrides]
        try:
            files.update(compositions.config_files(job.config_name, overrides))
            targets |= compositions.targets(job.config_name, overrides)
        except Exception as error:  # Hydra and YAML errors alike: name the job, keep the message.
            raise SystemExit(f"tmgg: cannot compose job {job.id}: {type(error).__name__}: {error}") from None
    return {"configs": sorted(files, key=label_key), "deps": graph.labels(target_loads(graph, targets), top_level=True)}


def sweep_targets(workspace: Workspace, graph: ImportGraph, compositions: Compositions) -> dict[str, dict]:
    """One target per runner config whose launch is a Hydra sweep, checking each of its jobs."""
    from tmgg.launch.config_options import launch_labels, sweep_plan

    targets = {}
    for label in launch_labels(workspace.configs):
        plan = sweep_plan(label, workspace.configs)
        if plan.multirun:
            inputs = _jobs_inputs(graph, compositions, plan.jobs)
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
    by_group: dict[str, list] = {}
    for case in cases:
        by_group.setdefault(case.group, []).append(case)
    targets = {}
    for group, group_cases in sorted(by_group.items()):
        jobs = [case.job(workspace.configs) for case in group_cases]
        inputs = _jobs_inputs(graph, compositions, jobs)
        targets[f"options_{group.replace('/', '_')}"] = {"options": [case.id for case in group_cases], **inputs}
    return targets
