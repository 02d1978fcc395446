#!/usr/bin/env python3
"""Building the Python environment from the lock: uv against pip, side by side.

Each trial builds the environment of tools/env/requirements.lock into an
empty folder with tools/env/build.py, bytecode included, exactly as the
environment rule does on a machine that lacks it. Rounds alternate the cases:

  pip, empty pip cache        what a fresh machine paid before uv;
  pip, warm pip cache         the same, pip's HTTP cache already full;
  uv, empty uv cache          a fresh machine now (uv itself already installed);
  uv, warm uv cache           the environment deleted, uv's cache kept: every
                              module compiled again;
  lock edit, one package      the lock with one small package at another
                              version (--edit, default idna==3.11), uv's cache
                              warm but for that package, and the environment of
                              the current lock on the machine: what a lock edit
                              costs.

Two more rows take the uv build apart (warm cache): `uv pip install` alone,
with no bytecode, and `uv pip install --compile-bytecode`, uv's own compiler,
against which env_build.py's compile (one interpreter per core) was chosen.
Installing uv itself, once per machine, is timed once.

Usage:
    python3 -m bench.bench_env_build [--repeats 3] [--edit idna==3.11] [--out bench/results]

Timed with hyperfine (one run per case per round, `--export-json`). Writes
OUT/env_build.md and OUT/env_build.json; logs and hyperfine's JSON under
OUT/logs/env_build/. Needs about 5 GB of disk in a scratch folder under /tmp,
removed at the end; takes about 4 minutes a round on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.benchlib import ROOT, CommandFailed, head_commit, medians_table, progress, require_hyperfine, timed_step, write_results
from tools.env import build as env_build

LOCK = ROOT / "tools/env/requirements.lock"

PIP_EMPTY, PIP_WARM = "pip, empty pip cache", "pip, warm pip cache"
UV_EMPTY, UV_WARM, EDIT = "uv, empty uv cache", "uv, warm uv cache", "lock edit, one package (uv)"
UV_ALONE, UV_COMPILE = "uv pip install alone, no bytecode (warm)", "uv pip install --compile-bytecode (warm)"
CASES = (PIP_EMPTY, PIP_WARM, UV_EMPTY, UV_WARM, EDIT, UV_ALONE, UV_COMPILE)


def _sh(*words: object) -> str:
    return " ".join(shlex.quote(str(word)) for word in words)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.env_build = env_build
        self.scratch = Path(tempfile.mkdtemp(prefix="tmgg-env-bench-"))
        self.root = self.scratch / "root"  # the rule's TMGG_VENV_CACHE: uv, uv's cache, environments
        self.root.mkdir()
        self.trial = self.root / ".build.trial"
        self.logs = args.out / "logs/env_build"
        shutil.rmtree(self.logs, ignore_errors=True)
        self.logs.mkdir(parents=True)
        self.python = sys.executable
        self.digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
        self.current = self.root / ("%s-py%d.%d" % (self.digest, *sys.version_info[:2]))
        self.samples: dict[str, list[float]] = {case: [] for case in CASES}
        self.setup: dict[str, float] = {}
        self.load = [os.getloadavg()[0]]  # other work on the machine (a CI run) shows up in every row

    # --- pieces ---------------------------------------------------------------

    def build_command(self, lock: Path, installer: str, pip_cache: Path | None = None) -> str:
        env = f"PIP_CACHE_DIR={shlex.quote(str(pip_cache))} " if pip_cache else ""
        return env + _sh(self.python, "-B", "-m", "tools.env.build", "--lock", lock, "--venv", self.trial, "--root", self.root, "--installer", installer)

    def uv_command(self, *extra: str) -> str:
        """The `uv pip install` env_build.py runs, into a fresh venv, plus `extra`."""
        tool = self.uv_tool()
        options, env = self.env_build.uv_options(self.env_build.pip_sources(tool / "bin/python3"))
        env["UV_CACHE_DIR"] = str(self.root / "uv-cache")
        prefix = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        make = _sh(self.python, "-m", "venv", "--without-pip", self.trial)
        install = _sh(tool / "bin/uv", "pip", "install", "--no-config", "--no-progress", "--require-hashes", "--no-deps",
                      "-r", LOCK, "--python", self.trial / "bin/python3", *options, *extra)
        return f"{make} && {prefix} {install}"

    def hyperfine(self, name: str, command: str, prepare: str) -> float:
        """Seconds `command` took, one run, after `prepare`."""
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        log = self.logs / f"{len(sum(self.samples.values(), []))+1:02d}-{slug}.log"
        try:
            return timed_step(name, command, ROOT, log=log, prepare=prepare, name=name)
        except CommandFailed:
            raise SystemExit(f"bench: '{name}' failed: see {log}") from None

    def origin(self) -> str:
        return (self.trial / ".tmgg-origin").read_text().strip()

    def edited_lock(self) -> Path:
        """The lock with --edit's package at --edit's version, hashed as pip downloads it."""
        name, version = self.args.edit.split("==")
        wheels = self.scratch / "edit-wheel"
        subprocess.run([self.python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d", wheels,
                        self.args.edit], check=True, capture_output=True)
        (wheel,) = wheels.iterdir()
        sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
        text = LOCK.read_text()
        block = re.compile(rf"^{re.escape(name)}==\S+ \\\n(?:    --hash=sha256:[0-9a-f]+ \\\n)*    --hash=sha256:[0-9a-f]+\n", re.MULTILINE)
        edited, count = block.subn(f"{name}=={version} \\\\\n    --hash=sha256:{sha}\n", text)
        if count != 1:
            raise SystemExit(f"bench: {name} is not pinned once in {LOCK}")
        path = self.scratch / "requirements-edited.lock"
        path.write_text(edited)
        pinned = re.search(rf"^{re.escape(name)}==(\S+)", text, re.MULTILINE).group(1)
        self.edit_note = f"{pinned} → {version}"
        return path

    # --- the run ----------------------------------------------------------------

    def prepare(self) -> None:
        start = time.perf_counter()
        self.env_build.ensure_uv(self.root)
        self.setup["install uv itself (once per machine)"] = time.perf_counter() - start
        progress(f"uv installed in {self.setup['install uv itself (once per machine)']:.1f} s")
        self.edited = self.edited_lock()

    def round(self, number: int) -> None:
        reset = _sh("rm", "-rf", self.trial)
        pip_cache = self.scratch / "pip-cache"
        uv_cache = self.root / "uv-cache"
        name, _ = self.args.edit.split("==")
        steps = (
            (PIP_EMPTY, self.build_command(LOCK, "pip", pip_cache), f"{reset} {_sh(pip_cache)}", "pip"),
            (PIP_WARM, self.build_command(LOCK, "pip", pip_cache), reset, "pip"),
            (UV_EMPTY, self.build_command(LOCK, "uv"), f"{reset} {_sh(uv_cache)}", "uv"),
            (UV_ALONE, self.uv_command(), reset, None),
            (UV_COMPILE, self.uv_command("--compile-bytecode"), reset, None),
            (UV_WARM, self.build_command(LOCK, "uv"), reset, "uv"),
            # The edited package's one download: the rest is in uv's cache, and the current
            # lock's environment (the trial before, renamed as the rule would) is on the machine.
            (EDIT, self.build_command(self.edited, "uv"),
             f"{reset} && UV_CACHE_DIR={_sh(uv_cache)} {_sh(self.uv_tool() / 'bin/uv', 'cache', 'clean', '--quiet', name)}", "uv"),
        )
        for case, command, prepare, origin in steps:
            if case == EDIT:
                shutil.rmtree(self.current, ignore_errors=True)
                self.trial.rename(self.current)
            self.samples[case].append(self.hyperfine(f"round {number}: {case}", command, prepare))
            if origin and self.origin() != origin:
                raise SystemExit(f"bench: {case}: the environment came from {self.origin()}, expected {origin}")
        shutil.rmtree(self.trial, ignore_errors=True)

    def uv_tool(self) -> Path:
        return self.root / f"tools/uv-{self.env_build.pinned_version(self.env_build.UV_REQUIREMENTS)}"

    def write(self) -> None:
        self.load.append(os.getloadavg()[0])
        commit = head_commit()[:10]
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        medians = {case: statistics.median(samples) for case, samples in self.samples.items()}
        reference = medians[PIP_EMPTY]
        packages = len(re.findall(r"^\S+==", LOCK.read_text(), re.MULTILINE))
        lines = [
            "# Building the Python environment: uv against pip",
            "",
            f"Commit {commit}{' with uncommitted changes' if dirty else ''}, {time.strftime('%Y-%m-%d')}, "
            f"{os.cpu_count()} cores, load average {self.load[0]:.1f} at the start and {self.load[1]:.1f} at the end. Command: `python3 -m bench.bench_env_build --repeats {self.args.repeats} --edit {self.args.edit}`.",
            f"Each trial builds the environment of tools/env/requirements.lock ({packages} packages) into an empty folder"
            " with `tools/env/build.py`, bytecode included, as the environment rule does; rounds alternate the cases;"
            " each trial timed by hyperfine (one run). The lock edit moves "
            f"{self.args.edit.split('==')[0]} {self.edit_note}, with the current lock's environment on the machine.",
            "",
        ]
        trials = {case: ", ".join(f"{value:.1f}" for value in samples) for case, samples in self.samples.items()}
        lines.append(medians_table(["case", "median (s)", "× pip, empty cache", "trials (s)"], medians, reference, trials))
        lines += [f"| {step} | {seconds:.1f} | | |" for step, seconds in self.setup.items()]
        data = {"commit": commit, "dirty": bool(dirty), "repeats": self.args.repeats, "edit": self.args.edit, "load": self.load,
                "medians": medians, "samples": self.samples, "setup": self.setup}
        write_results(self.args.out, "env_build", lines, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--edit", default="idna==3.11", help="PACKAGE==VERSION: the lock edit, one package at another version")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    args = parser.parse_args()
    args.out = args.out.resolve()
    require_hyperfine()
    bench = Bench(args)
    try:
        bench.prepare()
        for number in range(1, args.repeats + 1):
            bench.round(number)
        bench.write()
    finally:
        shutil.rmtree(bench.scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
