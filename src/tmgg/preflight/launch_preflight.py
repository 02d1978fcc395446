"""Preflight of a user's own command line: every job it would launch, checked before it reaches a GPU.

Usage:
    python -m tmgg.preflight.launch_preflight RUNNER [OVERRIDES...] [-m|--multirun] [--steps N] [--learn] [--no-cluster]
    tools/tmgg preflight RUNNER [OVERRIDES...]      (the same, as a cached Bazel test)

RUNNER is a console script (``tmgg-stage4``) or a runner config (``stage4_benchmarks``).
The command line is composed exactly as the runner would compose it, a
multirun is expanded into its jobs by Hydra's own sweeper, and each job is
checked like a config target (tmgg.launch.job_check); ``--steps N`` also
trains each job for N steps on the CPU; ``--learn`` also runs the learning
check on each (tmgg.learning.learning_check: its loss on a fixed tiny batch
must fall, every parameter get a gradient and move). A job that asks for a GPU
(``trainer.accelerator=gpu``, ``hydra.launcher.gpus_per_node``, ...) fails when
this environment's torch is the CPU build: it would train on the CPU or die.
Prints one line per job, ``ok`` or the error in one line naming the key or
file, then a summary ending ``(exit N)``. A multirun sent to SLURM
(``hydra/launcher=slurm``) also has its partition, time limit and GPUs
per node checked against the cluster (tmgg.preflight.slurm_preflight); where
no cluster answers they are reported as not checked, and the exit status is 1.
``--no-cluster`` leaves the cluster out and prints ``preflight: the launcher
submits to SLURM ...`` for such a multirun, however its launcher was chosen:
tools/tmgg then asks the cluster outside Bazel's sandbox, after the cached job checks.

Exit status: 0 every job passes and every check ran; 1 some job fails, or the
cluster could not be asked; 2 bad input (an unknown runner, an override Hydra
rejects, a sweep with no jobs).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
# With --no-cluster, the line that tells tools/tmgg to ask the cluster (it greps for it).
SLURM_LAUNCH = "the launcher submits to SLURM"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        sys.exit(_finish(f"error: {message}", EXIT_BAD_INPUT))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="preflight", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runner", help="tmgg-stage4, tmgg-spectral, ... or a runner config name")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, as on the runner's command line")
    parser.add_argument("-m", "--multirun", action="store_true", help="launch a multirun, as the runner's -m")
    parser.add_argument("--steps", type=int, default=0, help="also train each job for this many steps on the CPU")
    parser.add_argument("--learn", action="store_true", help="also check that each job learns (docs/learning.md)")
    parser.add_argument(
        "--no-cluster", action="store_true", help="do not ask SLURM about the launch (tools/tmgg asks it outside Bazel)"
    )
    args = parser.parse_intermixed_args(argv)

    from tmgg.paths import ConfigDirNotFound, config_dir
    from tmgg.launch.runner_names import runner_arguments, runner_label
    from tmgg.report.error_report import one_line
    from tmgg.launch.launch_plan import LaunchError, plan_launch

    try:
        configs = config_dir()
        label = runner_label(args.runner, configs)
        config_name, fixed = runner_arguments(label, configs)
    except (ConfigDirNotFound, AttributeError) as error:
        return _finish(f"error: unknown runner {args.runner!r}: {error}", EXIT_BAD_INPUT)
    command = [*fixed, *args.overrides, *(["--multirun"] if args.multirun else [])]
    try:
        plan = plan_launch(config_name, command, label)
    except LaunchError as error:
        return _finish(f"error: {one_line(error)}", EXIT_BAD_INPUT)
    kind = f"a multirun of {len(plan.jobs)} jobs" if plan.multirun else "one job"
    shown = " ".join([args.runner, *(["-m"] if args.multirun else []), *args.overrides])
    print(f"preflight: {shown}: {kind}", flush=True)
    launcher_failed = _check_launcher(plan) if plan.multirun and not args.no_cluster else 0
    if plan.multirun and args.no_cluster and _submits_to_slurm(plan):
        print(f"preflight: {SLURM_LAUNCH}: the cluster is asked after the job checks", flush=True)
    failed = 0
    scratch = Path(tempfile.mkdtemp(prefix="tmgg-preflight-", dir=os.environ.get("TEST_TMPDIR")))
    try:
        for number, job in enumerate(plan.jobs):
            failed += not _check(job, scratch / str(number), args.steps, args.learn)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    status = EXIT_FAILED if failed or launcher_failed else EXIT_OK
    summary = f"{len(plan.jobs) - failed} of {len(plan.jobs)} jobs ok, {failed} failed"
    if launcher_failed:
        summary += f"; {launcher_failed} launcher check(s) failed or not checked"
    return _finish(summary, status)


def _submits_to_slurm(plan) -> bool:
    """Whether the multirun's launcher is SLURM's; False when its config does not compose (its job check says why)."""
    from tmgg.report.error_report import EXPECTED_ERRORS
    from tmgg.slurm.slurm_cluster import submits_to_slurm

    try:
        with plan.jobs[0].config() as cfg:
            return submits_to_slurm(cfg.hydra.launcher)
    except EXPECTED_ERRORS:
        return False


def _check_launcher(plan) -> int:
    """Print the launcher's findings (SLURM's partition, time, GPUs); the number that failed or were not checked."""
    from tmgg.report.error_report import EXPECTED_ERRORS, one_line_any
    from tmgg.preflight.slurm_preflight import check_slurm_request

    try:
        with plan.jobs[0].config() as cfg:
            findings = check_slurm_request(cfg.hydra.launcher)
    except (ValueError, *EXPECTED_ERRORS) as error:  # ValueError: a launcher value int() refuses
        print(f"FAIL  the launcher of {plan.jobs[0].id}: {one_line_any(error)}", flush=True)
        return 1
    for finding in findings:
        print(finding.line(), flush=True)
    return sum(finding.verdict in ("FAIL", "skip") for finding in findings)


def _check(job, scratch: Path, steps: int, learn: bool = False) -> bool:
    from tmgg.learning.learning_check import check_learns
    from tmgg.report.error_report import one_line
    from tmgg.launch.job_check import check_job

    started = time.perf_counter()
    try:
        with _quiet():
            check_job(job, scratch, steps=steps)
            if learn:
                check_learns(job, scratch / "learn")
    except Exception as error:  # every failure is reported as the job's one line
        print(f"FAIL  {job.id}: {type(error).__name__}: {one_line(error)}", flush=True)
        return False
    print(f"ok    {job.id} ({time.perf_counter() - started:.1f} s)", flush=True)
    return True


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Lightning's start-up notices and Python warnings off, so each job is one line."""
    names = ("pytorch_lightning", "lightning_fabric", "lightning.pytorch")
    levels = {name: logging.getLogger(name).level for name in names}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            yield
        finally:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)


def _finish(summary: str, status: int) -> int:
    print(f"preflight: {summary} (exit {status})", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
