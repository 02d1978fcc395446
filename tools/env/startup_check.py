"""Checks that tools/bazel runs before Bazel starts, in a few milliseconds.

Each failed check prints one line naming what is wrong and the command that
fixes it, then exits 2, so that a user never reads a Java stack trace for a
missing package, a wrong Python or a stale lock. A remote cache that is down
or refuses writes gets one warning line, and the build goes on without it.

``--config=gpu`` on a machine without an NVIDIA GPU stops here, in one line
(tools/env/gpu_config.py). On success it prints, one per line, the flags
tools/bazel adds: the GPUs shown to tests under ``--config=gpu``, the remote
cache (TMGG_REMOTE_CACHE, TMGG_REMOTE_CACHE_HEADER, from the environment or
the untracked file .tmgg-cache.env), once it has answered a probe, for test
results and for the shared Python environment (tools/env/share.py), and the
local disk cache (tools/env/disk_cache.py).

The Python check comes first and needs nothing newer than Python 3.7: the lock
check reads pyproject.toml with tomllib (3.11), so it is imported only after
the interpreter passed, and an older python3 gets the line that says which
Python to install, not an ImportError. A pyproject.toml that cannot be read
is one line too.

Usage (from tools/bazel): python3 -m tools.env.startup_check WORKSPACE COMMAND [ARGS...]
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from tools.env.disk_cache import disk_cache_flags
from tools.env.gpu_config import NoGpu, gpu_flags

REQUIRED_PYTHON = (3, 11)
CACHE_ENV_FILE = ".tmgg-cache.env"


def check_python() -> str | None:
    if sys.version_info[:2] != REQUIRED_PYTHON:
        need = "%d.%d" % REQUIRED_PYTHON
        return (
            f"tmgg needs Python {need}, but {sys.executable} is {sys.version.split()[0]}: "
            f"install python{need} (Debian 12's python3) or set TMGG_PYTHON=/path/to/python{need}"
        )
    if importlib.util.find_spec("ensurepip") is None:
        return f"{sys.executable} cannot create virtual environments: run `tools/setup.sh` (it runs apt-get install -y python3-venv)"
    return None


def cache_settings(workspace: Path) -> dict[str, str]:
    """TMGG_REMOTE_CACHE and TMGG_REMOTE_CACHE_HEADER, from the environment or the untracked .tmgg-cache.env."""
    settings = {}
    env_file = workspace / CACHE_ENV_FILE
    if env_file.is_file():
        for line in env_file.read_text().splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                settings[key.strip()] = value.strip().strip("'\"")
    for key in ("TMGG_REMOTE_CACHE", "TMGG_REMOTE_CACHE_HEADER"):
        if os.environ.get(key):
            settings[key] = os.environ[key]
    return settings


def probe_cache(url: str, header: str | None) -> str:
    """'rw', 'ro' (answers reads, refuses writes) or a reason it is unreachable."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        return "rw"  # gRPC caches are probed by Bazel itself.
    headers = {}
    if header:
        name, _, value = header.partition("=")
        headers[name] = value
    # A content-addressed entry: its key is its digest, so writing it is harmless.
    body = b"tmgg cache probe\n"
    probe = f"{url.rstrip('/')}/cas/{hashlib.sha256(body).hexdigest()}"
    try:
        request = urllib.request.Request(probe, data=body, method="PUT", headers=headers)
        with urllib.request.urlopen(request, timeout=3):
            return "rw"
    except urllib.error.HTTPError as error:
        return "ro" if error.code in (401, 403, 405, 500, 507) else f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return str(getattr(error, "reason", error))


# Flags after which this run writes to the remote cache. People read, CI writes: without
# one of these, a plain `bazel test` with a cache configured uploads nothing.
_WRITE_FLAGS = (
    "--config=ci",
    "--remote_upload_local_results",
    "--remote_upload_local_results=true",
    "--remote_upload_local_results=yes",
    "--remote_upload_local_results=1",
)


def writes_to_cache(args: list[str]) -> bool:
    """Whether Bazel's arguments ask to write to the remote cache (the last upload flag wins)."""
    writes = False
    for arg in args:
        if arg == "--":
            break
        if arg in _WRITE_FLAGS:
            writes = True
        elif arg == "--config=dev" or arg.startswith(("--noremote_upload_local_results", "--remote_upload_local_results=")):
            writes = False
    return writes


def cache_flags(workspace: Path, args: list[str] = ()) -> list[str]:
    """The remote-cache flags to add, after checking once that the cache answers.

    The cache is read by every run and written only by one that asks
    (``--config=ci``, or ``--remote_upload_local_results``): people read, CI
    writes. Besides Bazel's own flags, an HTTP cache is handed to the Python
    environment rule (tools/build/rules/python_venv.bzl) as --repo_env
    TMGG_ENV_CACHE*, so that a machine without the environment fetches it from
    the cache (and one that builds it publishes it, when this run writes).
    Repository rules are not re-run when these change: they do not declare them.
    """
    settings = cache_settings(workspace)
    url = settings.get("TMGG_REMOTE_CACHE")
    if not url:
        return []
    header = settings.get("TMGG_REMOTE_CACHE_HEADER")
    state = probe_cache(url, header)
    if state not in ("rw", "ro"):
        print(
            f"tmgg: remote cache {url} is unreachable ({state}): building and testing locally, without it. "
            "Start the bundled one with `tools/cache/server.sh start`.",
            file=sys.stderr,
        )
        return []
    flags = [f"--remote_cache={url}"]
    if header:
        flags.append(f"--remote_header={header}")
    writes = writes_to_cache(list(args))
    if state == "ro" and writes:
        print(f"tmgg: remote cache {url} refuses writes: reading from it only.", file=sys.stderr)
    if state == "ro" or not writes:
        flags.append("--noremote_upload_local_results")
    if urlparse(url).scheme in ("http", "https"):
        flags.append(f"--repo_env=TMGG_ENV_CACHE={url}")
        if header:
            flags.append(f"--repo_env=TMGG_ENV_CACHE_HEADER={header}")
        if state == "rw" and writes:
            flags.append("--repo_env=TMGG_ENV_CACHE_WRITE=1")
    return flags


def lock_problem(workspace: Path) -> str | None:
    """Why the lock is stale or unreadable, in one line; None when it is current. Needs Python 3.11 (tomllib)."""
    from tools.env import lock

    try:
        return lock.staleness(workspace)
    except (OSError, ValueError, KeyError) as error:  # tomllib.TOMLDecodeError is a ValueError; KeyError: no [project]
        return f"{workspace / 'pyproject.toml'} cannot be read ({type(error).__name__}: {error}): fix it (git diff pyproject.toml shows what changed)"


def main(argv: list[str]) -> int:
    workspace, command = Path(argv[0]), argv[1]
    problem = check_python() or lock_problem(workspace)
    if problem:
        print(f"tmgg: {problem}", file=sys.stderr)
        return 2
    if command in ("build", "test", "run", "coverage"):
        try:
            flags = [*gpu_flags(command, argv[2:], os.environ)]
        except NoGpu as error:
            print(f"tmgg: {error}", file=sys.stderr)
            return 2
        flags += cache_flags(workspace, argv[2:]) + disk_cache_flags(command, argv[2:], os.environ)
        for flag in flags:
            print(flag)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
