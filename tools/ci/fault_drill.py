#!/usr/bin/env python3
"""Inject faults one at a time into a clean copy of the workspace and check the suite catches each.

For each fault it asserts:
1. exactly the expected targets fail, as failed tests (not killed by Bazel):
   those whose declared inputs (tests/targets.bzl through the generated BUILD
   files, tools/build/target_graph.py) contain the edited file,
   less those the fault names as not theirs to catch (quiet: left out of the
   fault's run, since rerunning them green says nothing of the fault), plus any
   it adds;
2. each failed target's log names the culprit;
3. every target whose inputs the fault did not touch comes from the cache;
4. after the last fault is reverted, every target passes straight from the cache.
   (Each fault's run also checks the tree it starts from: a target that the last
   revert left uncached would rerun with no input changed, and fail point 3.)

Usage:
    python3 -m tools.ci.fault_drill [--keep] [--only NAME ...]

The copy is a `git clone` of HEAD in a scratch folder; results are shared with
the copy through a disk cache (cache keys do not depend on the checkout's path),
so the first run there costs the environment build, not the whole suite.
Prints a markdown table of faults, the targets they turned red and the message.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.build.target_graph import FRESHNESS_TARGET as FRESHNESS
from tools.build.target_graph import affected, load_targets
from tools.ci import bep_summary

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Fault:
    """One injected fault: replace the first `old` by `new` in `path`.

    The targets expected to fail are those whose declared inputs include `path`
    (tools/build/target_graph.affected), less `quiet` (inputs changed, but the fault
    is not theirs to catch: left out of the fault's run), plus `also_red`.
    """

    name: str
    path: str
    old: str
    new: str
    culprit: str  # a regex every failed target's log must match
    also_red: tuple[str, ...] = ()
    quiet: tuple[str, ...] = (FRESHNESS,)
    # Whole tables of targets that rerun but are not the fault's to catch, e.g. the
    # runner targets, which run one job with every output path overridden.
    quiet_tables: tuple[str, ...] = ()


FAULTS = (
    Fault(
        name="import error in a runner module",
        path="src/tmgg/report/error_report.py",
        old="import difflib\n",
        new="import difflib\nimport tmgg_drill_missing_module\n",
        culprit=r"No module named 'tmgg_drill_missing_module'",
        # Every runner imports the error report as it starts; the launch checks do not (tmgg.launch).
    ),
    Fault(
        name="broken Hydra decorator (wrong config name)",
        path="src/tmgg/runners/factory.py",
        old="config_name=config_name, version_base",
        new='config_name=config_name + "_typo", version_base',
        culprit=r"_typo",
    ),
    Fault(
        name="invalid defaults list (names a missing config)",
        path="configs/base_config_gnn.yaml",
        # Not the model line: the option targets override the model, so a missing default model is not theirs to catch.
        old="- base/defaults ",
        new="- base/defaultz ",
        culprit=r"base/defaultz",
        # The generator composes every config, so the generated inputs are stale too.
        also_red=(FRESHNESS,),
    ),
    Fault(
        name="path that fails to resolve",
        path="configs/stage/stage1_poc.yaml",
        old="stage: stage1_poc\n",
        new="stage: stage1_poc\npaths:\n  root_dir: ${oc.env:TMGG_DRILL_UNSET_ROOT}\n",
        culprit=r"TMGG_DRILL_UNSET_ROOT",
    ),
    Fault(
        name="data module that fails to instantiate",
        path="configs/data/sbm_small.yaml",
        old="p_in: 0.9 ",
        new="p_in: 1.9 ",
        culprit=r"p_in",
    ),
    Fault(
        name="model that fails to construct",
        path="configs/model/hybrid/hybrid.yaml",
        old="num_heads: 4 ",
        new="num_heads: 5 ",
        culprit=r"num_heads",
    ),
    Fault(
        name="undefined interpolation",
        path="configs/data/sbm_small.yaml",
        old="seed: ${seed}",
        new="seed: ${seeed}",
        culprit=r"seeed",
    ),
    Fault(
        name="invalid _target_",
        path="configs/model/gnn/gnn.yaml",
        old="_target_: tmgg.models.gnn.GNN",
        new="_target_: tmgg.models.gnn.GNNN",
        # The freshness check names the stale generated file instead.
        culprit=r"GNNN|generated files are stale",
        # The generated inputs follow the `_target_`, so they are stale too.
        also_red=(FRESHNESS,),
    ),
    Fault(
        name="incompatible composition (model too small for the stage's data)",
        path="configs/model/baselines/mlp.yaml",
        old="max_nodes: 64 ",
        new="max_nodes: 24 ",
        culprit=r"max_nodes",
        # The model alone is valid (its unit tests use smaller graphs); only a composition with 32-node data is not.
        quiet=(FRESHNESS, "unit_models"),
    ),
    Fault(
        name="input-dimension mismatch",
        path="src/tmgg/models/attention/multi_head_attention_denoiser.py",
        old="self.embed = nn.Linear(k, d_model)",
        new="self.embed = nn.Linear(k + 1, d_model)",
        culprit=r"mat1 and mat2|cannot be multiplied",
    ),
    Fault(
        name="model output of the wrong shape",
        path="src/tmgg/models/gnn/gnn.py",
        old="return self.readout(self.filters(normalised_shift(adj, values), unit_rms(vectors)))",
        new="return self.readout(self.filters(normalised_shift(adj, values), unit_rms(vectors)))[:, 1:, 1:]",
        # Config and runner targets report the sizes; the model's unit tests report a shape mismatch.
        culprit=r"31, 31|\[2, 31, 31\]|shape",
    ),
    Fault(
        name="NaN output",
        path="src/tmgg/models/digress/digress_graph_transformer.py",
        old="return self.out(torch.cat([e, pairs, graph], dim=-1)).squeeze(-1)",
        new='return self.out(torch.cat([e, pairs, graph], dim=-1)).squeeze(-1) * float("nan")',
        culprit=r"non-finite|not finite|nan",
    ),
    Fault(
        name="invalid trainer setting",
        path="configs/stage/stage2_validation.yaml",
        old="  max_epochs: 60\n",
        new="  max_epochs: 60\n  precision: 42-true\n",
        culprit=r"42-true",
    ),
    Fault(
        name="hang (a runner that never finishes)",
        path="configs/stage/stage4_benchmarks.yaml",
        old="stage: stage4_benchmarks\n",
        new="stage: stage4_benchmarks\ncallbacks:\n  drill_hang:\n    _target_: time.sleep\n    _args_: [3600]\n",
        culprit=r"TIMEOUT: runner tmgg-stage4 did not finish within 120 s",
        # Building callbacks is the runner's work, not the config checks': they rerun and pass.
        quiet=(FRESHNESS, "stage4_benchmarks", "stage4_benchmarks_sweep"),
    ),
    Fault(
        name="a GPU asked for that the environment cannot give (CPU build of torch)",
        path="configs/stage/stage2_validation.yaml",
        old="  max_epochs: 60\n",
        new="  max_epochs: 60\n  accelerator: gpu\n",
        culprit=r"GpuUnavailable: trainer.accelerator=gpu asks for a GPU, but .* is the CPU build",
        # The runner target runs one job with trainer.accelerator=cpu: the config checks' to catch.
        quiet=(FRESHNESS, "tmgg-stage2"),
    ),
    Fault(
        name="sweep that names a config option that does not exist",
        path="configs/stage/stage4_benchmarks.yaml",
        old="spectral/filter_bank,",
        new="spectral/filter_bankk,",
        culprit=r"filter_bankk",
        # The generator expands the sweep, so the generated inputs cannot be made either.
        also_red=(FRESHNESS,),
        # The single job (sweep=false) of the config and runner targets never picks the option.
        quiet=("stage4_benchmarks", "tmgg-stage4"),
    ),
    Fault(
        name="sweep value that breaks construction",
        path="configs/grid_search_base.yaml",
        old="model.optimizer.lr: 1.0e-3,1.0e-2",
        new="model.optimizer.lr: -1.0e-3,1.0e-2",
        culprit=r"Invalid learning rate",
        quiet=(FRESHNESS, "grid_search_base", "tmgg-grid-search"),
    ),
    Fault(
        name="group option selected by no base config, with a bad key",
        path="configs/trainer/cpu.yaml",
        old="accelerator: cpu\n",
        new="accelerator: cpu\nmax_epoch: 3\n",
        culprit=r"max_epoch",
    ),
    Fault(
        name="path that fails to resolve without the tests' overrides",
        path="configs/paths/default.yaml",
        old="results_dir: ${paths.output_dir}",
        new="results_dir: ${paths.output_dirr}",
        culprit=r"output_dirr",
        # The runners run one job with every output path overridden: the config checks' to catch.
        quiet_tables=("RUNNER_TARGETS",),
    ),
    # The learning faults: each job runs and gives finite numbers, so the config, sweep and
    # option targets catch them only through their `learns` cases; the runner targets, which
    # train 2 steps, rerun and pass. unit_models' contract test (every parameter gets a
    # gradient) also catches the three edits of a model file.
    Fault(
        name="learning rate typo in a stage config",
        path="configs/stage/stage2_validation.yaml",
        old="    lr: 5.0e-3\n",
        new="    lr: 5.0e-30\n",
        culprit=r"does not learn: loss .* -> .*model\.optimizer\.lr=5e-30",
        quiet=(FRESHNESS, "tmgg-stage2"),
    ),
    Fault(
        name="training loss scaled to zero",
        path="src/tmgg/training/denoising_module.py",
        old='return self._step(batch, "train")\n',
        new='return self._step(batch, "train") * 0.0\n',
        culprit=r"does not learn: loss 0 -> 0 .*zero gradient at the first step",
        # unit_learning's healthy toy module trains through this training_step, so it turns red too;
        # the training and runner unit tests check what is computed and logged, not that it learns.
        # unit_device starts a toy runner only to see it stop before training.
        # The preflight, report and sweep unit tests (in unit_runners before the split) never train.
        quiet=(FRESHNESS, "unit_device", "unit_preflight", "unit_report", "unit_runners", "unit_sweep", "unit_training"),
        quiet_tables=("RUNNER_TARGETS",),
    ),
    Fault(
        name="model layer built but never used in forward",
        path="src/tmgg/models/gnn/gnn.py",
        old="        self.k = feature_dim_in\n",
        new="        self.k = feature_dim_in\n        self.drill_unused = nn.Linear(feature_dim_in, feature_dim_in)\n",
        # The learning cases name it with the module's prefix; unit_models' contract test names it bare.
        culprit=r"no gradient at the first step: net\.drill_unused\.weight|parameter drill_unused\.weight gets no gradient",
        quiet_tables=("RUNNER_TARGETS",),
    ),
    Fault(
        name="parameter frozen in a model's constructor",
        path="src/tmgg/models/attention/multi_head_attention_denoiser.py",
        old="        self.embed = nn.Linear(k, d_model)\n",
        new="        self.embed = nn.Linear(k, d_model)\n        self.embed.weight.requires_grad_(False)\n",
        culprit=r"frozen \(requires_grad=False\): net\.embed\.weight|parameter embed\.weight gets no gradient",
        quiet_tables=("RUNNER_TARGETS",),
    ),
    Fault(
        name="model output detached from its parameters on one branch",
        path="src/tmgg/models/hybrid/hybrid_gnn_transformer.py",
        old="            h = self.filters(normalised_shift(adj, values), h)\n",
        new="            h = self.filters(normalised_shift(adj, values), h).detach()\n",
        culprit=r"no gradient at the first step: net\.filters\.|parameter filters\.\S+ gets no gradient",
        quiet_tables=("RUNNER_TARGETS",),
    ),
)


def run_suite(workspace: Path, disk_cache: Path, *extra: str, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """{target: 'cached' | 'passed' | 'failed' | ...} for one `bazel test //...` less `leave_out`, from its build events."""
    events = workspace / "bazel-drill-events.json"
    # --remote_upload_local_results: a run writes to a remote cache only when it asks (tools/bazel), and in
    # Bazel 4.2.3 a run that does not also leaves the disk cache unwritten, which the drill's reverts read.
    # --cache_test_results=yes: Bazel's default (auto) reruns any test that failed in this output tree
    # before, so the last fault's red targets would rerun with their inputs back as they were.
    command = ["bazel", "test", "--keep_going", f"--disk_cache={disk_cache}", "--remote_upload_local_results", "--cache_test_results=yes"]
    result = subprocess.run(
        [*command, f"--build_event_json_file={events}", *extra, "--", "//...", *(f"-//tests:{t}" for t in leave_out)],
        cwd=workspace,
        capture_output=True,
        text=True,
    )
    states = {}
    if events.exists():
        for label, outcome in bep_summary.test_results(events).items():
            status = outcome.get("status", "NO STATUS")
            cached = bep_summary.is_cached(outcome) and status == "PASSED"
            states[label.removeprefix("//tests:")] = "cached" if cached else status.lower()
    if not states:
        raise SystemExit(f"drill: bazel test reported no results:\n{result.stderr[-3000:]}")
    return states


def test_log(workspace: Path, target: str) -> str:
    log = workspace / "bazel-testlogs/tests" / target / "test.log"
    return log.read_text(errors="replace") if log.exists() else ""


def first_match(text: str, pattern: str) -> str:
    """The first line matching `pattern`, preferring pytest's `E ` error lines."""
    lines = [line for line in text.splitlines() if re.search(pattern, line)]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors or lines or [""])[0].removeprefix("E").strip()[:160]


