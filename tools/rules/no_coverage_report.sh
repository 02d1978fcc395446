#!/bin/sh
echo "tmgg: coverage reports are not collected under Bazel; use pytest --cov instead" >&2
exit 0
