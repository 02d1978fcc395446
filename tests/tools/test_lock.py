"""The lock check notices when pyproject.toml's dependencies change.

Rationale:
    The lock is an input of every test target; a lock that silently drifts
    from pyproject.toml would test other packages than users install.

Assumptions:
    tools.env.lock imports with the standard library alone and needs no network for --check.

Invariants:
    the committed lock matches pyproject.toml; editing a dependency, the Python
    range or a test extra makes the check name the lock and the command that
    refreshes it; reordering dependencies does not.
"""

import shutil
from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.env import lock

pytestmark = pytest.mark.unit

# Under Bazel, the checkout's files in the runfiles tree: the library finds the
# main repository's folder there (`tmgg` under WORKSPACE, `_main` under bzlmod).
_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "tools/env").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "tools/env/requirements.lock", tmp_path / "tools/env/requirements.lock")
    return tmp_path


def test_committed_lock_matches_pyproject() -> None:
    assert lock.staleness(ROOT) is None


@pytest.mark.parametrize(
    "old, new",
    [
        ('"networkx>=3.2"', '"networkx>=3.3"'),
        ('requires-python = ">=3.11,<3.12"', 'requires-python = ">=3.11"'),
        ('"pytest>=8"', '"pytest>=8.1"'),
    ],
)
def test_changed_declaration_makes_lock_stale(workspace: Path, old: str, new: str) -> None:
    pyproject = workspace / "pyproject.toml"
    text = pyproject.read_text()
    assert old in text
    pyproject.write_text(text.replace(old, new))
    reason = lock.staleness(workspace)
    assert reason is not None and "requirements.lock" in reason and lock.REFRESH in reason


def test_reordering_dependencies_keeps_lock_fresh(workspace: Path) -> None:
    pyproject = workspace / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('    "numpy>=1.26",\n', "").replace('    "torch==2.13.0",\n', '    "torch==2.13.0",\n    "numpy>=1.26",\n'))
    assert lock.staleness(workspace) is None


def test_lock_without_digest_is_stale(workspace: Path) -> None:
    lock_file = workspace / "tools/env/requirements.lock"
    lock_file.write_text("\n".join(line for line in lock_file.read_text().splitlines() if "tmgg-lock-inputs" not in line))
    assert "no inputs digest" in lock.staleness(workspace)
