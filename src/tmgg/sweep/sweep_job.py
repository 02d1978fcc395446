"""Run one job of a multirun so that a relaunch of the sweep redoes only what is not done.

A job is done when its ``results.json`` (written last, atomically, by
``train``) exists and records the same resolved config as the job would run
now. Relaunching a sweep into the same folder (a fixed ``paths.output_dir``)
therefore skips every finished job and reruns the rest: jobs that failed, were
killed mid-run, or whose config changed. ``+rerun=true`` reruns every job.

Each job records its state in ``job_status.json`` (tmgg.sweep.job_status)
for the sweep's summary. An error a user can cause fails this job only, as an
ordinary exception that Hydra's launchers record, so the other jobs still run.
"""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tmgg.sweep.job_status import DONE, FAILED, RUNNING, SKIPPED, JobStatus

if TYPE_CHECKING:
    from omegaconf import DictConfig

RERUN_KEY = "rerun"


class JobFailed(Exception):
    """A job of a multirun failed with an error a user can cause; the message is one line."""


def run_sweep_job(cfg: DictConfig) -> str:
    """Train one job of a multirun unless its results are already complete.

    Args:
        cfg: the job's config, inside Hydra's job (``HydraConfig`` is set).

    Returns:
        ``done`` or ``skipped``.

    Raises:
        JobFailed: the job failed with one of the expected errors (its one line is the message).
        Any other error of ``train``, after recording the failure.
    """
    from hydra.core.hydra_config import HydraConfig

    from tmgg.report.error_report import EXPECTED_ERRORS, one_line
    from tmgg.training import train

    hydra = HydraConfig.get()
    status = JobStatus(
        state=RUNNING,
        job_dir=str(Path(hydra.runtime.output_dir).resolve()),
        overrides=tuple(hydra.overrides.task),
        log=job_log(hydra),
        started=time.time(),
    )
    if not cfg.get(RERUN_KEY, False) and results_complete(cfg):
        status.ended(SKIPPED).write()
        print(f"job {hydra.job.num} ({' '.join(status.overrides)}): skipped, results.json already complete", flush=True)
        return SKIPPED
    status.write()
    try:
        train(cfg)
    except EXPECTED_ERRORS as error:
        status.ended(FAILED, one_line(error)).write()
        raise JobFailed(one_line(error)) from error
    except BaseException as error:
        status.ended(FAILED, f"{type(error).__name__}: {error}".splitlines()[0]).write()
        raise
    status.ended(DONE).write()
    return DONE


def results_complete(cfg: DictConfig) -> bool:
    """Whether the job's ``results.json`` exists, parses and records the config the job would run now."""
    from tmgg.training.train import RESULTS_FILE, use_job_dir_in_multirun

    planned = copy.deepcopy(cfg)
    use_job_dir_in_multirun(planned)
    path = Path(planned.paths.results_dir) / RESULTS_FILE
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or not isinstance(recorded.get("metrics"), dict):
        return False
    return _comparable(recorded.get("config")) == _comparable(_resolved(planned))


def job_log(hydra: Any) -> str:
    """Where this job's output goes: submitit's stderr file under submitit, else Hydra's job log."""
    if os.environ.get("SUBMITIT_EXECUTOR"):
        import submitit

        return str(submitit.JobEnvironment().paths.stderr)
    return str(Path(hydra.runtime.output_dir).resolve() / f"{hydra.job.name}.log")


def _resolved(cfg: DictConfig) -> Any:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)


def _comparable(config: Any) -> Any:
    """The config as JSON would give it back, without the rerun switch."""
    if not isinstance(config, dict):
        return None
    return json.loads(json.dumps({key: value for key, value in config.items() if key != RERUN_KEY}))
