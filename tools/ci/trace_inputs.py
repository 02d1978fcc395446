#!/usr/bin/env python3
"""Check, without trusting tests/targets.bzl, that every test target declares every file it reads.

Bazel reruns a test target only when one of its declared inputs changes, so a
target that reads an undeclared file could pass from the cache after an edit
that breaks it. This script runs each target's pytest invocation outside
Bazel, in the checkout where every file is present, and records every
workspace file that the test process and its Python subprocesses open, through
an audit hook (`sys.addaudithook`) that a generated `sitecustomize` module
installs in each interpreter. It then compares those reads with the target's
declared inputs:

- sound: every file read is declared; the line says how many declared files
  were never read (what the declarations cost in precision);
- UNSOUND: the files read but not declared are named, and the exit status is 1.

A target's declared inputs are what tools/build/rules/tmgg_tests.bzl makes of its
entry in tests/targets.bzl (its test files, conftest.py, data, and the files its
deps and configs labels reach through the generated BUILD files under src/ and
configs/, tools/build/target_graph.py), plus the shared main tools/build/pytest/pytest_main.py
and the lock tools/env/requirements.lock (every test's runfiles hold the
lock's digest). The freshness check //tests:generated_targets_fresh is written
by hand in tests/BUILD.bazel, so its inputs come from `bazel query`; without
Bazel it is skipped, with a line saying so.

A module's bytecode in __pycache__ counts as a read of its source (Python opens
only the bytecode when it is up to date). pytest's search for its ini file
counts only for declared files: under Bazel it searches the runfiles, where an
undeclared file is absent. Recorded apart from the verdict: folders listed
(os.listdir, os.scandir), workspace files opened for writing, and opens of
files that do not exist. Not seen at all: existence checks (stat) and files
that non-Python subprocesses open.

Exit status: 0 when every target is sound and its tests pass; 1 when a target
is unsound or its tests fail (a test that stops early may skip reads); 2 when
the check cannot run.

Usage:
    python3 -m tools.ci.trace_inputs                        # every target, one per core at a time
    python3 -m tools.ci.trace_inputs --only unit_noise --only tmgg-gnn
    python3 -m tools.ci.trace_inputs --json traced.json     # per-target read and declared sets
    python3 -m tools.ci.trace_inputs --junit DIR            # and each target's test cases, DIR/<target>.xml

The tests run as Bazel runs them: tools/build/pytest/pytest_main.py, the Python
environment Bazel built from the lock (in $TMGG_VENV_CACHE, default
~/.cache/tmgg/venvs), the variables .bazelrc gives every test, and a scratch
TEST_TMPDIR.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tools.build.import_graph import Workspace
from tools.build.test_families import FRESHNESS_TEST
from tools.build.target_graph import FRESHNESS_TARGET, LOCK, BuildGraph, freshness_inputs, inputs_of, label_path, load_targets

PYTEST_MAIN = "tools/build/pytest/pytest_main.py"
CONFTEST = "tests/conftest.py"
# Bazel's "moderate" timeout, the longest any test target has.
TARGET_TIMEOUT_S = 300
OUTPUT_TAIL_LINES = 30

# Installed in every traced interpreter through PYTHONPATH. It must not import
# anything outside the standard library's always-loaded modules, and it logs to a
# file of its own per process: a test may fork, exec Python or close stdout.
HOOK = '''\
"""Written by tools/ci/trace_inputs.py: logs the workspace files this process opens or lists."""

import os
import sys


def _install():
    prefix = os.environ["TMGG_TRACE_ROOT"] + os.sep
    # Opened before the hook exists, so writing the log raises no event; O_APPEND
    # keeps lines whole when a forked child writes through the same descriptor.
    log = os.open(
        os.path.join(os.environ["TMGG_TRACE_DIR"], "%d.log" % os.getpid()),
        os.O_WRONLY | os.O_CREAT | os.O_APPEND,
        0o644,
    )
    seen = set()
    busy = [False]

    def opened_by_ini_search():
        frame = sys._getframe()
        while frame is not None:
            if frame.f_code.co_filename.endswith(os.path.join("_pytest", "config", "findpaths.py")):
                return True
            frame = frame.f_back
        return False

    def record(kind, path):
        if isinstance(path, int):  # a descriptor: its file was logged when it was opened
            return
        path = os.path.abspath(os.fsdecode(os.fspath("." if path is None else path)))
        if not path.startswith(prefix) and not os.path.realpath(path).startswith(prefix):
            return
        if kind == "r" and opened_by_ini_search():
            kind = "i"
        if (kind, path) not in seen:
            seen.add((kind, path))
            os.write(log, ("%s\\t%s\\n" % (kind, path)).encode("utf-8", "surrogateescape"))

    def hook(event, args):
        if busy[0]:
            return
        if event == "open":
            access = args[2] & os.O_ACCMODE
            kinds = ("r",) if access == os.O_RDONLY else ("w",) if access == os.O_WRONLY else ("r", "w")
        elif event in ("os.listdir", "os.scandir"):
            kinds = ("l",)
        else:
            return
        busy[0] = True
        try:
            for kind in kinds:
                record(kind, args[0])
        except Exception as error:
            # A lost event would make the trace look sound; the report counts these.
            os.write(log, ("e\\t%s %r: %r\\n" % (event, args[:1], error)).encode("utf-8", "backslashreplace"))
        finally:
            busy[0] = False

    sys.addaudithook(hook)


_install()
'''


class TraceError(RuntimeError):
    """The check cannot run; the message is one line the user can act on."""


@dataclass(frozen=True)
class Target:
    """One Bazel test target, as the macros in tools/build/rules/tmgg_tests.bzl build it.

    Attributes:
        name: the target's name in //tests.
        tests: workspace-relative test files, conftest.py files included.
        args: pytest's arguments after the test files.
        declared: workspace-relative files the target declares.
    """

    name: str
    tests: tuple[str, ...]
    args: tuple[str, ...]
    declared: frozenset[str]

    def pytest_args(self) -> list[str]:
        # As tmgg_pytest passes them: conftest files ride along but are not arguments.
        return [test for test in self.tests if test.endswith(".py") and "conftest" not in test] + list(self.args)


@dataclass
class Trace:
    """What one target's processes did to workspace files (workspace-relative paths)."""

    reads: set[str] = field(default_factory=set)
    ini_reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    processes: int = 0


