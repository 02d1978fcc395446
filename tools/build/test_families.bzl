"""The test families: for each table of tests/targets.bzl, the test file its targets run and how.

The one place these test files are named. The macros in tools/build/rules/tmgg_tests.bzl
load this file, and the generator reads it as Python (tools/build/test_families.py),
so it holds only dicts, lists and strings.

Each family:
  test: the test file in tests/ each target runs (conftest.py rides along).
  flag: the pytest option that picks the target's cases.
  values: the entry's field holding the option's values; "" for the target's own name.
  size, tags: as py_test takes them; timeout and data only where a family needs them.
"""

TEST_FAMILIES = {
    # One target per base or stage config; it also holds the config's `learns` case, which
    # trains the job (30 to 80 steps): 60 s of "small" is too tight on 2 busy cores.
    "CONFIG_TARGETS": {
        "flag": "tmgg-case",
        "size": "medium",
        "tags": [
            "integration",
            "config",
            "learns",
        ],
        "test": "test_config_composition.py",
        "values": "",
    },
    # One target per runner whose launch is a Hydra sweep: each job is a case.
    "SWEEP_TARGETS": {
        "flag": "tmgg-sweep",
        "size": "medium",
        "tags": [
            "integration",
            "config",
            "sweep",
            "learns",
        ],
        "test": "test_sweep_jobs.py",
        "values": "sweep",
    },
    # One target per config group whose options no runner loads: each option is a case.
    "OPTION_TARGETS": {
        "flag": "tmgg-option",
        "size": "medium",
        "tags": [
            "integration",
            "config",
            "learns",
        ],
        "test": "test_config_options.py",
        "values": "options",
    },
    # One target per CLI runner; its pytest timeout (120 s) fires before Bazel's.
    "RUNNER_TARGETS": {
        "data": ["//:pyproject.toml"],
        "flag": "tmgg-case",
        "size": "medium",
        "tags": [
            "integration",
            "slow",
            "runner",
        ],
        "test": "test_runner_integration.py",
        "timeout": "moderate",
        "values": "case",
    },
}

# //tests:generated_targets_fresh's test file: no table's, so no unit target runs it either.
FRESHNESS_TEST = "test_generated_targets.py"
