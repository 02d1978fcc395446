#!/usr/bin/env bash
# CI's SLURM check: a one-node cluster, a sweep on it, and the faults that must lose nothing.
#
# As root, from the checkout (slurm-wlm and munge are installed when missing):
#   1. starts the cluster (tools/cluster/slurm.sh start);
#   2. bazel test //tests/cluster:slurm_sweep: a 2-job tmgg-stage4 sweep through
#      hydra/launcher=slurm, both results.json complete, both COMPLETED, a relaunch skips both;
#   3. kill drill: a 2-job sweep of longer jobs; one job is scancel'ed mid-run; the sweep reports it
#      failed with its log; the relaunch reruns that job only (the other's results.json is untouched);
#   4. a failing job: one job of a 2-job sweep cannot run (model.net.k=999); the other completes and
#      the summary names the failure and its log;
#   5. a GPU asked of the CPU environment: preflight refuses a sweep with gpus_per_node=1, naming
#      it and the CPU build; a sweep whose jobs a node gives a GPU (CUDA_VISIBLE_DEVICES=0, as a GPU
#      node sets it) that torch cannot use: each job stops in seconds, no results, the summary names why;
#   6. scheduler down: slurmctld stopped, the launch stops in one line and submits nothing.
# Prints each step's seconds; exits 1 at the first check that fails. Leaves the cluster running.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
scratch=$(mktemp -d /tmp/tmgg-slurm-ci.XXXXXX)
export PATH="$root/tools/cluster:$PATH"   # the sacct stand-in, for a cluster without accounting
# configs/quick/train.yaml: two steps, validation after each, no checkpoint; no logger.
QUICK=(+quick=train '~logger')
# The same, run long, validating once an epoch as the trainer's default does: about 30 s a job on 2 cores.
LONG=("${QUICK[@]}" trainer.max_steps=1000 trainer.max_epochs=1000 trainer.val_check_interval=1.0)
SWEEP=(model=spectral/linear_pe hydra/launcher=slurm hydra.launcher.timeout_min=10)

log() { echo "slurm-ci: $*"; }
fail() {
    echo "slurm-ci: FAIL: $*" >&2
    exit 1
}
seconds() { echo $(($(date +%s%N) / 1000000)); }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

