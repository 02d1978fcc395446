"""A Hydra callback that checks a multirun's scheduler first and prints the sweep's summary last.

Configured in ``configs/hydra/default.yaml`` (``hydra.callbacks.tmgg_sweep``).
Before a multirun whose launcher submits to SLURM it asks the controller
(``scontrol ping``) and stops with one line when none answers, before any job
is submitted. After the multirun it prints :class:`SweepSummary`; when a job's
failure ends the multirun early, the runner prints it (:func:`last_summary`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback

from tmgg.report.reported_error import ReportedError
from tmgg.sweep.sweep_summary import SweepSummary

_started: dict[str, Any] = {}


class SweepCallback(Callback):
    """Hydra's hooks around a multirun; see the module docstring."""

    def on_multirun_start(self, config: Any, **kwargs: Any) -> None:
        from tmgg.slurm.slurm_cluster import SchedulerUnavailable, SlurmCluster, submits_to_slurm

        if submits_to_slurm(config.hydra.launcher):
            try:
                SlurmCluster().require_controller()
            except SchedulerUnavailable as error:
                # Hydra turns a callback's Exception into a warning and launches anyway.
                raise ReportedError(error) from error
        _started.update(sweep_dir=Path(str(config.hydra.sweep.dir)), launched=time.time())

    def on_multirun_end(self, config: Any, **kwargs: Any) -> None:
        summary = last_summary()
        if summary is not None:
            print("\n".join(summary.lines()), flush=True)


def last_summary() -> SweepSummary | None:
    """The summary of the multirun this process started last, or None if it started none; forgets it."""
    if not _started:
        return None
    summary = SweepSummary.collect(_started["sweep_dir"], _started["launched"])
    _started.clear()
    return summary
