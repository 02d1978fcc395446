#!/usr/bin/env python3
"""Builds the test environment from the hashed lock: with uv, else with pip.

tools/build/rules/python_venv.bzl runs it when the machine has no environment for the
lock and the remote cache has none either:

    python3 -m tools.env.build --lock LOCK --venv DIR --root ROOT [--installer uv|pip] [--variant cpu|gpu]

uv installs the lock in seconds where pip takes most of a minute (1.4 s once
its cache holds the wheels; bench/results/env_build.md). It is pinned, with
its wheels' hashes, in tools/env/uv-requirements.txt and installed once per
machine, by pip with --require-hashes, into a virtual environment of its own,
ROOT/tools/uv-<version> (scratch folder, then rename, like the environments).
Its cache is ROOT/uv-cache, on the environments' file system, so uv hard-links
the files of the wheels into each environment instead of copying a gigabyte;
a file edited inside an environment is edited in the cache too, so don't.

uv reads no pip configuration, and pip's is what finds the local CPU build of
torch on these machines, so the settings that say where packages come from
(find-links, index-url, extra-index-url, no-index, cert) are read with
`pip config list` and handed to uv; with more than one index uv, like pip,
takes each pinned file from whichever index has it. The lock's hashes hold
either way: uv and pip both refuse any file whose sha256 the lock does not list.

`--variant gpu` is for tools/env/requirements-gpu.lock, whose torch is the
CUDA build from the default index: pip's find-links, which hold the local
CPU build of the same version, are left out (for pip, `--isolated` and the
other source settings passed explicitly), so the CUDA wheel is the one
installed. The default, `cpu`, passes them all.

When uv cannot be installed or fails, one line says why and pip builds the
environment, as it did before uv. `--installer pip` (TMGG_ENV_INSTALLER=pip in
the rule) skips uv.

Tests run with PYTHONDONTWRITEBYTECODE=1, so every module is compiled now,
which is most of a build by uv (15 to 35 s on two cores). A file uv linked
from its cache is the same file (inode) as in the newest other environment uv
built in ROOT, so that environment's bytecode for it is linked too and only
the rest is compiled: after a lock edit that changes one package, only that
package is, and the build takes about 3 s.

Writes `.tmgg-origin` ("uv" or "pip") into the environment. Exit status: 0
built; 1 failed, with one line on stderr that names the cause (no network
and no wheel, a lock line pip cannot read, a hash the lock does not list, a
full disk, a folder it may not write) and what to do, and the path of the
log that holds everything uv, pip and venv printed (`--log`, by default
tmgg-env-build-<lock digest>.log in the temporary folder); 2 bad usage.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
UV_REQUIREMENTS = HERE / "uv-requirements.txt"
INSTALLERS = ("uv", "pip")
# cpu: requirements.lock, torch from pip's find-links; gpu: requirements-gpu.lock, torch from the default index.
VARIANTS = ("cpu", "gpu")
# The pip settings that decide where packages come from; the rest (timeouts, progress bars) do not matter to uv.
PIP_SOURCE_KEYS = ("find-links", "index-url", "extra-index-url", "no-index", "cert")
# A finished environment in ROOT: `<lock sha256>-py<major.minor>` (see python_venv.bzl).
ENVIRONMENT_NAME = re.compile(r"[0-9a-f]{64}-py\d+\.\d+")


class InstallerError(Exception):
    """uv could not be had or did not work: one line, then pip builds the environment."""


class BuildError(Exception):
    """The environment could not be built at all: one line for the user."""


# Every command and its output, at DEBUG: main sends them to the log file its one line names.
# Nothing reaches stderr from here (no propagation), which holds only the one line.
_COMMANDS = logging.getLogger("tmgg.env.build")
_COMMANDS.propagate = False


class _LogFile(logging.FileHandler):
    """The build's log file; a log that cannot be written (a full disk) must not hide the failure it would record."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        pass


def _say(message: str) -> None:
    print(f"tmgg: {message}", file=sys.stderr, flush=True)


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    _COMMANDS.debug("$ %s\n%s%s(exit %d)\n", " ".join(str(part) for part in command), done.stdout, done.stderr, done.returncode)
    return done


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


# --- uv itself ----------------------------------------------------------------


