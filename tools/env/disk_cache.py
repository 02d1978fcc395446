"""The local disk cache that tools/bazel turns on for every build and test, kept under a size cap.

Bazel keeps only the latest result of each target in its output tree, so an
edit and its undo, a branch switch and back, or an earlier preflight command
line would rerun. A disk cache holds every result by its inputs' digest, so
each of those answers from the cache. Bazel 4.2.3 never evicts from a disk
cache: before a run, at most once an hour, the oldest entries go
(tools/cache/prune.py, the remote cache's own pruning) until the folder is
under its cap.

Settings (environment):
  TMGG_DISK_CACHE         the folder (default ~/.cache/tmgg/bazel-disk-cache,
                          under $XDG_CACHE_HOME when set); `off` turns it off.
  TMGG_DISK_CACHE_MAX_MB  the cap (default 4096).

A command line that names its own `--disk_cache` keeps it. CI turns the
default off (`TMGG_DISK_CACHE=off` in .ci/run): its runs must prove what the
remote cache alone gives.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from tools.cache.prune import prune

DEFAULT_MAX_MB = 4096
# Pruning walks the whole folder; once an hour is enough for a cap of gigabytes.
PRUNE_EVERY_S = 3600
STAMP = ".tmgg-pruned"
COMMANDS = ("build", "test", "run", "coverage")


def disk_cache_folder(env: Mapping[str, str]) -> Path | None:
    """The disk cache folder these settings ask for, or None when it is off."""
    setting = env.get("TMGG_DISK_CACHE", "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path(env.get("HOME", "~")).expanduser() / ".cache"
    return base / "tmgg" / "bazel-disk-cache"


def cap_bytes(env: Mapping[str, str]) -> int:
    raw = env.get("TMGG_DISK_CACHE_MAX_MB", "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        raise SystemExit(f"tmgg: TMGG_DISK_CACHE_MAX_MB={raw!r} is not a number of megabytes: unset it or give e.g. 4096") from None
    return int(megabytes * 1024 * 1024)


def prune_if_due(folder: Path, max_bytes: int, now: float | None = None) -> tuple[int, int] | None:
    """Prune `folder` to its cap when the last pass is older than PRUNE_EVERY_S; (deleted, bytes left) or None."""
    now = time.time() if now is None else now
    stamp = folder / STAMP
    try:
        if now - stamp.stat().st_mtime < PRUNE_EVERY_S:
            return None
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    os.utime(stamp, (now, now))
    return prune(folder, max_bytes)


def disk_cache_flags(command: str, args: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The flags that turn the disk cache on for this Bazel command (pruning it first when due)."""
    if command not in COMMANDS:
        return []
    options = list(args[: list(args).index("--")] if "--" in args else args)
    if any(arg.startswith("--disk_cache") for arg in options):
        return []
    folder = disk_cache_folder(env)
    if folder is None:
        return []
    prune_if_due(folder, cap_bytes(env))
    # Without this, a run that reads a remote cache but does not upload to it
    # (people read, CI writes) would leave the disk cache unwritten too.
    return [f"--disk_cache={folder}", "--incompatible_remote_results_ignore_disk"]
