"""Coverage under Bazel: the LCOV merger and report generator that `bazel coverage` runs."""
