"""`.coveragerc`: `pytest --cov` measures the code a test runs in a Python subprocess.

Rationale:
    The runner tests start each runner in a fresh interpreter (`sys.executable -c
    ...`, tests/test_runner_integration.py), and most of what a runner does (its
    model, its training loop) runs only there. Without coverage.py's subprocess
    patch, tools/tmgg coverage and `pytest --cov=tmgg` would report that code as
    never run.

Assumptions:
    coverage.py's `.pth` file is in the environment (coverage installs it), and
    pytest-cov is loaded by name, as tools/build/pytest/pytest_main.py loads it
    under `bazel coverage`.

Invariants:
    With the checkout's `.coveragerc`, a function that only a child interpreter
    calls is reported as run, and the report counts branches.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from runfiles import Runfiles

pytestmark = pytest.mark.unit

_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/.coveragerc")).parent if _RUNFILES else Path(__file__).resolve().parents[2]

CHILD_ONLY = "def in_child(x):\n    if x:\n        return 1\n    return 0\n"
TEST = (
    "import subprocess, sys\n"
    "def test_starts_a_child():\n"
    "    code = 'from probe.work import in_child; in_child(1)'\n"
    "    subprocess.run([sys.executable, '-c', code], check=True)\n"
)


def test_code_run_only_in_a_subprocess_is_measured(tmp_path: Path):
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "__init__.py").write_text("")
    (tmp_path / "probe" / "work.py").write_text(CHILD_ONLY)
    (tmp_path / "test_probe.py").write_text(TEST)
    shutil.copy(ROOT / ".coveragerc", tmp_path / ".coveragerc")
    # Not measured by an outer coverage run (tools/tmgg coverage of this very test).
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env.update(PYTHONPATH=str(tmp_path), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_cov.plugin"]
    command += ["--cov=probe", "--cov-report=lcov:probe.lcov", "test_probe.py"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    report = (tmp_path / "probe.lcov").read_text()
    work = report[report.index("SF:probe/work.py") :].split("end_of_record")[0]
    assert "DA:3,1" in work, work  # `return 1`: run only in the child
    assert "DA:4,0" in work, work
    assert "BRDA:" in work, work
