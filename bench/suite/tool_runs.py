"""Running Bazel, pytest, pytest-xdist and testmon over bench_suite's scope: one timed run, repeats, the record."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

from bench.benchlib import ROOT, CommandFailed, clean_env, progress, timed_step
from bench.suite.context import BenchError, Context, with_suffix
from bench.suite.results import Measure, ToolRun
from bench.suite.scope import case_target
from tools.ci import bep_summary

BAZEL, PYTEST, XDIST, TESTMON = "bazel", "pytest", "pytest -n 2", "testmon"
PYTEST_FLAGS = {PYTEST: (), XDIST: ("-n", "2"), TESTMON: ("--testmon", "--testmon-forceselect")}
LONG_S = 60.0  # a measurement that takes longer is not repeated


def pytest_env(workspace: Path) -> dict[str, str]:
    """The environment Bazel gives tests (.bazelrc's `test --test_env=K=V` lines), for plain pytest."""
    pairs = re.findall(r"^test --test_env=(\w+)=(.*)$", (workspace / ".bazelrc").read_text(), re.MULTILINE)
    return clean_env(**dict(pairs))


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
    try:
        seconds = timed_step(step, command, cwd, log=log, env=env, ok=ok)
    except CommandFailed as failed:
        raise BenchError(f"step '{step}' failed (exit {failed.status}): see {log}") from None
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
    seconds, log = run_step(ctx, step, command, clone, env or clean_env(), stem=stem)
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
        env = clean_env(TMGG_REMOTE_CACHE=ctx.cache_url)
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
