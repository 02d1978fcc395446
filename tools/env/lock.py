#!/usr/bin/env python3
"""Regenerate or check the locks: tools/env/requirements.lock and requirements-gpu.lock.

Each lock pins every package the tests use, with sha256 hashes, for Python 3.11
and one build of torch 2.13.0:

- cpu, `requirements.lock`: the CPU build (`2.13.0+cpu`), which these
  machines carry as a local wheel. pip-compile (pip-tools) writes it from
  pyproject.toml's dependencies and the test, logger, launcher and `cpu`
  extras. It is the lock Bazel and CI use.
- gpu, `requirements-gpu.lock`: the CUDA build as the default index serves
  it for Linux x86-64, with its `nvidia-*` wheels. uv (the pinned one,
  tools/env/uv-requirements.txt) resolves it from the index's metadata, for
  CPython 3.11 on manylinux_2_28, without downloading a wheel, from the same
  declarations with the `gpu` extra instead of `cpu`, constrained to the cpu
  lock's other pins, so the two differ only where torch's build does.

The script adds a first line to each that records a digest of its inputs (the
declarations; for gpu also the cpu lock's pins), so a check can tell, without
network or a resolver, whether a lock still matches them.

The resolver keeps the versions the current lock pins wherever the new
declarations allow them, so a regenerated lock changes only what the edit
needs; `--upgrade` resolves every package afresh.

Usage:
    python3 -m tools.env.lock                  # regenerate the cpu lock (about 3 minutes)
    python3 -m tools.env.lock --variant gpu    # regenerate the gpu lock (under a minute; no GPU needed)
    python3 -m tools.env.lock --upgrade        # regenerate, newest versions throughout
    python3 -m tools.env.lock --check          # exit 1 when either lock is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools.env.build import InstallerError, ensure_uv

LOCK = Path("tools/env/requirements.lock")
GPU_LOCK = Path("tools/env/requirements-gpu.lock")
# The logger and launcher extras are locked too: the tests exercise every logger and launcher option.
EXTRAS = ("test", "tensorboard", "wandb", "cluster")
PIP_TOOLS = "pip-tools==7.6.2"
HEADER_PREFIX = "# tmgg-lock-inputs: sha256="
REFRESH = "python3 -m tools.env.lock"
# The platform the gpu lock is resolved for: torch's CUDA wheels are manylinux_2_28 x86-64.
GPU_PLATFORM = "x86_64-manylinux_2_28"
# A pin in a lock: `name==version \` at the start of a line.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


@dataclass(frozen=True)
class Variant:
    """One lock: where it lives, the extras it is made from, how it is refreshed."""

    lock: Path
    extras: tuple[str, ...]
    refresh: str
    duration: str


VARIANTS = {
    "cpu": Variant(LOCK, (*EXTRAS, "cpu"), REFRESH, "about 3 minutes"),
    "gpu": Variant(GPU_LOCK, (*EXTRAS, "gpu"), f"{REFRESH} --variant gpu", "under a minute"),
}


def pins(lock: Path) -> dict[str, str]:
    """The versions `lock` pins, by normalised package name."""
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in PIN.findall(lock.read_text())}


def _cpu_pins_but_torch(root: Path) -> list[str]:
    """The cpu lock's pins other than torch, as `name==version` lines: the gpu lock's constraints."""
    lock = root / LOCK
    if not lock.exists():
        return []
    return sorted(f"{name}=={version}" for name, version in pins(lock).items() if name != "torch")


def inputs_digest(root: Path, variant: str = "cpu") -> str:
    """Digest of what a lock is made from: Python range, dependencies, its extras (gpu: and the cpu lock's pins)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    inputs = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "extras": {name: sorted(extras.get(name, [])) for name in VARIANTS[variant].extras},
    }
    if variant == "gpu":
        inputs["constraints"] = _cpu_pins_but_torch(root)
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    """The digest written into the lock's header, or None if it has none."""
    if not lock.exists():
        return None
    for line in lock.read_text().splitlines()[:5]:
        if line.startswith(HEADER_PREFIX):
            return line[len(HEADER_PREFIX):].strip()
    return None


def staleness(root: Path, variant: str = "cpu") -> str | None:
    """A one-line reason the `variant` lock is stale, or None when it matches its inputs."""
    chosen = VARIANTS[variant]
    recorded = recorded_digest(root / chosen.lock)
    if recorded is None:
        return f"{chosen.lock} is missing or has no inputs digest: run `{chosen.refresh}`"
    if recorded != inputs_digest(root, variant):
        what = "pyproject.toml or the pins of " + str(LOCK) if variant == "gpu" else "the dependencies in pyproject.toml"
        return f"{chosen.lock} no longer matches {what}: run `{chosen.refresh}` ({chosen.duration})"
    return None


