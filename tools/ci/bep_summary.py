#!/usr/bin/env python3
"""Summarise a Bazel build-event JSON file (written by --config=ci): test results and cache hits.

Usage:
    python3 -m tools.ci.bep_summary bazel-events.json [--require-cached]

Prints one line per failed target, then
    test targets: N (R from the remote cache, L cached locally, E executed)
    tests: P passed, F failed
With --require-cached, exits 1 unless every test target came from a cache.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def test_results(path: Path) -> dict[str, dict]:
    """{label: testResult} for the last attempt of each test target."""
    results = {}
    for line in path.read_text().splitlines():
        event = json.loads(line)
        if "testResult" in event:
            results[event["id"]["testResult"]["label"]] = event["testResult"]
    return results


def is_cached(result: dict) -> bool:
    """Whether a testResult came from Bazel's local cache or a remote (or disk) cache."""
    return bool(result.get("cachedLocally") or result.get("executionInfo", {}).get("cachedRemotely"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", type=Path)
    parser.add_argument("--require-cached", action="store_true", help="fail unless every test target was a cache hit")
    args = parser.parse_args()
    results = test_results(args.events)
    remote = [label for label, r in results.items() if r.get("executionInfo", {}).get("cachedRemotely")]
    local = [label for label, r in results.items() if r.get("cachedLocally")]
    executed = sorted(label for label, r in results.items() if not is_cached(r))
    failed = sorted(label for label, r in results.items() if r.get("status") != "PASSED")
    for label in failed:
        print(f"FAILED {label}: {results[label].get('status')}")
    print(f"test targets: {len(results)} ({len(remote)} from the remote cache, {len(local)} cached locally, {len(executed)} executed)")
    print(f"tests: {len(results) - len(failed)} passed, {len(failed)} failed")
    if not results:
        print("no test results in the build events", file=sys.stderr)
        return 1
    if args.require_cached and executed:
        print(f"not from the cache: {', '.join(executed)}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
