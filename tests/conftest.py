"""Shared pytest set-up for tmgg's tests, with or without Bazel.

- Declares the markers, here only (strict: an unknown marker is an error); under
  Bazel no pyproject.toml is in a test's runfiles, so this is the one list.
- `--tmgg-case=ID` keeps only the parametrized cases whose id is ID, so one
  Bazel target runs one runner or one config and nothing else; `--tmgg-sweep`
  and `--tmgg-option` name the sweeps and options a target expands.
- Points tmgg at the checkout's configs/ when neither Bazel nor an editable
  install says where they are (plain `pytest` from a fresh checkout).
- Seeds Python's, numpy's and torch's random generators before every test, so
  a rerun gives the same results (runners seed themselves from `seed`).
- Stops at once, in one line, when torch is not installed: pyproject.toml
  takes torch from its `cpu` or `gpu` extra, and an environment made without
  either would otherwise fail in every test module's imports.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
from pathlib import Path

import pytest

TEST_SEED = 0
# Exit status when torch is missing: bad set-up, as for bad input on the command line.
NO_TORCH_STATUS = 2
NO_TORCH = (
    "tmgg: torch is not installed; install an extra that provides it: "
    "`uv run --extra cpu pytest ...` (CPU) or `uv run --extra gpu pytest ...` (CUDA), "
    "or with pip `pip install -e \".[cpu,test]\"`"
)

MARKERS = {
    "unit": "fast tests of one module (models, data, noise, training, tools)",
    "integration": "runs real configs or runners end to end",
    "slow": "seconds to minutes a case: a runner as a subprocess, or the entry-point fuzzer's hundred command lines",
    "config": "composes and instantiates one Hydra config",
    "runner": "runs one CLI runner for two training steps",
    "sweep": "composes and instantiates one job of a runner's Hydra sweep",
    "learns": "trains one job's own module a few steps on a fixed tiny batch: its loss must fall (tmgg.learning)",
    "slurm": "submits a sweep to a SLURM cluster (tools/cluster/slurm.sh); skips when none answers",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tmgg-case",
        action="append",
        default=[],
        metavar="ID",
        help="run only the parametrized cases with this id (repeatable); used by the Bazel targets",
    )
    parser.addoption(
        "--tmgg-sweep",
        action="append",
        default=[],
        metavar="CONFIG",
        help="expand only this runner config's sweep (repeatable); used by the Bazel sweep targets",
    )
    parser.addoption(
        "--tmgg-option",
        action="append",
        default=[],
        metavar="HOST:GROUP=OPTION",
        help="check only this config option case (repeatable); used by the Bazel option targets",
    )


def pytest_configure(config: pytest.Config) -> None:
    # find_spec looks torch up without importing it (importing costs seconds).
    if importlib.util.find_spec("torch") is None:
        pytest.exit(NO_TORCH, returncode=NO_TORCH_STATUS)
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    checkout_configs = Path(config.rootpath) / "configs"
    if "TMGG_CONFIG_DIR" not in os.environ and "TEST_SRCDIR" not in os.environ and checkout_configs.is_dir():
        os.environ["TMGG_CONFIG_DIR"] = str(checkout_configs)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = set(config.getoption("--tmgg-case"))
    if not wanted:
        return
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        (kept if callspec is not None and callspec.id in wanted else dropped).append(item)
    found = {item.callspec.id for item in kept}
    missing = wanted - found
    if missing:
        raise pytest.UsageError(
            f"--tmgg-case {', '.join(sorted(missing))}: no such case was collected; "
            "the Bazel targets are stale, run `bazel run //tools/build:update_build_files`"
        )
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(autouse=True)
def _fixed_seeds() -> None:
    """Start every test from the same random state.

    numpy and torch are seeded only when the test's module has imported them:
    importing torch here would add seconds to tests that do not use it.
    """
    random.seed(TEST_SEED)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(TEST_SEED)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(TEST_SEED)
