"""The tables of tests/targets.bzl: one entry per runner, base and stage config, sweep, option group and unit folder."""

from __future__ import annotations

from tools.build.compositions import Compositions, declared_runners, label_files, target_loads, unit_data, unit_sizes, yaml_targets
from tools.build.import_graph import ImportGraph, Workspace, label_key, tool_labels
from tools.build.test_families import CONFIG_TEST, FAMILY_TESTS, FRESHNESS_TEST, OPTION_TEST, RUNNER_TEST, SWEEP_TEST, UNIT_DATA


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
    graph = ImportGraph(workspace)
    compositions = Compositions(workspace)
    config_test_loads = graph.test_file_loads(workspace.root / CONFIG_TEST)
    runner_test_loads = graph.test_file_loads(workspace.root / RUNNER_TEST)

    from tmgg.launch.config_options import launch_labels, single_job
    from tmgg.launch.check_configs import QUICK_TRAINING

    configs, targets_of, trained_files = {}, {}, {}
    # Each base and stage config as its runner launches it with sweep=false.
    for case in launch_labels(workspace.configs):
        try:
            job = single_job(case, configs=workspace.configs)
            overrides = [*job.hydra_overrides, *job.overrides]
            targets = compositions.targets(job.config_name, overrides)
            files = compositions.config_files(job.config_name, overrides)
            # The runner targets train the job with the quick-training config.
            trained_files[case] = compositions.config_files(job.config_name, [*overrides, QUICK_TRAINING])
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
            "configs": trained_files[config],
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
