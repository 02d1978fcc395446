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
(bench/suite/plot.py, run by the Python of Bazel's environment), OUT/suite.json
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
import shutil
import sys
import tempfile
from pathlib import Path

from bench.benchlib import ROOT, head_commit, progress
from bench.suite.clones import cleanup, clone_head, start_cache, venv_names
from bench.suite.context import BenchError, Context
from bench.suite.report import write_outputs
from bench.suite.scenarios import breakdown, cache_hit, cold_suites, incremental, noop_runs, trace_reads
from bench.suite.scope import QUICK_TARGETS, Scope, case_ids


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
    ctx = Context(args, scratch, logs, scratch / "work", head_commit(), venvs_before=venv_names())
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
