"""tools/docs/check.py: what the docs name must exist.

Rationale: docs drift silently (paths moved, commands renamed, commits
rewritten); CI runs this check so a broken name fails the build.
Assumptions: a throwaway tree stands in for the workspace; Bazel's labels
and git's commits are given as sets (one test builds a small repository: a
commit on another branch is unknown).
Invariants: a missing path, an unknown label, a script run as a file, an
unknown tools/tmgg command and an unknown commit each give one FILE:LINE
problem; placeholders and examples give none.
"""

import subprocess

import pytest

from tools.docs.check import check

pytestmark = pytest.mark.unit

TMGG = """#!/usr/bin/env bash
case "$command" in
  experiment) exec true ;;
  run) exec true ;;
  test | preflight) exec true ;;
esac
"""


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools/tmgg").write_text(TMGG)
    (tmp_path / "src/tmgg").mkdir(parents=True)
    (tmp_path / "src/tmgg/paths.py").write_text("")
    (tmp_path / "tools/ci").mkdir()
    (tmp_path / "tools/ci/fault_drill.py").write_text("")
    (tmp_path / "docs").mkdir()
    return tmp_path


def problems(tree, text, labels=({"//tests:unit_all"}, {"tests"}), commits=("abc1234",)):
    doc = tree / "docs/page.md"
    doc.write_text(text)
    found = check(tree, [doc], labels=labels, run_help=False, commit_exists=lambda sha: sha in commits)
    return found.lines


def test_a_true_page_has_no_problems(tree) -> None:
    text = (
        "See `src/tmgg/paths.py`, `src/tmgg/models/<family>/<name>.py`, `//tests:unit_all` and `//tests`;\n"
        "run `tools/tmgg test` or `tools/tmgg --gpu run tmgg-x`; measured at abc1234.\n"
        "    tools/tmgg preflight tmgg-stage4 -m   # an indented command\n"
        "`//tests:tmgg-x` is a form; https://docs.astral.sh/uv/ is a link.\n"
    )
    assert problems(tree, text) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("the runners live in `src/tmgg/runnerz/factory.py`.", "docs/page.md:1: no such file or folder: src/tmgg/runnerz/factory.py"),
        ("test it with `bazel test //tests:unit_al`.", "docs/page.md:1: no Bazel target //tests:unit_al"),
        ("or `bazel test //nowhere`", "docs/page.md:1: no Bazel package //nowhere"),
        ("`python3 tools/ci/fault_drill.py`", "docs/page.md:1: python3 tools/ci/fault_drill.py: run it as a module, python3 -m tools.ci.fault_drill"),
        ("`tools/tmgg watchh //tests:unit_all`", "docs/page.md:1: tools/tmgg watchh: not a tools/tmgg command (experiment, preflight, run, test)"),
        ("measured at dead123 on 2 cores", "docs/page.md:1: commit dead123 is not in this repository's history"),
        ("`python3 -m tools.nothing.here`", "docs/page.md:1: python -m tools.nothing.here: no such module in the tree"),
    ],
)
def test_each_broken_name_is_one_problem(tree, line, expected) -> None:
    assert problems(tree, line) == [expected]


def test_labels_are_left_unchecked_without_bazel(tree) -> None:
    assert problems(tree, "`//tests:anything`", labels=None) == []


def test_links_reach_their_file_and_heading(tree) -> None:
    (tree / "docs/other.md").write_text(
        "# Other\n## The `tools/tmgg` command, step 1.\n## Notes\n## Notes\n```\n# not a heading\n```\n"
    )
    text = (
        "[a](other.md), [b](other.md#the-toolstmgg-command-step-1), [c](other.md#notes-1),\n"
        "[d](#a-page), [e](https://example.org/#x), [f](../src/tmgg/paths.py)\n"
        "# A page\n"
    )
    assert problems(tree, text) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[gone](#layout)", "docs/page.md:1: the link (#layout) names no heading #layout in page.md"),
        ("[x](other.md#notes-2)", "docs/page.md:1: the link (other.md#notes-2) names no heading #notes-2 in other.md"),
        ("[x](other.md#not-a-heading)", "docs/page.md:1: the link (other.md#not-a-heading) names no heading #not-a-heading in other.md"),
        ("[x](missing.md)", "docs/page.md:1: the link (missing.md) names no such file"),
    ],
)
def test_each_broken_link_is_one_problem(tree, line, expected) -> None:
    (tree / "docs/other.md").write_text("# Other\n## Notes\n## Notes\n```\n# not a heading\n```\n")
    assert problems(tree, line) == [expected]


def test_a_commit_off_the_checked_out_history_is_unknown(tmp_path) -> None:
    # A commit on another branch (a helper's, before its cherry-pick) is in the
    # local object store but not in a fresh clone of main: the docs must not
    # name it.
    from tools.docs.check import git_has_commit

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
            cwd=tmp_path, capture_output=True, text=True, check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "on main")
    on_main = git("rev-parse", "--short=7", "HEAD")
    git("checkout", "-q", "-b", "side")
    git("commit", "-q", "--allow-empty", "-m", "on a side branch")
    on_side = git("rev-parse", "--short=7", "HEAD")
    git("checkout", "-q", "main")
    exists = git_has_commit(tmp_path)
    assert exists(on_main)
    assert not exists(on_side)
    assert not exists("0000000")
