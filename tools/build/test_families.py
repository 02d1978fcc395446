"""The test families, read from tools/build/test_families.bzl (the macros load it too), and the generator's own paths."""

from __future__ import annotations

from pathlib import Path


OUTPUT = Path("tests/targets.bzl")
REFRESH = "bazel run //tools/build:update_build_files"
# The files each unit test folder reads besides Python modules: Bazel cannot infer them.
UNIT_DATA = "tests/unit_data.bzl"
# Starlark that is plain data reads the same as Python.
FAMILIES_FILE = Path(__file__).with_name("test_families.bzl")


def read_starlark_data(path: Path) -> dict:
    """The names a Starlark file of plain data (dicts, lists, strings) defines.

    tools/build/runner_targets.py has its own copy (read_tables): the @tmgg_runners rule runs
    it as a lone script, with no package to import this one from.
    """
    names: dict = {}
    exec(path.read_text(), names)
    return names


_FAMILIES = read_starlark_data(FAMILIES_FILE)
# {table of tests/targets.bzl: {"test", "flag", "values", "size", "tags", ...}}
TEST_FAMILIES: dict[str, dict] = _FAMILIES["TEST_FAMILIES"]
# {table: its test file, workspace-relative}
FAMILY_TESTS = {table: f"tests/{family['test']}" for table, family in TEST_FAMILIES.items()}
CONFIG_TEST = FAMILY_TESTS["CONFIG_TARGETS"]
RUNNER_TEST = FAMILY_TESTS["RUNNER_TARGETS"]
SWEEP_TEST = FAMILY_TESTS["SWEEP_TARGETS"]
OPTION_TEST = FAMILY_TESTS["OPTION_TARGETS"]
FRESHNESS_TEST = f"tests/{_FAMILIES['FRESHNESS_TEST']}"
