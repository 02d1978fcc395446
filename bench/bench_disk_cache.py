#!/usr/bin/env python3
"""The local disk cache in a researcher's loop: what answers from it, and the disk it takes.

In a scratch clone of HEAD with its own, empty disk cache and no remote cache,
it runs, in one go:

1. the whole suite cold (`bazel test //...`), which fills the cache;
2. an edit and its undo: `src/tmgg/models/gnn/gnn.py` gains a line, the two
   targets that read it run; the line goes, and the same two run again, once
   with the disk cache and once without it (`--disk_cache=`), for the ratio;
3. a branch switch and back: a branch edits the gnn model and a data config,
   the whole suite runs there, then back on the first branch the whole suite
   runs again;
4. a preflight command line, another, then the first again (`tools/tmgg preflight`);
5. a week's worth of such runs, simulated: the bytes a run adds to the cache,
   measured in 2 and 3, written again as new entries for five days of a
   day's loop (a full suite, 20 edits and their undos, 10 preflight lines),
   day by day, each day pruned to the cap as tools/bazel prunes it.

Each step counts, from Bazel's build events, the targets that came from a
cache and those that ran. Writes bench/results/disk_cache.md (or --out).

Usage:
    python3 -m bench.bench_disk_cache [--out FILE] [--cap-mb MB]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.benchlib import ROOT, clean_env, head_commit, release_workspace
from tools.cache.prune import entries, prune
from tools.ci import bep_summary

GNN = "src/tmgg/models/gnn/gnn.py"
DATA = "configs/data/sbm_small.yaml"


def folder_bytes(folder: Path) -> int:
    return sum(size for _, size, _ in entries(folder))


class Clone:
    def __init__(self, scratch: Path) -> None:
        self.root = scratch / "workspace"
        self.disk = scratch / "disk-cache"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(self.root)], check=True)
        subprocess.run(["git", "checkout", "-q", "-b", "main-bench"], cwd=self.root, check=True)
        self.env = clean_env(("TMGG_REMOTE_CACHE",), TMGG_DISK_CACHE=str(self.disk))
        (self.root / ".tmgg-cache.env").unlink(missing_ok=True)
        self.events = scratch / "events.json"

    def bazel_test(self, *args: str) -> dict:
        """Seconds, targets from a cache, targets run, and failures of one `bazel test`."""
        self.events.unlink(missing_ok=True)
        started = time.perf_counter()
        result = subprocess.run(
            ["bazel", "test", f"--build_event_json_file={self.events}", *args],
            cwd=self.root, env=self.env, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        results = bep_summary.test_results(self.events) if self.events.exists() else {}
        cached = sum(bep_summary.is_cached(r) for r in results.values())
        failed = sorted(label for label, r in results.items() if r.get("status") != "PASSED")
        if result.returncode != 0 and not failed:
            raise SystemExit(f"bench: bazel test {' '.join(args)} exited {result.returncode}:\n{result.stderr[-3000:]}")
        return {"seconds": seconds, "cached": cached, "ran": len(results) - cached, "failed": failed, "targets": len(results)}

    def preflight(self, *args: str) -> dict:
        started = time.perf_counter()
        result = subprocess.run(["tools/tmgg", "preflight", *args], cwd=self.root, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        cached = "(cached)" in result.stdout + result.stderr
        return {"seconds": seconds, "cached": int(cached), "ran": int(not cached), "failed": [] if result.returncode == 0 else [f"exit {result.returncode}"], "targets": 1}

    def edit(self, path: str, line: str) -> None:
        with (self.root / path).open("a") as file:
            file.write(line)

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True)


def simulate_week(disk: Path, per_suite: int, per_edit: int, per_preflight: int, cap: int) -> list[tuple[int, int, int]]:
    """[(day, bytes before pruning, bytes after)] for five days of a day's loop written as new entries."""
    sim = disk.parent / "week"
    shutil.copytree(disk, sim)
    day_bytes = per_suite + 40 * per_edit + 10 * per_preflight
    chunk = 1 << 20
    days = []
    for day in range(1, 6):
        left = day_bytes
        folder = sim / "cas" / f"day{day}"
        folder.mkdir(parents=True, exist_ok=True)
        n = 0
        while left > 0:
            size = min(chunk, left)
            (folder / f"{n:06d}").write_bytes(b"\0" * size)
            left -= size
            n += 1
        before = folder_bytes(sim)
        prune(sim, cap)
        days.append((day, before, folder_bytes(sim)))
    shutil.rmtree(sim)
    return days


