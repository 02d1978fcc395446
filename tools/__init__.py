"""tmgg's developer tools, one folder per concern; run them as modules from the checkout's root.

- build/: the Bazel build: rules and macros, the test entry point, the generator of
  BUILD files and tests/targets.bzl, buildifier (python3 -m tools.build.update_build_files);
- env/: the Python environment: the lock, building it with uv or pip, sharing it through
  the remote cache, the checks tools/bazel runs first (python3 -m tools.env.share publish);
- cache/: the bundled remote cache (tools/cache/server.sh) and its pruning;
- ci/: what CI checks beyond the tests: the fault drill, the input trace, the
  stability check, build-event summaries (python3 -m tools.ci.fault_drill);
- cluster/: a one-node SLURM cluster for the sweep tests.

tools/bazel (run by /usr/bin/bazel), tools/tmgg (the user's entry point), tools/setup.sh
and tools/gpu_check.sh stay at the top, where people and Bazel look for them.
"""