def _flags(flag: str, values: str | list[str]) -> list[str]:
    return [f"--{flag}={value}" for value in ([values] if isinstance(values, str) else values)]


def macro_view(table: str, name: str, spec: dict) -> tuple[list[str], list[str], list[str]]:
    """(test files in tests/, pytest arguments, extra data labels) that tmgg_tests.bzl gives an entry."""
    if table == "CONFIG_TARGETS":
        return ["test_config_composition.py", "conftest.py"], [f"--tmgg-case={name}"], []
    if table == "RUNNER_TARGETS":
        return ["test_runner_integration.py", "conftest.py"], [f"--tmgg-case={spec['case']}"], ["//:pyproject.toml"]
    if table == "SWEEP_TARGETS":
        return ["test_sweep_jobs.py", "conftest.py"], _flags("tmgg-sweep", spec["sweep"]), []
    if table == "OPTION_TARGETS":
        return ["test_config_options.py", "conftest.py"], _flags("tmgg-option", spec["options"]), []
    if table == "UNIT_TARGETS":
        return list(spec["tests"]), [], []
    raise TraceError(f"{table} in tests/targets.bzl has no macro in tools/build/rules/tmgg_tests.bzl that this script knows")


def generated_targets(root: Path) -> list[Target]:
    """Every target tests/BUILD.bazel makes from tests/targets.bzl."""
    found = []
    graph = BuildGraph(root)
    for table, entries in load_targets(root).items():
        for name, spec in entries.items():
            tests, args, data = macro_view(table, name, spec)
            tests = [label_path(test, "tests") for test in tests]
            declared = inputs_of(graph, spec) | {label_path(label) for label in data} | set(tests) | {PYTEST_MAIN, LOCK}
            found.append(Target(name, tuple(tests), tuple(args), frozenset(declared)))
    return found


def freshness_target(root: Path) -> Target | None:
    """//tests:generated_targets_fresh with the source files Bazel says it declares; None without Bazel."""
    if shutil.which("bazel") is None:
        return None
    try:
        declared = freshness_inputs(root)
    except RuntimeError as error:
        raise TraceError(str(error)) from None
    return Target(FRESHNESS_TARGET, (FRESHNESS_TEST, CONFTEST), (), frozenset(declared))


def bazelrc_test_env(root: Path) -> dict[str, str]:
    """The `test --test_env=NAME=VALUE` settings of .bazelrc (`NAME` alone passes the caller's value)."""
    env = {}
    for line in (root / ".bazelrc").read_text().splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == "test" and words[1].startswith("--test_env="):
            name, sep, value = words[1][len("--test_env=") :].partition("=")
            if sep:
                env[name] = value
            elif name in os.environ:
                env[name] = os.environ[name]
    return env


