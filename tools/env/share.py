#!/usr/bin/env python3
"""Shares the built Python environment through the remote cache.

Installing the lock takes 40 s to a minute on two cores (uv or pip); unpacking
a built environment takes seconds. So a machine that builds the environment
publishes its site-packages as one gzip'd tar in the same HTTP remote cache
that holds the test results, and a machine that lacks it fetches it there
before it builds one (tools/env/build.py).

It speaks only Bazel's HTTP cache protocol, so any cache that serves Bazel
over HTTP should hold it (tested with the bundled nginx only):
    PUT/GET {cache}/cas/{sha256 of the archive}   the archive itself;
    PUT/GET {cache}/ac/{key}                      an ActionResult naming it,
where key = sha256("tmgg-python-env/v1/{lock sha256}/{interpreter tag}"). The
archive is checked against its digest while it is unpacked; a mismatch, a
missing entry or an unreachable cache all fall back to building it here.

Used by tools/build/rules/python_venv.bzl (cache settings from TMGG_ENV_CACHE,
TMGG_ENV_CACHE_HEADER, TMGG_ENV_CACHE_WRITE, which tools/bazel passes as
--repo_env once the cache has answered), and by hand:

    python3 -m tools.env.share publish   # publish this machine's environment for the lock
    python3 -m tools.env.share status    # does the cache hold it?

By hand, the cache comes from TMGG_REMOTE_CACHE / TMGG_REMOTE_CACHE_HEADER or
.tmgg-cache.env, as for tools/bazel.

Exit status: 0 done; 3 the cache does not hold the environment; 2 bad usage
or settings; 1 any other failure (one line on stderr says which).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

ARCHIVE_NAME = "site-packages.tar.gz"
CHUNK = 1 << 20
ABSENT = 3
WORKSPACE = Path(__file__).resolve().parents[2]


class ShareError(Exception):
    """A failure worth one line to the user; the caller builds the environment instead."""


# --- the few protobuf fields of Bazel's ActionResult that are needed ---------
# ActionResult.output_files = 2 (OutputFile); OutputFile.path = 1, .digest = 2;
# Digest.hash = 1 (hex string), .size_bytes = 2 (int64).


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def encode_action_result(path: str, sha256: str, size: int) -> bytes:
    digest = _bytes_field(1, sha256.encode()) + _int_field(2, size)
    return _bytes_field(2, _bytes_field(1, path.encode()) + _bytes_field(2, digest))


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ShareError("the cache's entry is truncated")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _fields(data: bytes) -> dict[int, list]:
    """Field number -> values (ints or bytes), for varint and length-delimited fields."""
    found: dict[int, list] = {}
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, pos = data[pos : pos + size], pos + size
        else:
            raise ShareError(f"the cache's entry is not an ActionResult (wire type {wire})")
        found.setdefault(number, []).append(value)
    return found


def decode_action_result(data: bytes, path: str) -> tuple[str, int]:
    """The (sha256, size) of the output file named `path`."""
    for output in _fields(data).get(2, []):
        fields = _fields(output)
        if fields.get(1, [b""])[0].decode() == path:
            digest = _fields(fields.get(2, [b""])[0])
            return digest.get(1, [b""])[0].decode(), digest.get(2, [0])[0]
    raise ShareError(f"the cache's entry names no {path}")


# --- keys and the cache -------------------------------------------------------


def interpreter_tag() -> str:
    """What a built environment is valid for besides the lock: the Python minor version and the platform."""
    return f"{sys.implementation.cache_tag}-{sys.platform}-{platform.machine()}"


def entry_key(lock_digest: str, tag: str) -> str:
    return hashlib.sha256(f"tmgg-python-env/v1/{lock_digest}/{tag}".encode()).hexdigest()


class Cache:
    def __init__(self, url: str, header: str | None = None, timeout: float = 60):
        self.url = url.rstrip("/")
        self.headers = {}
        if header:
            name, _, value = header.partition("=")
            self.headers[name] = value
        self.timeout = timeout

    def _send(self, method: str, path: str, data=None, headers=None, absent_ok: bool = False):
        """The open response; None for a 404 when `absent_ok`."""
        request = urllib.request.Request(
            f"{self.url}/{path}", data=data, method=method, headers={**self.headers, **(headers or {})}
        )
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            if absent_ok and error.code == 404:
                return None
            raise ShareError(f"the cache answered HTTP {error.code} to {method} {path}") from None
        except (urllib.error.URLError, OSError) as error:
            raise ShareError(f"the cache {self.url} is unreachable ({getattr(error, 'reason', error)})") from None

    def get(self, path: str):
        """The open response, or None when the cache does not hold `path`."""
        return self._send("GET", path, absent_ok=True)

    def has(self, path: str) -> bool:
        response = self._send("HEAD", path, absent_ok=True)
        if response is None:
            return False
        response.close()
        return True

    def put(self, path: str, body, size: int) -> None:
        self._send("PUT", path, data=body, headers={"Content-Length": str(size)}).close()


def lookup(cache: Cache, lock_digest: str, tag: str) -> tuple[str, int] | None:
    """The (sha256, size) of the archive the cache's entry names, or None without an entry."""
    response = cache.get(f"ac/{entry_key(lock_digest, tag)}")
    if response is None:
        return None
    with response:
        return decode_action_result(response.read(), ARCHIVE_NAME)


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3.*/site-packages"))
    if len(found) != 1:
        raise ShareError(f"{venv} is not a virtual environment (no single lib/python3.*/site-packages)")
    return found[0]


