#!/usr/bin/env python3
"""Generate the build graph: a BUILD.bazel per tmgg package and config folder, and tests/targets.bzl.

Bazel learns what a test reads from labels. This script writes, from the source
and the configs alone:

- `src/tmgg/**/BUILD.bazel`: one `py_library` per module (`//src/tmgg/noise:edge_flip_noise`),
  its deps the tmgg modules it imports, parsed, never imported (see ImportGraph for
  how package `__init__` files and lazy exports become deps);
- `configs/**/BUILD.bazel`: every YAML file exported by name
  (`//configs/model/gnn:gnn.yaml`), and a `filegroup` per config group (`//configs/model/gnn`);
- `tests/targets.bzl`: what Bazel cannot infer, per test target: the config files its
  compositions load (Hydra's own defaults list) and the libraries of the modules its
  test files import and its configs' `_target_`s name. For every runner in
  pyproject.toml's `[project.scripts]`, every base and stage config, every runner
  whose launch is a Hydra sweep, every config group with options that no launch
  loads, and every unit test folder. A unit folder's tests also read files no
  import names (configs, the lock); tests/unit_data.bzl lists those by hand.

Usage:
    bazel run //tools/build:update_build_files                        # rewrite the generated files
    PYTHONPATH=src python3 -m tools.build.update_build_files --check  # exit 1, naming what is stale
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tools.build.build_files import read_current, render, stale_report
from tools.build.import_graph import Workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is stale")
    parser.add_argument("--root", type=Path, help="workspace root (default: the bazel run workspace or cwd)")
    args = parser.parse_args()
    root = args.root or Path(os.environ.get("BUILD_WORKSPACE_DIRECTORY", "."))
    workspace = Workspace(root)
    fresh = render(workspace)
    current = read_current(workspace, fresh)
    if args.check:
        report = stale_report(current, fresh)
        if report:
            print(report, file=sys.stderr)
            return 1
        print(f"{len(fresh)} generated files are up to date")
        return 0
    for path in sorted(set(current) - set(fresh)):
        (workspace.root / path).unlink()
        print(f"deleted {path}")
    written = [path for path, content in fresh.items() if current.get(path) != content]
    for path in written:
        output = workspace.root / path
        scratch = output.with_suffix(".tmp")
        scratch.write_text(fresh[path])
        os.replace(scratch, output)
        print(f"wrote {path}")
    print(f"{len(fresh) - len(written)} of {len(fresh)} generated files were already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
