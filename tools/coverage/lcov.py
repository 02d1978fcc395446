#!/usr/bin/env python3
"""Merge LCOV tracefiles: Bazel's LCOV merger and coverage report generator, offline.

Bazel 4.2.3 downloads both tools (@remote_coverage_tools); this file stands in for
each (tools/coverage/remote_coverage_tools). It runs under Debian's python3 with
the standard library only, since Bazel runs it outside the test's environment.

- As the LCOV merger, collect_coverage.sh runs it after each test:
  `lcov.py --coverage_dir=DIR --output_file=FILE --filter_sources=REGEX ...`.
  It merges every `*.dat` under DIR (the test's `pylcov.dat`, written by
  pytest-cov through tools/build/pytest/pytest_main.py) into FILE, Bazel's
  `bazel-testlogs/<target>/coverage.dat`.
- As the report generator (`bazel coverage --combined_report=lcov`):
  `lcov.py --reports_file=LIST --output_file=FILE`, LIST naming one tracefile
  a line; FILE is bazel-out/_coverage/_coverage_report.dat.

Hits add up line by line, branch by branch and function by function, so a line
run by two targets, or by a test and the runner it starts, counts once per run.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Source:
    """What the tracefiles say about one source file (`SF:`)."""

    lines: dict[int, int] = field(default_factory=dict)
    # (line, block, branch) -> hits; None where LCOV writes `-` (the branch's line never ran).
    branches: dict[tuple[int, str, str], int | None] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    function_hits: dict[str, int] = field(default_factory=dict)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def parse(text: str, into: dict[str, Source] | None = None) -> dict[str, Source]:
    """Add the records of one LCOV tracefile to `into` (a new dict when None)."""
    sources = {} if into is None else into
    current: Source | None = None
    for line in text.splitlines():
        key, _, value = line.strip().partition(":")
        if key == "SF":
            current = sources.setdefault(value, Source())
        elif current is None or key == "end_of_record":
            current = None
        elif key == "DA":
            number, hits = value.split(",")[:2]
            current.lines[int(number)] = current.lines.get(int(number), 0) + int(hits)
        elif key == "BRDA":
            number, block, branch, hits = value.split(",", 3)
            branch_key = (int(number), block, branch)
            current.branches[branch_key] = _add(current.branches.get(branch_key), None if hits == "-" else int(hits))
        elif key == "FN":
            *where, name = value.split(",")
            current.functions[name] = ",".join(where)
        elif key == "FNDA":
            hits, name = value.split(",", 1)
            current.function_hits[name] = current.function_hits.get(name, 0) + int(hits)
    return sources


def render(sources: dict[str, Source]) -> str:
    """One LCOV tracefile, sources sorted by path, with the summary counts recomputed."""
    out: list[str] = []
    for path in sorted(sources):
        source = sources[path]
        out += ["TN:", f"SF:{path}"]
        for name, where in sorted(source.functions.items(), key=lambda item: item[1]):
            out.append(f"FN:{where},{name}")
        for name in sorted(source.functions):
            out.append(f"FNDA:{source.function_hits.get(name, 0)},{name}")
        if source.functions:
            hit = sum(1 for name in source.functions if source.function_hits.get(name, 0))
            out += [f"FNF:{len(source.functions)}", f"FNH:{hit}"]
        for (number, block, branch), hits in sorted(source.branches.items()):
            out.append(f"BRDA:{number},{block},{branch},{'-' if hits is None else hits}")
        if source.branches:
            hit = sum(1 for hits in source.branches.values() if hits)
            out += [f"BRF:{len(source.branches)}", f"BRH:{hit}"]
        for number, hits in sorted(source.lines.items()):
            out.append(f"DA:{number},{hits}")
        out += [f"LF:{len(source.lines)}", f"LH:{sum(1 for hits in source.lines.values() if hits)}", "end_of_record"]
    return "\n".join(out) + "\n" if out else ""


def merge(tracefiles: list[Path], filters: list[str] = ()) -> str:
    """The merged tracefile of `tracefiles`, without the sources a regex of `filters` matches."""
    sources: dict[str, Source] = {}
    for tracefile in tracefiles:
        parse(tracefile.read_text(), sources)
    dropped = [re.compile(pattern) for pattern in filters]
    return render({path: s for path, s in sources.items() if not any(p.fullmatch(path) for p in dropped)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--coverage_dir", type=Path, help="merge every *.dat below this folder")
    where.add_argument("--reports_file", type=Path, help="merge the tracefiles this file names, one a line")
    parser.add_argument("--output_file", type=Path, required=True)
    parser.add_argument("--filter_sources", action="append", default=[], help="drop sources matching this regex")
    # Bazel passes these for C++ and Java; Python needs neither.
    parser.add_argument("--source_file_manifest", help=argparse.SUPPRESS)
    parser.add_argument("--sources_to_replace_file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.coverage_dir:
        tracefiles = sorted(args.coverage_dir.rglob("*.dat"))
    else:
        tracefiles = [Path(line) for line in args.reports_file.read_text().split() if line]
    tracefiles = [path for path in tracefiles if path.resolve() != args.output_file.resolve() and path.is_file()]
    args.output_file.parent.mkdir(parents=True, exist_ok=True)
    args.output_file.write_text(merge(tracefiles, args.filter_sources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
