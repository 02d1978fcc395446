"""Calibrate the learning check: measure it on every job the suite guards.

Usage (from the checkout; configs are found by ``tmgg.paths.config_dir()``)::

    OMP_NUM_THREADS=1 TMGG_CONFIG_DIR=configs PYTHONPATH=src python -m bench.bench_learning [--steps 60] [--out bench/results]

The jobs are those of the config, sweep and option targets: each base and stage
config's single job, every job of every sweep, every option case (a launcher
option: its sweep's first job). Each is run through
:func:`tmgg.learning.learning_check.measure_learning` for ``--steps`` steps, the
loss on the fixed batch measured after every step count of ``--curve``. Writes
OUT/learning.json (every measurement) and OUT/learning.md (a table: loss before,
after K steps, relative drop at each curve point, smallest first-step gradient
norm, parameter change, seconds), each naming the commit and command.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from omegaconf import OmegaConf

from tmgg.learning.learning_check import measure_learning
from tmgg.learning.learning_settings import BY_MODEL, MARGIN, STEPS, settings_for
from tmgg.paths import config_dir
from tmgg.launch.config_options import launch_labels, single_job, sweep_plan, uncovered_options
from tmgg.launch.launch_plan import Job


def guarded_jobs() -> list[tuple[str, Job]]:
    """(case id, job) for every job a config, sweep or option target checks, in the suite's order."""
    configs = config_dir()
    labels = launch_labels(configs)
    jobs = [(label, single_job(label)) for label in labels]
    plans = (sweep_plan(label, configs) for label in labels)
    jobs += [(job.id, job) for plan in plans if plan.multirun for job in plan.jobs]
    for option in uncovered_options(configs)[0]:
        jobs.append((option.id, option.plan().jobs[0] if option.is_launcher else option.job()))
    return jobs


def check_steps(job: Job) -> int:
    """The steps the learning check trains this job for (its model's settings)."""
    with job.config() as cfg:
        return settings_for(OmegaConf.select(cfg, "hydra.runtime.choices.model")).steps


def table(rows: list[dict], curve: list[int]) -> str:
    """The markdown table of the measurements, one row per job."""
    head = ["case", "loss before", "check steps", "drop at check"] + [f"drop@{k}" for k in curve]
    head += ["min grad norm", "param change", "s"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for row in rows:
        drops = [1 - row["curve"][str(k)] / row["loss_before"] for k in curve]
        cells = [f"`{row['case']}`", f"{row['loss_before']:.4f}", str(row["check_steps"]), f"**{drop_at_check(row):.1%}**"]
        cells += [f"{drop:.1%}" for drop in drops]
        cells += [f"{row['min_grad_norm']:.2e}", f"{row['param_change']:.2e}", f"{row['seconds']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def drop_at_check(row: dict) -> float:
    """The relative drop of the loss after the steps the check trains."""
    return 1 - row["curve"][str(row["check_steps"])] / row["loss_before"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=80, help="steps to train each job (the curve's last point)")
    parser.add_argument("--curve", type=int, nargs="*", default=[10, 20, 30, 40, 60, 80], help="step counts to record")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    curve = sorted({*args.curve, STEPS, *(settings.steps for settings in BY_MODEL.values())})
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
    rows = []
    for case, job in guarded_jobs():
        with tempfile.TemporaryDirectory() as scratch:
            report = measure_learning(job, Path(scratch), max(args.steps, *curve), curve_at=curve)
        row = json.loads(json.dumps({"case": case, "check_steps": check_steps(job), **report.as_dict()}))
        print(f"{case}: {report.loss_before:.4f}, {drop_at_check(row):.1%} lower at {row['check_steps']} steps", flush=True)
        rows.append(row)
    command = "OMP_NUM_THREADS=1 TMGG_CONFIG_DIR=configs PYTHONPATH=src python -m bench.bench_learning " + " ".join(sys.argv[1:])
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "learning.json").write_text(
        json.dumps({"commit": commit, "date": stamp, "command": command, "steps": STEPS, "margin": MARGIN, "jobs": rows}, indent=1)
    )
    worst = min(rows, key=drop_at_check)
    (args.out / "learning.md").write_text(
        f"# The learning check on every guarded job\n\nCommit {commit} (`-dirty`: with uncommitted edits), {stamp}, 2 cores shared. Command: `{command.strip()}`.\n"
        f"{len(rows)} cases; the check trains {STEPS} steps (a model in BY_MODEL: its own) and needs a drop of {MARGIN:.0%}. "
        f"Smallest drop at the check's steps: `{worst['case']}`, {drop_at_check(worst):.1%}. "
        f"The `s` column times {max(args.steps, *curve)} steps with the curve's extra loss evaluations, building included.\n\n"
        f"{table(rows, curve)}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
