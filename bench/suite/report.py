"""bench_suite's report: suite.md, suite.json and the chart suite.png."""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
from dataclasses import asdict

from bench.benchlib import markdown_table, progress
from bench.suite.context import Context
from bench.suite.results import CACHE_HIT, COLD, NOOP, Measure
from bench.suite.tool_runs import BAZEL, PYTEST_FLAGS, pytest_env, run_step


def ratio(seconds: float, reference: float | None) -> str:
    return f"{seconds / reference:.2f}x" if reference else "-"


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
    return markdown_table(["scenario", "tool", "seconds", "runs", "vs Bazel", "note"], rows)


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
    return markdown_table(headers, rows)


def breakdown_table(ctx: Context) -> str:
    rows = []
    for item in ctx.breakdown:
        parts = [f"{value:+.2f}" if name == "Bazel's overhead" else f"{value:.2f}" for name, value in item["parts"].items()]
        rows.append([f"`{item['target']}` ({item['kind']})", *parts, f"{item['under Bazel']:.2f}", f"{item['plain pytest']:.2f}",
                     ratio(item["under Bazel"], item["plain pytest"])])
    headers = ["target", "interpreter start", "imports", "test's own work", "Bazel's overhead", "under Bazel", "plain pytest",
               "Bazel / pytest"]
    return markdown_table(headers, rows)


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
    """Bars for bench/suite/plot.py: {group: {tool: [seconds, measured]}} and the breakdown's parts."""
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
    plotter = [ctx.python, "-m", "bench.suite.plot", str(out / "suite.json"), str(out / "suite.png")]
    run_step(ctx, "chart (suite/plot.py, Bazel's Python)", plotter, ctx.work, pytest_env(ctx.work))
    progress(f"wrote {out / 'suite.md'}, {out / 'suite.png'}, {out / 'suite.json'}; logs in {ctx.logs}")