def row(name: str, step: dict) -> str:
    failed = f"; failed: {', '.join(step['failed'])}" if step["failed"] else ""
    return f"| {name} | {step['targets']} | {step['cached']} | {step['ran']} | {step['seconds']:.1f}{failed} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/disk_cache.md")
    parser.add_argument("--cap-mb", type=float, default=4096, help="the cap the week is pruned to (tools/bazel's default)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    commit = head_commit()[:7]
    scratch = Path(tempfile.mkdtemp(prefix="tmgg-bench-disk-"))
    clone = Clone(scratch)
    steps: list[tuple[str, dict]] = []

    def step(name: str, result: dict) -> dict:
        steps.append((name, result))
        print(f"bench: {row(name, result)}", flush=True)
        return result

    try:
        step("1. whole suite, cold", clone.bazel_test("//..."))
        after_suite = folder_bytes(clone.disk)
        pair = ("//tests:base_config_gnn", "//tests:tmgg-gnn")
        clone.edit(GNN, "# bench: an edit\n")
        step("2. edit gnn.py: its two targets", clone.bazel_test(*pair))
        after_edit = folder_bytes(clone.disk)
        clone.git("checkout", "--", GNN)
        step("2. undo: the same two, disk cache", clone.bazel_test(*pair))
        clone.edit(GNN, "# bench: an edit\n")
        clone.bazel_test(*pair)
        clone.git("checkout", "--", GNN)
        step("2. undo again: the same two, no disk cache (`--disk_cache=`)", clone.bazel_test("--disk_cache=", *pair))

        clone.git("checkout", "-q", "-b", "other")
        clone.edit(GNN, "# bench: the other branch\n")
        clone.edit(DATA, "# bench: the other branch\n")
        clone.git("commit", "-qam", "bench: the other branch")
        step("3. other branch (gnn.py, sbm_small.yaml): whole suite", clone.bazel_test("//..."))
        after_branch = folder_bytes(clone.disk)
        clone.git("checkout", "-q", "main-bench")
        step("3. back: whole suite", clone.bazel_test("//..."))

        first = ("tmgg-stage4", "-m")
        step("4. preflight tmgg-stage4 -m", clone.preflight(*first))
        before_other = folder_bytes(clone.disk)
        step("4. preflight tmgg-stage4 noise.eps=0.3", clone.preflight("tmgg-stage4", "noise.eps=0.3"))
        per_preflight = folder_bytes(clone.disk) - before_other
        step("4. preflight tmgg-stage4 -m again", clone.preflight(*first))

        per_edit = after_edit - after_suite
        per_suite_rerun = after_branch - after_edit
        week = simulate_week(clone.disk, after_suite, per_edit, per_preflight, int(args.cap_mb * 1024 * 1024))
        total = folder_bytes(clone.disk)
    finally:
        release_workspace(clone.root, clone.env, keep=args.keep)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)

    mb = 1 / 1048576
    lines = [
        "# The local disk cache in a researcher's loop",
        "",
        f"`python3 -m bench.bench_disk_cache` at {commit}, {time.strftime('%Y-%m-%d %H:%M')} UTC, 2 cores; one run, in a scratch clone",
        "with an empty disk cache and no remote cache. Counts are from Bazel's build events.",
        "",
        "| step | targets | from a cache | ran | seconds |",
        "|---|---|---|---|---|",
        *(row(name, result) for name, result in steps),
        "",
        f"Disk: {after_suite * mb:.1f} MB after the cold suite; an edit's two targets added {per_edit * mb:.2f} MB;",
        f"the other branch's suite {per_suite_rerun * mb:.1f} MB; a preflight line {per_preflight * mb:.2f} MB; {total * mb:.1f} MB at the end.",
        "",
        f"A week, simulated: each day a cold suite ({after_suite * mb:.1f} MB), 40 edit runs and 10 preflight lines written",
        f"as new entries, then pruned to the cap ({args.cap_mb:.0f} MB) as tools/bazel prunes:",
        "",
        "| day | MB before pruning | MB after |",
        "|---|---|---|",
        *(f"| {day} | {before * mb:.1f} | {after * mb:.1f} |" for day, before, after in week),
        "",
    ]
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
