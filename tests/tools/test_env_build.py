"""The environment is built with uv, and with pip, after one line that says why, when uv cannot.

Rationale:
    tools/env/build.py is what the environment rule runs when neither
    this machine nor the remote cache has the environment. uv builds it in
    seconds; pip is the fallback that must keep working wherever uv does not
    (another platform, a registry without uv, a uv that breaks). A fallback
    that is never exercised rots, so each way into it is run here, with a real
    pip installing a real (tiny) wheel against a real hash.

Assumptions:
    The interpreter running the tests can make virtual environments with pip
    (venv and ensurepip). Nothing is downloaded: pip reads no configuration
    file and finds packages only in a folder of wheels the test writes, and
    uv, where it is needed, is a shell script that stands in for it.

Invariants:
    uv unavailable or failing gives exactly one line, naming why, then pip
    builds the environment and `.tmgg-origin` says "pip"; TMGG_ENV_INSTALLER=pip
    never runs uv and says nothing; uv receives the lock with --require-hashes
    and the package sources pip is configured with, its cache under the root;
    a pip failure is one line and exit 1; bytecode is taken from another
    environment only for the very same source file; `--variant gpu` gives
    neither uv nor pip the find-links folder (it holds the CPU build of torch)
    but every other package source.
"""

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.env import build as env_build

pytestmark = pytest.mark.unit

_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]
UV_REQUIREMENTS = ROOT / "tools/env/uv-requirements.txt"
FALLBACK_TAIL = "; building with pip instead"
# What pip (23.2) prints when a downloaded file's hash is not in the lock.
PIP_HASH_MISMATCH = """\
ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated the package versions, please update the hashes. Otherwise, examine the package contents carefully; someone may have tampered with them.
    idna==3.11 from https://files.pythonhosted.org/packages/0e/61/66938bbb5fc52dbdf84594873d5b51fb1f7c7794e9c0f5bd885f30bc507b/idna-3.11-py3-none-any.whl (from -r bad.txt (line 1)):
        Expected sha256 0000000000000000000000000000000000000000000000000000000000000000
             Got        771a87f49d9defaf64091e6e6fe9c18d4833f140bd19464795bc32d966ca37ea
"""




def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _wheel(folder: Path) -> Path:
    """A one-module pure-Python wheel, tmggprobe 1.0."""
    dist = "tmggprobe-1.0.dist-info"
    files = {
        "tmggprobe/__init__.py": b"VALUE = 1\n",
        f"{dist}/METADATA": b"Metadata-Version: 2.1\nName: tmggprobe\nVersion: 1.0\n",
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tmgg-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files.items()) + f"{dist}/RECORD,,\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / "tmggprobe-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(f"{dist}/RECORD", record)
    return wheel


@pytest.fixture()
def site(tmp_path: Path) -> dict:
    """A folder of wheels, a lock of tmggprobe with its true hash, an empty root, and pip confined to the folder."""
    wheel = _wheel(tmp_path / "wheels")
    lock = tmp_path / "requirements.lock"
    lock.write_text(f"tmggprobe==1.0 \\\n    --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path / "wheels"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    return {"lock": lock, "root": tmp_path / "root", "venv": tmp_path / "root/.build.test", "env": env}


def _fake_uv(root: Path, script: str) -> Path:
    """Puts a stand-in for uv where env_build.py keeps the installed one; returns the file it logs its arguments to."""
    version = env_build.pinned_version(UV_REQUIREMENTS)
    bin_dir = root / "tools" / f"uv-{version}" / "bin"
    bin_dir.mkdir(parents=True)
    log = root / "uv-arguments.txt"
    uv = bin_dir / "uv"
    uv.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "uv {version} (stand-in)"; exit 0; fi\n'
        f'printf "%s\\n" "$@" >"{log}"\n'
        f'printf "UV_CACHE_DIR=%s\\nSSL_CERT_FILE=%s\\n" "$UV_CACHE_DIR" "$SSL_CERT_FILE" >>"{log}"\n'
        + script
    )
    # The tool environment's interpreter, asked for pip's settings: the settings of a machine like ours.
    python = bin_dir / "python3"
    python.write_text(
        "#!/bin/sh\n"
        "echo \"global.find-links='/srv/wheels'\"\n"
        "echo \"global.extra-index-url='file:///srv/a/simple file:///srv/b/simple'\"\n"
        "echo \"global.cert='/etc/ssl/certs/ca-certificates.crt'\"\n"
        "echo \"global.timeout='60'\"\n"
    )
    for executable in (uv, python):
        executable.chmod(0o755)
    return log


def _build(site: dict, *extra: str) -> subprocess.CompletedProcess:
    """The module as the environment rule runs it: `python -B -m tools.env.build`, from the workspace root."""
    command = [sys.executable, "-B", "-m", "tools.env.build", "--lock", str(site["lock"]), "--venv", str(site["venv"]),
               "--root", str(site["root"]), "--uv-requirements", str(UV_REQUIREMENTS), *extra]
    return subprocess.run(command, env=site["env"], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _origin(site: dict) -> str:
    return (site["venv"] / ".tmgg-origin").read_text().strip()


def _imports_probe(site: dict) -> str:
    probe = [str(site["venv"] / "bin/python3"), "-c", "import tmggprobe; print(tmggprobe.VALUE)"]
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture()
def pip_stub(monkeypatch: pytest.MonkeyPatch) -> list:
    """pip's install, replaced by a record of its calls: the real one is run by the first test."""
    calls = []

    def install_with_pip(lock: Path, venv: Path, variant: str = "cpu") -> None:
        calls.append((lock, venv) if variant == "cpu" else (lock, venv, variant))
        venv.mkdir(parents=True, exist_ok=True)

    monkeypatch.setattr(env_build, "install_with_pip", install_with_pip)
    return calls


def _build_here(site: dict, installer: str = "uv", variant: str = "cpu") -> str:
    return env_build.build(site["lock"], site["venv"], site["root"], installer, UV_REQUIREMENTS, variant)


def _has(arguments: list, expected: list) -> bool:
    return any(arguments[at : at + len(expected)] == expected for at in range(len(arguments)))


def test_uv_that_cannot_be_installed_falls_back_to_pip_after_one_line(site: dict) -> None:
    # The folder of wheels holds no uv, so its pinned, hashed install fails as on a registry without it.
    built = _build(site)
    assert built.returncode == 0, built.stderr
    lines = built.stderr.splitlines()
    assert len(lines) == 1, built.stderr
    assert lines[0].startswith("tmgg: uv could not be installed (") and lines[0].endswith(FALLBACK_TAIL)
    assert "uv==" in lines[0]  # pip's reason names the requirement it could not satisfy
    assert _origin(site) == "pip"
    assert _imports_probe(site) == "1"
    # Nothing half-installed is left where the next build would find it.
    assert not any(site["root"].joinpath("tools").iterdir())


def test_uv_that_fails_falls_back_to_pip_with_uv_error(site: dict, pip_stub: list, capsys: pytest.CaptureFixture) -> None:
    _fake_uv(site["root"], 'echo "error: Failed to download \\`idna==3.20\\`" >&2\necho "  cause: Hash mismatch for \\`idna==3.20\\`" >&2\nexit 2\n')
    assert _build_here(site) == "pip"
    assert capsys.readouterr().err.splitlines() == [f"tmgg: uv failed: Failed to download `idna==3.20` (Hash mismatch for `idna==3.20`){FALLBACK_TAIL}"]
    assert pip_stub == [(site["lock"], site["venv"])]
    assert _origin(site) == "pip"


def test_uv_gets_the_hashed_lock_and_pips_package_sources(site: dict) -> None:
    log = _fake_uv(site["root"], "exit 0\n")
    built = _build(site)
    assert built.returncode == 0 and built.stderr == "", built.stderr
    assert _origin(site) == "uv"
    arguments = log.read_text().splitlines()
    for expected in (["--require-hashes"], ["--no-deps"], ["--no-config"], ["-r", str(site["lock"].resolve())],
                     ["--python", str(site["venv"] / "bin/python3")], ["--find-links", "/srv/wheels"],
                     ["--extra-index-url", "file:///srv/a/simple"], ["--extra-index-url", "file:///srv/b/simple"],
                     ["--index-strategy", "unsafe-best-match"]):
        assert _has(arguments, expected), expected
    assert f"UV_CACHE_DIR={site['root'] / 'uv-cache'}" in arguments
    assert "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" in arguments
    # uv alone makes no pip; the environment has none.
    assert not (site["venv"] / "bin/pip").exists()


def test_gpu_variant_gives_uv_every_source_but_find_links(site: dict) -> None:
    log = _fake_uv(site["root"], "exit 0\n")
    built = _build(site, "--variant", "gpu")
    assert built.returncode == 0 and built.stderr == "", built.stderr
    arguments = log.read_text().splitlines()
    assert "--find-links" not in arguments and "/srv/wheels" not in arguments
    for expected in (["--require-hashes"], ["-r", str(site["lock"].resolve())], ["--extra-index-url", "file:///srv/a/simple"],
                     ["--extra-index-url", "file:///srv/b/simple"], ["--index-strategy", "unsafe-best-match"]):
        assert _has(arguments, expected), expected
    assert "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" in arguments


@pytest.mark.parametrize("variant, isolated", [("cpu", False), ("gpu", True)])
def test_pip_gets_find_links_for_cpu_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: str, isolated: bool) -> None:
    commands = []

    def run(command: list, **kwargs) -> subprocess.CompletedProcess:
        commands.append([str(part) for part in command])
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(env_build, "_make_venv", lambda venv, with_pip: None)
    monkeypatch.setattr(env_build, "_run", run)
    monkeypatch.setattr(env_build, "pip_sources", lambda python: {
        "find-links": ["/srv/wheels"], "extra-index-url": ["file:///srv/a/simple"], "cert": ["/etc/ca.crt"]})
    env_build.install_with_pip(tmp_path / "requirements.lock", tmp_path / "venv", variant)
    [command] = commands
    assert _has(command, ["--require-hashes"]) and _has(command, ["-r", str(tmp_path / "requirements.lock")])
    if isolated:
        # pip reads no configuration (its find-links among it) and gets the rest on its command line.
        assert "--isolated" in command and "--find-links" not in command
        assert _has(command, ["--extra-index-url", "file:///srv/a/simple"]) and _has(command, ["--cert", "/etc/ca.crt"])
    else:
        # pip applies its own configuration, find-links included.
        assert not {"--isolated", "--find-links", "--extra-index-url", "--cert"} & set(command)


