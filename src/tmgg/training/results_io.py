"""Writing run results so that a reader never sees half a file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json_atomic(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as JSON to ``path``, all at once or not at all.

    The JSON goes to a temporary file in the same folder, which then replaces
    ``path`` with :func:`os.replace` (atomic on POSIX and Windows). If encoding
    fails, or the process dies before the replace, ``path`` is untouched and the
    temporary file is removed (or, after a crash, left with a ``.tmp`` suffix).

    Args:
        path: Destination file; its folder is created if needed.
        data: JSON-serialisable data; NaN and infinity are refused.

    Returns:
        The destination path.

    Raises:
        TypeError: if ``data`` holds something JSON cannot encode.
        ValueError: if ``data`` holds NaN or infinity.
    """
    destination = Path(path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, allow_nan=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination
