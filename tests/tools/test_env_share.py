"""The built Python environment travels through the remote cache intact, or not at all.

Rationale:
    A fresh machine fetches the environment from the cache instead of running
    pip for a minute. A corrupt or half-fetched environment would make every
    test fail for reasons unrelated to the code, so the archive is checked
    against its digest, and the entry speaks Bazel's own cache protocol so that
    any cache that serves Bazel can hold it.

Assumptions:
    GNU tar is on PATH; a loopback HTTP server (standing in for nginx's WebDAV)
    can be started inside the test sandbox.

Invariants:
    publish then fetch reproduces site-packages file for file; publishing twice
    uploads once; a missing entry is "absent" (exit 3), a corrupt archive is
    refused, an unreachable cache is one clear error; keys depend on the lock and
    the interpreter, not on paths; a read-only run (--config=dev) never asks the
    environment rule to publish.
"""

import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.env import share, startup_check

pytestmark = pytest.mark.unit

# Under Bazel, the checkout's files in the runfiles tree: the library finds the
# main repository's folder there (`tmgg` under WORKSPACE, `_main` under bzlmod).
_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]
LOCK = "a" * 64
TAG = "cpython-311-linux-x86_64"




class _Store(BaseHTTPRequestHandler):
    """GET, HEAD and PUT on an in-memory dict: what nginx's WebDAV does for Bazel."""

    blobs: dict[str, bytes] = {}
    puts: list[str] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _reply(self, with_body: bool) -> None:
        blob = self.blobs.get(self.path)
        self.send_response(200 if blob is not None else 404)
        self.send_header("Content-Length", str(len(blob or b"")))
        self.end_headers()
        if with_body and blob:
            self.wfile.write(blob)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._reply(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._reply(False)

    def do_PUT(self) -> None:  # noqa: N802
        self.blobs[self.path] = self.rfile.read(int(self.headers["Content-Length"]))
        self.puts.append(self.path)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server():
    handler = type("Store", (_Store,), {"blobs": {}, "puts": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    packages = tmp_path / "venv/lib/python3.11/site-packages"
    (packages / "torchlike/__pycache__").mkdir(parents=True)
    (packages / "torchlike/__init__.py").write_text("VALUE = 42\n")
    (packages / "torchlike/__pycache__/__init__.cpython-311.pyc").write_bytes(bytes(range(256)) * 64)
    # Over one 1 MiB read, so that a download spans several blocks.
    (packages / "torchlike/_C.so").write_bytes(os.urandom(3_000_000))
    (packages / "torchlike/_C.so").chmod(0o755)
    (packages / "torchlike-1.0.dist-info").mkdir()
    (packages / "torchlike-1.0.dist-info/RECORD").write_text("torchlike/__init__.py,,\n")
    return tmp_path / "venv"


def _tree(root: Path) -> dict[str, tuple[bytes, bool]]:
    return {
        str(path.relative_to(root)): (path.read_bytes(), os.access(path, os.X_OK))
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_action_result_round_trips_and_ignores_other_fields() -> None:
    entry = share.encode_action_result("site-packages.tar.gz", "b" * 64, 123_456_789)
    assert share.decode_action_result(entry, "site-packages.tar.gz") == ("b" * 64, 123_456_789)
    # An ActionResult as a real cache may return it: an exit code (field 4) and a second output.
    other = share._bytes_field(2, share._bytes_field(1, b"other") + share._bytes_field(2, share._bytes_field(1, b"c" * 64)))
    richer = share._int_field(4, 0) + other + entry
    assert share.decode_action_result(richer, "site-packages.tar.gz") == ("b" * 64, 123_456_789)
    with pytest.raises(share.ShareError, match="names no"):
        share.decode_action_result(other, "site-packages.tar.gz")


def test_publish_then_fetch_restores_site_packages_file_for_file(server, venv: Path, tmp_path: Path) -> None:
    store, url = server
    cache = share.Cache(url)
    assert "published" in share.publish(cache, LOCK, venv, TAG)
    # The entry is keyed by lock and interpreter; the archive by its own digest.
    entry = store.blobs[f"/ac/{share.entry_key(LOCK, TAG)}"]
    sha, size = share.decode_action_result(entry, share.ARCHIVE_NAME)
    assert hashlib.sha256(store.blobs[f"/cas/{sha}"]).hexdigest() == sha
    assert len(store.blobs[f"/cas/{sha}"]) == size
    assert store.puts[-1].startswith("/ac/"), "the entry must be written after the archive it names"

    target = tmp_path / "fetched"
    assert "unpacked" in share.fetch(cache, LOCK, target, TAG)
    assert _tree(target) == _tree(share.site_packages(venv))


def test_publishing_twice_uploads_once(server, venv: Path) -> None:
    store, url = server
    share.publish(share.Cache(url), LOCK, venv, TAG)
    uploads = len(store.puts)
    assert "already holds" in share.publish(share.Cache(url), LOCK, venv, TAG)
    assert len(store.puts) == uploads


def test_a_missing_entry_is_absent_not_an_error(server, tmp_path: Path, monkeypatch) -> None:
    _, url = server
    monkeypatch.setenv("TMGG_ENV_CACHE", url)
    into = tmp_path / "site-packages"
    assert share.main(["fetch", "--lock-digest", LOCK, "--into", str(into)]) == share.ABSENT
    assert share.main(["status", "--lock-digest", LOCK]) == share.ABSENT
    assert not into.exists() or not any(into.iterdir())


def test_another_lock_or_interpreter_misses(server, venv: Path, tmp_path: Path) -> None:
    _, url = server
    cache = share.Cache(url)
    share.publish(cache, LOCK, venv, TAG)
    with pytest.raises(LookupError):
        share.fetch(cache, "f" * 64, tmp_path / "other-lock", TAG)
    with pytest.raises(LookupError):
        share.fetch(cache, LOCK, tmp_path / "other-python", "cpython-312-linux-x86_64")
    # Nothing machine-specific enters the key: the same inputs give the same key anywhere.
    assert share.entry_key(LOCK, TAG) == share.entry_key(LOCK, TAG)
    assert str(tmp_path) not in share.entry_key(LOCK, TAG)


def test_a_corrupt_archive_is_refused(server, venv: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    store, url = server
    share.publish(share.Cache(url), LOCK, venv, TAG)
    sha, _ = share.decode_action_result(store.blobs[f"/ac/{share.entry_key(LOCK, TAG)}"], share.ARCHIVE_NAME)
    blob = bytearray(store.blobs[f"/cas/{sha}"])
    blob[len(blob) // 2] ^= 0xFF
    store.blobs[f"/cas/{sha}"] = bytes(blob)
    with pytest.raises(share.ShareError, match="corrupt"):
        share.fetch(share.Cache(url), LOCK, tmp_path / "fetched", TAG)
    # The command line turns it into exit 1 and one line, so the rule falls back to pip.
    monkeypatch.setenv("TMGG_ENV_CACHE", url)
    monkeypatch.setattr(share, "interpreter_tag", lambda: TAG)
    code = share.main(["fetch", "--lock-digest", LOCK, "--into", str(tmp_path / "again")])
    assert code == 1
    assert "shared environment:" in capsys.readouterr().err


def test_a_wrong_length_archive_is_refused_even_if_tar_accepts_it(server, venv: Path, tmp_path: Path) -> None:
    store, url = server
    share.publish(share.Cache(url), LOCK, venv, TAG)
    sha, size = share.decode_action_result(store.blobs[f"/ac/{share.entry_key(LOCK, TAG)}"], share.ARCHIVE_NAME)
    # Trailing junk after the gzip stream: tar may ignore it, the digest check must not.
    store.blobs[f"/cas/{sha}"] += b"\0" * 512
    with pytest.raises(share.ShareError, match="corrupt"):
        share.fetch(share.Cache(url), LOCK, tmp_path / "fetched", TAG)


def test_an_unreachable_cache_is_one_clear_error(tmp_path: Path) -> None:
    dead = share.Cache("http://127.0.0.1:9", timeout=2)
    with pytest.raises(share.ShareError, match="unreachable"):
        share.fetch(dead, LOCK, tmp_path / "fetched", TAG)


def test_only_runs_that_ask_to_write_upload_results_or_publish_the_environment(server, tmp_path: Path, monkeypatch) -> None:
    _, url = server
    monkeypatch.setenv("TMGG_REMOTE_CACHE", url)
    monkeypatch.delenv("TMGG_REMOTE_CACHE_HEADER", raising=False)
    writing = startup_check.cache_flags(tmp_path, ["--config=ci", "//..."])
    assert f"--repo_env=TMGG_ENV_CACHE={url}" in writing
    assert "--repo_env=TMGG_ENV_CACHE_WRITE=1" in writing
    assert "--noremote_upload_local_results" not in writing
    for args in (["--config=dev", "//..."], ["//..."], ["--config=ci", "--config=dev", "//..."]):
        reading = startup_check.cache_flags(tmp_path, args)
        assert f"--repo_env=TMGG_ENV_CACHE={url}" in reading
        assert "--repo_env=TMGG_ENV_CACHE_WRITE=1" not in reading
        # People read, CI writes: a plain run uploads nothing.
        assert "--noremote_upload_local_results" in reading
    explicit = startup_check.cache_flags(tmp_path, ["--remote_upload_local_results", "//..."])
    assert "--noremote_upload_local_results" not in explicit and "--repo_env=TMGG_ENV_CACHE_WRITE=1" in explicit
    monkeypatch.setenv("TMGG_REMOTE_CACHE", "http://127.0.0.1:9")
    assert startup_check.cache_flags(tmp_path, ["//..."]) == []


def test_an_evicted_archive_is_absent_and_published_again(server, venv: Path, tmp_path: Path) -> None:
    store, url = server
    cache = share.Cache(url)
    share.publish(cache, LOCK, venv, TAG)
    sha, _ = share.decode_action_result(store.blobs[f"/ac/{share.entry_key(LOCK, TAG)}"], share.ARCHIVE_NAME)
    # The cache's size cap evicted the archive but kept the small entry naming it.
    del store.blobs[f"/cas/{sha}"]
    with pytest.raises(LookupError, match="evicted"):
        share.fetch(cache, LOCK, tmp_path / "fetched", TAG)
    assert "published" in share.publish(cache, LOCK, venv, TAG)
    assert "unpacked" in share.fetch(cache, LOCK, tmp_path / "fetched-again", TAG)


def test_a_failed_unpack_of_a_sound_archive_is_not_called_corrupt(server, venv: Path, tmp_path: Path, monkeypatch) -> None:
    _, url = server
    share.publish(share.Cache(url), LOCK, venv, TAG)
    real_popen = share.subprocess.Popen

    def failing_tar(command, **kwargs):
        # A tar that stops at once, as one does on a full disk, without reading its input.
        return real_popen(["sh", "-c", "echo 'tar: ./torchlike/_C.so: Cannot write: No space left on device' >&2; exit 2"], **kwargs)

    monkeypatch.setattr(share.subprocess, "Popen", failing_tar)
    with pytest.raises(share.ShareError, match="unpacking the archive failed: tar: .*No space left"):
        share.fetch(share.Cache(url), LOCK, tmp_path / "fetched", TAG)