def test_variant_reaches_the_pip_fallback(site: dict, pip_stub: list) -> None:
    assert _build_here(site, installer="pip", variant="gpu") == "pip"
    assert pip_stub == [(site["lock"], site["venv"], "gpu")]


def test_unknown_variant_is_refused(site: dict, capsys: pytest.CaptureFixture) -> None:
    status = env_build.main(["--lock", str(site["lock"]), "--venv", str(site["venv"]), "--root", str(site["root"]), "--variant", "cuda"])
    assert status == 2
    assert capsys.readouterr().err.strip() == "tmgg: --variant cuda is not one of cpu, gpu"


def test_installer_pip_never_runs_uv_and_says_nothing(site: dict, pip_stub: list, capsys: pytest.CaptureFixture) -> None:
    log = _fake_uv(site["root"], "exit 0\n")
    assert _build_here(site, installer="pip") == "pip"
    assert capsys.readouterr().err == ""
    assert not log.exists()
    assert pip_stub == [(site["lock"], site["venv"])]


def test_pip_failure_is_one_line_and_exit_1(site: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    def install_with_pip(lock: Path, venv: Path, variant: str) -> None:
        raise env_build.BuildError(f"installing {lock.name} failed: {env_build.pip_error(PIP_HASH_MISMATCH)}")

    monkeypatch.setattr(env_build, "install_with_pip", install_with_pip)
    log = site["root"].parent / "build.log"
    status = env_build.main(["--lock", str(site["lock"]), "--venv", str(site["venv"]), "--root", str(site["root"]), "--installer", "pip",
                             "--log", str(log)])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "tmgg: building the Python environment failed (installing requirements.lock failed: THESE PACKAGES DO NOT MATCH THE HASHES"
        " FROM THE REQUIREMENTS FILE (idna==3.11)); a downloaded file's hash is not the one in requirements.lock: regenerate the lock"
        f" (python3 -m tools.env.lock) if its versions changed, else check where pip takes packages from; full log: {log}"
    ]


def _one_line(built: subprocess.CompletedProcess) -> str:
    """The build's only line on stderr (no traceback, no page of pip output), without its prefix."""
    lines = built.stderr.splitlines()
    assert built.returncode == 1 and len(lines) == 1 and lines[0].startswith("tmgg: "), built.stderr
    return lines[0]


def test_no_wheel_and_no_network_is_one_line_with_what_to_do_and_the_log(site: dict) -> None:
    (site["lock"].parent / "wheels" / "tmggprobe-1.0-py3-none-any.whl").unlink()
    log = site["root"].parent / "build.log"
    line = _one_line(_build(site, "--installer", "pip", "--log", str(log)))
    assert "No matching distribution found for tmggprobe==1.0" in line or "Could not find a version" in line
    assert "could not be downloaded" in line and "connect to the network" in line and "TMGG_REMOTE_CACHE" in line
    assert line.endswith(f"; full log: {log}")
    assert "No matching distribution found for tmggprobe==1.0" in log.read_text()


