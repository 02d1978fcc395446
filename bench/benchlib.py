"""Running and timing processes for the benches in bench/ that run them: timed commands (by hyperfine) with a
progress line, the commit measured, a clean environment, the scratch remote cache, releasing a
scratch clone, Bazel's Python and the reference cases; and writing a bench's results.

`machinery.py` and `bench_suite.py` both time one config target and one runner
target against the same case under plain pytest, and both run that pytest with
the interpreter of Bazel's environment; those pieces live here once.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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


def progress(text: str, end: str = "\n", prefix: str = "bench: ") -> None:
    """One progress line (or the start of one, with end="") on stderr."""
    print(prefix + text, end=end, file=sys.stderr, flush=True)


def require_hyperfine() -> None:
    """Stop with the command that installs hyperfine when it is missing."""
    if not shutil.which("hyperfine"):
        raise SystemExit("bench: hyperfine is not installed (`apt-get install -y hyperfine`)")


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
    require_hyperfine()
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


def timed_step(step: str, command: list[str] | str, cwd: Path = ROOT, **options) -> float:
    """`timed(command, cwd, **options)` between a progress line's "STEP ..." and its seconds (or "failed").

    Raises:
        CommandFailed: as `timed` does, once the line says "failed".
    """
    progress(f"{step} ...", end="")
    try:
        seconds = timed(command, cwd, **options)
    except CommandFailed:
        progress(" failed", prefix="")
        raise
    progress(f" {seconds:.1f} s", prefix="")
    return seconds


def head_commit(workspace: Path = ROOT) -> str:
    """The full hash of HEAD: the commit a bench measures."""
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=workspace, check=True, capture_output=True, text=True).stdout.strip()


def clean_env(drop: tuple[str, ...] = ("TMGG_REMOTE_CACHE", "PYTHONPATH"), **extra: str) -> dict[str, str]:
    """This process's environment without the variables whose names start with one of `drop`, plus `extra`.

    By default no remote cache and no PYTHONPATH of the checkout reach a scratch clone.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(drop)}
    env.update(extra)
    return env


def cache_server(action: str, folder: Path, port: int, workspace: Path = ROOT, check: bool = True) -> str:
    """`tools/cache/server.sh start|stop FOLDER` of `workspace` on `port`; returns what it prints (the URL on start).

    Raises:
        subprocess.CalledProcessError: if the script fails and `check` is set.
    """
    script = str(workspace / "tools/cache/server.sh")
    env = clean_env(TMGG_CACHE_PORT=str(port))
    return subprocess.run([script, action, str(folder)], env=env, check=check, capture_output=True, text=True).stdout.strip()


def release_workspace(clone: Path, env: dict[str, str], keep: bool = False, log: Callable[[list[str]], Path] | None = None) -> None:
    """Stop a scratch clone's Bazel server and, unless `keep`, expunge its output base and delete both.

    `log(command)` names the file each Bazel command's output goes to (none: it is dropped).
    """
    output_base = None
    if not keep:
        try:
            output_base = bazel_output_base(clone)
        except subprocess.CalledProcessError:
            progress(f"note: `bazel info output_base` failed in {clone}; its output base may stay behind")
    commands = [["bazel", "shutdown"]] if keep else [["bazel", "clean", "--expunge"], ["bazel", "shutdown"]]
    for command in commands:
        with (log(command).open("w") if log else open(os.devnull, "w")) as output:
            subprocess.run(command, cwd=clone, env=env, stdout=output, stderr=subprocess.STDOUT)
    # `clean --expunge` leaves the output base's folder with its lock file: remove that too.
    if output_base and output_base.is_dir() and {p.name for p in output_base.iterdir()} <= {"lock"}:
        shutil.rmtree(output_base, ignore_errors=True)
    if not keep:
        shutil.rmtree(clone, ignore_errors=True)


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A markdown table; a `|` inside a cell becomes `/`."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def medians_table(headers: list[str], medians: dict[str, float], reference: float, trials: dict[str, str]) -> str:
    """A markdown table of one row a case: its name, median (s), median ÷ `reference`, and its trials as given."""
    rows = [[name, f"{median:.1f}", f"{median / reference:.2f}", trials[name]] for name, median in medians.items()]
    return markdown_table(headers, rows)


def write_results(out: Path, name: str, lines: list[str], data: dict) -> None:
    """OUT/NAME.md from `lines`, OUT/NAME.json from `data`, and the markdown on stdout."""
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")
    (out / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    print("\n".join(lines))


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
