"""The one pytest entry point that every Bazel py_test runs.

It turns Bazel's test protocol into pytest arguments:
- JUnit XML goes to $XML_OUTPUT_FILE, so bazel-testlogs/<target>/test.xml lists the cases;
- `--test_filter` (TESTBRIDGE_TEST_ONLY) becomes `-k`;
- pytest's cache is off: tests write only under $TEST_TMPDIR;
- pytest's exit code is the test's exit code.

Usage in a BUILD file (through the macros in tools/rules/tmgg_tests.bzl):
    args = ["tests/test_config_composition.py", "--tmgg-case=base_config_spectral"]
"""

import os
import sys

import pytest


def main() -> int:
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
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main())
