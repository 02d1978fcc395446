#!/usr/bin/env bash
# The same tmgg-stage4 sweep under Hydra's basic launcher, joblib with 2 workers, and SLURM (the
# one-node cluster of tools/cluster/slurm.sh, which must be running), timed by hyperfine.
#
# Usage: bench/bench_launchers.sh [STEPS] [RUNS]     (default 2 training steps, 3 runs)
# The sweep is stage4 over 2 models x 2 noise levels = 4 jobs. Runs the runner with the Python of
# Bazel's environment (built by any `bazel test`), outside Bazel, so the three differ only by launcher.
# Writes bench/results/launchers_<STEPS>steps.{md,json}.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
steps=${1:-2}
runs=${2:-3}
python=$HOME/.cache/tmgg/venvs/$(sha256sum tools/env/requirements.lock | cut -c1-64)-py3.11/bin/python
[[ -x $python ]] || { echo "bench_launchers: no environment at $python: run any bazel test first" >&2; exit 1; }
out=$(mktemp -d /tmp/tmgg-bench-launchers.XXXXXX)
export PYTHONPATH=$root/src TMGG_CONFIG_DIR=$root/configs PATH=$root/tools/cluster:$PATH
runner="$python -c 'from tmgg.runners import runner_for; runner_for(\"stage4_benchmarks\")()'"
sweep="model=spectral/linear_pe,spectral/filter_bank trainer.max_steps=$steps trainer.max_epochs=1000 \
++trainer.enable_checkpointing=false trainer.enable_progress_bar=false trainer.enable_model_summary=false \
data.num_workers=0 ~logger paths.output_dir=$out/sweep"
mkdir -p bench/results
hyperfine --runs "$runs" --prepare "rm -rf $out/sweep" \
    --export-markdown "bench/results/launchers_${steps}steps.md" --export-json "bench/results/launchers_${steps}steps.json" \
    -n basic "$runner $sweep" \
    -n "joblib, 2 workers" "$runner $sweep hydra/launcher=parallel hydra.launcher.n_jobs=2" \
    -n "slurm, 1 node, 2 CPUs" "$runner $sweep hydra/launcher=slurm"
rm -rf "$out"
