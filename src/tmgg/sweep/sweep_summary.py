"""The summary a multirun ends with: each job done now, skipped as already done, or failed with its log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tmgg.sweep.job_status import DONE, FAILED, RUNNING, SKIPPED, JobStatus

LABELS = {DONE: "done now", SKIPPED: "skipped, already done", FAILED: "failed"}


@dataclass(frozen=True)
class SweepSummary:
    """The jobs found in a sweep's folder, as this launch left them.

    Attributes:
        sweep_dir: the multirun's folder; each job is its numbered subfolder.
        launched: when this launch started (seconds since the epoch); a status
            older than that was left by an earlier launch, and the job did not run now.
        jobs: ``(job number, status or None)`` for each numbered subfolder, in order.
    """

    sweep_dir: Path
    launched: float
    jobs: tuple[tuple[int, JobStatus | None], ...]

    @classmethod
    def collect(cls, sweep_dir: Path, launched: float) -> SweepSummary:
        folders = [path for path in Path(sweep_dir).glob("*") if path.is_dir() and path.name.isdigit()]
        jobs = tuple((int(path.name), JobStatus.read(path)) for path in sorted(folders, key=lambda p: int(p.name)))
        return cls(Path(sweep_dir), launched, jobs)

    def state(self, status: JobStatus | None) -> str:
        """``done``, ``skipped``, ``failed`` or ``not run``, for this launch."""
        if status is None or status.started < self.launched:
            return "not run"
        # A job still marked running after its launcher returned stopped without finishing.
        return FAILED if status.state == RUNNING else status.state

    def failed(self) -> int:
        return sum(self.state(status) in (FAILED, "not run") for _, status in self.jobs)

    def lines(self) -> list[str]:
        """One line per job and a total, e.g. ``  1  failed: killed before it finished; log: ...``."""
        counts = {DONE: 0, SKIPPED: 0, FAILED: 0, "not run": 0}
        rows = []
        # Name each job by what sets it apart: the overrides that not every job shares.
        known = [set(status.overrides) for _, status in self.jobs if status]
        shared = set.intersection(*known) if len(known) > 1 else set()
        for number, status in self.jobs:
            state = self.state(status)
            counts[state] += 1
            overrides = " ".join(o for o in status.overrides if o not in shared) if status else ""
            if state == FAILED:
                reason = status.error or "stopped before it finished (killed, out of time or memory), or still running"
                rows.append(f"  {number:>3}  failed: {reason}; log: {status.log}  [{overrides}]")
            elif state == "not run":
                rows.append(f"  {number:>3}  not run by this launch  [{overrides}]")
            else:
                rows.append(f"  {number:>3}  {LABELS[state]}  [{overrides}]")
        total = (
            f"sweep {self.sweep_dir}: {len(self.jobs)} jobs: {counts[DONE]} done now, "
            f"{counts[SKIPPED]} skipped as already done, {counts[FAILED]} failed"
        )
        if counts["not run"]:
            total += f", {counts['not run']} not run"
        return [total, *rows]
