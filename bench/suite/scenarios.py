"""bench_suite's scenarios: cold, no-op, incremental after each edit, cache hit, per-target cost."""

from __future__ import annotations

import hashlib
import json
import statistics
import sys

from bench.benchlib import CASES, IMPORT_FLOOR, bazel_python, clean_env, pytest_case_command
from bench.suite.clones import PYTHON_TAG, clone_head, release_clone
from bench.suite.context import BenchError, Context, with_suffix
from bench.suite.edits import EDITS, Edit
from bench.suite.results import CACHE_HIT, COLD, NOOP, EditRow, Measure, ToolRun
from bench.suite.tool_runs import BAZEL, PYTEST, TESTMON, XDIST, bazel_test, pytest_env, record, repeat, restore, run_step, run_tool
from tools.build import target_graph


def cold_suites(ctx: Context) -> None:
    """Fresh clone: Bazel with nothing cached (uploading to the remote cache), pytest serial and -n 2."""
    env = clean_env(TMGG_REMOTE_CACHE=ctx.cache_url)
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
    run_step(ctx, "trace the files each target's tests open", command, ctx.work, clean_env(), stem=stem)
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


def cache_hit(ctx: Context) -> None:
    """A fresh clone and `bazel test --config=ci`: every result must come from the remote cache."""

    def once(trial: int) -> ToolRun:
        clone = ctx.scratch / f"cache-hit-{trial}"
        seconds = clone_head(ctx, clone, f"cache hit {trial}")
        env = clean_env(TMGG_REMOTE_CACHE=ctx.cache_url)
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
