#!/usr/bin/env python3
"""What coverage costs: the same tests with and without it, in one run.

In this checkout, one after the other:

1. Bazel: `bazel test --nocache_test_results TARGETS`, then `bazel coverage
   --nocache_test_results --combined_report=lcov TARGETS` (what tools/tmgg
   coverage runs), both with the disk and remote caches off, so every target runs;
2. pytest, with the interpreter of Bazel's environment: the same tests as
   plain pytest, then with `--cov=tmgg` (pytest-cov, .coveragerc: branches and
   the runner subprocesses measured).

Each time is one wall-clock measurement on a shared 2-core machine, so the
ratio (coverage / plain) is the figure to read. The lines covered are counted
from each LCOV report with tools/coverage/lcov.py's parser (a line counts once
it ran at all). `--bazel-only` leaves out the pytest half (which runs the
default targets' tests), for a set of targets of your own. Writes
bench/results/coverage.md (or --out).

Usage:
    python3 -m bench.bench_coverage [--out FILE] [--bazel-only] [TARGET ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.benchlib import ROOT, bazel_python, clean_env, head_commit, markdown_table
from tools.coverage.lcov import parse

# A unit target (the library in-process) and a runner target (a runner in a subprocess).
TARGETS = ("//tests:unit_noise", "//tests:tmgg-gnn")
PYTEST_TESTS = ("tests/noise", "tests/test_runner_integration.py", "--tmgg-case=tmgg-gnn-base_config_gnn")


def run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run `command` in the checkout; its wall time and output. Any failure stops the benchmark."""
    start = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"bench_coverage: {' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds, done.stdout + done.stderr


def covered(lcov: Path) -> str:
    """`hit of found lines (percent)` of an LCOV report."""
    sources = parse(lcov.read_text()).values()
    hit = sum(1 for source in sources for hits in source.lines.values() if hits > 0)
    found = sum(len(source.lines) for source in sources)
    return f"{hit} of {found} lines ({100 * hit / max(found, 1):.1f}%)"


def pytest_row(env: dict[str, str]) -> tuple[str, str, str, float, float, str]:
    """The default targets' tests as plain pytest, then with --cov=tmgg, in Bazel's environment's Python."""
    python = bazel_python()
    with tempfile.TemporaryDirectory() as scratch:
        lcov = Path(scratch) / "pytest.lcov"
        pytest = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *PYTEST_TESTS]
        with_cov = [*pytest, "--cov=tmgg", f"--cov-report=lcov:{lcov}"]
        pytest_plain, _ = run(pytest, env)
        pytest_cov, _ = run(with_cov, env)
        return ("pytest", " ".join(["python", "-m", "pytest", *PYTEST_TESTS]), "... --cov=tmgg --cov-report=lcov:FILE",
                pytest_plain, pytest_cov, covered(lcov))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/coverage.md")
    parser.add_argument("--bazel-only", action="store_true", help="time Bazel only, not the pytest half")
    parser.add_argument("targets", nargs="*", default=list(TARGETS))
    args = parser.parse_args()
    env = clean_env(drop=("TMGG_REMOTE_CACHE",), TMGG_DISK_CACHE="off")
    commit = head_commit()[:7]
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    plain_bazel = ["bazel", "test", "--nocache_test_results", *args.targets]
    coverage_bazel = ["bazel", "coverage", "--nocache_test_results", "--combined_report=lcov", *args.targets]
    # Starts the server and builds the environment before anything is timed.
    run(["bazel", "build", *args.targets], env)
    rows = []
    bazel_plain, _ = run(plain_bazel, env)
    bazel_cov, _ = run(coverage_bazel, env)
    bazel_lcov = covered(ROOT / "bazel-out/_coverage/_coverage_report.dat")
    rows.append(("Bazel", " ".join(plain_bazel), " ".join(coverage_bazel), bazel_plain, bazel_cov, bazel_lcov))

    if not args.bazel_only:
        rows.append(pytest_row(env))

    load = os.getloadavg()
    lines = [
        "# Coverage overhead",
        "",
        f"`python3 -m bench.bench_coverage` at {commit}{' (with uncommitted changes)' if dirty else ''}; targets "
        f"{', '.join(f'`{t}`' for t in args.targets)}; one wall-clock run each, load average "
        f"{load[0]:.1f} before the write-up, 2 cores shared.",
        "",
        markdown_table(
            ["path", "plain", "with coverage", "ratio", "covered"],
            [[name, f"{plain:.1f} s", f"{cov:.1f} s", f"{cov / plain:.2f}x", covered_lines] for name, _, _, plain, cov, covered_lines in rows],
        ),
        "",
        "Commands:",
        "",
    ]
    for name, plain_cmd, cov_cmd, *_ in rows:
        lines += [f"- {name}, plain: `{plain_cmd}`", f"- {name}, with coverage: `{cov_cmd}`"]
    args.out.write_text("\n".join(lines) + "\n")
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
