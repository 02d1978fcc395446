#!/usr/bin/env python3
"""Keeps a remote-cache folder under a size cap by deleting its oldest entries first.

nginx never evicts, so tools/cache/server.sh runs this beside it. "Oldest" is
the last modification time: the time the entry was last written.

Usage:
    python3 -m tools.cache.prune --store DIR --max-mb 2048            # prune once
    python3 -m tools.cache.prune --store DIR --max-mb 2048 --every 30 # keep pruning
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# Prune below the cap, so a busy cache does not prune at every pass.
LOW_WATER = 0.9


def entries(store: Path) -> list[tuple[float, int, Path]]:
    found = []
    for folder, _, names in os.walk(store):
        for name in names:
            path = Path(folder) / name
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            found.append((stat.st_mtime, stat.st_size, path))
    return found


def prune(store: Path, max_bytes: int) -> tuple[int, int]:
    """Delete the oldest files until the store holds at most LOW_WATER * max_bytes.

    Returns:
        (files deleted, bytes left).
    """
    found = entries(store)
    total = sum(size for _, size, _ in found)
    if total <= max_bytes:
        return 0, total
    deleted = 0
    for _, size, path in sorted(found):
        if total <= max_bytes * LOW_WATER:
            break
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        total -= size
        deleted += 1
    return deleted, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--max-mb", type=float, required=True)
    parser.add_argument("--every", type=float, default=0, help="seconds between passes; 0 prunes once")
    args = parser.parse_args()
    max_bytes = int(args.max_mb * 1024 * 1024)
    while True:
        deleted, left = prune(args.store, max_bytes)
        if deleted:
            print(f"evicted {deleted} oldest entries; {left / 1048576:.1f} MB left", flush=True)
        if not args.every:
            return 0
        time.sleep(args.every)


if __name__ == "__main__":
    sys.exit(main())
