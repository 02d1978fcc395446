#!/usr/bin/env python3
"""Run the whole suite uncached, isolated, and check it is stable and hermetic.

In a fresh clone of HEAD it runs `bazel test --nocache_test_results //...`:

1. as is;
2. inside a new network namespace (`unshare -n`: only a loopback interface,
   which Bazel's client and server need to talk; the script first checks
   that the outside world is unreachable from there);
3. inside a new network namespace again, with HOME an empty folder (Bazel's
   output tree then lives in that folder too; TMGG_VENV_CACHE keeps the
   shared Python environment, which cannot be rebuilt without a network).

It then checks that every run passed, that all runs gave the same result
for every test target and every test case (JUnit XML), and that the clone's
files (ignored ones included, Bazel's bazel-* links aside) are byte for byte
what they were before.

CI already runs the suite uncached once (its run 1, on an empty cache), so it
shares that run rather than repeating it: `--record RUN1.json EVENTS` keeps run 1's
target and case results (and fails if any came from a cache). CI's input trace
(tools/ci/trace_inputs.py) runs every test target's pytest invocation again,
outside Bazel; `--reference RUN1.json` makes that run the strictest one: in a
fresh clone, inside a new network namespace, HOME an empty folder. The trace
writes each target's cases as JUnit XML; the targets it does not know (written
by hand outside tests/BUILD.bazel) run under Bazel there, uncached. Every
target and case must agree with run 1, the trace must find every target sound,
and the clone must be unchanged. A difference is narrowed down with the Bazel
runs (`--runs 2 3`).

Usage:
    python3 -m tools.ci.stability_check [--keep] [--runs 1 2 3]
    python3 -m tools.ci.stability_check --record RUN1.json bazel-events.json
    python3 -m tools.ci.stability_check --reference RUN1.json   # the traced run, as CI does

Needs root for `unshare -n`. Each run costs one cold suite (about 6 minutes on 2 cores at 2c7fa4f+).
"""

from __future__ import annotations

import argparse
import json
import fcntl
import hashlib
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tools.build.target_graph import FRESHNESS_TARGET
from tools.ci import bep_summary, trace_inputs

ROOT = Path(__file__).resolve().parents[2]

# Any routable address: reaching it would mean the namespace has a network.
OUTSIDE = ("1.1.1.1", 443)
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def log(message: str) -> None:
    print(f"stability: {message}", flush=True)


