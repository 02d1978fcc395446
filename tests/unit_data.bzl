"""What each unit test folder's tests read besides the Python modules they import.

Bazel cannot infer these files from imports, so they are listed here by hand.
tools/build/update_build_files.py copies them into UNIT_TARGETS in tests/targets.bzl
(and gives the target the libraries that these configs' `_target_`s name); CI's input
trace (python3 -m tools.ci.trace_inputs) fails a target whose tests open a file that
is not declared. A config group's label (//configs/model) stands for its YAML files.
"""

UNIT_DATA = {
    "unit_data": [
        "//configs/data",
        "//configs/noise",
    ],
    "unit_models": ["//configs/model"],
    "unit_noise": ["//configs/noise"],
    "unit_tools": [
        "//:.coveragerc",
        "//:MODULE.bazel",
        "//:WORKSPACE",
        "//:pyproject.toml",
        # test_family_table.py reads where the test families could be spelled again (tests/BUILD.bazel
        # is the freshness test's to read: a label in //tests would make the input trace read that file).
        "//tools/build:py_files",
        "//tools/build:test_families.bzl",
        "//tools/build/rules:tmgg_tests.bzl",
        "//tools/env:requirements-gpu.lock",
        "//tools/env:requirements.lock",
        "//tools/env:uv-requirements.txt",
    ],
}

# Unit targets that need Bazel's "medium" size (300 s) rather than "small" (60 s): unit_tools
# builds uv locks and environments in scratch folders and took 36 s alone, over 60 s under load.
UNIT_SIZE = {
    "unit_tools": "medium",
}
