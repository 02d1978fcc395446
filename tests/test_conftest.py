"""Without torch, the test suite stops at once with one line that names the fix.

Rationale:
    torch comes from pyproject.toml's `cpu` or `gpu` extra; an environment made
    without either (a plain `pip install -e .[test]` somewhere Lightning's torch
    requirement is met otherwise, or removed) would fail in every test module's
    imports, one traceback each. tests/conftest.py checks first.

Assumptions:
    `sys.modules["torch"] = None` (import fails, find_spec finds nothing)
    stands in for an environment without torch; pytest runs in a subprocess on a copy of the conftest, so the
    check sees a fresh interpreter.

Invariants:
    without torch: exit status 2, one line naming both extras, no test run
    (with torch, every other test run shows the check passes).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

HERE = Path(__file__).parent
# None in sys.modules is how Python marks a module as not importable: find_spec answers None, import fails.
HIDE_TORCH = "import sys; sys.modules['torch'] = None\n"
RUN_PYTEST = "import pytest, sys; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', '.']))"


def _run(tmp_path: Path) -> subprocess.CompletedProcess:
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text("def test_probe():\n    pass\n")
    return subprocess.run([sys.executable, "-c", HIDE_TORCH + RUN_PYTEST], cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_missing_torch_stops_with_one_line(tmp_path: Path) -> None:
    run = _run(tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    # One line: no test ran (no "1 passed"), no traceback.
    assert len(lines) == 1, lines
    assert "tmgg: torch is not installed" in lines[0]
    assert "--extra cpu" in lines[0] and "--extra gpu" in lines[0]