def pinned_version(requirements: Path) -> str:
    """The version `requirements` pins uv to (`uv==X.Y.Z`)."""
    found = re.search(r"^uv==(\S+)", requirements.read_text(), re.MULTILINE)
    if not found:
        raise InstallerError(f"{requirements} pins no uv version")
    return found.group(1)


def _tool_venv_python(tool: Path) -> Path:
    return tool / "bin/python3"


def ensure_uv(root: Path, requirements: Path = UV_REQUIREMENTS) -> Path:
    """The folder of a working uv, installed into ROOT/tools/uv-<version> if it is not there yet.

    Raises:
        InstallerError: uv cannot be installed or does not run.
    """
    version = pinned_version(requirements)
    tool = root / "tools" / f"uv-{version}"
    if not tool.is_dir():
        (root / "tools").mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".uv-{version}.", dir=root / "tools"))
        try:
            made = _run([sys.executable, "-m", "venv", "--clear", scratch])
            if made.returncode != 0:
                raise InstallerError(f"its virtual environment could not be made: {_last_line(made.stderr)}")
            installed = _run(
                [_tool_venv_python(scratch), "-m", "pip", "install", "--quiet", "--no-input",
                 "--disable-pip-version-check", "--require-hashes", "--no-deps", "-r", requirements]
            )
            if installed.returncode != 0:
                raise InstallerError(pip_error(installed.stderr) or f"pip exited {installed.returncode}")
            # Atomic: a concurrent install that finished first wins, and this one is dropped.
            try:
                scratch.rename(tool)
            except OSError as error:
                if not tool.is_dir():
                    raise InstallerError(f"it could not be moved into {tool} ({error.strerror})") from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    uv = tool / "bin/uv"
    try:
        answer = _run([uv, "--version"])
    except OSError as error:
        raise InstallerError(f"{uv} does not run: {error.strerror}; delete {tool} to reinstall it") from None
    if answer.returncode != 0 or not answer.stdout.startswith(f"uv {version}"):
        raise InstallerError(f"{uv} does not run as uv {version}: {_last_line(answer.stderr or answer.stdout)}; delete {tool} to reinstall it")
    return tool


# --- pip's settings, for uv -----------------------------------------------------


def parse_pip_config(listing: str) -> dict[str, list[str]]:
    """The values of PIP_SOURCE_KEYS in `pip config list` output, as pip would apply them to `pip install`.

    pip lists `section.key='value'` (files merged) and `:env:.key='value'` for PIP_* variables;
    `install` overrides `global`, and the environment overrides both. Multi-valued settings
    are separated by whitespace.
    """
    rank = {"global": 0, "install": 1, ":env:": 2}
    chosen: dict[str, tuple[int, str]] = {}
    for line in listing.splitlines():
        name, sep, raw = line.partition("=")
        section, _, key = name.strip().rpartition(".")
        if not sep or key not in PIP_SOURCE_KEYS or section not in rank:
            continue
        try:
            value = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError):
            value = raw.strip().strip("'\"")
        if key not in chosen or rank[section] >= chosen[key][0]:
            chosen[key] = (rank[section], str(value))
    return {key: value.split() for key, (_, value) in chosen.items()}


def pip_sources(python: Path) -> dict[str, list[str]]:
    """Where this machine's pip takes packages from (empty when pip cannot say)."""
    try:
        listing = _run([python, "-m", "pip", "config", "list"])
    except OSError:
        return {}
    return parse_pip_config(listing.stdout) if listing.returncode == 0 else {}


def variant_sources(sources: dict[str, list[str]], variant: str) -> dict[str, list[str]]:
    """pip's `sources` as the lock `variant` needs them: without find-links for gpu.

    The find-links folder holds torch's CPU build, whose version (`2.13.0+cpu`)
    satisfies the gpu lock's `torch==2.13.0` too; offered it, an installer could
    take it and then fail on its hash.
    """
    if variant == "gpu":
        return {key: value for key, value in sources.items() if key != "find-links"}
    return dict(sources)


