#!/usr/bin/env python3
"""Inject faults one at a time into a clean copy of the workspace and check the suite catches each.

For each fault it asserts:
1. exactly the expected targets fail: those whose declared inputs
   (tests/targets.bzl) contain the edited file, plus any the fault names;
2. each failed target's log names the culprit;
3. every other target comes from the cache;
4. after the fault is reverted, every target passes straight from the cache.

Usage:
    python3 tools/fault_drill.py [--keep] [--only NAME ...]

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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRESHNESS = "generated_targets_fresh"
sys.path.insert(0, str(ROOT / "tools"))
import bep_summary  # noqa: E402  (a sibling script)


@dataclass(frozen=True)
class Fault:
    """One injected fault: replace `old` by `new` in `path`."""

    name: str
    path: str
    old: str
    new: str
    culprit: str  # a regex every failed target's log must match
    also_red: tuple[str, ...] = field(default=())  # targets that fail without declaring the file


FAULTS = (
    Fault(
        name="undefined interpolation in a data config",
        path="configs/data/sbm_small.yaml",
        old="seed: ${seed}",
        new="seed: ${seeed}",
        culprit=r"seeed",
    ),
    Fault(
        name="invalid _target_ in a model config",
        path="configs/model/gnn/gnn.yaml",
        old="_target_: tmgg.models.gnn.GNN",
        new="_target_: tmgg.models.gnn.GNNN",
        # The freshness check names the stale generated file instead.
        culprit=r"GNNN|targets.bzl is stale",
        # The generated inputs change with the target, so the freshness check goes red too.
        also_red=(FRESHNESS,),
    ),
    Fault(
        name="model output of the wrong shape",
        path="src/tmgg/models/gnn/gnn.py",
        old="return self.readout(self.filters(normalised_shift(adj, values), unit_rms(vectors)))",
        new="return self.readout(self.filters(normalised_shift(adj, values), unit_rms(vectors)))[:, 1:, 1:]",
        # Config and runner targets report the sizes; the model's unit tests report a shape mismatch.
        culprit=r"31, 31|\[2, 31, 31\]|shape",
    ),
)


def declared_users(workspace: Path, path: str) -> set[str]:
    """Test targets whose declared inputs include `path`."""
    tables: dict = {}
    exec((workspace / "tests/targets.bzl").read_text(), tables)
    label = f"//:{path}"
    users = set()
    for table in ("CONFIG_TARGETS", "RUNNER_TARGETS", "UNIT_TARGETS"):
        for target, spec in tables[table].items():
            if label in spec.get("srcs", []) + spec.get("configs", []) + spec.get("data", []):
                users.add(target)
    return users


def run_suite(workspace: Path, disk_cache: Path, *extra: str) -> dict[str, str]:
    """{target: 'cached' | 'passed' | 'failed' | ...} for one `bazel test //...`, from its build events."""
    events = workspace / "bazel-drill-events.json"
    result = subprocess.run(
        ["bazel", "test", "--keep_going", f"--disk_cache={disk_cache}", f"--build_event_json_file={events}", *extra, "//..."],
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
    """Apply, test, revert, retest. Returns (red targets, a culprit line, problems)."""
    problems = []
    file = workspace / fault.path
    original = file.read_text()
    if fault.old not in original:
        return [], "", [f"{fault.path} no longer contains {fault.old!r}: update the drill"]
    expected = declared_users(workspace, fault.path) | set(fault.also_red)
    file.write_text(original.replace(fault.old, fault.new, 1))
    try:
        states = run_suite(workspace, disk_cache)
    finally:
        file.write_text(original)
    red = sorted(t for t, s in states.items() if s != "cached" and s != "passed")
    if set(red) != expected:
        problems.append(f"expected red {sorted(expected)}, got {red}")
    # The freshness check reads every source and config, so it reruns (and passes) on any edit.
    rerun_green = sorted(t for t, s in states.items() if s == "passed" and t != FRESHNESS)
    if rerun_green:
        problems.append(f"these reran and passed instead of coming from the cache: {rerun_green}")
    culprit_line = ""
    for target in red:
        line = first_match(test_log(workspace, target), fault.culprit)
        if not line:
            problems.append(f"{target}: its log does not name the culprit /{fault.culprit}/")
        elif not culprit_line:
            culprit_line = line
    # Bazel's default (--cache_test_results=auto) reruns any test that failed last time;
    # `yes` lets the reverted targets come from the cache, as a fresh checkout's would.
    after = run_suite(workspace, disk_cache, "--cache_test_results=yes")
    not_cached = sorted(t for t, s in after.items() if s != "cached")
    if not_cached:
        problems.append(f"after the revert these did not come from the cache: {not_cached}")
    return red, culprit_line, problems


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
    rows = []
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(workspace)], check=True)
        baseline = run_suite(workspace, disk_cache)
        bad = sorted(t for t, s in baseline.items() if s not in ("passed", "cached"))
        if bad:
            raise SystemExit(f"drill: the clean copy is not green: {bad}")
        print(f"drill: clean copy green ({len(baseline)} targets)", flush=True)
        for fault in faults:
            red, line, problems = drill(workspace, disk_cache, fault)
            status = "caught" if not problems else "MISSED"
            failures += bool(problems)
            print(f"drill: {fault.name}: {status}; red: {', '.join(red)}", flush=True)
            for problem in problems:
                print(f"drill:   {problem}", flush=True)
            rows.append(f"| {fault.name} (`{fault.path}`) | {', '.join(red)} | `{line.replace('|', '/')}` |")
    finally:
        subprocess.run(["bazel", "shutdown"], cwd=workspace, capture_output=True)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print("\n| fault | targets turned red | message in the log |\n|---|---|---|")
    print("\n".join(rows))
    print(f"\ndrill: {len(faults) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