def drill(workspace: Path, disk_cache: Path, fault: Fault) -> tuple[list[str], str, list[str]]:
    """Apply, test, revert. Returns (red targets, a culprit line, problems)."""
    problems = []
    file = workspace / fault.path
    original = file.read_text()
    if fault.old not in original:
        return [], "", [f"{fault.path} no longer contains {fault.old!r}: update the drill"]
    inputs_changed = affected(workspace, fault.path)
    tables = load_targets(workspace)
    quiet = set(fault.quiet).union(*(tables[table] for table in fault.quiet_tables))
    expected = (inputs_changed - quiet) | set(fault.also_red)
    # The quiet targets would rerun and pass, which says nothing of the fault: they are left out of
    # its run (the freshness check alone, quiet for most faults, costs about 50 s a run).
    leave_out = tuple(sorted((inputs_changed & quiet) - expected))
    file.write_text(original.replace(fault.old, fault.new, 1))
    try:
        states = run_suite(workspace, disk_cache, leave_out=leave_out)
    finally:
        file.write_text(original)
    red = sorted(t for t, s in states.items() if s not in ("cached", "passed"))
    if set(red) != expected:
        problems.append(f"expected red {sorted(expected)}, got {red}")
    # A failure must be the test's own verdict, with its message, not Bazel killing a silent test.
    not_failed = sorted(f"{t} ({states[t]})" for t in red if states[t] != "failed")
    if not_failed:
        problems.append(f"these ended otherwise than as a failed test: {not_failed}")
    # Targets whose inputs the fault did not touch must come from the cache; those
    # whose inputs it touched but that do not check this fault rerun and pass.
    rerun = sorted(t for t, s in states.items() if s == "passed" and t not in inputs_changed)
    if rerun:
        problems.append(f"these reran though none of their inputs changed: {rerun}")
    culprit_line = ""
    for target in red:
        line = first_match(test_log(workspace, target), fault.culprit)
        if not line:
            problems.append(f"{target}: its log does not name the culprit /{fault.culprit}/")
        elif not culprit_line:
            culprit_line = line
    return red, culprit_line, problems


