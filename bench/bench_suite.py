#!/usr/bin/env python3
"""Bazel against pytest, pytest-xdist and pytest-testmon on tmgg's integration suite, in one run.

Everything runs in scratch `git clone`s of HEAD (the checkout is never edited;
each clone has its own Bazel output base), on one machine, and measures:

- cold full suite: `bazel test //tests:integration_all` in a fresh clone (server
  start, analysis, every test run and uploaded to a local remote cache) against
  `pytest -m integration` (serial) and `pytest -n 2`; and testmon's first run,
  which builds its database;
- no-op rerun, nothing changed: Bazel and testmon (medians), plain pytest (a
  second full run);
- incremental reruns after five edits (a model file, a data config, a stage
  config, the lock, the README): for each edit and tool, the targets it reran,
  the targets it should rerun, misses, extras, seconds. "Should rerun" does not
  come from the declarations Bazel uses: tools/ci/trace_inputs.py runs each target's
  tests outside Bazel under an audit hook, and a target should rerun after an
  edit of a file its tests opened (the lock: every target, since each runs in
  the environment the lock builds);
- cache hit: a fresh clone plus `bazel test --config=ci` against the remote cache;
- per-target cost: interpreter start, imports, the test's own work, Bazel's overhead.

Counts are at Bazel-target granularity: a pytest test maps to the target of its
case (config tests by config name, runner tests by runner case); pytest's
entry-point smoke test has no target and is counted apart. Plain pytest reruns
everything on any edit, so its incremental rows reuse the full run's time
(said so in the table) unless --full-pytest-matrix measures them.

Writes OUT/suite.md (tables: seconds and ratios against Bazel), OUT/suite.png
(bench/suite_plot.py, run by the Python of Bazel's environment), OUT/suite.json
(every sample) and OUT/logs/ (one log per command).

Usage:
    python3 -m bench.bench_suite [--repeats 3] [--out bench/results] [--quick]
                                 [--full-pytest-matrix] [--keep] [--cache-port 19093]

A figure whose first measurement takes under a minute is the median of
--repeats runs; longer ones are measured once. A full run takes about 30
minutes on 2 cores (about 50 with --full-pytest-matrix). --quick checks the
plumbing on three targets, one run each, without the lock edit: about 7 minutes.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from bench.benchlib import CASES, IMPORT_FLOOR, ROOT, CommandFailed, bazel_output_base, bazel_python, pytest_case_command, timed
from tools.build import target_graph
from tools.ci import bep_summary

BAZEL, PYTEST, XDIST, TESTMON = "bazel", "pytest", "pytest -n 2", "testmon"
PYTEST_FLAGS = {PYTEST: (), XDIST: ("-n", "2"), TESTMON: ("--testmon", "--testmon-forceselect")}
COLD, NOOP, CACHE_HIT = "cold full suite", "no-op rerun", "cache hit (fresh clone)"
LONG_S = 60.0  # a measurement that takes longer is not repeated
QUICK_TARGETS = ("base_config_gnn", "stage1_poc", "tmgg-gnn")
VENV_ROOT = Path.home() / ".cache/tmgg/venvs"
PYTHON_TAG = "-py3.11"  # tools/build/rules/python_venv.bzl names environments <lock sha256>-py3.11


class BenchError(RuntimeError):
    """A step failed; the message names the step and its log."""


def progress(text: str, end: str = "\n", prefix: str = "bench: ") -> None:
    """One progress line (or the start of one, with end="") on stderr."""
    print(prefix + text, end=end, file=sys.stderr, flush=True)


# --- what is measured ------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One edit of the incremental matrix: `old` replaced by `new(trial, tag)`, or `new` appended when `old` is None.

    Every trial writes different text, so no cache of an earlier trial can serve it.
    """

    label: str
    path: str
    old: str | None
    new: Callable[[int, str], str]
    slow: bool = False  # skipped by --quick

    def apply(self, clone: Path, trial: int, tag: str) -> None:
        file = clone / self.path
        text = file.read_text()
        if self.old is None:
            file.write_text(text + self.new(trial, tag))
            return
        if self.old not in text:
            raise BenchError(f"edit {self.label}: {self.path} no longer contains {self.old!r}: update EDITS in {__file__}")
        file.write_text(text.replace(self.old, self.new(trial, tag), 1))

    def revert(self, clone: Path) -> None:
        subprocess.run(["git", "checkout", "--", self.path], cwd=clone, check=True)