def find_python(root: Path) -> Path:
    """The interpreter of the environment Bazel built from the lock (tools/build/rules/python_venv.bzl)."""
    digest = hashlib.sha256((root / LOCK).read_bytes()).hexdigest()
    cache = os.environ.get("TMGG_VENV_CACHE") or str(Path.home() / ".cache/tmgg/venvs")
    if cache == "off":
        raise TraceError("TMGG_VENV_CACHE=off keeps the environment inside Bazel's output base; unset it and run `bazel build //tests:unit_tools`")
    built = [folder for folder in Path(cache).glob(f"{digest}-*") if (folder / "bin/python3").exists()]
    if not built:
        raise TraceError(f"no Python environment for the lock in {cache} (digest {digest[:12]}): build it with `bazel build //tests:unit_tools`")
    return max(built, key=lambda folder: folder.stat().st_mtime) / "bin/python3"


def workspace_file(root: Path, path: str) -> str | None:
    """The workspace-relative file that an open of `path` reads, or None when the check ignores it.

    `root` must be resolved. Bazel's output links (bazel-*) are ignored: what lies
    behind them is built, not declared. A module's bytecode in __pycache__ stands
    for its source, since Python opens only the bytecode when it is up to date.
    """
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(root) and absolute.relative_to(root).as_posix().startswith("bazel-"):
        return None
    real = Path(os.path.realpath(absolute))
    if not real.is_relative_to(root) or real == root:
        return None
    relative = real.relative_to(root)
    if "__pycache__" in relative.parts:
        if relative.parent.name != "__pycache__" or relative.suffix != ".pyc":
            return None
        return (relative.parent.parent / (relative.name.split(".")[0] + ".py")).as_posix()
    return relative.as_posix()


def read_logs(root: Path, folder: Path) -> Trace:
    """Gathers the per-process logs the hook wrote in `folder` into workspace-relative sets."""
    trace = Trace()
    for log in sorted(folder.glob("*.log")):
        trace.processes += 1
        for line in log.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            kind, _, path = line.partition("\t")
            if kind == "e":
                trace.errors.append(path)
                continue
            relative = workspace_file(root, path)
            if relative is None:
                continue
            if kind == "l":
                trace.listed.add(relative)
            elif kind == "w":
                trace.writes.add(relative)
            elif not (root / relative).is_file():
                trace.missing.add(relative)
            elif kind == "i":
                trace.ini_reads.add(relative)
            else:
                trace.reads.add(relative)
    return trace


