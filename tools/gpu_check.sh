#!/usr/bin/env bash
# tmgg's checks on a GPU machine: the suite under Bazel's --config=gpu, then the main experiment.
#
#   tools/gpu_check.sh [BAZEL TARGETS...]     (default //tests:integration_all //tests:unit_linalg)
#
# A thin wrapper over the two commands docs/gpu.md gives: `tools/tmgg test --gpu` (the CUDA
# environment from tools/env/requirements-gpu.lock, the GPU shown to every config, sweep, option
# and runner target, their Trainers built for it; unit_linalg solves the batch cuSOLVER once
# failed on, on the GPU) and `tools/tmgg experiment --gpu`. On a machine without a GPU both stop
# in one line before building anything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $# -gt 0 ]] || set -- //tests:integration_all //tests:unit_linalg
tools/tmgg test --gpu "$@"
start=$(date +%s)
tools/tmgg experiment --gpu trainer.accelerator=gpu trainer.enable_progress_bar=false
echo "gpu-check: main experiment took $(($(date +%s) - start)) s"
