"""tests/targets.bzl matches what the configs, sources and tests now need.

Rationale:
    Bazel reruns a target only when a file it declares changes, so a stale
    list would let a broken config or model pass from the cache. The list is
    generated; this test fails when it is stale and names the refresh command
    and the lines to add (a new runner or config without a target, say).

Assumptions:
    Runs from a checkout (plain pytest) or from runfiles holding every source,
    config, test file and BUILD file (the Bazel target in tests/BUILD.bazel).

Invariants:
    regenerating gives exactly the committed file; a runner missing from it is
    reported with the line to add.
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
def fresh() -> str:
    generator = _generator()
    return generator.render(generator.generate(generator.Workspace(ROOT)))


def test_targets_file_is_fresh(fresh: str) -> None:
    generator = _generator()
    report = generator.stale_report((ROOT / generator.OUTPUT).read_text(), fresh)
    assert report is None, report


def test_missing_runner_is_reported_with_the_line_to_add(fresh: str) -> None:
    generator = _generator()
    without_spectral = "\n".join(line for line in fresh.splitlines() if not line.startswith('    "tmgg-spectral"'))
    report = generator.stale_report(without_spectral, fresh)
    assert report is not None and generator.REFRESH in report
    assert '"tmgg-spectral": {' in report
