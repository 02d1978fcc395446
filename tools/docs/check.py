#!/usr/bin/env python3
"""Check that what README.md and docs/*.md name exists, so the docs stay true.

In each file it checks:
- paths in code spans (`src/...`, `configs/...`, `tools/...`, a root file):
  the file or folder exists;
- Bazel labels (`//pkg:name`, `//pkg`): Bazel knows the target or package
  (one `bazel query`);
- `python3 -m MODULE` / `python -m MODULE`: the module's file exists and
  `MODULE --help` exits 0 (tmgg's and the benches' modules in the Bazel-built
  environment's Python, tools' modules in this one);
- `tools/tmgg COMMAND`: COMMAND is one of tools/tmgg's commands;
- commits (7 to 12 hex digits with a digit and a letter): in this repository's history;
- markdown links to files and headings (`[x](docs/ci.md#the-ci-run)`): the file
  and the heading exist (tools/docs/links.py);
- README.md's runner table is what `python3 -m tools.docs.runner_table` writes.

Placeholders (`<name>`, `tmgg-x`, `...`, `*`) are not checked. Prints one
line per problem, FILE:LINE first; exit 1 if any, 0 if none.

Usage:
    python3 -m tools.docs.check [--no-bazel] [--no-help] [FILE ...]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tools.docs import links, runner_table

ROOT = Path(__file__).resolve().parents[2]

TOP_LEVEL = ("src/", "configs/", "tests/", "tools/", "docs/", "bench/", ".ci/", "shared/")
ROOT_FILES = ("README.md", "pyproject.toml", "WORKSPACE", "MODULE.bazel", "BUILD.bazel", ".bazelrc", ".bazelignore")
PLACEHOLDER = re.compile(r"[<>*{}$]|\.\.\.|…|\btmgg-x\b|\bNAME\b|\bFILE\b")
# Labels written as examples of a form, not of a target here.
EXAMPLE_LABELS = {"//tests:tmgg-x", "//:tmgg-x", "//src/tmgg/a:__init__"}
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LABEL = re.compile(r"(?<![\w:/.])//([A-Za-z0-9_./-]*)(?::([A-Za-z0-9_.+-]+))?")
MODULE = re.compile(r"\bpython3? (?:-B )?-m ([A-Za-z_][\w.]*)")
TMGG_COMMAND = re.compile(r"\btools/tmgg ((?:--gpu )?)([a-z][a-z-]*)")
COMMIT = re.compile(r"(?<![0-9a-zA-Z…/.=-])([0-9a-f]{7,12})(?![0-9a-zA-Z…/-])")
FENCE_OR_INDENT = re.compile(r"^(    |\t)")
SCRIPT_RUN = re.compile(r"\bpython3? ((?:tools|bench)/[\w/]+\.py)")


@dataclass
class Problems:
    root: Path
    lines: list[str] = field(default_factory=list)
    # How many of each kind were checked, for the summary line.
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def add(self, file: Path, number: int, message: str) -> None:
        self.lines.append(f"{file.relative_to(self.root) if file.is_relative_to(self.root) else file}:{number}: {message}")


def doc_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def code_texts(line: str) -> list[str]:
    """The code in a line: its code spans, or the whole line when it is an indented code block."""
    spans = CODE_SPAN.findall(line)
    if FENCE_OR_INDENT.match(line):
        spans.append(line.strip())
    return spans


def path_words(code: str) -> Iterable[str]:
    for word in code.split():
        word = word.strip("'\"()[],;:")
        if word.startswith(TOP_LEVEL) or word in ROOT_FILES:
            yield word


def existed_at(root: Path, path: str, context: str) -> bool:
    """Whether a commit named in `context` (the line and its neighbours) had `path`: a path of the past, so named."""
    for sha in COMMIT.findall(context):
        if subprocess.run(["git", "cat-file", "-e", f"{sha}:{path}"], cwd=root, capture_output=True).returncode == 0:
            return True
    return False


def check_paths(root: Path, file: Path, number: int, line: str, context: str, problems: Problems) -> None:
    for code in code_texts(line):
        for word in path_words(code):
            if PLACEHOLDER.search(word) or "=" in word:
                continue
            path = word.split("::")[0].split("#")[0]
            problems.count("paths")
            if not (root / path).exists() and not existed_at(root, path, context):
                problems.add(file, number, f"no such file or folder: {path}")
    # tools/ and bench/ are packages whose modules import each other: they run as modules.
    for script in SCRIPT_RUN.findall(line):
        if not existed_at(root, script, context):
            module = script.removesuffix(".py").replace("/", ".")
            problems.add(file, number, f"python3 {script}: run it as a module, python3 -m {module}")


def check_labels(file: Path, number: int, line: str, known: set[str], packages: set[str], problems: Problems) -> None:
    for match in LABEL.finditer(line):
        package, name = match.group(1), match.group(2)
        label = match.group(0)
        if package.startswith("...") or package.endswith("...") or label in EXAMPLE_LABELS or PLACEHOLDER.search(label):
            continue
        if "." in package.split("/")[0]:  # a host name: //cache.example.com, //docs.astral.sh
            continue
        package = package.rstrip("/")
        problems.count("labels")
        if name is None:
            if package not in packages and f"//{package}:{package.rpartition('/')[2]}" not in known:
                problems.add(file, number, f"no Bazel package {label}")
        elif name not in ("all", "*") and f"//{package}:{name}" not in known:
            problems.add(file, number, f"no Bazel target {label}")


def check_modules(root: Path, file: Path, number: int, line: str, modules: dict[str, tuple[Path, int]], problems: Problems) -> None:
    for module in MODULE.findall(line):
        if module in ("pytest", "pip", "venv", "cProfile", "http.server", "json.tool"):
            continue
        parts = module.split(".")
        base = root / "src" if parts[0] == "tmgg" else root
        candidates = [base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__main__.py")]
        if not any(candidate.is_file() for candidate in candidates):
            problems.add(file, number, f"python -m {module}: no such module in the tree")
        else:
            modules.setdefault(module, (file, number))


def tmgg_commands(root: Path) -> set[str]:
    """The commands tools/tmgg's case statement accepts."""
    text = (root / "tools/tmgg").read_text()
    commands = set()
    for alternatives in re.findall(r"^\s+([a-z-]+(?: \| [a-z-]+)*)\)", text, re.M):
        commands.update(alternatives.split(" | "))
    return commands


