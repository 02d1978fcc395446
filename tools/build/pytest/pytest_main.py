"""The one pytest entry point that every Bazel py_test runs.

It turns Bazel's test protocol into pytest arguments:
- JUnit XML goes to $XML_OUTPUT_FILE, so bazel-testlogs/<target>/test.xml lists the cases;
- `--test_filter` (TESTBRIDGE_TEST_ONLY) becomes `-k`;
- pytest's cache and entry-point plugins are off, and HOME, MPLCONFIGDIR and XDG_CACHE_HOME point
  into $TEST_TMPDIR: tests write only there;
- under `bazel coverage` (COVERAGE_DIR set), pytest-cov measures tmgg, the runner subprocesses
  included (//:.coveragerc), and writes LCOV to $COVERAGE_DIR/pylcov.dat, which Bazel's LCOV merger
  (tools/coverage/lcov.py) turns into bazel-testlogs/<target>/coverage.dat;
- pytest's exit code is the test's exit code.

Usage in a BUILD file (through the macros in tools/build/rules/tmgg_tests.bzl):
    args = ["tests/test_config_composition.py", "--tmgg-case=base_config_spectral"]
"""

import os
import re
import sys

import pytest


def name_sources_from_the_workspace(lcov: str) -> None:
    """Rewrite the `SF:` paths of an LCOV file as paths from the workspace root.

    coverage.py records real paths: those of the files the tests ran, behind the
    runfiles' links, and those of the tmgg files no test imported, found in the
    package's real folder; both are in the checkout. Named from the workspace
    root, reports from any checkout or machine (through Bazel's cache) merge into
    one. The working directory is the runfiles tree's workspace root.
    """
    package = os.path.join("src", "tmgg", "__init__.py")
    real = os.path.realpath(package)
    if not os.path.exists(lcov) or not real.endswith(os.sep + package):
        return
    checkout = real[: -len(package)]
    with open(lcov) as f:
        text = f.read()
    with open(lcov, "w") as f:
        f.write(re.sub("^SF:" + re.escape(checkout), "SF:", text, flags=re.MULTILINE))


def main() -> int:
    # One process per target: no cache, and no plugins found through entry points
    # (xdist, testmon, hydra's): the tests use none, and loading them cost about
    # a second a target. The benchmarks use xdist and testmon outside Bazel.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    args = ["-p", "no:cacheprovider", "--strict-markers", "-q", *sys.argv[1:]]
    xml = os.environ.get("XML_OUTPUT_FILE")
    if xml:
        args += ["--junitxml", xml, "-o", "junit_family=xunit2"]
    only = os.environ.get("TESTBRIDGE_TEST_ONLY")
    if only:
        args += ["-k", only]
    scratch = os.environ.get("TEST_TMPDIR")
    if scratch:
        args += ["--basetemp", os.path.join(scratch, "pytest")]
        # Libraries that write caches under HOME (matplotlib, torch, hydra) write
        # here instead, so a test touches nothing outside its scratch folder.
        for variable, folder in (("HOME", "home"), ("MPLCONFIGDIR", "matplotlib"), ("XDG_CACHE_HOME", "cache")):
            path = os.path.join(scratch, folder)
            os.makedirs(path, exist_ok=True)
            os.environ[variable] = path
    coverage_dir = os.environ.get("COVERAGE_DIR")
    lcov = os.path.join(coverage_dir or "", "pylcov.dat")
    if coverage_dir:
        # The data files (the test's and one per subprocess) go to scratch, not the runfiles tree.
        os.environ["COVERAGE_FILE"] = os.path.join(scratch or coverage_dir, ".coverage")
        args += [
            "-p",
            "pytest_cov.plugin",
            "--cov=tmgg",
            "--cov-config=.coveragerc",
            "--cov-report=lcov:" + lcov,
        ]
    status = int(pytest.main(args))
    if coverage_dir:
        name_sources_from_the_workspace(lcov)
    return status


if __name__ == "__main__":
    sys.exit(main())
