"""A seeded sample of the entry-point fuzzer's command lines, through `tools/tmgg preflight` itself.

Rationale: the fuzzer (test_entry_point_fuzz.py) runs preflight in-process; a
user types `tools/tmgg preflight RUNNER ...`, which checks the runner name in
bash, runs preflight as the Bazel test //tools:preflight and prints the lines
of its log. Issue #26 asks for a sample of the fuzzer's command lines through
that path too: what bash or Bazel add (quoting, the log filter, the exit status
read from the log) must not turn a one-line refusal into a traceback, a page,
a sandbox path or a wrong status.

Assumptions: run outside Bazel, from a checkout where `bazel` works (CI runs it
after the suite, .ci/run): a test cannot start Bazel inside Bazel, so under
Bazel (TEST_SRCDIR set) or without `bazel` on PATH it skips. The sample is the
fuzzer's own strategy, derandomized, ``TMGG_FUZZ_TMGG_EXAMPLES`` command lines
(default 5: each is a Bazel test run, seconds to tens of seconds).

Invariants, per command line: exit status 0, 1 or 2; no traceback on stdout or
stderr; a refusal (2) is one line naming the broken key, option, value or
runner (on stdout from preflight's log, or on stderr from tools/tmgg for an
unknown runner, with stdout empty); a failed check (1) at most three lines
besides the ``ok`` lines, its FAIL lines naming what was broken; no Bazel
sandbox or cache path in what is printed on stdout; nothing new in the
checkout's output folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from test_entry_point_fuzz import DRAWS, Case, _names, cases, check_preflight_output  # noqa: E402

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif("TEST_SRCDIR" in os.environ, reason="starts Bazel: run outside Bazel (CI runs it after the suite)"),
    pytest.mark.skipif(shutil.which("bazel") is None, reason="starts Bazel, and no bazel is on PATH"),
]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("TMGG_FUZZ_TMGG_EXAMPLES", "5"))
# What a line must not show: the paths of Bazel's output base and sandbox.
BAZEL_PATHS = ("/.cache/bazel/", "/execroot/", "-sandbox/", "/sandbox/", ".runfiles/")
OUTPUT_FOLDERS = ("outputs", "multirun", "lightning_logs")


def written() -> set[str]:
    """Files under the checkout's output folders, where a run writes by default."""
    return {str(path.relative_to(ROOT)) for name in OUTPUT_FOLDERS if (ROOT / name).exists() for path in (ROOT / name).rglob("*")}


def tmgg_preflight(case: Case) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [str(ROOT / "tools" / "tmgg"), "preflight", case.script, *case.argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )


def check(case: Case, done: subprocess.CompletedProcess) -> None:
    said = f"{case}\nstdout:\n{done.stdout}\nstderr (last lines):\n{done.stderr[-2000:]}"
    # The exit status and stdout are checked as the in-process fuzzer checks them (check_preflight_output).
    assert "Traceback" not in done.stderr, said
    assert not any(fragment in done.stdout for fragment in BAZEL_PATHS), said
    if case.kind == "unknown_runner":
        # tools/tmgg refuses it in bash, before Bazel starts.
        refusal = done.stderr.strip().splitlines()
        assert done.returncode == 2 and done.stdout == "", said
        assert len(refusal) == 1 and _names(refusal[0], case), said
        return
    check_preflight_output(case, done.returncode, done.stdout, said)


@settings(DRAWS, max_examples=EXAMPLES, suppress_health_check=[*DRAWS.suppress_health_check, HealthCheck.filter_too_much])
@given(case=cases())
def test_a_sample_of_broken_command_lines_through_tools_tmgg(case: Case) -> None:
    before = written()
    done = tmgg_preflight(case)
    event(f"{case.kind}: exit {done.returncode}")
    check(case, done)
    assert written() == before, f"{case}: wrote {sorted(written() - before)}"
