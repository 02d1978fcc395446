"""Where tmgg finds its Hydra configs.

The configs live in the repository's top-level ``configs/`` folder. Code never
walks up ``__file__`` to find them; it asks, in order:

1. ``TMGG_CONFIG_DIR``, when set (absolute, or relative to the working directory);
2. Bazel runfiles, for ``bazel test`` and ``bazel run``, through the ``bazel-runfiles``
   library: it maps the repository name ``tmgg`` to the folder Bazel gave the main
   repository in the runfiles tree (``tmgg`` under WORKSPACE, ``_main`` under bzlmod);
3. the source checkout recorded by an editable install (``pip install -e .``).
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from runfiles import Runfiles

# workspace(name = ...) in WORKSPACE and module(name = ...) in MODULE.bazel.
REPOSITORY = "tmgg"


class ConfigDirNotFound(RuntimeError):
    """No configs/ folder could be located."""


def _configs_in(runfiles: Runfiles) -> Path | None:
    # The configs belong to the main repository, whose canonical name is "". Saying so
    # spares the library from guessing the caller's repository from the call stack,
    # which fails when tmgg is imported from outside the runfiles tree.
    located = runfiles.Rlocation(f"{REPOSITORY}/configs", source_repo="")
    return Path(located) if located and os.path.isdir(located) else None


def _from_runfiles() -> Path | None:
    try:
        runfiles = Runfiles.Create()
    except OSError:  # RUNFILES_MANIFEST_FILE names a file that is gone: no runfiles
        return None
    if runfiles is None:  # neither RUNFILES_DIR nor RUNFILES_MANIFEST_FILE: not under Bazel
        return None
    found = _configs_in(runfiles)
    if found is None:
        # A manifest lists files, never folders, so it has no entry for configs/. `bazel run`
        # hands its binary the manifest; the tree it describes, if built, sits beside it.
        tree = runfiles.EnvVars().get("RUNFILES_DIR")
        if tree and os.path.isdir(tree):
            found = _configs_in(Runfiles.CreateDirectoryBased(tree))
    return found


def _from_editable_install() -> Path | None:
    try:
        raw = metadata.distribution("tmgg").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not raw:
        return None
    url = json.loads(raw).get("url", "")
    if not url.startswith("file://"):
        return None
    candidate = Path(unquote(urlparse(url).path)) / "configs"
    return candidate if candidate.is_dir() else None


def config_dir() -> Path:
    """Return the absolute path of the configs folder.

    Raises:
        ConfigDirNotFound: if no source gives an existing folder.
    """
    override = os.environ.get("TMGG_CONFIG_DIR")
    if override:
        path = Path(override).resolve()
        if not path.is_dir():
            raise ConfigDirNotFound(f"TMGG_CONFIG_DIR={override!r} is not a folder")
        return path
    found = _from_runfiles() or _from_editable_install()
    if found is None:
        raise ConfigDirNotFound(
            "cannot find tmgg's configs/: run `pip install -e .` from the checkout, "
            "use `bazel run`, or set TMGG_CONFIG_DIR=/path/to/tmgg/configs"
        )
    return found.resolve()
