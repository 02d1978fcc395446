"""tmgg.preflight.slurm_preflight checks a SLURM launch's request against the cluster's answers.

Rationale: a partition that does not exist, a time above the partition's
MaxTime or more GPUs than a node has make sbatch refuse the job (or leave it
pending forever) after the user has walked away; preflight must say so first,
and must say when it could not ask.
Assumptions: the cluster's answers are canned scontrol text (as in
test_slurm_cluster); the launcher node is the composed `hydra.launcher`.
Invariants: non-SLURM launchers are not checked; no controller means one
`skip` line, never `ok`, and a summary that says "not checked" with exit
status 1; each limit exceeded is one FAIL naming the key.
"""

import pytest

from tmgg.preflight.slurm_preflight import LauncherFinding, check_slurm_request, summary
from tmgg.slurm.slurm_cluster import SlurmCluster

pytestmark = pytest.mark.unit

SLURM = "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"
PARTITIONS = (
    "PartitionName=cpu Default=YES MaxTime=02:00:00 Nodes=vm State=UP\n"
    "PartitionName=gpu Default=NO MaxTime=UNLIMITED Nodes=gpu01 State=UP\n"
)


def cluster(up=True):
    answers = {
        "scontrol ping": (0, "Slurmctld(primary) at head is UP") if up else (1, "Slurmctld(primary) at head is DOWN"),
        "scontrol show partition": (0, PARTITIONS),
        "scontrol show node --oneliner gpu01": (0, "NodeName=gpu01 Gres=gpu:4 State=IDLE"),
        "scontrol show node --oneliner vm": (0, "NodeName=vm Gres=(null) State=IDLE"),
    }

    def run(command):
        line = " ".join(command)
        return next((answer for prefix, answer in answers.items() if line.startswith(prefix)), (1, "?"))

    return SlurmCluster(run=run)


def request(**keys):
    return {"_target_": SLURM, "partition": None, "timeout_min": 60, "gpus_per_node": None, **keys}


def verdicts(findings):
    return [finding.verdict for finding in findings]


def test_other_launchers_are_not_checked():
    joblib = {"_target_": "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"}
    assert check_slurm_request(joblib, cluster()) == []


def test_a_fitting_request_passes_on_the_default_partition():
    findings = check_slurm_request(request(), cluster())
    assert verdicts(findings) == ["ok", "ok", "ok"]
    assert "partition cpu" in findings[0].text


def test_unknown_partition_fails_naming_the_ones_there():
    (finding,) = check_slurm_request(request(partition="a100"), cluster())
    assert finding.verdict == "FAIL"
    assert "'a100' does not exist" in finding.text and "cpu, gpu" in finding.text


def test_time_above_max_time_fails():
    findings = check_slurm_request(request(timeout_min=121), cluster())
    assert verdicts(findings) == ["ok", "FAIL", "ok"]
    assert "timeout_min=121 exceeds partition cpu's MaxTime of 120 min" in findings[1].text


def test_unlimited_partition_takes_any_time_and_its_gpus():
    findings = check_slurm_request(request(partition="gpu", timeout_min=10_000, gpus_per_node=4), cluster())
    assert verdicts(findings) == ["ok", "ok", "ok"]


def test_more_gpus_than_a_node_has_fails():
    findings = check_slurm_request(request(partition="gpu", gpus_per_node=8), cluster())
    assert verdicts(findings) == ["ok", "ok", "FAIL"]
    assert "gpus_per_node=8" in findings[2].text and "at most 4" in findings[2].text
    assert verdicts(check_slurm_request(request(gpus_per_node=1), cluster()))[2] == "FAIL"


def test_unreachable_cluster_is_reported_as_not_checked():
    (finding,) = check_slurm_request(request(partition="nope", timeout_min=10_000), cluster(up=False))
    assert finding.verdict == "skip"
    assert "not checked" in finding.text


def test_summary_counts_a_check_that_could_not_run_as_not_checked_and_exits_1():
    line, status = summary(check_slurm_request(request(partition="cpu"), cluster(up=False)))
    assert (line, status) == ("preflight: the SLURM request: 0 of 1 checks ok, 1 not checked (exit 1)", 1)
    line, status = summary(check_slurm_request(request(partition="gpu", gpus_per_node=8), cluster()))
    assert (line, status) == ("preflight: the SLURM request: 2 of 3 checks ok, 1 failed (exit 1)", 1)
    line, status = summary([LauncherFinding("ok", "slurm: fine")])
    assert (line, status) == ("preflight: the SLURM request: 1 of 1 checks ok (exit 0)", 0)