def reverted_from_cache(workspace: Path, disk_cache: Path) -> list[str]:
    """Problems of the reverted tree: every target must come straight from the cache."""
    after = run_suite(workspace, disk_cache)
    not_cached = sorted(t for t, s in after.items() if s != "cached")
    return [f"after the revert these did not come from the cache: {not_cached}"] if not_cached else []


def describe(workspace: Path, red: list[str]) -> str:
    """The red targets, with "all N runner targets" in place of a full list of them."""
    runners = set(load_targets(workspace)["RUNNER_TARGETS"])
    if runners and runners <= set(red):
        return ", ".join([f"all {len(runners)} runner targets", *(t for t in red if t not in runners)])
    return ", ".join(red)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    parser.add_argument("--disk-cache", type=Path, help="a disk cache to reuse between drills (default: a scratch one)")
    parser.add_argument("--only", nargs="*", help="run only faults whose name contains one of these words")
    args = parser.parse_args()
    faults = [f for f in FAULTS if not args.only or any(word in f.name for word in args.only)]
    scratch = Path(tempfile.mkdtemp(prefix="tmgg-drill-"))
    workspace = scratch / "workspace"
    disk_cache = args.disk_cache or scratch / "disk-cache"
    failures = 0
    revert_problems = ["not checked"]
    rows = []
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(workspace)], check=True)
        baseline = run_suite(workspace, disk_cache)
        bad = sorted(t for t, s in baseline.items() if s not in ("passed", "cached"))
        if bad:
            raise SystemExit(f"drill: the clean copy is not green: {bad}")
        print(f"drill: clean copy green ({len(baseline)} targets)", flush=True)
        for number, fault in enumerate(faults, 1):
            started = time.perf_counter()
            red, line, problems = drill(workspace, disk_cache, fault)
            status = "caught" if not problems else "MISSED"
            failures += bool(problems)
            seconds = time.perf_counter() - started
            print(f"drill: [{number}/{len(faults)}] {fault.name}: {status} in {seconds:.0f} s; red: {describe(workspace, red)}", flush=True)
            for problem in problems:
                print(f"drill:   {problem}", flush=True)
            rows.append(f"| {fault.name} (`{fault.path}`) | {describe(workspace, red)} | `{line.replace('|', '/')}` |")
        started = time.perf_counter()
        revert_problems = reverted_from_cache(workspace, disk_cache)
        problems = revert_problems
        print(f"drill: every fault reverted: {'MISSED' if problems else 'all from the cache'} in {time.perf_counter() - started:.0f} s", flush=True)
        for problem in problems:
            print(f"drill:   {problem}", flush=True)
    finally:
        # The copy's Bazel output tree is throwaway too.
        subprocess.run(["bazel", "clean", "--expunge"], cwd=workspace, capture_output=True)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print("\n| fault | targets turned red | message in the log |\n|---|---|---|")
    print("\n".join(rows))
    print(f"\ndrill: {len(faults) - failures} passed, {failures} failed" + ("; the reverted tree was not all from the cache" if revert_problems else ""))
    return 1 if failures or revert_problems else 0


if __name__ == "__main__":
    sys.exit(main())