def _say(message: str) -> None:
    print(f"tmgg: {message}", file=sys.stderr, flush=True)


# --- publish and fetch --------------------------------------------------------


def _gzip(stream):
    """The gzip'd pieces of a byte stream, read a block at a time (fastest level)."""
    squeeze = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    for block in iter(lambda: stream.read(CHUNK), b""):
        yield squeeze.compress(block)
    yield squeeze.flush()


def publish(cache: Cache, lock_digest: str, venv: Path, tag: str) -> str:
    """Puts `venv`'s site-packages in the cache unless it is there already. Returns what it did."""
    existing = lookup(cache, lock_digest, tag)
    if existing is not None and cache.has(f"cas/{existing[0]}"):
        return f"the cache already holds the environment for lock {lock_digest[:12]} ({tag})"
    source = site_packages(venv)
    start = time.monotonic()
    with tempfile.TemporaryFile(prefix="tmgg-env-") as archive:
        tar = subprocess.Popen(["tar", "-C", str(source), "-cf", "-", "."], stdout=subprocess.PIPE)
        digest = hashlib.sha256()
        for piece in _gzip(tar.stdout):
            archive.write(piece)
            digest.update(piece)
        size = archive.tell()
        if tar.wait() != 0:
            raise ShareError(f"tar could not read {source}")
        sha = digest.hexdigest()
        archive.seek(0)
        cache.put(f"cas/{sha}", archive, size)
    # The entry goes in last, so a reader never finds one whose archive is missing.
    entry = encode_action_result(ARCHIVE_NAME, sha, size)
    cache.put(f"ac/{entry_key(lock_digest, tag)}", entry, len(entry))
    return f"published the environment for lock {lock_digest[:12]} ({tag}): {size / 1e6:.0f} MB in {time.monotonic() - start:.0f} s"


