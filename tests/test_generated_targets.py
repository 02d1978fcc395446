"""The generated build graph matches what the configs, sources and tests now need.

Rationale:
    Bazel reruns a target only when a file it declares changes, so a stale
    BUILD file under src/ or configs/, or a stale tests/targets.bzl, would let
    a broken config or model pass from the cache. They are generated; this test
    fails when any is stale and names the refresh command and the lines to add
    (a new config without a target, a new import, say).

Assumptions:
    Runs from a checkout (plain pytest) or from runfiles holding every source,
    config, test file and BUILD file (the Bazel target in tests/BUILD.bazel).

Invariants:
    regenerating gives exactly the committed files; a config missing from
    tests/targets.bzl and a dep missing from a BUILD file are reported with the
    line to add.
"""

from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.build.build_files import read_current, render, stale_report
from tools.build.import_graph import Workspace, tool_labels
from tools.build.test_families import FRESHNESS_TEST, OUTPUT, REFRESH, TEST_FAMILIES

pytestmark = pytest.mark.unit

# Under Bazel, the checkout's files in the runfiles tree: the library finds the
# main repository's folder there (`tmgg` under WORKSPACE, `_main` under bzlmod).
_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    return render(Workspace(ROOT))


def test_generated_files_are_fresh(fresh: dict[str, str]) -> None:
    report = stale_report(read_current(Workspace(ROOT), fresh), fresh)
    assert report is None, report


def test_missing_config_target_is_reported_with_the_line_to_add(fresh: dict[str, str]) -> None:
    targets = OUTPUT.as_posix()
    without_spectral = fresh[targets].replace('    "base_config_spectral": {', '    "base_config_spectral_old": {')
    report = stale_report({**fresh, targets: without_spectral}, fresh)
    assert report is not None and REFRESH in report
    assert '+    "base_config_spectral": {' in report


def test_missing_dep_is_reported_with_its_build_file(fresh: dict[str, str]) -> None:
    build = "src/tmgg/noise/BUILD.bazel"
    assert '":noise_process",' in fresh[build]
    report = stale_report({**fresh, build: fresh[build].replace('":noise_process",', "")}, fresh)
    assert report is not None and build in report and ":noise_process" in report


def test_a_tools_import_resolves_to_the_library_that_holds_the_module(tmp_path: Path) -> None:
    test_file = tmp_path / "test_x.py"
    test_file.write_text("from tools.env import lock\nimport tools.ci.trace_inputs\nfrom tools.build.update_build_files import main\n")
    # update_build_files.py is in a py_binary's srcs too; an import names the py_library.
    expected = {"//tools/env:lock", "//tools/ci:trace_inputs", "//tools/build:update_build_files_lib"}
    assert tool_labels(Workspace(ROOT), test_file) == expected


def test_tests_build_makes_each_family_and_names_no_test_file() -> None:
    """tests/BUILD.bazel calls family_tests once per family and leaves test file names to tools/build/test_families.bzl."""
    build = (ROOT / "tests/BUILD.bazel").read_text()
    called = {line.split('"')[1] for line in build.splitlines() if line.strip().startswith("table = ")}
    assert called == set(TEST_FAMILIES), "tests/BUILD.bazel's family_tests calls and tools/build/test_families.bzl disagree"
    for test_file in [family["test"] for family in TEST_FAMILIES.values()] + [Path(FRESHNESS_TEST).name]:
        assert test_file not in build, f"{test_file} is spelled in tests/BUILD.bazel: name it only in tools/build/test_families.bzl"
