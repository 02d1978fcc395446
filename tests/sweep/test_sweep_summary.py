"""tmgg.sweep.job_status and sweep_summary: what each job of a multirun did, and the summary of them.

Rationale: after a sweep the user reads the summary to know which jobs to
look at; a killed job shown as done, or a job from an earlier launch shown as
done now, hides work that was lost.
Assumptions: each job writes `job_status.json` in its numbered folder at start
and at end; the summary knows when its launch started.
Invariants: a status reads back as written; a job still `running` after the
launch is reported failed with its log; a status older than the launch is
`not run`; the total counts every numbered folder.
"""

import time

import pytest

from tmgg.sweep.job_status import DONE, FAILED, RUNNING, SKIPPED, JobStatus
from tmgg.sweep.sweep_summary import SweepSummary

pytestmark = pytest.mark.unit


def status(tmp_path, number, state, started, eps, error=""):
    job = JobStatus(
        state=state,
        job_dir=str(tmp_path / str(number)),
        overrides=("model=spectral/linear_pe", f"noise.eps={eps}"),
        log=f"/logs/{number}.err",
        started=started,
        error=error,
    )
    job.write()
    return job


def test_status_reads_back_as_written_and_replaces_itself(tmp_path):
    written = status(tmp_path, 0, RUNNING, 1.0, 0.1)
    assert JobStatus.read(tmp_path / "0") == written
    written.ended(DONE).write()
    assert JobStatus.read(tmp_path / "0").state == DONE
    assert [path.name for path in (tmp_path / "0").iterdir()] == ["job_status.json"]


def test_unreadable_or_missing_status_is_none(tmp_path):
    assert JobStatus.read(tmp_path) is None
    (tmp_path / "job_status.json").write_text("{half")
    assert JobStatus.read(tmp_path) is None


def test_summary_lists_each_job_done_skipped_failed_or_killed(tmp_path):
    launched = time.time()
    status(tmp_path, 0, DONE, launched + 1, 0.1)
    status(tmp_path, 1, SKIPPED, launched + 1, 0.2)
    status(tmp_path, 2, FAILED, launched + 1, 0.3, error="model.net.k=999 is larger than the graph")
    status(tmp_path, 3, RUNNING, launched + 1, 0.4)  # killed: it never wrote its end
    status(tmp_path, 10, DONE, launched - 100, 0.5)  # left by an earlier launch
    (tmp_path / ".submitit").mkdir()
    lines = SweepSummary.collect(tmp_path, launched).lines()
    assert lines[0] == f"sweep {tmp_path}: 5 jobs: 1 done now, 1 skipped as already done, 2 failed, 1 not run"
    assert lines[1] == "    0  done now  [noise.eps=0.1]"
    assert lines[2] == "    1  skipped, already done  [noise.eps=0.2]"
    assert lines[3] == "    2  failed: model.net.k=999 is larger than the graph; log: /logs/2.err  [noise.eps=0.3]"
    assert lines[4].startswith("    3  failed: stopped before it finished") and "log: /logs/3.err" in lines[4]
    assert lines[5] == "   10  not run by this launch  [noise.eps=0.5]"
    assert SweepSummary.collect(tmp_path, launched).failed() == 3