def test_a_lock_line_pip_cannot_read_is_one_line_naming_it(site: dict) -> None:
    site["lock"].write_text("tmggprobe=1.0 \\\n    --hash=sha256:00\n")
    log = site["root"].parent / "build.log"
    line = _one_line(_build(site, "--installer", "pip", "--log", str(log)))
    assert "Invalid requirement: 'tmggprobe=1.0' (from line 1 of" in line
    assert "requirements.lock has a line the installer cannot read" in line and "python3 -m tools.env.lock" in line
    assert line.endswith(f"; full log: {log}")


def test_a_missing_lock_is_one_line(site: dict) -> None:
    site["lock"].unlink()
    line = _one_line(_build(site, "--installer", "pip"))
    assert "requirements.lock is not a file" in line and "python3 -m tools.env.lock" in line


def test_a_full_disk_is_one_line_not_a_traceback(site: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    def install_with_pip(lock: Path, venv: Path, variant: str) -> None:
        raise OSError(28, "No space left on device", str(venv / "lib"))

    monkeypatch.setattr(env_build, "install_with_pip", install_with_pip)
    log = site["root"].parent / "build.log"
    status = env_build.main(["--lock", str(site["lock"]), "--venv", str(site["venv"]), "--root", str(site["root"]), "--installer", "pip",
                             "--log", str(log)])
    lines = capsys.readouterr().err.splitlines()
    assert status == 1 and len(lines) == 1, lines
    assert f"(No space left on device: {site['venv'] / 'lib'}); the disk is full: free some space" in lines[0]
    assert "TMGG_VENV_CACHE" in lines[0] and lines[0].endswith(f"; full log: {log}")


def test_unknown_installer_is_refused(site: dict, capsys: pytest.CaptureFixture) -> None:
    status = env_build.main(["--lock", str(site["lock"]), "--venv", str(site["venv"]), "--root", str(site["root"]), "--installer", "conda"])
    assert status == 2
    assert capsys.readouterr().err.strip() == "tmgg: TMGG_ENV_INSTALLER=conda is not one of uv, pip"


def test_pip_config_as_pip_install_applies_it() -> None:
    listing = "\n".join([
        ":env:.find-links='/from/env'",
        "global.find-links='/from/global'",
        "global.index-url='https://mirror.example/simple'",
        "install.index-url='https://install.example/simple'",
        "global.extra-index-url='file:///a/simple file:///b/simple'",
        "global.timeout='60'",
        "download.find-links='/ignored'",
    ])
    assert env_build.parse_pip_config(listing) == {
        "find-links": ["/from/env"],
        "index-url": ["https://install.example/simple"],
        "extra-index-url": ["file:///a/simple", "file:///b/simple"],
    }
    options, env = env_build.uv_options({"find-links": ["/w"], "no-index": ["true"], "extra-index-url": ["file:///a"]})
    assert options == ["--find-links", "/w", "--no-index"] and env == {}


def _environment(root: Path, name: str, origin: str | None) -> Path:
    venv = root / name
    (venv / "lib/python3.11/site-packages/pkg").mkdir(parents=True)
    if origin:
        (venv / ".tmgg-origin").write_text(origin + "\n")
    return venv


def test_bytecode_is_reused_only_for_the_very_same_source_file(tmp_path: Path) -> None:
    suffix = "-py%d.%d" % sys.version_info[:2]
    old = _environment(tmp_path, "a" * 64 + suffix, "uv")
    pip_built = _environment(tmp_path, "b" * 64 + suffix, "pip")
    new = _environment(tmp_path, ".build.new", None)
    shared, changed = "lib/python3.11/site-packages/pkg/shared.py", "lib/python3.11/site-packages/pkg/changed.py"
    for venv in (old, pip_built):
        (venv / shared).write_text("A = 1\n")
        (venv / changed).write_text("B = 1\n")
    for venv in (old, new):
        (venv / "bin").mkdir()
        (venv / "bin/python3").symlink_to(sys.executable)
    env_build.compile_bytecode(old)
    # uv links an unchanged package's files from its cache: the same inode in both environments.
    os.link(old / shared, new / shared)
    (new / changed).write_text("B = 2\n")

    assert env_build._newest_uv_sibling(new, tmp_path) == old
    seeded = env_build.seed_bytecode(new, old)
    assert seeded == {new / shared}
    assert os.path.samefile(env_build._bytecode(new / shared), env_build._bytecode(old / shared))
    assert env_build.compile_bytecode(new, seeded) == 1
    assert env_build._bytecode(new / changed).is_file()
    assert not os.path.samefile(env_build._bytecode(new / changed), env_build._bytecode(old / changed))
