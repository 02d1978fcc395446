"""The Bazel build: rules and macros, the test entry point, the build-graph generator, buildifier."""