def check_tmgg(file: Path, number: int, line: str, commands: set[str], problems: Problems) -> None:
    for _, command in TMGG_COMMAND.findall(line):
        problems.count("tools/tmgg commands")
        if command not in commands:
            problems.add(file, number, f"tools/tmgg {command}: not a tools/tmgg command ({', '.join(sorted(commands))})")


def check_commits(root: Path, file: Path, number: int, line: str, exists: Callable[[str], bool], problems: Problems) -> None:
    # Code spans are not prose: only those that are a commit alone are read.
    text = CODE_SPAN.sub(lambda m: m.group(0) if COMMIT.fullmatch(m.group(1)) else "", line)
    for word in COMMIT.findall(text):
        if not (re.search(r"\d", word) and re.search(r"[a-f]", word)):
            continue
        problems.count("commits")
        if not exists(word):
            problems.add(file, number, f"commit {word} is not in this repository's history")


def git_has_commit(root: Path) -> Callable[[str], bool]:
    seen: dict[str, bool] = {}

    def exists(sha: str) -> bool:
        if sha not in seen:
            # An object in the local store is not enough: a helper's branch or a
            # commit later cherry-picked elsewhere is absent from a fresh clone.
            seen[sha] = subprocess.run(["git", "merge-base", "--is-ancestor", sha, "HEAD"], cwd=root, capture_output=True).returncode == 0
        return seen[sha]

    return exists


def bazel_labels(root: Path) -> tuple[set[str], set[str]]:
    """({every target and file label}, {every package}) from one `bazel query`."""
    result = subprocess.run(["bazel", "query", "//...:*", "--output=label"], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"docs check: `bazel query //...:*` failed:\n{result.stderr[-2000:]}")
    known = set(result.stdout.split())
    packages = {label[2:].partition(":")[0] for label in known}
    return known, packages


def check_help(root: Path, modules: dict[str, tuple[Path, int]], problems: Problems) -> None:
    """Each named module answers --help."""
    from tools.ci.trace_inputs import TraceError, find_python

    try:
        env_python = str(find_python(root))
    except TraceError:
        env_python = None
    for module, (file, number) in sorted(modules.items()):
        problems.count("modules' --help")
        needs_env = module.split(".")[0] in ("tmgg", "bench")
        python = env_python if needs_env else sys.executable
        if python is None:
            problems.add(file, number, f"python -m {module} --help: the Bazel-built environment is missing (run `tools/tmgg test` once)")
            continue
        env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "PYTHONPATH": f"{root}:{root / 'src'}", "HOME": str(Path.home())}
        result = subprocess.run([python, "-m", module, "--help"], cwd=root, capture_output=True, text=True, env=env, timeout=120)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            problems.add(file, number, f"python -m {module} --help exits {result.returncode}: {last}")


def check(root: Path, files: list[Path], *, labels: tuple[set[str], set[str]] | None, run_help: bool, commit_exists=None) -> Problems:
    problems = Problems(root)
    commands = tmgg_commands(root)
    modules: dict[str, tuple[Path, int]] = {}
    exists = commit_exists or git_has_commit(root)
    for file in files:
        lines = file.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            context = "\n".join(lines[max(number - 3, 0) : number + 2])
            check_paths(root, file, number, line, context, problems)
            if labels is not None:
                check_labels(file, number, line, *labels, problems)
            check_modules(root, file, number, line, modules, problems)
            check_tmgg(file, number, line, commands, problems)
            check_commits(root, file, number, line, exists, problems)
            problems.count("links", len(links.LINK.findall(line)))
            for message in links.broken_links(file, line):
                problems.add(file, number, message)
    if run_help:
        check_help(root, modules, problems)
    readme = root / "README.md"
    if readme in files:
        try:
            if runner_table.current(readme.read_text()) != runner_table.render(root):
                problems.add(readme, 1, "the runner table is stale: run `python3 -m tools.docs.runner_table --write`")
        except runner_table.TableError as error:
            problems.add(readme, 1, str(error))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="default: README.md and docs/*.md")
    parser.add_argument("--no-bazel", action="store_true", help="do not check Bazel labels")
    parser.add_argument("--no-help", action="store_true", help="do not run each named module's --help")
    args = parser.parse_args()
    files = [file.resolve() for file in args.files] or doc_files(ROOT)
    labels = None if args.no_bazel or not shutil.which("bazel") else bazel_labels(ROOT)
    problems = check(ROOT, files, labels=labels, run_help=not args.no_help)
    for line in problems.lines:
        print(line)
    checked = ", ".join(f"{n} {kind}" for kind, n in sorted(problems.counts.items()))
    skipped = [what for what, off in (("Bazel labels", labels is None), ("--help", args.no_help)) if off]
    print(
        f"docs check: {len(files)} files; checked {checked}" + (f"; not checked: {', '.join(skipped)}" if skipped else "")
        + f": {len(problems.lines)} problems",
        file=sys.stderr,
    )
    return 1 if problems.lines else 0


if __name__ == "__main__":
    sys.exit(main())
