#!/usr/bin/env python3
"""Serves this machine's CPU build of torch to uv as its `torch-cpu` index.

pyproject.toml takes torch for the `cpu` extra from the index named
`torch-cpu`, committed as PyTorch's public CPU index. These machines reach no
such host, but pip finds the CPU wheel in a local folder (its find-links).
uv reads no pip configuration, and a named index must have the simple
layout (PEP 503), so this module makes one: DIR/torch/index.html linking
each `torch-*+cpu-*.whl` in pip's find-links folders, with its sha256. It
prints DIR's `file://` URL, for uv's run-time override of the index:

    export UV_INDEX=torch-cpu=$(python3 -m tools.env.torch_index)
    uv run --extra cpu pytest -m integration

Usage:
    python3 -m tools.env.torch_index [DIR]   # DIR defaults to ~/.cache/tmgg/torch-index

Exit status: 0 with the URL on stdout; 1 with one line on stderr when pip
has no find-links folder or none holds a CPU torch wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from tools.env.build import pip_sources

WHEEL_GLOB = "torch-*+cpu-*.whl"


class NoWheelError(Exception):
    """No CPU torch wheel to index: one line for the user."""


def default_dir() -> Path:
    """~/.cache/tmgg/torch-index, under XDG_CACHE_HOME when that is set."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "tmgg" / "torch-index"


def local_folders(find_links: list[str]) -> list[Path]:
    """The find-links entries that are folders on this machine (plain paths or file:// URLs)."""
    folders = []
    for entry in find_links:
        parsed = urlparse(entry)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path))
        elif parsed.scheme == "":
            path = Path(entry)
        else:
            continue
        if path.is_dir():
            folders.append(path.resolve())
    return folders


def cpu_wheels(folders: list[Path]) -> list[Path]:
    """Every CPU torch wheel in `folders`, by file name."""
    wheels = {wheel.name: wheel for folder in folders for wheel in folder.glob(WHEEL_GLOB) if wheel.is_file()}
    return [wheels[name] for name in sorted(wheels)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_index(directory: Path, wheels: list[Path]) -> str:
    """Writes DIR/torch/index.html linking `wheels`; returns DIR's file:// URL."""
    page = directory / "torch" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    links = "".join(
        f'<a href="{html.escape(wheel.as_uri())}#sha256={_sha256(wheel)}">{html.escape(wheel.name)}</a><br>\n'
        for wheel in wheels
    )
    text = f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>\n"
    # Replaced in one step, so a uv run reading the index meanwhile sees the old page or the new one.
    scratch = page.with_name(f".index.html.{os.getpid()}")
    scratch.write_text(text)
    os.replace(scratch, page)
    return directory.resolve().as_uri()


def make_index(directory: Path, find_links: list[str]) -> str:
    """The index for pip's `find_links`, written into `directory`; returns its URL.

    Raises:
        NoWheelError: no find-links folder, or no CPU torch wheel in any.
    """
    if not find_links:
        raise NoWheelError(
            "pip has no find-links folder configured (`python3 -m pip config get global.find-links`), "
            "so there is no local CPU torch wheel; leave UV_INDEX unset to use PyTorch's CPU index"
        )
    folders = local_folders(find_links)
    wheels = cpu_wheels(folders)
    if not wheels:
        searched = ", ".join(find_links)
        raise NoWheelError(f"no CPU torch wheel ({WHEEL_GLOB}) in pip's find-links ({searched})")
    return write_index(directory, wheels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=None, help="where the index goes (default: ~/.cache/tmgg/torch-index)")
    args = parser.parse_args(argv)
    try:
        url = make_index(args.dir or default_dir(), pip_sources(Path(sys.executable)).get("find-links", []))
    except NoWheelError as error:
        print(f"tmgg: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"tmgg: the index could not be written: {error.strerror} ({error.filename})", file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
