"""A 2-job tmgg-stage4 sweep through hydra/launcher=slurm on a real SLURM cluster.

Rationale: the launcher configs are checked by the option targets without a
scheduler; only a real cluster shows that the jobs are submitted, run to the
end, write their results and are reported COMPLETED by the scheduler, and that
a relaunch skips them.
Assumptions: a SLURM controller answers `scontrol ping` on this machine
(`sudo tools/cluster/slurm.sh start` starts a one-node one); the jobs run on
this machine's file system, so they see the test's folder; tools/cluster/ (its
`sacct` stand-in, for a cluster without accounting) goes first on PATH.
Without a cluster the test skips, saying why, unless TMGG_REQUIRE_SLURM=1 (the
Bazel target //tests/cluster:slurm_sweep sets it), when it fails.
Invariants: both jobs write a complete results.json after 2 training steps;
the scheduler reports each COMPLETED; the relaunch runs nothing again.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tmgg.launch.check_configs import QUICK_TRAINING
from tmgg.paths import config_dir
from tmgg.slurm.slurm_cluster import SlurmCluster

pytestmark = [pytest.mark.slurm, pytest.mark.integration, pytest.mark.slow]

RUNNER = "import sys; from tmgg.runners import runner_for; sys.argv[0] = 'tmgg-stage4'; runner_for('stage4_benchmarks')()"
# configs/quick/train.yaml: two steps, validation after each, no checkpoint; no logger.
QUICK = (QUICK_TRAINING, "~logger")
TIMEOUT_S = 300
STATE_WAIT_S = 60  # how long SLURM may take to mark a finished job


@pytest.fixture
def cluster() -> SlurmCluster:
    found = SlurmCluster()
    if found.controller() is None:
        reason = "no SLURM controller answers `scontrol ping`: start one with `sudo tools/cluster/slurm.sh start`"
        if os.environ.get("TMGG_REQUIRE_SLURM") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def launch(sweep_dir: Path) -> subprocess.CompletedProcess[str]:
    tools = config_dir().parent / "tools" / "cluster"
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"}
    command = [
        sys.executable, "-c", RUNNER,
        "model=spectral/linear_pe",  # stage4 sweeps model x noise.eps: this leaves noise.eps=0.1,0.2
        "hydra/launcher=slurm",
        "hydra.launcher.timeout_min=10",
        f"paths.output_dir={sweep_dir}",
        *QUICK,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, f"the sweep exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def final_state(cluster: SlurmCluster, slurm_id: str) -> tuple[str, str]:
    """The job's state once SLURM has finished it, and scontrol's answer.

    submitit returns as soon as a job has pickled its result; SLURM may still show
    the job RUNNING or COMPLETING for a moment after (its batch script and epilogue).
    """
    deadline = time.monotonic() + STATE_WAIT_S
    while True:
        status, answer = cluster.run(["scontrol", "show", "job", "--oneliner", slurm_id])
        match = re.search(r"\bJobState=(\S+)", answer)
        state = match.group(1) if status == 0 and match else "unknown"
        if state not in ("PENDING", "RUNNING", "COMPLETING", "CONFIGURING") or time.monotonic() > deadline:
            return state, answer
        time.sleep(0.5)


def test_two_job_sweep_completes_on_slurm_and_a_relaunch_skips_it(cluster: SlurmCluster, tmp_path: Path) -> None:
    sweep_dir = tmp_path / "sweep"
    first = launch(sweep_dir)
    assert "2 jobs: 2 done now, 0 skipped as already done, 0 failed" in first.stdout, first.stdout[-2000:]

    for job in ("0", "1"):
        results = json.loads((sweep_dir / job / "results.json").read_text())
        assert results["metrics"] and all(math.isfinite(value) for value in results["metrics"].values())
        assert results["config"]["trainer"]["max_steps"] == 2
    slurm_ids = sorted(path.name for path in (sweep_dir / ".submitit").iterdir() if path.is_dir() and "_" in path.name)
    assert len(slurm_ids) == 2, slurm_ids
    for slurm_id in slurm_ids:
        state, answer = final_state(cluster, slurm_id)
        assert state == "COMPLETED", f"SLURM job {slurm_id}: {answer}"

    second = launch(sweep_dir)
    assert "2 jobs: 0 done now, 2 skipped as already done, 0 failed" in second.stdout, second.stdout[-2000:]
