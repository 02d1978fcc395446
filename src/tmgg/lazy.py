"""Lazy re-exports for package ``__init__`` files.

A package lists which module defines each public name; a name's module is
imported on first use. Importing ``tmgg.models.spectral.LinearPE`` therefore
loads ``linear_pe.py`` and what it imports, not the package's other modules.
That keeps start-up short and lets tools/gen_test_targets.py give each Bazel
target exactly the files it runs, so editing one model reruns only the targets
whose configs use it.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """Build ``__all__``, ``__getattr__`` and ``__dir__`` for a package.

    Args:
        package: the package's ``__name__``.
        exports: public name -> defining module, absolute or relative to the
            package (``".linear_pe"``).

    Returns:
        ``(__all__, __getattr__, __dir__)`` to assign in the package.
    """
    resolved = {name: importlib.util.resolve_name(module, package) for name, module in exports.items()}

    def __getattr__(name: str) -> Any:
        module = resolved.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted(resolved)

    # Read by tools/gen_test_targets.py to find which file defines each name.
    __getattr__.exports = resolved

    return sorted(resolved), __getattr__, __dir__