def _source_options(sources: dict[str, list[str]]) -> list[str]:
    """The options pip and uv share for pip's `sources`: find-links, then no index or the indexes."""
    options: list[str] = []
    for folder in sources.get("find-links", []):
        options += ["--find-links", folder]
    if sources.get("no-index", ["false"])[0].lower() in ("1", "true", "yes", "on"):
        return [*options, "--no-index"]
    for url in sources.get("index-url", [])[:1]:
        options += ["--index-url", url]
    for url in sources.get("extra-index-url", []):
        options += ["--extra-index-url", url]
    return options


def pip_options(sources: dict[str, list[str]]) -> list[str]:
    """pip's command-line options for `sources`, read from no configuration (`--isolated`)."""
    options = ["--isolated", *_source_options(sources)]
    for cert in sources.get("cert", [])[:1]:
        options += ["--cert", cert]
    return options


def uv_options(sources: dict[str, list[str]]) -> tuple[list[str], dict[str, str]]:
    """uv's command-line options and environment for pip's `sources`."""
    options = _source_options(sources)
    env: dict[str, str] = {}
    if "--extra-index-url" in options:
        # pip takes each file from whichever index has it; uv's default stops at the first
        # index that knows the package. The lock's hashes decide which file is acceptable.
        options += ["--index-strategy", "unsafe-best-match"]
    if sources.get("cert"):
        env["SSL_CERT_FILE"] = sources["cert"][0]
    return options, env


# --- installing the lock --------------------------------------------------------


def uv_error(stderr: str) -> str:
    """uv's `error:` line, with its first `cause:` when it has one."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line[len("error:"):].strip() for line in lines if line.startswith("error:")]
    causes = [line[len("cause:"):].strip() for line in lines if line.startswith("cause:")]
    if not errors:
        return lines[-1] if lines else ""
    return errors[0] + (f" ({causes[0]})" if causes else "")


def pip_error(stderr: str) -> str:
    """pip's first ERROR line, cut to its first sentence, and the packages it names."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    if not errors:
        return lines[-1] if lines else ""
    first = errors[0][len("ERROR:"):].strip().split(". ")[0]
    # e.g. "idna==3.10 from https://...whl#sha256=...:" under a hash mismatch
    named = [line.split(" from ")[0] for line in lines if "==" in line and " from " in line and not line.startswith("ERROR:")]
    return first + (f" ({', '.join(named)})" if named else "")


def _make_venv(venv: Path, with_pip: bool) -> None:
    made = _run([sys.executable, "-m", "venv", "--clear", *([] if with_pip else ["--without-pip"]), venv])
    if made.returncode != 0:
        raise BuildError(f"creating the virtual environment failed: {_last_line(made.stderr)}")


def install_with_uv(tool: Path, lock: Path, venv: Path, cache: Path, variant: str = "cpu") -> None:
    """Installs the lock into a new environment at `venv` with uv, from the sources `variant` takes.

    Raises:
        InstallerError: uv failed (its error line).
    """
    _make_venv(venv, with_pip=False)
    options, env = uv_options(variant_sources(pip_sources(_tool_venv_python(tool)), variant))
    installed = _run(
        [tool / "bin/uv", "pip", "install", "--no-config", "--no-progress", "--require-hashes", "--no-deps",
         "-r", lock, "--python", venv / "bin/python3", *options],
        env={**os.environ, **env, "UV_CACHE_DIR": str(cache)},
    )
    if installed.returncode != 0:
        raise InstallerError(uv_error(installed.stderr) or f"uv exited {installed.returncode}")


def install_with_pip(lock: Path, venv: Path, variant: str = "cpu") -> None:
    """Installs the lock into a new environment at `venv` with pip, which the environment keeps.

    For cpu, pip applies its own configuration; for gpu, its configured sources less find-links.

    Raises:
        BuildError: pip failed (its error line).
    """
    _make_venv(venv, with_pip=True)
    sources = [] if variant == "cpu" else pip_options(variant_sources(pip_sources(venv / "bin/python3"), variant))
    installed = _run(
        [venv / "bin/python3", "-m", "pip", "install", *sources, "--quiet", "--no-input", "--disable-pip-version-check",
         "--require-hashes", "--no-deps",
         # pip compiles every module on one core; compile_bytecode below uses all of them.
         "--no-compile", "-r", lock]
    )
    if installed.returncode != 0:
        raise BuildError(f"installing {lock.name} failed: {pip_error(installed.stderr) or f'pip exited {installed.returncode}'}")


