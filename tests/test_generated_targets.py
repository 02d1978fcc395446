"""The generated build graph matches what the configs, sources and tests now need.

Rationale:
    Bazel reruns a target only when a file it declares changes, so a stale
    BUILD file under src/ or configs/, or a stale tests/targets.bzl, would let
    a broken config or model pass from the cache. They are generated; this test
    fails when any is stale and names the refresh command and the lines to add
    (a new runner or config without a target, a new import, say).

Assumptions:
    Runs from a checkout (plain pytest) or from runfiles holding every source,
    config, test file and BUILD file (the Bazel target in tests/BUILD.bazel).

Invariants:
    regenerating gives exactly the committed files; a runner missing from
    tests/targets.bzl and a dep missing from a BUILD file are reported with the
    line to add.
"""

import importlib.util
from pathlib import Path

import pytest
from runfiles import Runfiles

pytestmark = pytest.mark.unit

# Under Bazel, the checkout's files in the runfiles tree: the library finds the
# main repository's folder there (`tmgg` under WORKSPACE, `_main` under bzlmod).
_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_test_targets", ROOT / "tools/gen_test_targets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    generator = _generator()
    return generator.render(generator.Workspace(ROOT))


def test_generated_files_are_fresh(fresh: dict[str, str]) -> None:
    generator = _generator()
    report = generator.stale_report(generator.read_current(generator.Workspace(ROOT), fresh), fresh)
    assert report is None, report


def test_missing_runner_is_reported_with_the_line_to_add(fresh: dict[str, str]) -> None:
    generator = _generator()
    targets = generator.OUTPUT.as_posix()
    without_spectral = "\n".join(line for line in fresh[targets].splitlines() if not line.startswith('    "tmgg-spectral"'))
    report = generator.stale_report({**fresh, targets: without_spectral}, fresh)
    assert report is not None and generator.REFRESH in report
    assert '"tmgg-spectral": {' in report


def test_missing_dep_is_reported_with_its_build_file(fresh: dict[str, str]) -> None:
    generator = _generator()
    build = "src/tmgg/noise/BUILD.bazel"
    assert '":noise_process",' in fresh[build]
    report = generator.stale_report({**fresh, build: fresh[build].replace('":noise_process",', "")}, fresh)
    assert report is not None and build in report and ":noise_process" in report
