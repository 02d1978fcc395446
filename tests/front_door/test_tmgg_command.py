"""tools/tmgg, the README's front door, and the other shell entry points: help on request, bad input in one line.

Rationale: `tools/tmgg preflight --help` once exited 1 with the help in a Bazel
test log, and `tools/tmgg run tmgg-typo` answered with Bazel's own multi-line
"no such target" error and exit 1 (issue #26).
Assumptions: bash and python3 on PATH; the script is run from a copy of the
checkout's layout (tools/tmgg, pyproject.toml, configs/) whose tools/setup.sh
does nothing and whose `bazel` only records that it was called.
Invariants: `-h`/`--help` (alone, or within preflight's arguments) print the
usage on stdout and exit 0; an unknown runner or command is one line on stderr
naming it (and the runner meant, when one is close), exit 2, and Bazel is
never started. Off Debian (no dpkg/apt-get), tools/setup.sh says so in one line, pointing
at uv, and exits 2. `tools/tmgg coverage` runs `bazel coverage --combined_report=lcov`
(default targets //tests:unit_all //tests:runner_all) and leaves Bazel's merged LCOV and
genhtml's HTML in htmlcov/; without a report it says so in one line with Bazel's status.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from runfiles import Runfiles

pytestmark = pytest.mark.integration

_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]


@pytest.fixture
def tmgg(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "configs" / "stage").mkdir(parents=True)
    (tmp_path / "configs" / "stage" / "stage4_benchmarks.yaml").write_text("sweep: true\n")
    shutil.copy(ROOT / "tools" / "tmgg", tmp_path / "tools" / "tmgg")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "tools" / "setup.sh").write_text("#!/usr/bin/env bash\nexit 0\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "bazel").write_text(f"#!/usr/bin/env bash\necho called >> {tmp_path / 'bazel-calls'}\nexit 1\n")
    for script in (tmp_path / "tools" / "setup.sh", tmp_path / "bin" / "bazel", tmp_path / "tools" / "tmgg"):
        script.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def run(*argv):
        done = subprocess.run(["bash", str(tmp_path / "tools" / "tmgg"), *argv], capture_output=True, text=True, env=env)
        assert not (tmp_path / "bazel-calls").exists(), "bad input and help never start Bazel"
        return done

    return run


@pytest.mark.parametrize("argv", [["-h"], ["--help"], ["preflight", "--help"], ["preflight", "tmgg-stage4", "-h"], ["run", "--help"]])
def test_help_prints_the_usage_and_exits_0(tmgg, argv) -> None:
    done = tmgg(*argv)
    assert done.returncode == 0
    assert "tools/tmgg preflight RUNNER" in done.stdout and done.stderr == ""


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["run", "tmgg-typo"], "tmgg: error: unknown runner 'tmgg-typo'"),
        (["run", "tmgg-atention", "seed=1"], "tmgg: error: unknown runner 'tmgg-atention'; did you mean tmgg-attention"),
        (["preflight", "tmgg-stage44"], "tmgg: error: unknown runner 'tmgg-stage44'; did you mean tmgg-stage4"),
        (["bogus"], "tmgg: error: unknown command 'bogus'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmgg, argv, line) -> None:
    done = tmgg(*argv)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1 and done.stderr.startswith(line)



@pytest.mark.parametrize("script", ["tools/cluster/slurm.sh", "tools/cache/server.sh"])
def test_the_cluster_and_cache_scripts_answer_help_and_bad_input(script, tmp_path) -> None:
    env = {**os.environ, "TMGG_SLURM_DIR": str(tmp_path / "slurm"), "TMGG_CACHE_DIR": str(tmp_path / "cache")}
    helped = subprocess.run(["bash", str(ROOT / script), "--help"], capture_output=True, text=True, env=env)
    assert helped.returncode == 0 and "start" in helped.stdout and helped.stderr == ""
    refused = subprocess.run(["bash", str(ROOT / script), "bogus"], capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 and "unknown command 'bogus'" in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_setup_off_debian_is_one_line_pointing_at_uv(tmp_path) -> None:
    # A system without dpkg/apt-get: only `id` on PATH.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "id").symlink_to(shutil.which("id"))
    done = subprocess.run(["/bin/bash", str(ROOT / "tools" / "setup.sh")], capture_output=True, text=True, env={"PATH": str(tmp_path / "bin")})
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "no dpkg/apt-get" in lines[0] and "uv run --extra cpu" in lines[0]


def _coverage_checkout(tmp_path: Path, bazel_body: str) -> tuple[Path, dict]:
    """A checkout copy whose `bazel` runs `bazel_body` and whose genhtml records its arguments."""
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "tmgg", tmp_path / "tools" / "tmgg")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "tools" / "setup.sh").write_text("#!/usr/bin/env bash\nexit 0\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "bazel").write_text(f'#!/usr/bin/env bash\necho "$@" >> bazel-calls\n{bazel_body}\n')
    (tmp_path / "bin" / "genhtml").write_text('#!/usr/bin/env bash\necho "$@" >> genhtml-calls\n')
    for script in (tmp_path / "tools" / "setup.sh", tmp_path / "bin" / "bazel", tmp_path / "bin" / "genhtml"):
        script.chmod(0o755)
    return tmp_path, {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}


def test_coverage_merges_bazel_coverage_into_htmlcov(tmp_path) -> None:
    report = "SF:src/tmgg/paths.py\nDA:1,1\nLF:1\nLH:1\nend_of_record\n"
    write = f"mkdir -p bazel-out/_coverage && printf '{report}' > bazel-out/_coverage/_coverage_report.dat"
    checkout, env = _coverage_checkout(tmp_path, write)
    done = subprocess.run(["bash", "tools/tmgg", "coverage"], cwd=checkout, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert (checkout / "bazel-calls").read_text() == "coverage --combined_report=lcov //tests:unit_all //tests:runner_all\n"
    assert (checkout / "htmlcov" / "coverage.lcov").read_text() == report
    assert "--output-directory htmlcov htmlcov/coverage.lcov" in (checkout / "genhtml-calls").read_text()
    assert done.stderr.splitlines()[-1] == "tmgg: coverage report: htmlcov/index.html (LCOV: htmlcov/coverage.lcov)"


def test_coverage_without_a_report_is_one_line_with_bazels_status(tmp_path) -> None:
    checkout, env = _coverage_checkout(tmp_path, "exit 3")
    done = subprocess.run(["bash", "tools/tmgg", "coverage", "//tests:unit_noise"], cwd=checkout, capture_output=True, text=True, env=env)
    assert done.returncode == 3
    assert (checkout / "bazel-calls").read_text() == "coverage --combined_report=lcov //tests:unit_noise\n"
    assert done.stderr == "tmgg: no coverage was collected (bazel exit 3)\n"
    assert not (checkout / "genhtml-calls").exists() and not (checkout / "htmlcov").exists()