# --- bytecode -------------------------------------------------------------------


def _sources(folder: Path) -> list[Path]:
    """Every .py file under `folder`, as compileall would find them (no symlinked folders)."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        found += [Path(top, name) for name in files if name.endswith(".py")]
    return sorted(found)


def _bytecode(source: Path) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"


def _newest_uv_sibling(venv: Path, root: Path | None) -> Path | None:
    """The newest finished environment uv built in `root` for this Python, other than `venv`."""
    if root is None or not root.is_dir():
        return None
    suffix = "-py%d.%d" % sys.version_info[:2]
    found = []
    for other in root.iterdir():
        origin = other / ".tmgg-origin"
        if other != venv and ENVIRONMENT_NAME.fullmatch(other.name) and other.name.endswith(suffix) and origin.is_file():
            if origin.read_text().strip() == "uv":
                found.append((origin.stat().st_mtime, other))
    return max(found)[1] if found else None


def seed_bytecode(venv: Path, sibling: Path) -> set[Path]:
    """Links `sibling`'s bytecode for each source file both environments share; returns those sources.

    Shared means the very same file (inode): uv linked both from its cache, so the .pyc
    compiled from it in `sibling` is valid here too.
    """
    seeded = set()
    for source in _sources(venv / "lib"):
        relative = source.relative_to(venv)
        old = _bytecode(sibling / relative)
        try:
            if not os.path.samefile(source, sibling / relative) or not old.is_file():
                continue
            new = _bytecode(source)
            new.parent.mkdir(exist_ok=True)
            try:
                os.link(old, new)
            except OSError:
                shutil.copy2(old, new)
        except OSError:
            continue
        seeded.add(source)
    return seeded


def compile_bytecode(venv: Path, skip: set[Path] = frozenset()) -> int:
    """Compiles every source under `venv`/lib not in `skip`, one interpreter per core; returns how many.

    A few files in packages' test data do not compile; pip ignores those too, hence no check.
    """
    sources = [source for source in _sources(venv / "lib") if source not in skip]
    if not sources:
        return 0
    workers = max(1, min(len(os.sched_getaffinity(0)), len(sources) // 100))
    with tempfile.TemporaryDirectory(prefix="tmgg-compile-") as lists:
        running = []
        for worker in range(workers):
            listing = Path(lists, f"{worker}.txt")
            listing.write_text("".join(f"{source}\n" for source in sources[worker::workers]))
            running.append(subprocess.Popen(
                [str(venv / "bin/python3"), "-m", "compileall", "-q", "-i", str(listing)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        for process in running:
            process.wait()
    return len(sources)


# --- the whole build --------------------------------------------------------------


def build(lock: Path, venv: Path, root: Path, installer: str = "uv", uv_requirements: Path = UV_REQUIREMENTS,
          variant: str = "cpu") -> str:
    """Builds the environment at `venv` from `lock`; returns where it came from ("uv" or "pip").

    Raises:
        BuildError: neither uv nor pip could build it.
    """
    origin = "pip"
    if installer == "uv":
        try:
            tool = ensure_uv(root, uv_requirements)
        except (InstallerError, OSError) as error:
            _say(f"uv could not be installed ({error}); building with pip instead")
        else:
            try:
                install_with_uv(tool, lock, venv, root / "uv-cache", variant)
                origin = "uv"
            except (InstallerError, OSError) as error:
                _say(f"uv failed: {error}; building with pip instead")
    if origin == "pip":
        install_with_pip(lock, venv, variant)
        seeded: set[Path] = set()
    else:
        sibling = _newest_uv_sibling(venv, root)
        seeded = seed_bytecode(venv, sibling) if sibling else set()
    compile_bytecode(venv, seeded)
    (venv / ".tmgg-origin").write_text(origin + "\n")
    return origin


# --- what a failed build tells the user ------------------------------------------

# (what the installers print, the cause, what to do), first match wins; {lock} is filled in.
_CAUSES = (
    (("No space left on device", "Disk quota exceeded"),
     "the disk is full", "free some space (an environment takes about a gigabyte) or set TMGG_VENV_CACHE to a folder on another disk"),
    (("Permission denied", "Read-only file system"),
     "a folder the build writes to cannot be written", "set TMGG_VENV_CACHE to a folder you can write"),
    (("Invalid requirement", "Couldn't parse", "Failed to parse", "Expected package name"),
     "{lock} has a line the installer cannot read",
     "restore it (git checkout -- tools/env/{lock}) or regenerate it: python3 -m tools.env.lock"),
    (("DO NOT MATCH THE HASHES", "Hash mismatch", "hash mismatch"),
     "a downloaded file's hash is not the one in {lock}",
     "regenerate the lock (python3 -m tools.env.lock) if its versions changed, else check where pip takes packages from"),
    (("No matching distribution", "Could not find a version", "not found in the package registry", "No solution found",
      "Failed to fetch", "Network is unreachable", "Temporary failure in name resolution", "Failed to establish a new connection",
      "Connection refused", "timed out", "dns error"),
     "a locked package could not be downloaded (no network, or no wheel for it in pip's package sources)",
     "connect to the network, point pip at a folder of the wheels (pip config set global.find-links DIR), "
     "or set TMGG_REMOTE_CACHE to a cache that holds the environment"),
)


def default_log(lock: Path) -> Path:
    """tmgg-env-build-<first 12 of the lock's sha256>.log in the temporary folder (never a Bazel cache path)."""
    try:
        digest = hashlib.sha256(lock.read_bytes()).hexdigest()[:12]
    except OSError:
        digest = "unreadable-lock"
    return Path(tempfile.gettempdir()) / f"tmgg-env-build-{digest}.log"