def run_traced(root: Path, python: Path, hook_dir: Path, command: list[str], timeout_s: float, junit: Path | None = None) -> tuple[int, str, Trace]:
    """Runs `command` (arguments for `python`) from `root` as Bazel runs a test; returns (exit status, output, trace).

    With `junit`, pytest_main writes the test cases' JUnit XML there, as it does for Bazel.
    """
    with tempfile.TemporaryDirectory(prefix="tmgg-trace-") as scratch:
        logs = Path(scratch) / "logs"
        test_tmpdir = Path(scratch) / "tmp"
        logs.mkdir()
        test_tmpdir.mkdir()
        env = {"PATH": "/bin:/usr/bin:/usr/local/bin"}  # --incompatible_strict_action_env's
        env.update(bazelrc_test_env(root))
        env.update(
            {
                "TEST_TMPDIR": str(test_tmpdir),
                "TMGG_CONFIG_DIR": str(root / "configs"),
                # The hook first; then what Bazel's stub and the py_library `imports` put on the path.
                "PYTHONPATH": os.pathsep.join([str(hook_dir), str(root), str(root / "src")]),
                "TMGG_TRACE_ROOT": str(root),
                "TMGG_TRACE_DIR": str(logs),
            }
        )
        if junit is not None:
            env["XML_OUTPUT_FILE"] = str(junit)
        process = subprocess.Popen(
            [str(python), *command],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # A session of its own, so that a timeout ends the test's children too.
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            output += f"\n[trace_inputs: killed after {timeout_s:.0f} s]"
        return process.returncode, output, read_logs(root, logs)


def check_hook(root: Path, python: Path, hook_dir: Path) -> None:
    """Fails unless the hook loads in `python` and in the Python processes it starts."""
    probe = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import sys; open(sys.argv[1]).close()', sys.argv[1]], check=True)"
    status, output, trace = run_traced(root, python, hook_dir, ["-c", probe, str(root / "pyproject.toml")], 60)
    if status != 0 or "pyproject.toml" not in trace.reads:
        detail = output.strip().splitlines()[-1] if output.strip() else f"exit {status}"
        raise TraceError(f"the audit hook did not trace a file opened by a subprocess of {python} ({detail}); does another sitecustomize shadow it?")


def counted_reads(trace: Trace, declared: set[str]) -> set[str]:
    """The files `trace` shows the target reading, as Bazel would run it.

    pytest looks for its ini file (pyproject.toml among them) in the test files'
    folders and their parents. Under Bazel those are the runfiles, where an
    undeclared file is absent, so pytest reads only the declared ones there.
    """
    return trace.reads | (trace.ini_reads & declared)


def verdict(read: set[str], declared: set[str]) -> tuple[set[str], set[str]]:
    """(files read but not declared, declared files never read)."""
    return read - declared, declared - read


def describe(name: str, read: set[str], declared: set[str]) -> str:
    """The report's line for one target."""
    undeclared, never = verdict(read, declared)
    if undeclared:
        return f"{name}: UNSOUND: reads undeclared {', '.join(sorted(undeclared))}"
    return f"{name}: sound, reads {len(read)} of {len(declared)} declared ({len(never)} declared never read)"


def _labels(workspace: Workspace, paths: set[str] | frozenset[str]) -> list[str]:
    return sorted(workspace.label(workspace.root / path) for path in paths)


def _tail(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-OUTPUT_TAIL_LINES:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", default=[], metavar="TARGET", help="trace only this target (repeatable)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write each target's read, declared and undeclared sets here")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="targets traced at once (default: one per core, as Bazel runs tests)")
    parser.add_argument("--junit", type=Path, metavar="DIR", help="write each target's test cases as JUnit XML, DIR/<target>.xml (the stability check reads them)")
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[2]
    workspace = Workspace(root)
    wanted = set(args.only)
    try:
        python = find_python(root)
        targets = generated_targets(root)
        freshness = freshness_target(root) if not wanted or FRESHNESS_TARGET in wanted else None
    except TraceError as error:
        print(f"tmgg: {error}", file=sys.stderr)
        return 2
    if freshness is not None:
        targets.append(freshness)
    elif not wanted or FRESHNESS_TARGET in wanted:
        print(f"{FRESHNESS_TARGET}: skipped, `bazel` is not on PATH to say what it declares")
    if wanted:
        unknown = wanted - {target.name for target in targets} - {FRESHNESS_TARGET}
        if unknown:
            print(f"tmgg: no such target: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        targets = [target for target in targets if target.name in wanted]

    if args.junit:
        args.junit.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    unsound, failed = [], []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tmgg-trace-hook-") as hook_dir:
        (Path(hook_dir) / "sitecustomize.py").write_text(HOOK)
        try:
            check_hook(root, python, Path(hook_dir))
        except TraceError as error:
            print(f"tmgg: {error}", file=sys.stderr)
            return 2

        def traced(target: Target) -> tuple[Target, int, str, Trace, float]:
            began = time.monotonic()
            junit = args.junit / f"{target.name}.xml" if args.junit else None
            status, output, trace = run_traced(root, python, Path(hook_dir), [PYTEST_MAIN, *target.pytest_args()], TARGET_TIMEOUT_S, junit)
            return target, status, output, trace, time.monotonic() - began

        # Each target in its own process and scratch folder, as Bazel runs them: --jobs at a time.
        pool = ThreadPoolExecutor(max_workers=args.jobs)
        for future in as_completed([pool.submit(traced, target) for target in targets]):
            target, status, output, trace, seconds = future.result()
            read = counted_reads(trace, set(target.declared))
            undeclared, never = verdict(read, set(target.declared))
            print(describe(target.name, read, set(target.declared)), flush=True)
            if undeclared:
                unsound.append(target.name)
            if status != 0 or trace.errors:
                # A test that stopped early may have skipped reads; its verdict proves nothing.
                failed.append(target.name)
                print(f"  tests exited {status}; {len(trace.errors)} hook errors{': ' + trace.errors[0] if trace.errors else ''}\n{_tail(output)}")
            if trace.writes:
                print(f"  writes into the checkout: {', '.join(sorted(trace.writes))}")
            results[target.name] = {
                "read": _labels(workspace, read),
                "declared": _labels(workspace, target.declared),
                "undeclared_reads": _labels(workspace, undeclared),
                "never_read": _labels(workspace, never),
                "listed_folders": sorted(trace.listed),
                "ini_search_undeclared": sorted(trace.ini_reads - read),
                "missing_opened": sorted(trace.missing),
                "writes": sorted(trace.writes),
                "processes": trace.processes,
                "pytest_exit": status,
                "seconds": round(seconds, 1),
            }
        pool.shutdown()
    elapsed = time.monotonic() - started
    declared_total = sum(len(result["declared"]) for result in results.values())
    never_total = sum(len(result["never_read"]) for result in results.values())
    print(
        f"trace_inputs: {len(results)} targets in {elapsed:.0f} s: {len(results) - len(unsound)} sound, "
        f"{len(unsound)} unsound, {len(failed)} with failed tests; "
        f"{never_total} of {declared_total} declared inputs never read ({100 * never_total / max(declared_total, 1):.0f}%)"
    )
    if args.json:
        args.json.write_text(json.dumps({"root": str(root), "python": str(python), "seconds": round(elapsed, 1), "targets": results}, indent=1) + "\n")
    return 1 if unsound or failed else 0


if __name__ == "__main__":
    sys.exit(main())
