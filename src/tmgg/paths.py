"""Where tmgg finds its Hydra configs.

The configs live in the repository's top-level ``configs/`` folder. Code never
walks up ``__file__`` to find them; it asks, in order:

1. ``TMGG_CONFIG_DIR``, when set (absolute, or relative to the working directory);
2. Bazel runfiles (``RUNFILES_DIR``, ``TEST_SRCDIR`` or ``RUNFILES_MANIFEST_FILE``),
   for ``bazel test`` and ``bazel run``;
3. the source checkout recorded by an editable install (``pip install -e .``).
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

WORKSPACE_NAME = "tmgg"


class ConfigDirNotFound(RuntimeError):
    """No configs/ folder could be located."""


def _runfiles_roots() -> list[Path]:
    roots = [Path(os.environ[var]) for var in ("RUNFILES_DIR", "TEST_SRCDIR") if os.environ.get(var)]
    manifest = os.environ.get("RUNFILES_MANIFEST_FILE")
    if manifest:
        # `bazel run` names the manifest `<binary>.runfiles_manifest` (or `<binary>.runfiles/MANIFEST`);
        # the runfiles tree sits beside it.
        path = Path(manifest)
        roots.append(path.parent if path.name == "MANIFEST" else path.with_name(path.name.removesuffix("_manifest")))
    return roots


def _from_runfiles() -> Path | None:
    for root in _runfiles_roots():
        candidate = root / WORKSPACE_NAME / "configs"
        if candidate.is_dir():
            return candidate
    return None


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
