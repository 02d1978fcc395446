"""bench_suite's scratch clones, remote cache and environments: set-up and clean-up."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bench.benchlib import ROOT, cache_server, clean_env, progress, release_workspace
from bench.suite.context import BenchError, Context, with_suffix
from bench.suite.tool_runs import run_step

VENV_ROOT = Path.home() / ".cache/tmgg/venvs"
PYTHON_TAG = "-py3.11"  # tools/build/rules/python_venv.bzl names environments <lock sha256>-py3.11


def release_clone(ctx: Context, clone: Path) -> None:
    """Stop a clone's Bazel server and, unless --keep, expunge its output base and delete both."""
    if clone.resolve() == ROOT or not (clone / ".git").exists():
        return

    def log(command: list[str]) -> Path:
        return with_suffix(ctx.log_stem(f"{clone.name} {' '.join(command[1:])}"), ".log")

    release_workspace(clone, clean_env(), keep=ctx.args.keep, log=log)


def clone_head(ctx: Context, dest: Path, step: str) -> float:
    """Clone the checkout at the bench's commit (HEAD may move while the bench runs); returns the seconds taken."""
    env = clean_env()
    command = ["git", "clone", "-q", "--no-checkout", str(ROOT), str(dest)]
    cloned, _ = run_step(ctx, f"{step}: git clone", command, ctx.scratch, env)
    ctx.clones.append(dest)
    checkout = ["git", "checkout", "-q", "--detach", ctx.commit]
    checked_out, _ = run_step(ctx, f"{step}: git checkout {ctx.commit[:10]}", checkout, dest, env)
    return cloned + checked_out


def start_cache(ctx: Context) -> None:
    folder = ctx.scratch / "cache"
    log = with_suffix(ctx.log_stem("start the remote cache"), ".log")
    try:
        ctx.cache_url = cache_server("start", folder, ctx.args.cache_port, ctx.work)
    except subprocess.CalledProcessError as failed:
        log.write_text(failed.stdout + failed.stderr)
        raise BenchError(f"step 'start the remote cache' failed: see {log}") from None
    progress(f"remote cache at {ctx.cache_url} (data in {folder})")


def stop_cache(ctx: Context) -> None:
    if ctx.cache_url:
        cache_server("stop", ctx.scratch / "cache", ctx.args.cache_port, ctx.work, check=False)


def venv_names() -> set[str]:
    return {path.name for path in VENV_ROOT.iterdir()} if VENV_ROOT.is_dir() else set()


def remove_bench_venvs(ctx: Context) -> None:
    """Delete the environments the lock edit made: new since the start and named after an edited lock."""
    for name in sorted((venv_names() - ctx.venvs_before) & ctx.lock_venvs):
        progress(f"removing the environment the lock edit built: {VENV_ROOT / name}")
        shutil.rmtree(VENV_ROOT / name, ignore_errors=True)


def cleanup(ctx: Context) -> None:
    progress("cleaning up: remote cache, Bazel servers" + ("" if ctx.args.keep else ", output bases, scratch"))
    stop_cache(ctx)
    for clone in reversed(ctx.clones):
        release_clone(ctx, clone)
    remove_bench_venvs(ctx)
    if ctx.args.keep:
        progress(f"kept {ctx.scratch}")
    else:
        shutil.rmtree(ctx.scratch, ignore_errors=True)