def bring_loopback_up() -> None:
    """Set `lo` up in this (new) network namespace; Bazel's client reaches its server over it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP))


def network_reachable() -> bool:
    try:
        with socket.create_connection(OUTSIDE, timeout=3):
            return True
    except OSError:
        return False


def isolated() -> bool:
    """Inside `unshare -n`: bring loopback up (Bazel's client reaches its server over it); False, said, when the world is reachable."""
    bring_loopback_up()
    if network_reachable():
        log(f"{OUTSIDE[0]} is reachable inside `unshare -n`; this run would prove nothing")
        return False
    return True


def run_env(home: Path | None) -> dict[str, str]:
    """This process's environment without the remote cache; with `home`, HOME there and the shared Python environment kept."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMGG_REMOTE_CACHE")}
    if home is not None:
        env["TMGG_VENV_CACHE"] = env.get("TMGG_VENV_CACHE") or str(Path.home() / ".cache/tmgg/venvs")
        env["HOME"] = str(home)
    return env


def inner(workspace: Path, events: Path) -> int:
    """Runs inside `unshare -n`: prove there is no network, then run the suite."""
    if not isolated():
        return 3
    try:
        return bazel_test(workspace, events)
    finally:
        # The server lives in this namespace; stop it so the next run starts its own.
        subprocess.run(["bazel", "shutdown"], cwd=workspace, capture_output=True)


def bazel_test(workspace: Path, events: Path, targets: tuple[str, ...] = ("//...",)) -> int:
    """`bazel test` of `targets` (everything by default), uncached; its output goes to <events>.log."""
    command = ["bazel", "test", "--keep_going", "--nocache_test_results", f"--build_event_json_file={events}", *targets]
    with events.with_suffix(".log").open("w") as output:
        return subprocess.run(command, cwd=workspace, stdout=output, stderr=subprocess.STDOUT).returncode


def inner_trace(workspace: Path, out: Path) -> int:
    """Runs inside `unshare -n`: prove there is no network, run the input trace, then the other targets under Bazel.

    What to run is in OUT/plan.json (written by traced_run): the trace's extra arguments and Bazel's labels.
    Returns the trace's exit status (3 when the namespace has a network).
    """
    if not isolated():
        return 3
    plan = json.loads((out / "plan.json").read_text())
    # -B: the trace's own bytecode would change the clone.
    trace = [sys.executable, "-B", "-m", "tools.ci.trace_inputs", "--junit", str(out / "junit"), "--json", str(out / "trace.json")]
    try:
        status = subprocess.run([*trace, *plan["trace_args"]], cwd=workspace).returncode
        if plan["bazel_targets"]:
            bazel_test(workspace, out / "others-events.json", tuple(plan["bazel_targets"]))
        return status
    finally:
        subprocess.run(["bazel", "shutdown"], cwd=workspace, capture_output=True)


def junit_cases(label: str, xml: Path) -> dict[str, str]:
    """{label::case: outcome} of one JUnit XML file."""
    outcomes = {}
    for case in ElementTree.parse(xml).iter("testcase"):
        children = {child.tag for child in case}
        outcome = next((tag for tag in ("failure", "error", "skipped") if tag in children), "passed")
        outcomes[f"{label}::{case.get('classname')}.{case.get('name')}"] = outcome
    return outcomes


def test_cases(results: dict[str, dict]) -> dict[str, str]:
    """{target::case: outcome} from the JUnit XML file each test result of this run names."""
    outcomes = {}
    for target, result in results.items():
        for output in result.get("testActionOutput", []):
            if output.get("name") != "test.xml":
                continue
            outcomes.update(junit_cases(target, Path(output["uri"].removeprefix("file://"))))
    return outcomes


def tree_digest(workspace: Path) -> dict[str, str]:
    """{path: sha256} of every file in the clone but .git and Bazel's convenience links."""
    digests = {}
    for dirpath, dirnames, filenames in os.walk(workspace):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not (here == workspace and (d == ".git" or d.startswith("bazel-")))]
        for name in filenames:
            path = here / name
            if here == workspace and name.startswith("bazel-"):
                continue
            relative = path.relative_to(workspace).as_posix()
            digests[relative] = "link:" + os.readlink(path) if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def uncached_results(events: Path, label: str) -> tuple[dict[str, str], dict[str, str]]:
    """({target: status}, {case: outcome}) of a run's build events; every result must be a run, not a cache hit."""
    results = bep_summary.test_results(events) if events.exists() else {}
    if not results:
        raise SystemExit(f"stability: {label}: no test results in {events}")
    cached = [target for target, result in results.items() if bep_summary.is_cached(result)]
    if cached:
        raise SystemExit(f"stability: {label}: these came from a cache, not a run: {cached}")
    return {target: result.get("status", "NO STATUS") for target, result in results.items()}, test_cases(results)


