"""bench_suite's scratch clones, remote cache and environments: set-up and clean-up."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bench.benchlib import ROOT, bazel_output_base
from bench.suite.context import BenchError, Context, progress, with_suffix
from bench.suite.tool_runs import base_env, run_step

VENV_ROOT = Path.home() / ".cache/tmgg/venvs"
PYTHON_TAG = "-py3.11"  # tools/build/rules/python_venv.bzl names environments <lock sha256>-py3.11


def release_clone(ctx: Context, clone: Path) -> None:
    """Stop a clone's Bazel server and, unless --keep, expunge its output base and delete both."""
    if clone.resolve() == ROOT or not (clone / ".git").exists():
        return
    env = base_env()
    commands = [["bazel", "shutdown"]] if ctx.args.keep else [["bazel", "clean", "--expunge"], ["bazel", "shutdown"]]
    output_base = None
    if not ctx.args.keep:
        try:
            output_base = bazel_output_base(clone)
        except subprocess.CalledProcessError:
            progress(f"note: `bazel info output_base` failed in {clone}; its output base may stay behind")
    for command in commands:
        with with_suffix(ctx.log_stem(f"{clone.name} {' '.join(command[1:])}"), ".log").open("w") as log:
            subprocess.run(command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT)
    # `clean --expunge` leaves the output base's folder with its lock file: remove that too.
    if output_base and output_base.is_dir() and {p.name for p in output_base.iterdir()} <= {"lock"}:
        shutil.rmtree(output_base, ignore_errors=True)
    if not ctx.args.keep:
        shutil.rmtree(clone, ignore_errors=True)


def clone_head(ctx: Context, dest: Path, step: str) -> float:
    """Clone the checkout at the bench's commit (HEAD may move while the bench runs); returns the seconds taken."""
    env = base_env()
    command = ["git", "clone", "-q", "--no-checkout", str(ROOT), str(dest)]
    cloned, _ = run_step(ctx, f"{step}: git clone", command, ctx.scratch, env)
    ctx.clones.append(dest)
    checkout = ["git", "checkout", "-q", "--detach", ctx.commit]
    checked_out, _ = run_step(ctx, f"{step}: git checkout {ctx.commit[:10]}", checkout, dest, env)
    return cloned + checked_out



def start_cache(ctx: Context) -> None:
    folder = ctx.scratch / "cache"
    env = base_env(TMGG_CACHE_PORT=str(ctx.args.cache_port))
    log = with_suffix(ctx.log_stem("start the remote cache"), ".log")
    try:
        ctx.cache_url = subprocess.run(
            [str(ctx.work / "tools/cache/server.sh"), "start", str(folder)], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
    except subprocess.CalledProcessError as failed:
        log.write_text(failed.stdout + failed.stderr)
        raise BenchError(f"step 'start the remote cache' failed: see {log}") from None
    progress(f"remote cache at {ctx.cache_url} (data in {folder})")


def stop_cache(ctx: Context) -> None:
    if ctx.cache_url:
        env = base_env(TMGG_CACHE_PORT=str(ctx.args.cache_port))
        stop = [str(ctx.work / "tools/cache/server.sh"), "stop", str(ctx.scratch / "cache")]
        subprocess.run(stop, env=env, capture_output=True)


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
