"""The locks hold the torch builds they are for, and their check notices when their inputs change.

Rationale:
    The cpu lock is an input of every test target; a lock that silently drifts
    from pyproject.toml would test other packages than users install. The gpu
    lock is what a CUDA machine installs: if it held the CPU build, or the cpu
    lock the CUDA one, a machine would get the wrong torch (or gigabytes of
    nvidia-* wheels on a CPU machine) with every hash in order.

Assumptions:
    tools.env.lock imports with the standard library alone and needs no network for --check.

Invariants:
    both committed locks match their inputs; editing a dependency, the Python
    range or a test extra makes the check name the lock and the command that
    refreshes it; reordering dependencies does not; the gpu lock goes stale
    when the cpu lock's pins move. The cpu lock pins torch `2.13.0+cpu` and no
    nvidia-* package; the gpu lock pins torch `2.13.0` (no local label) and
    nvidia-* packages; every pin carries sha256 hashes; the other packages
    both locks pin have the same versions.
"""

import re
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
    for name in ("requirements.lock", "requirements-gpu.lock"):
        shutil.copy(ROOT / "tools/env" / name, tmp_path / "tools/env" / name)
    return tmp_path


def _pinned(variant: str) -> dict[str, list[str]]:
    """Each pin of the committed `variant` lock (`name==version`, name normalised) with its hashes."""
    text = (ROOT / lock.VARIANTS[variant].lock).read_text()
    blocks = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*==\S+)((?:[ \t]*\\\n[ \t]+--hash=\S+)*)", text, re.MULTILINE)
    return {
        re.sub(r"[-_.]+", "-", pin.split("==")[0]).lower() + "==" + pin.split("==")[1]: re.findall(r"--hash=(\S+)", hashes)
        for pin, hashes in blocks
    }


def _versions(variant: str) -> dict[str, str]:
    return dict(pin.split("==") for pin in _pinned(variant))


@pytest.mark.parametrize("variant", sorted(lock.VARIANTS))
def test_committed_lock_matches_its_inputs(variant: str) -> None:
    assert lock.staleness(ROOT, variant) is None


@pytest.mark.parametrize("variant", sorted(lock.VARIANTS))
def test_every_pin_is_hashed(variant: str) -> None:
    pinned = _pinned(variant)
    assert len(pinned) > 50
    unhashed = [pin for pin, hashes in pinned.items() if not hashes or not all(h.startswith("sha256:") and len(h) == 71 for h in hashes)]
    assert unhashed == []


def test_cpu_lock_holds_the_cpu_build_and_no_nvidia() -> None:
    versions = _versions("cpu")
    assert versions["torch"] == "2.13.0+cpu"
    assert [name for name in versions if name.startswith("nvidia-")] == []


def test_gpu_lock_holds_the_cuda_build_with_nvidia_wheels() -> None:
    versions = _versions("gpu")
    assert versions["torch"] == "2.13.0"
    assert len([name for name in versions if name.startswith("nvidia-")]) >= 5


def test_locks_differ_only_where_torch_builds_do() -> None:
    cpu, gpu = _versions("cpu"), _versions("gpu")
    differing = sorted(name for name in cpu.keys() & gpu.keys() if name != "torch" and cpu[name] != gpu[name])
    assert differing == []
    # What the CPU build needs, the CUDA build needs too.
    assert sorted(cpu.keys() - gpu.keys()) == []


@pytest.mark.parametrize(
    "old, new, stale",
    [
        ('"networkx>=3.2"', '"networkx>=3.3"', {"cpu", "gpu"}),
        ('requires-python = ">=3.11,<3.12"', 'requires-python = ">=3.11"', {"cpu", "gpu"}),
        ('"pytest>=8"', '"pytest>=8.1"', {"cpu", "gpu"}),
        ('cpu = ["torch==2.13.0"]', 'cpu = ["torch==2.13.1"]', {"cpu"}),
        ('gpu = ["torch==2.13.0,!=2.13.0+cpu"]', 'gpu = ["torch==2.13.1"]', {"gpu"}),
    ],
)
def test_changed_declaration_makes_lock_stale(workspace: Path, old: str, new: str, stale: set) -> None:
    pyproject = workspace / "pyproject.toml"
    text = pyproject.read_text()
    assert old in text
    pyproject.write_text(text.replace(old, new))
    for variant, chosen in lock.VARIANTS.items():
        reason = lock.staleness(workspace, variant)
        if variant in stale:
            assert reason is not None and str(chosen.lock) in reason and f"`{chosen.refresh}`" in reason
        else:
            assert reason is None


def test_moved_cpu_pin_makes_gpu_lock_stale(workspace: Path) -> None:
    cpu_lock = workspace / lock.LOCK
    text = cpu_lock.read_text()
    assert "\nidna==3.20 " in text
    cpu_lock.write_text(text.replace("\nidna==3.20 ", "\nidna==3.21 "))
    assert lock.staleness(workspace, "cpu") is None
    assert "pins of tools/env/requirements.lock" in lock.staleness(workspace, "gpu")


def test_reordering_dependencies_keeps_lock_fresh(workspace: Path) -> None:
    pyproject = workspace / "pyproject.toml"
    text = pyproject.read_text()
    moved = text.replace('    "numpy>=1.26",\n', "").replace('    "omegaconf>=2.3,<2.4",\n', '    "numpy>=1.26",\n    "omegaconf>=2.3,<2.4",\n')
    assert moved != text
    pyproject.write_text(moved)
    assert lock.staleness(workspace, "cpu") is None and lock.staleness(workspace, "gpu") is None


def test_lock_without_digest_is_stale(workspace: Path) -> None:
    lock_file = workspace / "tools/env/requirements.lock"
    lock_file.write_text("\n".join(line for line in lock_file.read_text().splitlines() if "tmgg-lock-inputs" not in line))
    assert "no inputs digest" in lock.staleness(workspace)
