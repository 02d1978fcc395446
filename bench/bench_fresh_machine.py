#!/usr/bin/env python3
"""A fresh machine against a warm remote cache: the whole suite, package set-up included.

What a new machine pays before its first result: `git clone`, then
`bazel test //...` with no Python environment on the machine (an empty
TMGG_VENV_CACHE) and a remote cache that holds every test result. Three ways
to get the environment are compared in the same run, alternating:

  env from cache   the cache also holds the environment (tools/env/share.py);
  env by uv        it does not (its entry is moved aside), so uv installs the lock,
                   uv itself and its cache starting empty too;
  env by pip       the same with TMGG_ENV_INSTALLER=pip: the fallback.

All three use --config=dev (read the cache, write nothing), as a developer's
machine would; one more trial per round uses --config=ci, as .ci/run does.
Every such trial must take every test target from the cache and say where its
environment came from, or the bench stops.

One more trial per round has no remote cache at all: `git clone`, then
`tools/tmgg test //...` with an empty TMGG_VENV_CACHE, the whole suite run
here. It reports when the first test result arrived (the earliest end of a
test attempt in the build events, counted from the start of `git clone`).

Usage:
    python3 -m bench.bench_fresh_machine [--repeats 2] [--out bench/results] [--cache-port 19093]

Writes OUT/fresh_machine.md and OUT/fresh_machine.json; logs under OUT/logs/fresh_machine/.
Takes about 10 minutes with --repeats 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.benchlib import (
    ROOT, CommandFailed, cache_server, clean_env, head_commit, medians_table, progress, release_workspace, timed_step, write_results,
)
from tools.ci import bep_summary
from tools.env import share

FROM_CACHE, BY_UV, BY_PIP = "env from cache (--config=dev)", "env by uv (--config=dev)", "env by pip (--config=dev)"
CI_FROM_CACHE = "env from cache (--config=ci)"
KINDS = (FROM_CACHE, BY_UV, BY_PIP, CI_FROM_CACHE)
# Where each kind's environment must come from (.tmgg-origin), and its short name in logs.
ORIGIN = {FROM_CACHE: "remote-cache", BY_UV: "uv", BY_PIP: "pip", CI_FROM_CACHE: "remote-cache"}
SHORT = {FROM_CACHE: "cache-dev", BY_UV: "uv-dev", BY_PIP: "pip-dev", CI_FROM_CACHE: "cache-ci"}


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix="tmgg-fresh-"))
        self.scratch.chmod(0o755)  # nginx's workers (nobody, as root) must reach the store
        self.logs = args.out / "logs/fresh_machine"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.commit = head_commit()
        self.cache_url = ""
        self.samples: dict[str, list[dict]] = {kind: [] for kind in KINDS}
        self.first_results: list[dict] = []
        self.step = 0

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env(("TMGG_REMOTE_CACHE", "TMGG_VENV_CACHE", "PYTHONPATH"), TMGG_CACHE_PORT=str(self.args.cache_port), **extra)

    def run(self, name: str, command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, Path]:
        self.step += 1
        log = self.logs / f"{self.step:02d} {name.replace('/', '_')}.log"
        try:
            return timed_step(name, command, cwd, log=log, env=env), log
        except CommandFailed as failed:
            raise SystemExit(f"bench: step '{name}' exited {failed.status}: see {log}") from None

    def clone(self, name: str) -> tuple[Path, float]:
        dest = self.scratch / name
        seconds, _ = self.run(f"{name}: git clone", ["git", "clone", "-q", str(ROOT), str(dest)], self.scratch, self.env())
        return dest, seconds

    def release(self, clone: Path) -> None:
        release_workspace(clone, self.env())

    def start_cache(self) -> None:
        self.cache_url = cache_server("start", self.scratch / "cache", self.args.cache_port)
        progress(f"remote cache at {self.cache_url}")

    def stop_cache(self) -> None:
        cache_server("stop", self.scratch / "cache", self.args.cache_port, check=False)

    def populate(self) -> None:
        """Every test result and the environment into the cache, from this machine's environment."""
        clone, _ = self.clone("populate")
        env = self.env(TMGG_REMOTE_CACHE=self.cache_url)
        self.run("populate: bazel test --config=ci //...", ["bazel", "test", "--config=ci", "//..."], clone, env)
        self.run("populate: env_share.py publish", [sys.executable, "-m", "tools.env.share", "publish"], clone, env)
        self.release(clone)

    def entry_path(self) -> Path:
        key = share.entry_key(share.lock_digest_of_workspace(), share.interpreter_tag())
        return self.scratch / "cache/store/ac" / key

    def trial(self, kind: str, round_: int) -> None:
        name = f"{SHORT[kind]}-{round_}"
        venvs = self.scratch / f"venvs-{name}"
        entry = self.entry_path()
        hidden = entry.with_suffix(".hidden")
        if kind in (BY_UV, BY_PIP):
            entry.rename(hidden)
        try:
            clone, clone_s = self.clone(name)
            events = self.logs / f"{name}.bep.json"
            config = "--config=ci" if kind == CI_FROM_CACHE else "--config=dev"
            command = ["bazel", "test", config, f"--build_event_json_file={events}", "//..."]
            env = self.env(TMGG_REMOTE_CACHE=self.cache_url, TMGG_VENV_CACHE=str(venvs))
            if kind == BY_PIP:
                env["TMGG_ENV_INSTALLER"] = "pip"
            test_s, log = self.run(f"{name}: bazel test {config} //... (empty TMGG_VENV_CACHE)", command, clone, env)
        finally:
            if hidden.exists():
                hidden.rename(entry)
        results = bep_summary.test_results(events)
        executed = sorted(label for label, result in results.items() if not bep_summary.is_cached(result))
        if not results or executed:
            raise SystemExit(f"bench: {name}: {', '.join(executed) or 'no results'} not from the cache: see {log}")
        origin = next(venvs.glob("*/.tmgg-origin")).read_text().strip()
        want = ORIGIN[kind]
        if origin != want:
            raise SystemExit(f"bench: {name}: environment came from {origin}, expected {want}: see {log}")
        self.samples[kind].append({"git clone": round(clone_s, 2), "bazel test": round(test_s, 2), "total": round(clone_s + test_s, 2), "targets": len(results)})
        self.release(clone)
        shutil.rmtree(venvs, ignore_errors=True)

    def first_result(self, round_: int) -> None:
        """No remote cache: `git clone`, then `tools/tmgg test //...`; when did the first test result arrive?"""
        name = f"no-cache-{round_}"
        venvs = self.scratch / f"venvs-{name}"
        started = time.time()
        clone, clone_s = self.clone(name)
        events = self.logs / f"{name}.bep.json"
        command = ["tools/tmgg", "test", f"--build_event_json_file={events}", "//..."]
        test_s, log = self.run(f"{name}: tools/tmgg test //... (no remote cache, empty TMGG_VENV_CACHE)", command, clone, self.env(TMGG_VENV_CACHE=str(venvs)))
        results = bep_summary.test_results(events)
        ends = [
            (int(r["testAttemptStartMillisEpoch"]) + int(r.get("testAttemptDurationMillis", 0))) / 1000
            for r in results.values()
            if not bep_summary.is_cached(r) and "testAttemptStartMillisEpoch" in r
        ]
        if not ends:
            raise SystemExit(f"bench: {name}: no test ran: see {log}")
        origin = next(venvs.glob("*/.tmgg-origin")).read_text().strip()
        first = min(ends) - started
        progress(f"{name}: first test result {first:.1f} s after git clone started; environment by {origin}")
        self.first_results.append({"git clone": round(clone_s, 2), "first result": round(first, 2), "whole suite": round(clone_s + test_s, 2), "environment": origin, "targets": len(results)})
        self.release(clone)
        shutil.rmtree(venvs, ignore_errors=True)

    def write(self) -> None:
        medians = {kind: statistics.median(s["total"] for s in samples) for kind, samples in self.samples.items()}
        reference = medians[BY_PIP]
        lines = [
            "# A fresh machine against a warm remote cache",
            "",
            f"Commit {self.commit[:10]}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores. "
            f"Command: `python3 -m bench.bench_fresh_machine --repeats {self.args.repeats}`.",
            "Each trial: `git clone`, then `bazel test CONFIG //...` with an empty `TMGG_VENV_CACHE`;"
            " every test target came from the remote cache in every trial.",
            "",
        ]
        trials = {kind: ", ".join(f"{s['git clone']:.1f} + {s['bazel test']:.1f}" for s in samples) for kind, samples in self.samples.items()}
        headers = ["environment", "median total (s)", "× env by pip", "trials: clone + test (s)"]
        lines.append(medians_table(headers, medians, reference, trials))
        if self.first_results:
            lines += [
                "",
                "No remote cache at all: `git clone`, then `tools/tmgg test //...` with an empty `TMGG_VENV_CACHE`"
                " (uv, its cache and the environment built here). First test result: the earliest end of a test"
                " attempt in the build events, counted from the start of `git clone`.",
                "",
                "| | median (s) | trials (s) |",
                "|---|---|---|",
            ]
            for row, key in (("first test result", "first result"), ("whole suite, clone included", "whole suite")):
                values = [r[key] for r in self.first_results]
                lines.append(f"| {row} | {statistics.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")
        data = {"commit": self.commit, "repeats": self.args.repeats, "medians": medians, "samples": self.samples, "no_remote_cache": self.first_results}
        write_results(self.args.out, "fresh_machine", lines, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    parser.add_argument("--cache-port", type=int, default=19093)
    args = parser.parse_args()
    args.out = args.out.resolve()
    bench = Bench(args)
    try:
        bench.start_cache()
        bench.populate()
        for round_ in range(1, args.repeats + 1):
            for kind in KINDS:
                bench.trial(kind, round_)
            bench.first_result(round_)
        bench.write()
    finally:
        bench.stop_cache()
        shutil.rmtree(bench.scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
