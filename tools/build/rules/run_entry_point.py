"""Runs a `[project.scripts]` entry point under `bazel run`, as its console script would.

Usage: run_entry_point.py SCRIPT MODULE:FUNCTION [OVERRIDES...]
"""

import importlib
import sys


def main() -> int:
    script, entry = sys.argv[1], sys.argv[2]
    module, _, function = entry.partition(":")
    sys.argv = [script, *sys.argv[3:]]
    return getattr(importlib.import_module(module), function)()


if __name__ == "__main__":
    sys.exit(main())
