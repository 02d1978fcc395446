"""tools/env/startup_check.py, the check tools/bazel runs first, answers a wrong Python or a broken pyproject.toml in one line.

Rationale: tools/bazel runs the check with python3.11, else python3. On a
machine whose python3 is older, the check itself must say which Python to
install; it once imported the lock module (tomllib, new in 3.11) before it
checked the version, so an older python3 printed an ImportError traceback.
A pyproject.toml that TOML cannot parse gave a traceback too.

Assumptions: the interpreter running the tests is Python 3.11; an older one is
stood in for by the same interpreter with its version set to 3.9 and tomllib
made unimportable, run as tools/bazel runs the check (`python -B -m`, from the
workspace root).

Invariants: exit status 2 and exactly one line on stderr, starting `tmgg: `,
naming what to do (the Python to install, the file to fix); no traceback.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.env import lock
from tools.env import startup_check

pytestmark = pytest.mark.unit

_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]

# Python 3.9 as far as the check can tell: its version, and no tomllib.
OLD_PYTHON = (
    "import runpy, sys\n"
    "sys.modules['tomllib'] = None\n"
    "sys.version_info = (3, 9, 2, 'final', 0)\n"
    "sys.version = '3.9.2 (stand-in)'\n"
    "sys.argv = ['startup_check', sys.argv[1], 'build']\n"
    "runpy.run_module('tools.env.startup_check', run_name='__main__', alter_sys=True)\n"
)


def test_an_older_python_gets_the_python_to_install_not_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-B", "-c", OLD_PYTHON, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("tmgg: tmgg needs Python 3.11, but ") and "is 3.9.2" in lines[0] and "TMGG_PYTHON" in lines[0]


def test_a_pyproject_toml_that_cannot_be_parsed_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = \"tmgg\"\ndependencies = [\n")
    written = tmp_path / lock.VARIANTS["cpu"].lock
    written.parent.mkdir(parents=True)
    written.write_text(f"{lock.HEADER_PREFIX}{'0' * 64}\n")
    assert startup_check.main([str(tmp_path), "build"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"tmgg: {tmp_path / 'pyproject.toml'} cannot be read (TOMLDecodeError: ")
    assert lines[0].endswith("fix it (git diff pyproject.toml shows what changed)")
