"""MODULE.bazel (Bazel 7+) and WORKSPACE (Bazel 4.2.3, which CI runs) cannot drift apart.

Rationale:
    The bzlmod set-up cannot be exercised on these machines, so the one thing
    that can be checked is checked: both set-ups build the Python packages from
    the same lock file, for the same Python version.

Assumptions:
    Both files state the lock as a label string and the version as "3.x".

Invariants:
    MODULE.bazel's pip.parse requirements_lock equals WORKSPACE's python_venv lock;
    the Python versions are equal and match pyproject.toml's requires-python;
    both make @tmgg_runners with the same rule from the same files.
"""

import re
import tomllib
from pathlib import Path

import pytest
from runfiles import Runfiles

pytestmark = pytest.mark.unit

# Under Bazel, the checkout's files in the runfiles tree: the library finds the
# main repository's folder there (`tmgg` under WORKSPACE, `_main` under bzlmod).
_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]


def _value(path: str, pattern: str) -> str:
    text = (ROOT / path).read_text()
    match = re.search(pattern, text)
    assert match, f"{path}: no match for {pattern!r}"
    return match.group(1)


def test_module_and_workspace_use_the_same_lock() -> None:
    module_lock = _value("MODULE.bazel", r'requirements_lock\s*=\s*"([^"]+)"')
    workspace_lock = _value("WORKSPACE", r'\block\s*=\s*"([^"]+)"')
    assert module_lock == workspace_lock == "//tools/env:requirements.lock"


def test_module_and_workspace_use_the_same_python() -> None:
    module_python = _value("MODULE.bazel", r'PYTHON_VERSION\s*=\s*"([^"]+)"')
    workspace_python = _value("WORKSPACE", r'python_version\s*=\s*"([^"]+)"')
    assert module_python == workspace_python
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f">={workspace_python}" in requires, f"pyproject requires-python {requires!r} excludes {workspace_python}"


def _runner_repository(path: str) -> dict[str, str]:
    text = (ROOT / path).read_text()
    call = re.search(r"\nrunner_repository\((.*?)\n\)", text, re.S)
    assert call, f"{path}: no runner_repository(...) call"
    return dict(re.findall(r'(\w+) = "([^"]+)"', call.group(1)))


def test_module_and_workspace_make_the_same_runner_repository() -> None:
    workspace = _runner_repository("WORKSPACE")
    module = _runner_repository("MODULE.bazel")
    assert workspace == {"name": "tmgg_runners", "pyproject": "//:pyproject.toml", "python_version": "3.11", "targets": "//tests:targets.bzl"}
    # MODULE.bazel gives the version as PYTHON_VERSION, checked above to be WORKSPACE's.
    assert module == {key: value for key, value in workspace.items() if key != "python_version"}
    rule = '"//tools/build/rules:runner_repository.bzl", "runner_repository"'
    assert rule in (ROOT / "WORKSPACE").read_text() and rule in (ROOT / "MODULE.bazel").read_text()