def fetch(cache: Cache, lock_digest: str, destination: Path, tag: str) -> str:
    """Unpacks the cached site-packages into `destination` (which must be empty or absent)."""
    found = lookup(cache, lock_digest, tag)
    if found is None:
        raise LookupError(f"the cache holds no environment for lock {lock_digest[:12]} ({tag})")
    sha, size = found
    body = cache.get(f"cas/{sha}")
    if body is None:
        raise LookupError(f"the cache lost the archive of lock {lock_digest[:12]} (evicted)")
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise ShareError(f"{destination} is not empty")
    _say(f"fetching the Python environment from the remote cache ({size / 1e6:.0f} MB)")
    start = time.monotonic()
    digest = hashlib.sha256()
    got = 0
    tar = subprocess.Popen(
        ["tar", "-C", str(destination), "--no-same-owner", "-xzf", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    unpacking = True
    try:
        with body:
            for block in iter(lambda: body.read(CHUNK), b""):
                digest.update(block)
                got += len(block)
                if unpacking:
                    try:
                        tar.stdin.write(block)
                    except BrokenPipeError:
                        # tar gave up; read on, so the digest tells a corrupt archive from a failed unpack.
                        unpacking = False
    except OSError as error:
        tar.kill()
        raise ShareError(f"the download broke off after {got} bytes ({error})") from None
    finally:
        if tar.stdin:
            try:
                tar.stdin.close()
            except BrokenPipeError:
                pass
        complaint = tar.stderr.read().decode(errors="replace").strip()
        status = tar.wait()
    if got != size or digest.hexdigest() != sha:
        raise ShareError(f"the archive from the cache is corrupt ({got} bytes, sha256 {digest.hexdigest()[:12]}; expected {size} bytes, {sha[:12]})")
    if status != 0:
        raise ShareError(f"unpacking the archive failed: {complaint.splitlines()[-1] if complaint else f'tar exited {status}'}")
    return f"unpacked the Python environment from the remote cache in {time.monotonic() - start:.1f} s"


# --- command line -------------------------------------------------------------


def _cache_from_environment() -> Cache:
    """The rule's settings (TMGG_ENV_CACHE*), else the user's (TMGG_REMOTE_CACHE* or .tmgg-cache.env)."""
    url = os.environ.get("TMGG_ENV_CACHE")
    header = os.environ.get("TMGG_ENV_CACHE_HEADER")
    if not url:
        from tools.env.startup_check import cache_settings

        settings = cache_settings(WORKSPACE)
        url, header = settings.get("TMGG_REMOTE_CACHE"), settings.get("TMGG_REMOTE_CACHE_HEADER")
    if not url:
        raise SystemExit("tmgg: no remote cache set: export TMGG_REMOTE_CACHE=http://host:port (or put it in .tmgg-cache.env)")
    if not url.startswith(("http://", "https://")):
        raise SystemExit(f"tmgg: {url} is not an HTTP cache; only HTTP caches can hold the shared environment")
    return Cache(url, header)


def lock_digest_of_workspace() -> str:
    return hashlib.sha256((WORKSPACE / "tools/env/requirements.lock").read_bytes()).hexdigest()


def _default_venv(lock_digest: str) -> Path:
    root = os.environ.get("TMGG_VENV_CACHE") or str(Path.home() / ".cache/tmgg/venvs")
    return Path(root) / f"{lock_digest}-py{sys.version_info.major}.{sys.version_info.minor}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["publish", "fetch", "status"])
    parser.add_argument("--lock-digest", help="sha256 of the lock (default: tools/env/requirements.lock's)")
    parser.add_argument("--venv", type=Path, help="the environment to publish (default: the shared one for the lock)")
    parser.add_argument("--into", type=Path, help="fetch: the empty site-packages folder to unpack into")
    args = parser.parse_args(argv)
    lock_digest = args.lock_digest or lock_digest_of_workspace()
    tag = interpreter_tag()
    try:
        if args.command == "fetch":
            if not args.into:
                parser.error("fetch needs --into")
            _say(fetch(_cache_from_environment(), lock_digest, args.into, tag))
        elif args.command == "publish":
            venv = args.venv or _default_venv(lock_digest)
            if not venv.is_dir():
                raise ShareError(f"no environment for this lock at {venv}: run `tools/tmgg test` first (it builds one)")
            _say(publish(_cache_from_environment(), lock_digest, venv, tag))
        else:
            cache = _cache_from_environment()
            found = lookup(cache, lock_digest, tag)
            if found is None:
                _say(f"the cache holds no environment for lock {lock_digest[:12]} ({tag})")
                return ABSENT
            sha, size = found
            held = cache.has(f"cas/{sha}")
            _say(f"lock {lock_digest[:12]} ({tag}): archive {sha[:12]}, {size / 1e6:.0f} MB, {'held' if held else 'evicted'}")
            return 0 if held else ABSENT
    except LookupError as absent:
        _say(str(absent))
        return ABSENT
    except ShareError as error:
        _say(f"shared environment: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
