"""The test families the generator writes targets for: each family's test file, and the generated and hand-written tables."""

from __future__ import annotations

from pathlib import Path


OUTPUT = Path("tests/targets.bzl")
REFRESH = "bazel run //tools/build:update_build_files"
CONFIG_TEST = "tests/test_config_composition.py"
RUNNER_TEST = "tests/test_runner_integration.py"
SWEEP_TEST = "tests/test_sweep_jobs.py"
OPTION_TEST = "tests/test_config_options.py"
FRESHNESS_TEST = "tests/test_generated_targets.py"
# The files each unit test folder reads besides Python modules: Bazel cannot infer them.
UNIT_DATA = "tests/unit_data.bzl"
