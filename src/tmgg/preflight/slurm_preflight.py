"""Preflight of a launch's SLURM request against the cluster: partition, time limit, GPUs per node.

Usage:
    python -m tmgg.preflight.slurm_preflight RUNNER [OVERRIDES...] [-m]
    bazel run //tools:slurm_preflight -- RUNNER [OVERRIDES...] [-m]   (tools/tmgg preflight runs it)

When a multirun goes to ``hydra/launcher=slurm``, sbatch refuses a
job whose partition does not exist, whose time exceeds the partition's
MaxTime, or that asks for more GPUs than a node has (or leaves it pending
forever). These are checked here, before any job is submitted, by asking the
cluster (``scontrol``). Where no controller answers, they are reported as not
checked, never as passed, and the exit status is 1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tmgg.slurm.slurm_cluster import SlurmCluster, submits_to_slurm


@dataclass(frozen=True)
class LauncherFinding:
    """One line of the launcher's preflight: ``ok``, ``FAIL`` or ``skip`` (not checked)."""

    verdict: str
    text: str

    def line(self) -> str:
        return f"{self.verdict:<5} {self.text}"


def check_slurm_request(launcher: Any, cluster: SlurmCluster | None = None) -> list[LauncherFinding]:
    """Check a launcher config (``hydra.launcher``) against the cluster; empty unless it is SLURM's.

    Args:
        launcher: the composed ``hydra.launcher`` node (or a dict of it).
        cluster: the cluster to ask; default: the one this machine's SLURM client tools reach.

    Returns:
        One finding per check, or one ``skip`` finding when no controller answers.
    """
    if not submits_to_slurm(launcher):
        return []
    cluster = cluster or SlurmCluster()
    host = cluster.controller()
    if host is None:
        return [LauncherFinding("skip", "SLURM not reachable: partition, time limit and GPUs per node were not checked")]
    partitions = cluster.partitions()
    wanted = launcher.get("partition")
    if wanted:
        matches = [p for p in partitions if p.name == wanted]
    else:
        matches = [p for p in partitions if p.default]
    if not matches:
        names = ", ".join(p.name for p in partitions) or "none"
        what = f"partition {wanted!r} does not exist" if wanted else "the cluster has no default partition"
        return [LauncherFinding("FAIL", f"slurm: {what} on {host} (partitions: {names})")]
    partition = matches[0]
    findings = [LauncherFinding("ok", f"slurm: partition {partition.name} exists on {host}")]
    minutes = int(launcher.get("timeout_min") or 0)
    if partition.max_time_min is not None and minutes > partition.max_time_min:
        findings.append(
            LauncherFinding(
                "FAIL",
                f"slurm: hydra.launcher.timeout_min={minutes} exceeds partition {partition.name}'s "
                f"MaxTime of {partition.max_time_min} min",
            )
        )
    else:
        limit = "unlimited" if partition.max_time_min is None else f"{partition.max_time_min} min"
        findings.append(LauncherFinding("ok", f"slurm: timeout_min={minutes} within MaxTime ({limit})"))
    gpus = int(launcher.get("gpus_per_node") or 0)
    available = cluster.gpus_per_node(partition) if gpus else 0
    if gpus > available:
        findings.append(
            LauncherFinding(
                "FAIL",
                f"slurm: hydra.launcher.gpus_per_node={gpus} but partition {partition.name}'s nodes have "
                f"at most {available} GPUs",
            )
        )
    else:
        findings.append(LauncherFinding("ok", f"slurm: gpus_per_node={gpus} available"))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """Check the launcher of a runner's command line against the cluster; exit 1 when a check fails or cannot run.

    The answer depends on the cluster as it is now, so this runs outside Bazel's
    cache and sandbox (``tools/tmgg preflight`` runs it after the cached job checks).
    """
    from tmgg.paths import ConfigDirNotFound, config_dir
    from tmgg.launch.runner_names import runner_arguments, runner_label
    from tmgg.report.error_report import EXPECTED_ERRORS, one_line_any
    from tmgg.launch.launch_plan import plan_launch

    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        return _refuse("usage: launcher_preflight RUNNER [OVERRIDES...] [-m]")
    if arguments[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    try:
        configs = config_dir()
        label = runner_label(arguments[0], configs)
        config_name, fixed = runner_arguments(label, configs)
    except (ConfigDirNotFound, AttributeError) as error:
        return _refuse(f"unknown runner {arguments[0]!r}: {error}")
    rest = arguments[1:]
    try:
        plan = plan_launch(config_name, [*fixed, *rest], label)
        if not plan.multirun:
            return 0
        with plan.jobs[0].config() as cfg:
            findings = check_slurm_request(cfg.hydra.launcher)
    except (ValueError, *EXPECTED_ERRORS) as error:  # ValueError: a LaunchError, or a launcher value int() refuses
        return _refuse(one_line_any(error))
    for finding in findings:
        print(finding.line(), flush=True)
    line, status = summary(findings)
    if findings:
        print(line)
    return status


def summary(findings: Sequence[LauncherFinding]) -> tuple[str, int]:
    """The closing line of the SLURM request's checks and its exit status: 1 when one failed or could not run."""
    failed = sum(finding.verdict == "FAIL" for finding in findings)
    unchecked = sum(finding.verdict == "skip" for finding in findings)
    status = 1 if failed or unchecked else 0
    counts = f"{len(findings) - failed - unchecked} of {len(findings)} checks ok"
    counts += f", {failed} failed" if failed else ""
    counts += f", {unchecked} not checked" if unchecked else ""
    return f"preflight: the SLURM request: {counts} (exit {status})", status


def _refuse(message: str) -> int:
    """Bad input: one line on stderr, exit 2."""
    print(f"launcher_preflight: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
