#!/usr/bin/env python3
"""The README's runner table: each runner, what it is for, its config and its test targets.

One runner has several names (the console script, its config, its test
targets, its `bazel run` label); the table maps them. It is written from the
tree itself: `[project.scripts]` in pyproject.toml, each config's opening
comment (its first sentence says what the runner is for), and the test targets
(tests/targets.bzl, with the runners' made from pyproject.toml as Bazel makes
them: tools/build/target_graph.load_targets). The README holds it
between two markers; the docs check (python3 -m tools.docs.check, run by CI)
fails when it is stale.

Usage:
    python3 -m tools.docs.runner_table           # print the table
    python3 -m tools.docs.runner_table --write   # rewrite it in README.md
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tools.build.runner_targets import console_scripts
from tools.build.target_graph import load_targets

ROOT = Path(__file__).resolve().parents[2]
BEGIN = "<!-- runner table: python3 -m tools.docs.runner_table --write -->"
END = "<!-- end of runner table -->"


class TableError(Exception):
    """The README lacks the markers, or a runner's config is missing."""


def purpose(config: Path) -> str:
    """The first sentence of a config's opening comment, less a leading `tmgg-x: `."""
    lines = []
    for line in config.read_text().splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith("@package") or not text:
            continue
        if text.startswith(("Run:", "Change anything", "Meant for")):
            break
        lines.append(text)
    sentence = " ".join(lines)
    sentence = re.split(r"(?<=[.?!])\s", sentence, maxsplit=1)[0]
    return re.sub(r"^tmgg-[a-z0-9-]+:\s*", "", sentence).rstrip(".")


def rows(root: Path) -> list[str]:
    scripts = console_scripts((root / "pyproject.toml").read_text())
    tables = load_targets(root)
    lines = []
    for script, entry in scripts.items():
        name = entry.partition(":")[2]
        config = root / "configs" / f"{name}.yaml"
        shown = f"`configs/{name}.yaml`"
        if not config.is_file():
            config = root / "configs" / "stage" / f"{name}.yaml"
            shown = f"`configs/stage/{name}.yaml` (on `base_config_spectral`)"
        if not config.is_file():
            raise TableError(f"{script} = {entry!r} in pyproject.toml, but configs/{name}.yaml and configs/stage/{name}.yaml are missing")
        targets = [t for t in (script, name, f"{name}_sweep") if any(t in tables[table] for table in tables)]
        labels = ", ".join(f"`:{t}`" for t in targets)
        lines.append(f"| `{script}` | {purpose(config)} | {shown} | {labels} |")
    return lines


def render(root: Path = ROOT) -> str:
    return "\n".join(
        [
            BEGIN,
            "| runner | what it is for | config | test targets (`//tests`) |",
            "|---|---|---|---|",
            *rows(root),
            END,
        ]
    )


def current(readme: str) -> str:
    """The table as README.md holds it now."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise TableError(f"README.md lacks the runner table's markers ({BEGIN} ... {END})")
    return readme[start : end + len(END)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="rewrite the table in README.md")
    args = parser.parse_args()
    try:
        table = render(ROOT)
        if not args.write:
            print(table)
            return 0
        readme = ROOT / "README.md"
        text = readme.read_text()
        readme.write_text(text.replace(current(text), table))
    except TableError as error:
        print(f"runner_table: {error}", file=sys.stderr)
        return 2
    print("runner_table: README.md's table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
