#!/usr/bin/env python3
"""Measure the speed of the test machinery itself, and print a markdown table.

Measures, on this checkout, in one run (each figure the median of --repeats):
- the import floor: `python -c "import torch, pytorch_lightning, hydra"` in Bazel's environment;
- a warm no-op `bazel test //...` (server up, every result cached);
- after `bazel clean`, `bazel test //...` with every result in a disk cache: seconds per target;
- one config target and one runner target run uncached by Bazel, against the same
  test case run by plain pytest in the same environment: Bazel's overhead per target;
- a cold full suite (nothing cached, environment already built), once.

Usage:
    python3 -m bench.machinery [--repeats 3] [--skip-cold]

Needs the Bazel environment built once (any `bazel test`). Writes nothing in
the checkout but Bazel's own output links; the disk cache goes to a scratch folder.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile

from bench.benchlib import CASES, IMPORT_FLOOR, ROOT, bazel_python, pytest_case_command, timed


def median(command: list[str], repeats: int, before: list[str] | None = None) -> float:
    samples = []
    for _ in range(repeats):
        if before:
            timed(before)
        samples.append(timed(command))
    return statistics.median(samples)


def test_count() -> int:
    query = subprocess.run(["bazel", "query", "tests(//...)"], cwd=ROOT, check=True, capture_output=True, text=True)
    return len(query.stdout.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold full suite (about 3 minutes)")
    args = parser.parse_args()
    python = bazel_python()
    targets = test_count()
    rows: list[tuple[str, str]] = []

    floor = median([python, *IMPORT_FLOOR], args.repeats)
    rows.append(("import floor: torch + pytorch_lightning + hydra", f"{floor:.2f} s"))

    subprocess.run(["bazel", "test", "//..."], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    noop = median(["bazel", "test", "//..."], args.repeats)
    rows.append((f"warm no-op `bazel test //...` ({targets} targets, all cached)", f"{noop:.2f} s"))

    with tempfile.TemporaryDirectory(prefix="tmgg-disk-cache-") as disk:
        flag = f"--disk_cache={disk}"
        subprocess.run(["bazel", "test", flag, "//..."], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cached = median(["bazel", "test", flag, "//..."], args.repeats, before=["bazel", "clean"])
    rows.append(
        (f"after `bazel clean`, all {targets} results from the disk cache", f"{cached:.1f} s = {cached / targets:.2f} s a target")
    )

    for case in CASES:
        label, target = case.kind, case.target
        under_bazel = median(["bazel", "test", "--nocache_test_results", target], args.repeats)
        plain = median(pytest_case_command(python, case), args.repeats)
        rows.append((f"{label} {target}, uncached, under Bazel", f"{under_bazel:.1f} s"))
        rows.append((f"the same case under plain pytest (same environment)", f"{plain:.1f} s"))
        rows.append((f"Bazel's overhead for the {label}", f"{under_bazel - plain:+.1f} s ({under_bazel / floor:.1f}x the import floor)"))

    if not args.skip_cold:
        cold = timed(["bazel", "test", "--nocache_test_results", "//..."])
        rows.append((f"cold full suite, nothing cached ({targets} targets, environment built)", f"{cold:.0f} s"))

    print(f"Measured by `python3 -m bench.machinery --repeats {args.repeats}`; medians of {args.repeats} runs.\n")
    print("| measure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