stage4() {  # stage4 OUTPUT_LOG ARGS...: runs tmgg-stage4 through Bazel; its exit status
    local out=$1
    shift
    bazel run --ui_event_filters=-info,-stdout,-stderr --noshow_progress //:tmgg-stage4 -- "$@" >"$out" 2>&1
}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    log "installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >"$scratch/apt.log" 2>&1 ||
        { apt-get update -q >>"$scratch/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >>"$scratch/apt.log" 2>&1; }
fi

t=$(seconds)
tools/cluster/slurm.sh start
log "1. cluster up ($(elapsed "$t") s)"

t=$(seconds)
bazel test --nocache_test_results //tests/cluster:slurm_sweep
log "2. //tests/cluster:slurm_sweep passed ($(elapsed "$t") s)"

# 3. Kill drill.
sweep="$scratch/kill"
t=$(seconds)
stage4 "$scratch/kill1.log" "${SWEEP[@]}" "paths.output_dir=$sweep" "${LONG[@]}" &
runner=$!
victim=""
for _ in $(seq 1 240); do
    if [[ $(grep -l '"state": "running"' "$sweep"/[01]/job_status.json 2>/dev/null | wc -l) == 2 ]]; then
        victim=$(squeue -h -o %i | grep '_1$' | head -n1)
        break
    fi
    sleep 0.5
done
[[ -n $victim ]] || fail "the kill drill's jobs never both ran: see $scratch/kill1.log"
sleep 2
scancel "$victim"
log "3. scancel $victim (job 1) $(elapsed "$t") s after launch"
status=0
wait "$runner" || status=$?
[[ $status == 1 ]] || fail "the sweep with a killed job exited $status, not 1: see $scratch/kill1.log"
grep -q "2 jobs: 1 done now, 0 skipped as already done, 1 failed" "$scratch/kill1.log" ||
    fail "the summary does not show 1 done and 1 failed: $(grep -A3 '^sweep ' "$scratch/kill1.log")"
grep '^sweep \|^ *[01]  ' "$scratch/kill1.log"
[[ -s $sweep/0/results.json && ! -e $sweep/1/results.json ]] || fail "job 0 should have results and job 1 none"
log "3. first launch ended ($(elapsed "$t") s): job 0 done, job 1 killed, no results.json for it"
while squeue -h | grep -q .; do sleep 0.5; done
before=$(stat -c %Y "$sweep/0/results.json")
t=$(seconds)
stage4 "$scratch/kill2.log" "${SWEEP[@]}" "paths.output_dir=$sweep" "${LONG[@]}" ||
    fail "the relaunch failed: see $scratch/kill2.log"
grep '^sweep \|^ *[01]  ' "$scratch/kill2.log"
grep -q "2 jobs: 1 done now, 1 skipped as already done, 0 failed" "$scratch/kill2.log" ||
    fail "the relaunch did not rerun exactly the killed job"
[[ $(stat -c %Y "$sweep/0/results.json") == "$before" && -s $sweep/1/results.json ]] ||
    fail "the relaunch touched job 0's results or left job 1 without them"
log "3. relaunch reran only job 1 ($(elapsed "$t") s)"

# 4. A failing job: the other still completes, the summary names the failure and its log.
t=$(seconds)
status=0
stage4 "$scratch/fail.log" "${SWEEP[@]}" noise.eps=0.1 model.net.k=4,999 \
    "paths.output_dir=$scratch/fail" "${QUICK[@]}" || status=$?
grep '^sweep \|^ *[01]  \|error:' "$scratch/fail.log"
[[ $status == 2 ]] || fail "a sweep with a failing job exited $status, not 2"
grep -q "1 done now, 0 skipped as already done, 1 failed" "$scratch/fail.log" || fail "the summary is wrong"
grep -q "failed: model.net.k=999 is larger than the graph.*; log: " "$scratch/fail.log" ||
    fail "the summary does not name the failure and its log"
[[ -s $scratch/fail/0/results.json ]] || fail "the job that could run has no results.json"
log "4. failing job reported, the other completed ($(elapsed "$t") s)"

# 5. A GPU asked of the CPU environment: refused by preflight; at launch each job stops in seconds.
t=$(seconds)
status=0
tools/tmgg preflight tmgg-stage4 "${SWEEP[@]}" noise.eps=0.1,0.2 hydra.launcher.gpus_per_node=1 \
    >"$scratch/gpu-preflight.log" 2>&1 || status=$?
grep '^FAIL\|^preflight' "$scratch/gpu-preflight.log"
[[ $status == 1 ]] || fail "preflight of a GPU sweep from the CPU environment exited $status, not 1"
grep -q "^FAIL .*GpuUnavailable: hydra.launcher.gpus_per_node=1 asks for a GPU, but .*+cpu is the CPU build" \
    "$scratch/gpu-preflight.log" || fail "preflight does not name gpus_per_node and the CPU build"
# The cluster was asked too (tools/tmgg, after the cached checks): its nodes have no GPU either.
grep -q "^FAIL  slurm: hydra.launcher.gpus_per_node=1 but partition .* nodes have at most 0 GPUs" \
    "$scratch/gpu-preflight.log" || fail "tools/tmgg preflight did not ask the cluster about the SLURM launch"
log "5. preflight refused the GPU sweep ($(elapsed "$t") s)"
t=$(seconds)
status=0
stage4 "$scratch/gpu.log" "${SWEEP[@]}" noise.eps=0.1,0.2 'hydra.launcher.setup=["export CUDA_VISIBLE_DEVICES=0"]' \
    "paths.output_dir=$scratch/gpu" "${QUICK[@]}" || status=$?
grep '^sweep \|^ *[01]  ' "$scratch/gpu.log"
[[ $status == 2 ]] || fail "a sweep given a GPU it cannot use exited $status, not 2: see $scratch/gpu.log"
grep -q "0 done now, 0 skipped as already done, 2 failed" "$scratch/gpu.log" || fail "the summary is wrong"
grep -q "failed: CUDA_VISIBLE_DEVICES=0 gives this job a GPU, but torch .*+cpu here is the CPU build" "$scratch/gpu.log" ||
    fail "the summary does not name the GPU the jobs could not use"
! ls "$scratch"/gpu/*/results.json >/dev/null 2>&1 || fail "a job given a GPU it cannot use wrote results.json"
for job in 0 1; do
    # From the job's record (written once its imports are done) to its failure (the record rewritten): the
    # guard comes before data, model and Trainer. The launch's whole time, imports included, is logged below.
    python3 - "$scratch/gpu/$job/job_status.json" <<'PY' || fail "job $job did not stop within 30 s of its start"
import json, os, sys
path = sys.argv[1]
status = json.load(open(path))
seconds = os.path.getmtime(path) - status["started"]
print(f"slurm-ci: 5. job {path.split('/')[-2]}: {status['state']} {seconds:.2f} s after its record was written")
sys.exit(0 if status["state"] == "failed" and seconds < 30 else 1)
PY
done
log "5. each job stopped before building data, no results.json (the launch: $(elapsed "$t") s, both jobs, sbatch included)"

# 6. Scheduler down: one line, nothing submitted.
kill "$(cat "${TMGG_SLURM_DIR:-/tmp/tmgg-slurm}/slurmctld.pid")"
sleep 1
t=$(seconds)
status=0
stage4 "$scratch/down.log" "${SWEEP[@]}" "paths.output_dir=$scratch/down" "${QUICK[@]}" || status=$?
tools/cluster/slurm.sh start >/dev/null
grep "error:" "$scratch/down.log"
[[ $status == 2 ]] || fail "a launch with slurmctld down exited $status, not 2"
grep -q "cannot submit: slurmctld at .* not answering" "$scratch/down.log" || fail "no one-line scheduler error"
[[ ! -e $scratch/down ]] || fail "a launch with slurmctld down wrote $scratch/down"
log "6. scheduler down: one line, nothing written ($(elapsed "$t") s)"

rm -rf "$scratch"
log "all SLURM checks passed"
