"""Helpers shared by the benchmarks in bench/: timed commands (by hyperfine), Bazel's Python, the reference cases.

`machinery.py` and `bench_suite.py` both time one config target and one runner
target against the same case under plain pytest, and both run that pytest with
the interpreter of Bazel's environment; those pieces live here once.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The imports every test process pays before its first line of work.
IMPORT_FLOOR = ("-c", "import torch, pytorch_lightning, hydra")


@dataclass(frozen=True)
class Case:
    """One reference test target and the pytest case it runs."""

    kind: str  # "config target" or "runner target"
    target: str  # the Bazel label
    test_file: str  # the pytest file, relative to the workspace
    case: str  # the parametrized case id (`--tmgg-case`)


CASES = (
    Case("config target", "//tests:base_config_spectral", "tests/test_config_composition.py", "base_config_spectral"),
    Case("runner target", "//tests:tmgg-spectral", "tests/test_runner_integration.py", "tmgg-spectral-base_config_spectral"),
)


class CommandFailed(RuntimeError):
    """A timed command exited with a status it was not allowed."""

    def __init__(self, command: list[str] | str, status: int, log: Path | None) -> None:
        where = f": see {log}" if log else ""
        text = command if isinstance(command, str) else " ".join(command)
        super().__init__(f"`{text}` exited {status}{where}")
        self.status = status
        self.log = log


def timed(
    command: list[str] | str,
    cwd: Path = ROOT,
    *,
    log: Path | None = None,
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
    prepare: str | None = None,
    name: str | None = None,
) -> float:
    """Seconds `command` took in `cwd`, timed by hyperfine (one run); its output goes to `log` (or nowhere).

    hyperfine runs a list without a shell (`--shell=none`) and a string with its shell
    (for `VAR=value cmd && cmd`), after `prepare` (a shell command, not timed) when
    given, and writes its JSON next to the log (`.hyperfine.json`).

    Raises:
        CommandFailed: if its exit status is not in `ok`.
    """
    if not shutil.which("hyperfine"):
        raise SystemExit("bench: hyperfine is not installed (`apt-get install -y hyperfine`)")
    with tempfile.TemporaryDirectory(prefix="tmgg-hyperfine-") as scratch:
        exported = log.parent / (log.name.removesuffix(".log") + ".hyperfine.json") if log else Path(scratch) / "run.json"
        text = command if isinstance(command, str) else shlex.join(command)
        wrapper = [
            "hyperfine", "--runs", "1", *([] if isinstance(command, str) else ["--shell=none"]), "--ignore-failure",
            "--show-output", "--command-name", name or text[:80], "--export-json", str(exported),
            *(["--prepare", prepare] if prepare else []), text,
        ]
        output = log.open("w") if log else subprocess.DEVNULL
        try:
            done = subprocess.run(wrapper, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        finally:
            if log:
                output.close()
        if done.returncode != 0 or not exported.exists():
            raise CommandFailed(command, done.returncode, log)
        result = json.loads(exported.read_text())["results"][0]
    status = result["exit_codes"][0]
    if status not in ok:
        raise CommandFailed(command, status, log)
    return float(result["times"][0])


def bazel_output_base(workspace: Path = ROOT) -> Path:
    """The Bazel output base of a workspace (starts its server if none runs)."""
    output_base = subprocess.run(
        ["bazel", "info", "output_base"], cwd=workspace, check=True, capture_output=True, text=True
    ).stdout.strip()
    return Path(output_base)


def bazel_python(workspace: Path = ROOT) -> str:
    """The interpreter script of the environment Bazel's tests use (exists after one `bazel test`)."""
    return str(bazel_output_base(workspace) / "external/tmgg_venv/python.sh")


def pytest_case_command(python: str, case: Case) -> list[str]:
    """Plain pytest of the one case a reference target runs."""
    return [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", case.test_file, f"--tmgg-case={case.case}"]