def _pip_compile(root: Path, output: Path, upgrade: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="tmgg-lock-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "--quiet", PIP_TOOLS], check=True)
        command = [
            str(venv / "bin/pip-compile"),
            "--quiet",
            "--generate-hashes",
            "--allow-unsafe",
            "--strip-extras",
            "--no-emit-index-url",
            "--no-emit-find-links",
            *(["--upgrade"] if upgrade else []),
            *(f"--extra={name}" for name in VARIANTS["cpu"].extras),
            f"--output-file={output}",
            "pyproject.toml",
        ]
        # pip-compile prefers the pins it finds in its output file: seed it with the current lock.
        current = root / LOCK
        if current.exists():
            shutil.copyfile(current, root / output)
        subprocess.run(command, check=True, cwd=root, env={**os.environ, "CUSTOM_COMPILE_COMMAND": REFRESH})


def _venv_cache() -> Path:
    """Where the environment rule keeps uv: $TMGG_VENV_CACHE, default ~/.cache/tmgg/venvs."""
    configured = os.environ.get("TMGG_VENV_CACHE", "")
    return Path(configured) if configured not in ("", "off") else Path.home() / ".cache/tmgg/venvs"


def _uv_compile(root: Path, output: Path, upgrade: bool) -> None:
    """The gpu lock, resolved by uv from the default index's metadata alone (no wheel is downloaded)."""
    cache = _venv_cache()
    try:
        uv = ensure_uv(cache) / "bin/uv"
    except InstallerError as error:
        sys.exit(f"tmgg: uv could not be installed: {error}")
    with tempfile.TemporaryDirectory(prefix="tmgg-lock-") as tmp:
        constraints = Path(tmp) / "cpu-pins.txt"
        constraints.write_text("".join(f"{pin}\n" for pin in _cpu_pins_but_torch(root)))
        command = [
            str(uv), "pip", "compile",
            # Neither uv's configuration (the project's torch-cpu index) nor pip's (its find-links
            # hold the CPU build): the default index alone, where torch is the CUDA build.
            "--no-config", "--no-sources",
            "--quiet",
            "--generate-hashes",
            "--python-version=3.11",
            f"--python-platform={GPU_PLATFORM}",
            *(["--upgrade"] if upgrade else []),
            *(f"--extra={name}" for name in VARIANTS["gpu"].extras),
            f"--constraint={constraints}",
            f"--output-file={output}",
            "pyproject.toml",
        ]
        current = root / GPU_LOCK
        if current.exists():
            shutil.copyfile(current, root / output)
        # A UV_INDEX or UV_FIND_LINKS in the caller's shell would offer uv the CPU build.
        env = {key: value for key, value in os.environ.items() if not key.startswith("UV_")}
        env.update(UV_CACHE_DIR=str(cache / "uv-cache"), UV_CUSTOM_COMPILE_COMMAND=VARIANTS["gpu"].refresh)
        subprocess.run(command, check=True, cwd=root, env=env)
        # uv names the constraints file in its `# via -c` notes: the lock it was made from, not a scratch path.
        written = root / output
        written.write_text(written.read_text().replace(f"-c {constraints}", f"-c {LOCK}"))


def regenerate(root: Path, variant: str = "cpu", upgrade: bool = False) -> None:
    """Resolve the `variant` lock from its inputs, replacing it atomically."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"tmgg: the lock is for Python 3.11; run this script with python3.11, not {sys.version.split()[0]}")
    chosen = VARIANTS[variant]
    lock = root / chosen.lock
    scratch = lock.with_suffix(".lock.tmp")
    (_uv_compile if variant == "gpu" else _pip_compile)(root, scratch.relative_to(root), upgrade)
    body = scratch.read_text()
    sources = "pyproject.toml and the pins of requirements.lock" if variant == "gpu" else "pyproject.toml"
    header = (
        f"# Generated by tools/env/lock.py from {sources}; do not edit. Refresh: {chosen.refresh}\n"
        f"{HEADER_PREFIX}{inputs_digest(root, variant)}\n"
    )
    scratch.write_text(header + body)
    os.replace(scratch, lock)
    print(f"wrote {chosen.lock}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if either lock does not match its inputs")
    parser.add_argument("--variant", default="cpu", help="the lock to regenerate: cpu (requirements.lock) or gpu (requirements-gpu.lock)")
    parser.add_argument("--upgrade", action="store_true", help="resolve every package afresh instead of keeping the current pins")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2], help="the workspace root")
    args = parser.parse_args()
    if args.variant not in VARIANTS:
        print(f"tmgg: --variant {args.variant} is not one of {', '.join(VARIANTS)}", file=sys.stderr)
        return 2
    if args.check:
        reasons = [reason for reason in (staleness(args.root, variant) for variant in VARIANTS) if reason]
        for reason in reasons:
            print(f"tmgg: {reason}", file=sys.stderr)
        if reasons:
            return 1
        print(f"{LOCK} and {GPU_LOCK} match their inputs")
        return 0
    regenerate(args.root, args.variant, args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
