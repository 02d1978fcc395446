"""What one job of a multirun did, recorded in its own folder for the sweep's summary.

Each job writes ``<job folder>/job_status.json`` when it starts (``running``)
and again when it ends (``done``, ``skipped`` or ``failed``), atomically, so a
reader sees one or the other. A job killed mid-run (``scancel``, a node lost,
out of memory) never writes its end, and stays ``running``: once its launcher
has returned, that means it stopped without finishing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

STATUS_FILE = "job_status.json"
RUNNING, DONE, SKIPPED, FAILED = "running", "done", "skipped", "failed"


@dataclass(frozen=True)
class JobStatus:
    """One job's state.

    Attributes:
        state: ``running``, ``done``, ``skipped`` (its results were already complete) or ``failed``.
        job_dir: the job's folder, ``<sweep dir>/<job number>``.
        overrides: the job's task overrides, e.g. ``["model=spectral/linear_pe", "noise.eps=0.1"]``.
        log: the file the job's output goes to (Hydra's job log, or submitit's stderr on a cluster).
        started: when the job started, seconds since the epoch.
        error: for ``failed``, the error in one line.
    """

    state: str
    job_dir: str
    overrides: tuple[str, ...]
    log: str
    started: float
    error: str = ""

    def write(self) -> None:
        """Write ``<job_dir>/job_status.json``, replacing the previous state in one step."""
        # Imported here: only a running job writes, and it has imported training already;
        # the summary and the launch-time checks only read, without torch.
        from tmgg.training.results_io import write_json_atomic

        write_json_atomic(Path(self.job_dir) / STATUS_FILE, {**asdict(self), "overrides": list(self.overrides)})

    def ended(self, state: str, error: str = "") -> JobStatus:
        """This status with its final ``state``."""
        return replace(self, state=state, error=error)

    @classmethod
    def read(cls, job_dir: Path) -> JobStatus | None:
        """The status a job left in ``job_dir``, or None when it left none (or an unreadable one)."""
        try:
            data = json.loads((Path(job_dir) / STATUS_FILE).read_text(encoding="utf-8"))
            return cls(
                state=str(data["state"]),
                job_dir=str(data["job_dir"]),
                overrides=tuple(data["overrides"]),
                log=str(data["log"]),
                started=float(data["started"]),
                error=str(data.get("error", "")),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