# GNN has no forward of its own: BaseDenoiser.forward calls edge_logits, so the
# statement goes there. testmon fingerprints code blocks, so it must be code, not a comment.
GNN_LINE = "        values, vectors = self.eigen(adj)\n"
EDITS = (
    Edit(
        "model file",
        "src/tmgg/models/gnn/gnn.py",
        GNN_LINE,
        lambda n, tag: f'{GNN_LINE}        assert adj.dim() == 3, "bench edit {tag}"\n',
    ),
    Edit("data config", "configs/data/sbm_small.yaml", "p_out: 0.05 ", lambda n, tag: f"p_out: {0.05 + 0.01 * n:.2f} "),
    Edit(
        "stage config",
        "configs/stage/stage2_validation.yaml",
        "  sigma: 0.3\n",
        lambda n, tag: f"  sigma: {0.3 + 0.05 * n:.2f}\n",
    ),
    Edit("lock file", target_graph.LOCK, None, lambda n, tag: f"# bench edit {tag}\n", slow=True),
    Edit("README", "README.md", None, lambda n, tag: f"\nbench edit {tag}\n"),
)


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


# --- results ---------------------------------------------------------------------------------


@dataclass
class ToolRun:
    """One timed run of one tool."""

    seconds: float
    ran: set[str]  # integration targets that ran: Bazel's uncached results, or any of a target's pytest tests
    log: str
    unmapped: int = 0  # pytest tests that map to no Bazel target (the entry-point smoke test)


@dataclass
class Measure:
    """The samples of one figure of the whole-suite table."""

    scenario: str
    tool: str
    samples: list[float]
    note: str = ""
    reran: int | None = None
    measured: bool = True  # False: another figure's samples, reused

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class EditRow:
    """One row of the incremental matrix."""

    edit: str
    path: str
    tool: str
    reran: list[str]
    should: list[str]
    samples: list[float]
    measured: bool = True
    unmapped: int = 0
    note: str = ""

    @property
    def missed(self) -> list[str]:
        return sorted(set(self.should) - set(self.reran))

    @property
    def extra(self) -> list[str]:
        return sorted(set(self.reran) - set(self.should))


@dataclass
class Context:
    """Where the bench runs and what it has found so far."""

    args: argparse.Namespace
    scratch: Path
    logs: Path
    work: Path
    commit: str  # HEAD when the bench started: every clone checks out this commit
    scope: Scope | None = None
    cases: dict[str, str] = field(default_factory=dict)
    python: str = ""
    cache_url: str = ""
    clones: list[Path] = field(default_factory=list)
    venvs_before: set[str] = field(default_factory=set)
    lock_venvs: set[str] = field(default_factory=set)
    full_runs: dict[str, tuple[ToolRun, str]] = field(default_factory=dict)  # tool: (a full run, which one)
    reads: dict[str, set[str]] = field(default_factory=dict)  # target: workspace files its tests opened (traced)
    measures: list[Measure] = field(default_factory=list)
    matrix: list[EditRow] = field(default_factory=list)
    breakdown: list[dict] = field(default_factory=list)
    step_count: int = 0

    def log_stem(self, step: str) -> Path:
        """A numbered path in logs/ named after the step; callers add `.log`, `.bep.json`, `.xml`."""
        self.step_count += 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", step).strip("-").lower()[:80]
        return self.logs / f"{self.step_count:03d}-{slug}"


def with_suffix(stem: Path, suffix: str) -> Path:
    return stem.parent / (stem.name + suffix)


# --- running tools ---------------------------------------------------------------------------


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment without a remote cache or PYTHONPATH, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("TMGG_REMOTE_CACHE", "TMGG_REMOTE_CACHE_HEADER", "PYTHONPATH")}
    env.update(extra)
    return env


def pytest_env(workspace: Path) -> dict[str, str]:
    """The environment Bazel gives tests (.bazelrc's `test --test_env=K=V` lines), for plain pytest."""
    pairs = re.findall(r"^test --test_env=(\w+)=(.*)$", (workspace / ".bazelrc").read_text(), re.MULTILINE)
    return base_env(**dict(pairs))


def run_step(
    ctx: Context,
    step: str,
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    ok: tuple[int, ...] = (0,),
    stem: Path | None = None,
) -> tuple[float, Path]:
    """Run one command with its output in a log of its own, printing a progress line."""
    log = with_suffix(stem or ctx.log_stem(step), ".log")
    progress(f"{step} ...", end="")
    try:
        seconds = timed(command, cwd, log=log, env=env, ok=ok)
    except CommandFailed as failed:
        progress(" failed", prefix="")
        raise BenchError(f"step '{step}' failed (exit {failed.status}): see {log}") from None
    progress(f" {seconds:.1f} s", prefix="")
    return seconds, log