def bazel_results(events: Path, label: str, code: int | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """({target: status}, {case: outcome}) of a Bazel run (exit status `code`, when known); stops, with the tail of its log, when it reported none."""
    if not (events.exists() and bep_summary.test_results(events)):
        output = events.with_suffix(".log")
        tail = "\n".join(output.read_text(errors="replace").splitlines()[-30:]) if output.exists() else ""
        status = "" if code is None else f" (exit {code})"
        raise SystemExit(f"stability: {label}: bazel reported no test results{status}:\n{tail}")
    return uncached_results(events, label)


def log_passed(label: str, statuses: dict[str, str], seconds: float) -> None:
    failed = sorted(target for target, status in statuses.items() if status != "PASSED")
    log(f"{label}: {len(statuses) - len(failed)} of {len(statuses)} targets passed in {seconds:.0f} s" + (f"; failed: {failed}" if failed else ""))


def record(out: Path, events: Path) -> int:
    """Keep an uncached run's results (CI's run 1) for a later --reference."""
    targets, cases = uncached_results(events, "the recorded run")
    out.write_text(json.dumps({"targets": targets, "cases": cases}, indent=1, sort_keys=True) + "\n")
    log(f"recorded {len(targets)} targets and {len(cases)} test cases of an uncached run in {out}")
    return 0


def run(workspace: Path, number: int, label: str, *, netns: bool, home: Path | None) -> tuple[dict[str, str], dict[str, str], float]:
    """One uncached suite; returns ({target: status}, {case: outcome}, seconds)."""
    events = workspace.parent / f"run{number}-events.json"
    events.unlink(missing_ok=True)
    env = run_env(home)
    subprocess.run(["bazel", "shutdown"], cwd=workspace, capture_output=True, env=env)
    start = time.perf_counter()
    if netns:
        command = ["unshare", "-n", sys.executable, "-m", "tools.ci.stability_check", "--inner", str(workspace), str(events)]
        code = subprocess.run(command, env=env, cwd=ROOT).returncode
    else:
        code = bazel_test(workspace, events)
    seconds = time.perf_counter() - start
    if code == 3:
        raise SystemExit("stability: the network namespace was not isolated")
    statuses, cases = bazel_results(events, f"run {number} ({label})", code)
    log_passed(f"run {number} ({label})", statuses, seconds)
    return statuses, cases, seconds


def traced_run(workspace: Path, home: Path, reference: dict[str, str]) -> tuple[dict[str, str], dict[str, str], float, list[str]]:
    """The input trace as the strictest run: no network, HOME empty, in the clone.

    Returns ({target: status}, {case: outcome}, seconds, problems). The targets of
    `reference` that the trace does not run go through Bazel, uncached; with fewer
    targets in `reference` than the suite has (`--only`), the trace runs only those.
    """
    traceable = {f"//tests:{target.name}" for target in trace_inputs.generated_targets(workspace)} | {f"//tests:{FRESHNESS_TARGET}"}
    traced = traceable & set(reference)
    others = sorted(set(reference) - traced)
    only = [] if traced == traceable else [arg for label in sorted(traced) for arg in ("--only", label.removeprefix("//tests:"))]
    out = workspace.parent / "traced"
    out.mkdir(exist_ok=True)
    (out / "plan.json").write_text(json.dumps({"trace_args": only, "bazel_targets": others}))
    env = run_env(home)
    log(f"traced run: {len(traced)} targets through the input trace, {len(others)} through Bazel ({', '.join(others) or 'none'}); no network, empty HOME")
    start = time.perf_counter()
    command = ["unshare", "-n", sys.executable, "-m", "tools.ci.stability_check", "--inner-trace", str(workspace), str(out)]
    code = subprocess.run(command, env=env, cwd=ROOT).returncode
    seconds = time.perf_counter() - start
    if code == 3:
        raise SystemExit("stability: the network namespace was not isolated")
    if not (out / "trace.json").exists():
        raise SystemExit(f"stability: the input trace wrote no results (exit {code}); its output is above")
    problems = [] if code == 0 else [f"the input trace exited {code}: an unsound target or failing tests (its lines above)"]
    statuses, cases = {}, {}
    for name, result in json.loads((out / "trace.json").read_text())["targets"].items():
        label = f"//tests:{name}"
        statuses[label] = "PASSED" if result["pytest_exit"] == 0 else "FAILED"
        xml = out / "junit" / f"{name}.xml"
        if xml.exists():
            cases.update(junit_cases(label, xml))
    if others:
        more_statuses, more_cases = bazel_results(out / "others-events.json", f"traced run, Bazel's part ({', '.join(others)})")
        statuses.update(more_statuses)
        cases.update(more_cases)
    log_passed("traced run", statuses, seconds)
    return statuses, cases, seconds, problems


RUNS = (
    # (label, in a new network namespace, with an empty HOME)
    ("plain", False, False),
    ("no network", True, False),
    ("no network, empty HOME", True, True),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the scratch clone")
    parser.add_argument("--runs", type=int, nargs="*", choices=(1, 2, 3), default=[1, 2, 3], help="run only these runs (debugging)")
    parser.add_argument("--record", nargs=2, type=Path, metavar=("OUT", "EVENTS"), help="keep an uncached run's results and stop")
    parser.add_argument("--reference", type=Path, help="results kept by --record: the traced run only, compared against them")
    parser.add_argument("--inner", nargs=2, type=Path, metavar=("WORKSPACE", "EVENTS"), help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", default=[], metavar="LABEL", help="with --reference: only these targets of the record (debugging)")
    parser.add_argument("--inner-trace", nargs=2, type=Path, metavar=("WORKSPACE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        return inner(*args.inner)
    if args.inner_trace:
        return inner_trace(*args.inner_trace)
    if args.record:
        return record(*args.record)
    if os.geteuid() != 0:
        raise SystemExit("stability: `unshare -n` needs root; run as root (CI does)")

    scratch = Path(tempfile.mkdtemp(prefix="tmgg-stability-"))
    workspace, home = scratch / "workspace", scratch / "empty-home"
    home.mkdir()
    subprocess.run(["git", "clone", "-q", str(ROOT), str(workspace)], check=True)
    before = tree_digest(workspace)
    runs = []
    problems = []
    if args.reference:
        kept = json.loads(args.reference.read_text())
        if args.only:
            kept["targets"] = {t: s for t, s in kept["targets"].items() if t in args.only}
            kept["cases"] = {c: o for c, o in kept["cases"].items() if c.split("::")[0] in args.only}
        runs.append((f"recorded ({args.reference.name})", kept["targets"], kept["cases"], float("nan")))
        args.runs = []
    try:
        if args.reference:
            statuses, cases, seconds, trace_problems = traced_run(workspace, home, kept["targets"])
            runs.append(("traced: no network, empty HOME", statuses, cases, seconds))
            problems += trace_problems
        for number in args.runs:
            label, netns, empty_home = RUNS[number - 1]
            runs.append((label, *run(workspace, number, label, netns=netns, home=home if empty_home else None)))
    finally:
        subprocess.run(["bazel", "shutdown"], cwd=workspace, capture_output=True)
        env = {**os.environ, "HOME": str(home)}
        subprocess.run(["bazel", "clean", "--expunge"], cwd=workspace, capture_output=True, env=env)
        subprocess.run(["bazel", "clean", "--expunge"], cwd=workspace, capture_output=True)

    reference_label, reference_targets, reference_cases, _ = runs[0]
    for label, targets, cases, _ in runs:
        failed = sorted(t for t, s in targets.items() if s != "PASSED")
        if failed:
            problems.append(f"{label}: failed {failed}")
        if targets != reference_targets:
            differ = sorted(t for t in set(targets) | set(reference_targets) if targets.get(t) != reference_targets.get(t))
            problems.append(f"{label}: target results differ from {reference_label}'s: {differ}")
        if cases != reference_cases:
            differ = sorted(c for c in set(cases) | set(reference_cases) if cases.get(c) != reference_cases.get(c))
            problems.append(f"{label}: test cases differ from {reference_label}'s: {differ[:10]}")
    after = tree_digest(workspace)
    if after != before:
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        problems.append(f"the suite changed the source tree: {changed[:20]}")

    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n| run | targets | test cases | result | seconds |\n|---|---|---|---|---|")
    for label, targets, cases, seconds in runs:
        passed = sum(s == "PASSED" for s in targets.values())
        print(f"| {label} | {len(targets)} | {len(cases)} | {passed} passed | {'-' if seconds != seconds else f'{seconds:.0f}'} |")
    for problem in problems:
        log(problem)
    log("source tree unchanged" if after == before else "source tree CHANGED")
    log(f"PASSED: {len(runs)} uncached runs agree" if not problems else f"FAILED: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