def failure_line(error: BaseException, lock: Path, log: Path) -> str:
    """One line: what failed, its cause and what to do (read from the error, else the log), and the log's path."""
    what = f"{error.strerror or error}: {error.filename}" if isinstance(error, OSError) and error.filename else str(error)
    try:
        logged = log.read_text(errors="replace")
    except OSError:
        logged = ""
    for text in (str(error), logged):
        for needles, cause, todo in _CAUSES:
            if any(needle in text for needle in needles):
                advice = f"{cause.format(lock=lock.name)}: {todo.format(lock=lock.name)}"
                return f"building the Python environment failed ({what}); {advice}; full log: {log}"
    return f"building the Python environment failed ({what}); read the full log: {log}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, required=True, help="the lock (pip's requirements format, with sha256 hashes)")
    parser.add_argument("--venv", type=Path, required=True, help="where the environment goes (absent or empty)")
    parser.add_argument("--root", type=Path, required=True, help="the folder of the environments: uv and its cache live there too")
    parser.add_argument("--installer", default="uv", help="uv (falls back to pip) or pip")
    parser.add_argument("--variant", default="cpu", help="cpu (pip's find-links offered) or gpu (left out: torch's CUDA build)")
    parser.add_argument("--uv-requirements", type=Path, default=UV_REQUIREMENTS, help="the pinned uv, with its hashes")
    parser.add_argument("--log", type=Path, help="where every command's output goes (default: tmgg-env-build-<lock digest>.log in the temporary folder)")
    args = parser.parse_args(argv)
    if args.installer not in INSTALLERS:
        _say(f"TMGG_ENV_INSTALLER={args.installer} is not one of {', '.join(INSTALLERS)}")
        return 2
    if args.variant not in VARIANTS:
        _say(f"--variant {args.variant} is not one of {', '.join(VARIANTS)}")
        return 2
    if not args.lock.is_file():
        _say(f"the lock {args.lock} is not a file: restore it (git checkout -- {args.lock}) or regenerate it: python3 -m tools.env.lock")
        return 1
    log = (args.log or default_log(args.lock)).absolute()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"tmgg: building {args.venv} from {args.lock}\n\n")
        handler: logging.Handler = _LogFile(log, delay=True)
    except OSError:
        handler = logging.NullHandler()
    _COMMANDS.addHandler(handler)
    _COMMANDS.setLevel(logging.DEBUG)
    try:
        build(args.lock.resolve(), args.venv.absolute(), args.root.absolute(), args.installer, args.uv_requirements, args.variant)
    except (BuildError, OSError) as error:
        _say(failure_line(error, args.lock, log))
        return 1
    finally:
        _COMMANDS.removeHandler(handler)
        handler.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