def bazel_test(
    ctx: Context,
    clone: Path,
    step: str,
    *flags: str,
    labels: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> ToolRun:
    """`bazel test` in a clone; the targets that ran are the uncached results of its build events."""
    if clone.resolve() == ROOT:
        raise BenchError("refusing to run Bazel in the checkout itself")
    stem = ctx.log_stem(step)
    events = with_suffix(stem, ".bep.json")
    command = ["bazel", "test", *flags, f"--build_event_json_file={events}", *(labels or ctx.scope.labels)]
    seconds, log = run_step(ctx, step, command, clone, env or base_env(), stem=stem)
    results = bep_summary.test_results(events)
    failed = sorted(label for label, result in results.items() if result.get("status") != "PASSED")
    if failed or not results:
        raise BenchError(f"step '{step}': {', '.join(failed) or 'no test results'}: see {log}")
    ran = {label.removeprefix("//tests:") for label, result in results.items() if not bep_summary.is_cached(result)}
    return ToolRun(seconds, ran, str(log))


def junit_tests(path: Path) -> list[str]:
    """Names of the tests a JUnit file says ran (not skipped)."""
    if not path.exists():
        return []
    return [case.get("name", "") for case in ET.parse(path).getroot().iter("testcase") if case.find("skipped") is None]


def pytest_run(ctx: Context, step: str, *extra: str, ok: tuple[int, ...] = (0,)) -> ToolRun:
    """pytest over the scope in the work clone, with Bazel's interpreter; the JUnit file says what ran."""
    stem = ctx.log_stem(step)
    junit = with_suffix(stem, ".xml")
    command = [ctx.python, "-m", "pytest", "-p", "no:cacheprovider", *ctx.scope.pytest_args, *extra, f"--junitxml={junit}"]
    seconds, log = run_step(ctx, step, command, ctx.work, pytest_env(ctx.work), ok, stem=stem)
    ran, unmapped = set(), 0
    for name in junit_tests(junit):
        case = re.search(r"\[(.+)\]$", name)
        target = case_target(ctx.cases, case.group(1)) if case else None
        if target:
            ran.add(target)
        else:
            unmapped += 1
    return ToolRun(seconds, ran, str(log), unmapped)


def run_tool(ctx: Context, tool: str, step: str) -> ToolRun:
    """One run of `tool` over the scope in the work clone."""
    if tool == BAZEL:
        return bazel_test(ctx, ctx.work, step)
    # testmon turns its selection off when -m or -k is given, unless forced; when nothing
    # changed it deselects everything, and pytest's "no tests collected" (5) is then success.
    return pytest_run(ctx, step, *PYTEST_FLAGS[tool], ok=(0, 5) if tool == TESTMON else (0,))


def restore(ctx: Context, tool: str, why: str) -> None:
    """Bring `tool` back to a clean, fully-passing state after a reverted edit (not counted)."""
    if tool == BAZEL:
        # Bazel's local action cache keeps one entry per test (the edited run's), so the pre-edit
        # results come from the remote cache the cold run filled (read-only here). Flags that
        # change the configuration, such as --cache_test_results, would discard the analysis
        # cache and slow the next measured run, so none are used.
        env = base_env(TMGG_REMOTE_CACHE=ctx.cache_url)
        back = bazel_test(ctx, ctx.work, f"restore bazel after {why} (not counted)", "--config=dev", env=env)
        if back.ran:
            progress(f"note: after {why}, Bazel reran {sorted(back.ran)} instead of taking them from its cache")
    elif tool == TESTMON:
        run_tool(ctx, TESTMON, f"restore testmon after {why} (not counted)")


def repeat(ctx: Context, measure: Callable[[int], ToolRun]) -> list[ToolRun]:
    """`measure(1)`, then more trials up to --repeats while its first run took under a minute."""
    runs = [measure(1)]
    while len(runs) < ctx.args.repeats and runs[0].seconds < LONG_S:
        runs.append(measure(len(runs) + 1))
    return runs


def record(ctx: Context, scenario: str, tool: str, runs: list[ToolRun], note: str = "") -> Measure:
    measure = Measure(scenario, tool, [run.seconds for run in runs], note, len(runs[0].ran))
    ctx.measures.append(measure)
    return measure


# --- the scenarios ---------------------------------------------------------------------------


def cold_suites(ctx: Context) -> None:
    """Fresh clone: Bazel with nothing cached (uploading to the remote cache), pytest serial and -n 2."""
    env = base_env(TMGG_REMOTE_CACHE=ctx.cache_url)
    cold = bazel_test(ctx, ctx.work, "cold bazel suite (fresh clone, --config=ci)", "--config=ci", env=env)
    missing = sorted(set(ctx.scope.targets) - cold.ran)
    note = "fresh clone: Bazel server start, analysis, uploads to the remote cache"
    record(ctx, COLD, BAZEL, [cold], note + (f"; NOT executed: {', '.join(missing)}" if missing else ""))
    ctx.python = bazel_python(ctx.work)
    for tool in (PYTEST, XDIST):
        runs = repeat(ctx, lambda n, tool=tool: run_tool(ctx, tool, f"cold {tool} suite, run {n}"))
        ctx.full_runs[tool] = (runs[0], f"the cold {tool} run's")
        record(ctx, COLD, tool, runs)


def noop_runs(ctx: Context) -> None:
    """Nothing changed: Bazel (all cached), plain pytest (a full run again), testmon (after its first run)."""
    bazel_test(ctx, ctx.work, "bazel warm-up (not counted)")
    runs = repeat(ctx, lambda n: run_tool(ctx, BAZEL, f"no-op bazel, run {n}"))
    reran = sorted(set().union(*(run.ran for run in runs)))
    record(ctx, NOOP, BAZEL, runs, f"RERAN {', '.join(reran)}" if reran else "every result cached")
    runs = repeat(ctx, lambda n: run_tool(ctx, PYTEST, f"no-op pytest (a full run again), run {n}"))
    ctx.full_runs[PYTEST] = (runs[0], "the no-op (second) full run's")
    record(ctx, NOOP, PYTEST, runs, "plain pytest has no cache: a full run again")
    first = run_tool(ctx, TESTMON, "testmon first run (builds its DB)")
    record(ctx, COLD, TESTMON, [first], "testmon's first run (builds its DB)")
    runs = repeat(ctx, lambda n: run_tool(ctx, TESTMON, f"no-op testmon, run {n}"))
    record(ctx, NOOP, TESTMON, runs)


def edit_trial(ctx: Context, edit: Edit, tool: str, trial: int) -> ToolRun:
    """Apply the edit, run the tool, revert, restore the tool."""
    tag = f"{ctx.scratch.name}-{tool.replace(' ', '')}-{trial}"
    edit.apply(ctx.work, trial, tag)
    if edit.path == target_graph.LOCK:
        ctx.lock_venvs.add(hashlib.sha256((ctx.work / edit.path).read_bytes()).hexdigest() + PYTHON_TAG)
    try:
        run = run_tool(ctx, tool, f"{edit.label} edit, {tool}, trial {trial}")
    finally:
        edit.revert(ctx.work)
    restore(ctx, tool, f"{edit.label} edit")
    return run


def label_path(label: str) -> str:
    """The workspace path of a source-file label: //:src/a.py -> src/a.py, //tests:conftest.py -> tests/conftest.py."""
    return label.removeprefix("//").replace(":", "/").lstrip("/")


def trace_reads(ctx: Context) -> None:
    """What each target's tests open, traced outside Bazel (tools/ci/trace_inputs.py): the ground truth of the matrix."""
    stem = ctx.log_stem("trace the files each target's tests open (tools/ci/trace_inputs.py)")
    traced = with_suffix(stem, ".json")
    only = [arg for target in ctx.scope.targets for arg in ("--only", target)]
    command = [sys.executable, "-m", "tools.ci.trace_inputs", "--json", str(traced), *only]
    run_step(ctx, "trace the files each target's tests open", command, ctx.work, base_env(), stem=stem)
    targets = json.loads(traced.read_text())["targets"]
    ctx.reads = {name: {label_path(label) for label in result["read"]} for name, result in targets.items()}
    missing = sorted(set(ctx.scope.targets) - set(ctx.reads))
    if missing:
        raise BenchError(f"the trace has no reads for {', '.join(missing)}: see {with_suffix(stem, '.log')}")


def true_set(ctx: Context, path: str) -> list[str]:
    """The targets whose tests opened `path` when traced; for the lock, every target."""
    if path == target_graph.LOCK:
        return sorted(ctx.scope.targets)
    return sorted(target for target in ctx.scope.targets if path in ctx.reads[target])


def edit_row(edit: Edit, tool: str, should: list[str], runs: list[ToolRun], measured: bool = True, note: str = "") -> EditRow:
    ran = [sorted(run.ran) for run in runs]
    if any(r != ran[0] for r in ran):
        note = "; ".join(filter(None, [note, f"reran varied between trials: {[len(r) for r in ran]}"]))
    samples = [run.seconds for run in runs]
    return EditRow(edit.label, edit.path, tool, ran[0], should, samples, measured, runs[0].unmapped, note)


def incremental(ctx: Context) -> None:
    """Each edit, each tool: what reran against what should have, and how long it took."""
    measured_tools = (BAZEL, TESTMON, PYTEST, XDIST) if ctx.args.full_pytest_matrix else (BAZEL, TESTMON)
    for edit in EDITS:
        if edit.slow and ctx.args.quick:
            continue
        should = true_set(ctx, edit.path)
        for tool in measured_tools:
            runs = repeat(ctx, lambda n, tool=tool: edit_trial(ctx, edit, tool, n))
            ctx.matrix.append(edit_row(edit, tool, should, runs))
        if not ctx.args.full_pytest_matrix:
            for tool in (PYTEST, XDIST):
                run, which = ctx.full_runs[tool]
                note = f"time: {which}, not re-measured (plain pytest reruns everything)"
                ctx.matrix.append(edit_row(edit, tool, should, [run], measured=False, note=note))


def release_clone(ctx: Context, clone: Path) -> None:
    """Stop a clone's Bazel server and, unless --keep, expunge its output base and delete both."""
    if clone.resolve() == ROOT or not (clone / ".git").exists():
        return
    env = base_env()
    commands = [["bazel", "shutdown"]] if ctx.args.keep else [["bazel", "clean", "--expunge"], ["bazel", "shutdown"]]
    output_base = None
    if not ctx.args.keep:
        try:
            output_base = bazel_output_base(clone)
        except subprocess.CalledProcessError:
            progress(f"note: `bazel info output_base` failed in {clone}; its output base may stay behind")
    for command in commands:
        with with_suffix(ctx.log_stem(f"{clone.name} {' '.join(command[1:])}"), ".log").open("w") as log:
            subprocess.run(command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT)
    # `clean --expunge` leaves the output base's folder with its lock file: remove that too.
    if output_base and output_base.is_dir() and {p.name for p in output_base.iterdir()} <= {"lock"}:
        shutil.rmtree(output_base, ignore_errors=True)
    if not ctx.args.keep:
        shutil.rmtree(clone, ignore_errors=True)


def clone_head(ctx: Context, dest: Path, step: str) -> float:
    """Clone the checkout at the bench's commit (HEAD may move while the bench runs); returns the seconds taken."""
    env = base_env()
    command = ["git", "clone", "-q", "--no-checkout", str(ROOT), str(dest)]
    cloned, _ = run_step(ctx, f"{step}: git clone", command, ctx.scratch, env)
    ctx.clones.append(dest)
    checkout = ["git", "checkout", "-q", "--detach", ctx.commit]
    checked_out, _ = run_step(ctx, f"{step}: git checkout {ctx.commit[:10]}", checkout, dest, env)
    return cloned + checked_out


def cache_hit(ctx: Context) -> None:
    """A fresh clone and `bazel test --config=ci`: every result must come from the remote cache."""

    def once(trial: int) -> ToolRun:
        clone = ctx.scratch / f"cache-hit-{trial}"
        seconds = clone_head(ctx, clone, f"cache hit {trial}")
        env = base_env(TMGG_REMOTE_CACHE=ctx.cache_url)
        run = bazel_test(ctx, clone, f"cache hit {trial}: bazel test --config=ci", "--config=ci", env=env)
        release_clone(ctx, clone)
        ctx.clones.remove(clone)
        if run.ran:
            ran = ", ".join(sorted(run.ran))
            raise BenchError(f"cache hit {trial}: {ran} ran instead of coming from the cache: see {run.log}")
        return ToolRun(seconds + run.seconds, run.ran, run.log)

    record(ctx, CACHE_HIT, BAZEL, repeat(ctx, once), "git clone + bazel test --config=ci, every result from the remote cache")
    cold = next(m for m in ctx.measures if m.scenario == COLD and m.tool == PYTEST)
    note = "no shared cache: a fresh clone runs everything (the cold run's time, not re-measured)"
    ctx.measures.append(Measure(CACHE_HIT, PYTEST, cold.samples, note, measured=False))


def median_of(ctx: Context, step: str, command: list[str], env: dict[str, str]) -> float:
    return statistics.median(run_step(ctx, f"{step}, run {n + 1}", command, ctx.work, env)[0] for n in range(ctx.args.repeats))


def breakdown(ctx: Context) -> None:
    """Per target: interpreter start, imports, the test's own work, Bazel's overhead (medians)."""
    env = pytest_env(ctx.work)
    interpreter = median_of(ctx, "interpreter start (python -c pass)", [ctx.python, "-c", "pass"], env)
    floor = median_of(ctx, "import floor", [ctx.python, *IMPORT_FLOOR], env)
    # --nocache_test_results changes the configuration, so Bazel re-analyses once: not in the samples.
    labels = tuple(case.target for case in CASES)
    bazel_test(ctx, ctx.work, "bazel warm-up for --nocache_test_results (not counted)", "--nocache_test_results", labels=labels)
    for case in CASES:
        under_bazel, plain = [], []
        for n in range(1, ctx.args.repeats + 1):
            step = f"{case.target} under Bazel, uncached, run {n}"
            under_bazel.append(bazel_test(ctx, ctx.work, step, "--nocache_test_results", labels=(case.target,)).seconds)
            step = f"{case.case} under plain pytest, run {n}"
            plain.append(run_step(ctx, step, pytest_case_command(ctx.python, case), ctx.work, env)[0])
        bazel_s, plain_s = statistics.median(under_bazel), statistics.median(plain)
        ctx.breakdown.append(
            {
                "target": case.target,
                "kind": case.kind,
                "parts": {
                    "interpreter start": interpreter,
                    "imports": floor - interpreter,
                    "test's own work": plain_s - floor,
                    "Bazel's overhead": bazel_s - plain_s,
                },
                "under Bazel": bazel_s,
                "plain pytest": plain_s,
                "samples": {"under Bazel": under_bazel, "plain pytest": plain},
            }
        )


# --- set-up and clean-up ---------------------------------------------------------------------


def start_cache(ctx: Context) -> None:
    folder = ctx.scratch / "cache"
    env = base_env(TMGG_CACHE_PORT=str(ctx.args.cache_port))
    log = with_suffix(ctx.log_stem("start the remote cache"), ".log")
    try:
        ctx.cache_url = subprocess.run(
            [str(ctx.work / "tools/cache/server.sh"), "start", str(folder)], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
    except subprocess.CalledProcessError as failed:
        log.write_text(failed.stdout + failed.stderr)
        raise BenchError(f"step 'start the remote cache' failed: see {log}") from None
    progress(f"remote cache at {ctx.cache_url} (data in {folder})")


def stop_cache(ctx: Context) -> None:
    if ctx.cache_url:
        env = base_env(TMGG_CACHE_PORT=str(ctx.args.cache_port))
        stop = [str(ctx.work / "tools/cache/server.sh"), "stop", str(ctx.scratch / "cache")]
        subprocess.run(stop, env=env, capture_output=True)


def venv_names() -> set[str]:
    return {path.name for path in VENV_ROOT.iterdir()} if VENV_ROOT.is_dir() else set()


def remove_bench_venvs(ctx: Context) -> None:
    """Delete the environments the lock edit made: new since the start and named after an edited lock."""
    for name in sorted((venv_names() - ctx.venvs_before) & ctx.lock_venvs):
        progress(f"removing the environment the lock edit built: {VENV_ROOT / name}")
        shutil.rmtree(VENV_ROOT / name, ignore_errors=True)


def cleanup(ctx: Context) -> None:
    progress("cleaning up: remote cache, Bazel servers" + ("" if ctx.args.keep else ", output bases, scratch"))
    stop_cache(ctx)
    for clone in reversed(ctx.clones):
        release_clone(ctx, clone)
    remove_bench_venvs(ctx)
    if ctx.args.keep:
        progress(f"kept {ctx.scratch}")
    else:
        shutil.rmtree(ctx.scratch, ignore_errors=True)


# --- reporting -------------------------------------------------------------------------------


def ratio(seconds: float, reference: float | None) -> str:
    return f"{seconds / reference:.2f}x" if reference else "-"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def runs_label(samples: list[float], measured: bool = True) -> str:
    if not measured:
        return "-"
    return f"median of {len(samples)}" if len(samples) > 1 else "1 run"


def ordered_measures(ctx: Context) -> list[Measure]:
    """The measures grouped by scenario, in the order cold, no-op, cache hit."""
    order = (COLD, NOOP, CACHE_HIT)
    return sorted(ctx.measures, key=lambda m: order.index(m.scenario))


def suite_table(ctx: Context) -> str:
    reference = {m.scenario: m.median for m in ctx.measures if m.tool == BAZEL}
    rows = [
        [m.scenario, m.tool, f"{m.median:.1f}", runs_label(m.samples, m.measured),
         ratio(m.median, reference.get(m.scenario)), m.note]
        for m in ordered_measures(ctx)
    ]
    return table(["scenario", "tool", "seconds", "runs", "vs Bazel", "note"], rows)


def matrix_table(ctx: Context) -> str:
    reference = {row.edit: statistics.median(row.samples) for row in ctx.matrix if row.tool == BAZEL}
    rows = []
    for row in ctx.matrix:
        seconds = statistics.median(row.samples)
        notes = [row.note] if row.note else []
        if row.missed:
            names = ", ".join(row.missed) if len(row.missed) <= 4 else "see suite.json"
            notes.append(f"missed: {names}")
        if row.unmapped:
            notes.append(f"+{row.unmapped} test(s) with no target")
        shown = f"{seconds:.1f}" + ("" if row.measured else " (not re-measured)")
        rows.append(
            [row.edit, row.tool, str(len(row.reran)), str(len(row.should)), str(len(row.missed)), str(len(row.extra)),
             shown, runs_label(row.samples, row.measured), ratio(seconds, reference.get(row.edit)), "; ".join(notes)]
        )
    headers = ["edit", "tool", "reran", "should rerun", "missed", "extra", "seconds", "runs", "vs Bazel", "note"]
    return table(headers, rows)


def breakdown_table(ctx: Context) -> str:
    rows = []
    for item in ctx.breakdown:
        parts = [f"{value:+.2f}" if name == "Bazel's overhead" else f"{value:.2f}" for name, value in item["parts"].items()]
        rows.append([f"`{item['target']}` ({item['kind']})", *parts, f"{item['under Bazel']:.2f}", f"{item['plain pytest']:.2f}",
                     ratio(item["under Bazel"], item["plain pytest"])])
    headers = ["target", "interpreter start", "imports", "test's own work", "Bazel's overhead", "under Bazel", "plain pytest",
               "Bazel / pytest"]
    return table(headers, rows)


def meta(ctx: Context) -> dict:
    return {
        "command": "python3 -m bench.bench_suite " + " ".join(sys.argv[1:]),
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "nproc": len(os.sched_getaffinity(0)),
        "head": ctx.commit[:10],
        "repeats": ctx.args.repeats,
        "quick": ctx.args.quick,
        "scope": list(ctx.scope.targets) if ctx.scope else [],
    }


def tool_commands(ctx: Context) -> str:
    """Each tool's command over the scope, as run."""
    if not ctx.scope:
        return "-"
    commands = {BAZEL: "bazel test " + " ".join(ctx.scope.labels)}
    for tool, flags in PYTEST_FLAGS.items():
        selection = " ".join(f'"{arg}"' if " " in arg else arg for arg in ctx.scope.pytest_args)
        commands[tool] = " ".join(["pytest", *flags, selection])
    return "; ".join(f"{tool} = `{command}`" for tool, command in commands.items())


def markdown(ctx: Context, info: dict) -> str:
    quick = "\n**--quick: a plumbing check on a few targets, one run each; not a result.**\n" if info["quick"] else ""
    named = ", ".join(info["scope"]) if info["quick"] else "`//tests:integration_all` (config, sweep, option and runner targets)"
    scope = f"{len(info['scope'])} targets: {named}"
    return f"""# Test suite: Bazel against pytest, pytest-xdist and pytest-testmon

Measured by `{info['command']}` on {info['date']}, `nproc` = {info['nproc']}, HEAD {info['head']}.
Figures that take under a minute are medians of {info['repeats']} runs; longer ones are single runs (column "runs").
All runs in scratch clones of HEAD, with Bazel's Python environment and .bazelrc's test environment
(`CUDA_VISIBLE_DEVICES=`, `OMP_NUM_THREADS=1`, ...). Scope: {scope}.{quick}
Tools: {tool_commands(ctx)}.

## Whole suite

{suite_table(ctx)}

## Incremental reruns

Counted in Bazel targets. "should rerun" comes from what each target's tests opened when run outside
Bazel under an audit hook (`tools/ci/trace_inputs.py`), not from Bazel's declarations: a target should
rerun after an edit of a file its tests read; after a lock edit, every target (all run in the environment
the lock builds);
for pytest, a target reran when any of its tests ran. testmon does not see YAML or lock edits, nor the
code a runner test runs in its subprocess: those are misses. testmon runs with `--testmon-forceselect`:
without it, testmon turns its selection off whenever `-m` or `-k` is given and reruns everything.
pytest's entry-point smoke test has no target and is noted apart. After each edit is reverted, every tool
is brought back to a clean, passing state (Bazel from the remote cache, testmon by a run), not counted.

{matrix_table(ctx)}

## Per-target cost (seconds, medians of {info['repeats']})

Interpreter start = `python -c pass`; imports = `import torch, pytorch_lightning, hydra` less that;
the test's own work = plain pytest of the case less the import floor; Bazel's overhead =
`bazel test --nocache_test_results <target>` less plain pytest. A runner test starts its runner in a
subprocess, so its own work includes a second interpreter and import floor.

{breakdown_table(ctx)}
"""


def chart_data(ctx: Context) -> dict:
    """Bars for bench/suite_plot.py: {group: {tool: [seconds, measured]}} and the breakdown's parts."""
    groups: dict[str, dict[str, list]] = {}
    for m in ordered_measures(ctx):
        groups.setdefault(m.scenario, {})[m.tool] = [m.median, m.measured]
    for row in ctx.matrix:
        groups.setdefault(f"edit: {row.edit}", {})[row.tool] = [statistics.median(row.samples), row.measured]
    return {"groups": groups, "breakdown": {item["target"]: item["parts"] for item in ctx.breakdown}}


def write_outputs(ctx: Context, plot: bool) -> None:
    out = ctx.args.out
    info = meta(ctx)
    raw = {
        "meta": info,
        "measures": [asdict(m) | {"median": m.median} for m in ctx.measures],
        "matrix": [asdict(row) | {"missed": row.missed, "extra": row.extra} for row in ctx.matrix],
        "breakdown": ctx.breakdown,
        "chart": chart_data(ctx),
    }
    (out / "suite.json").write_text(json.dumps(raw, indent=1) + "\n")
    if not plot:
        return
    (out / "suite.md").write_text(markdown(ctx, info))
    plotter = [ctx.python, "-m", "bench.suite_plot", str(out / "suite.json"), str(out / "suite.png")]
    run_step(ctx, "chart (suite_plot.py, Bazel's Python)", plotter, ctx.work, pytest_env(ctx.work))
    progress(f"wrote {out / 'suite.md'}, {out / 'suite.png'}, {out / 'suite.json'}; logs in {ctx.logs}")


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, help="runs per figure that takes under a minute (default 3; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results", help="where suite.md/.png/.json and logs/ go")
    parser.add_argument("--quick", action="store_true", help=f"plumbing check: targets {', '.join(QUICK_TARGETS)}, no lock edit")
    parser.add_argument("--full-pytest-matrix", action="store_true", help="measure plain pytest and -n 2 after every edit too")
    keep = "keep the scratch clones and their Bazel output bases (servers still stop)"
    parser.add_argument("--keep", action="store_true", help=keep)
    parser.add_argument("--cache-port", type=int, default=19093, help="port of the scratch remote cache")
    args = parser.parse_args()
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.out = args.out.resolve()
    return args


def run_all(ctx: Context) -> None:
    clone_head(ctx, ctx.work, "work clone")
    ctx.scope = Scope.of(ctx.work, ctx.args.quick)
    ctx.cases = case_ids(ctx.work)
    start_cache(ctx)
    for scenario in (cold_suites, trace_reads, noop_runs, incremental, cache_hit, breakdown):
        scenario(ctx)


def main() -> int:
    args = parse_args()
    logs = args.out / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    scratch = Path(tempfile.mkdtemp(prefix="tmgg-bench-"))
    scratch.chmod(0o755)  # the cache's nginx workers run as nobody
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    ctx = Context(args, scratch, logs, scratch / "work", commit, venvs_before=venv_names())
    progress(f"scratch {scratch}, logs {logs}")
    try:
        run_all(ctx)
        write_outputs(ctx, plot=True)
    except BenchError as error:
        write_outputs(ctx, plot=False)
        progress(str(error))
        return 1
    except KeyboardInterrupt:
        progress("interrupted", prefix="\nbench: ")
        return 130
    finally:
        cleanup(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
