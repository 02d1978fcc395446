"""tools/ci/trace_inputs.py judges a target by the files its tests really open.

Rationale:
    The trace is the check that does not trust tests/targets.bzl: it says a
    target is sound only if every workspace file its processes read is
    declared. A slip in how it names files (a bytecode file instead of its
    source, a build output instead of the file it links to), in how it rebuilds
    a target's declared inputs from the macros, or in the audit hook would make
    it pass targets it should fail, or fail targets it should pass.

Assumptions:
    tools.ci.trace_inputs and the tools.build modules it imports need the
    standard library alone; the interpreter running this test can run the hook
    (Python 3.8+ audit hooks) in a subprocess. Each test builds a small
    workspace of its own under tmp_path.

Invariants:
    labels and workspace paths convert both ways; every macro's test files,
    pytest arguments and extra data are as tools/build/rules/tmgg_tests.bzl makes
    them, a target's deps declare their libraries' files transitively, the
    shared main and the lock declared for all; bytecode stands for its
    source, links are resolved, Bazel's output links and files outside the
    workspace are ignored; the hook logs what a process and its Python children
    read, write and list, and tags pytest's ini-file search; that search counts
    only for declared files; a target is sound exactly when it reads nothing
    undeclared, and the report names what it reads undeclared.
"""

import os
import sys
from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.ci import trace_inputs as trace

pytestmark = pytest.mark.unit

# Under Bazel, the checkout's files in the runfiles tree: the library finds the
# main repository's folder there (`tmgg` under WORKSPACE, `_main` under bzlmod).
_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace with a root package, a `pkg` package and a source file in each."""
    workspace = tmp_path.resolve() / "ws"
    (workspace / "lib/__pycache__").mkdir(parents=True)
    (workspace / "pkg/sub").mkdir(parents=True)
    for name in ("BUILD.bazel", "pkg/BUILD.bazel", "lib/mod.py", "lib/data.txt", "pkg/sub/file.txt"):
        (workspace / name).write_text("x\n")
    return workspace


def test_labels_and_paths_convert_both_ways(root: Path) -> None:
    labels = trace.Workspace(root)
    for path, label in (("lib/mod.py", "//:lib/mod.py"), ("pkg/sub/file.txt", "//pkg:sub/file.txt")):
        assert labels.label(root / path) == label
        assert trace.label_path(label) == path
    assert trace.label_path("conftest.py", "tests") == "tests/conftest.py"


def test_each_macro_gives_its_tests_arguments_and_data() -> None:
    assert trace.macro_view("CONFIG_TARGETS", "stage1_poc", {}) == (
        ["test_config_composition.py", "conftest.py"],
        ["--tmgg-case=stage1_poc"],
        [],
    )
    runner = trace.macro_view("RUNNER_TARGETS", "tmgg-gnn", {"case": "tmgg-gnn-base_config_gnn"})
    assert runner[1:] == (["--tmgg-case=tmgg-gnn-base_config_gnn"], ["//:pyproject.toml"])
    assert trace.macro_view("SWEEP_TARGETS", "s", {"sweep": "stage5_full"})[1] == ["--tmgg-sweep=stage5_full"]
    assert trace.macro_view("OPTION_TARGETS", "o", {"options": ["a:b=c", "d:e=f"]})[1] == ["--tmgg-option=a:b=c", "--tmgg-option=d:e=f"]
    assert trace.macro_view("UNIT_TARGETS", "u", {"tests": ["conftest.py", "x/test_y.py"]}) == (["conftest.py", "x/test_y.py"], [], [])
    with pytest.raises(trace.TraceError):
        trace.macro_view("NEW_TARGETS", "n", {})


def test_declared_inputs_follow_deps_and_add_test_files_main_and_lock(root: Path) -> None:
    (root / "tests").mkdir()
    (root / "gen").mkdir()
    (root / "gen/BUILD.bazel").write_text(
        'package(default_visibility = ["//visibility:public"])\n'
        'exports_files(["a.yaml"])\n'
        'py_library(name = "top", srcs = ["top.py"], deps = [":gen", "//:src_root"])\n'
        'py_library(name = "gen", srcs = ["under.py"])\n'
        'filegroup(name = "configs", srcs = ["a.yaml"])\n'
        'filegroup(name = "py_files", srcs = glob(["*.py"]))\n'
    )
    for name in ("top.py", "under.py", "only_by_glob.py"):
        (root / "gen" / name).write_text("x = 1\n")
    unit = {"tests": ["conftest.py", "m/conftest.py", "m/test_a.py"], "deps": ["//gen:top"], "configs": [], "data": ["//pkg:sub/file.txt"]}
    every = {"tests": ["conftest.py", "m/test_b.py"], "deps": ["//gen:py_files"], "configs": [], "data": []}
    tables = {table: {} for table in ("CONFIG_TARGETS", "SWEEP_TARGETS", "OPTION_TARGETS", "UNIT_TARGETS")}
    tables["UNIT_TARGETS"] = {"unit_m": unit, "unit_every": every}
    tables["CONFIG_TARGETS"] = {"cfg": {"deps": [], "configs": ["//gen:configs", "//:lib/data.txt"]}}
    tables["TEST_IMPORTS"] = {"RUNNER_TARGETS": ["//gen:top"]}
    tables["GENERATED_BUILD_FILES"] = ["//gen:BUILD.bazel"]
    (root / "tests/targets.bzl").write_text("".join(f"{name} = {entries!r}\n" for name, entries in tables.items()))
    # The runner's target is made from pyproject.toml and its config's target, with the quick config.
    (root / "pyproject.toml").write_text('[project.scripts]\nrun = "tmgg.runners:cfg"\n')
    targets = {target.name: target for target in trace.generated_targets(root)}
    shared = {trace.PYTEST_MAIN, trace.LOCK}
    tests = {"tests/conftest.py", "tests/m/conftest.py", "tests/m/test_a.py"}
    assert targets["unit_m"].declared == tests | {"gen/top.py", "gen/under.py", "pkg/sub/file.txt"} | shared
    assert targets["unit_m"].pytest_args() == ["tests/m/test_a.py"]
    # A glob in a BUILD file (each package's py_files) is expanded as Bazel would, in its package.
    glob_files = {"gen/top.py", "gen/under.py", "gen/only_by_glob.py"}
    assert targets["unit_every"].declared == {"tests/conftest.py", "tests/m/test_b.py"} | glob_files | shared
    runner_files = {"tests/test_runner_integration.py", "tests/conftest.py", "gen/a.yaml", "lib/data.txt", "pyproject.toml"}
    # The family's TEST_IMPORTS come with it: //gen:top and what it depends on.
    runner_files |= {"configs/quick/train.yaml", "gen/top.py", "gen/under.py"}
    assert targets["run"].declared == runner_files | shared
    assert targets["run"].pytest_args() == ["tests/test_runner_integration.py", "--tmgg-case=run-cfg"]


def test_hand_written_build_files_are_read_when_their_labels_are(root: Path) -> None:
    (root / "tests").mkdir()
    (root / "tests/targets.bzl").write_text("GENERATED_BUILD_FILES = []\n")
    (root / "pkg/BUILD.bazel").write_text(
        'load("//x:defs.bzl", "thing")\n'
        'py_library(name = "mod", srcs = ["mod.py"], data = ["sub/file.txt"], deps = [":base"])\n'
        'py_library(name = "base", srcs = ["base.py"])\n'
        'py_binary(name = "app", srcs = ["mod.py"], deps = [":mod"])\n'
        'filegroup(name = "every", srcs = glob(["**/*.py"]))\n'
        'thing(name = "other")\n'
    )
    (root / "pkg/inner").mkdir()
    (root / "pkg/inner/BUILD.bazel").write_text("")
    for name in ("pkg/mod.py", "pkg/base.py", "pkg/sub/deep.py", "pkg/inner/hidden.py"):
        (root / name).write_text("x = 1\n")
    graph = trace.BuildGraph(root)
    assert graph.files("//pkg:mod") == {"pkg/mod.py", "pkg/base.py", "pkg/sub/file.txt"}
    # Like Bazel's, a glob stops at a subpackage.
    assert graph.files("//pkg:every") == {"pkg/mod.py", "pkg/base.py", "pkg/sub/deep.py"}
    # mod.py is in a py_binary's srcs too; the import resolves to the py_library.
    assert graph.library_of("pkg/mod.py") == "//pkg:mod"
    assert graph.library_of("pkg/sub/deep.py") is None


def test_workspace_file_names_sources_and_ignores_outputs(root: Path, tmp_path: Path) -> None:
    outside = tmp_path.resolve() / "outside"
    outside.mkdir()
    (outside / "other.txt").write_text("x\n")
    (outside / "runfile").symlink_to(root / "lib/data.txt")
    (root / "bazel-bin").symlink_to(outside)
    (root / "alias.txt").symlink_to(root / "lib/data.txt")
    (outside / "into").symlink_to(root / "lib")
    cached = root / "lib/__pycache__"
    assert trace.workspace_file(root, str(cached / "mod.cpython-311.pyc")) == "lib/mod.py"
    assert trace.workspace_file(root, str(cached / "mod.cpython-311-pytest-8.3.4.pyc")) == "lib/mod.py"
    assert trace.workspace_file(root, str(cached / "notes.txt")) is None
    assert trace.workspace_file(root, str(root / "alias.txt")) == "lib/data.txt"
    assert trace.workspace_file(root, str(outside / "into/data.txt")) == "lib/data.txt"
    assert trace.workspace_file(root, str(root / "bazel-bin/runfile")) is None
    assert trace.workspace_file(root, str(outside / "other.txt")) is None
    assert trace.workspace_file(root, str(root)) is None


def test_read_logs_sorts_events_by_kind(root: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "1.log").write_text(f"r\t{root}/lib/mod.py\nl\t{root}/lib\nw\t{root}/out.txt\nr\t{root}/gone.txt\n")
    (logs / "2.log").write_text(f"i\t{root}/pkg/sub/file.txt\nr\t{root}/lib/__pycache__/mod.cpython-311.pyc\ne\topen ('x',): OSError()\n")
    found = trace.read_logs(root, logs)
    assert (found.reads, found.ini_reads, found.listed) == ({"lib/mod.py"}, {"pkg/sub/file.txt"}, {"lib"})
    assert (found.writes, found.missing, found.processes) == ({"out.txt"}, {"gone.txt"}, 2)
    assert found.errors == ["open ('x',): OSError()"]


def test_hook_traces_the_process_and_its_python_children(root: Path, tmp_path: Path) -> None:
    (root / ".bazelrc").write_text("test --test_env=TMGG_TRACE_PROBE=1\n")
    (root / "lib/linked.txt").write_text("x\n")
    (tmp_path / "link").symlink_to(root / "lib")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(trace.HOOK)
    ini_search = os.path.join("site-packages", "_pytest", "config", "findpaths.py")
    program = "\n".join(
        [
            "import os, subprocess, sys",
            "assert os.environ['TMGG_TRACE_PROBE'] == '1'",
            "open('lib/mod.py').close()",
            "os.listdir('pkg')",
            "open('out.txt', 'w').close()",
            "open(sys.executable, 'rb').close()",
            f"open({str(tmp_path / 'link/linked.txt')!r}).close()",
            # Code compiled under pytest's file name stands for pytest's ini-file search.
            f"exec(compile(\"open('lib/data.txt').close()\", {ini_search!r}, 'exec'))",
            "subprocess.run([sys.executable, '-c', 'open(\"pkg/sub/file.txt\").close()'], check=True)",
        ]
    )
    status, output, found = trace.run_traced(root, Path(sys.executable), hook, ["-c", program], 60)
    assert status == 0, output
    assert found.reads == {"lib/mod.py", "lib/linked.txt", "pkg/sub/file.txt"}
    assert (found.ini_reads, found.writes, found.processes) == ({"lib/data.txt"}, {"out.txt"}, 2)
    assert "pkg" in found.listed and not found.errors


def test_ini_search_counts_only_declared_files() -> None:
    found = trace.Trace(reads={"a.py"}, ini_reads={"declared.toml", "undeclared.toml"})
    assert trace.counted_reads(found, {"a.py", "declared.toml"}) == {"a.py", "declared.toml"}


def test_verdict_names_undeclared_reads_and_counts_unread_declarations() -> None:
    assert trace.verdict({"a", "b"}, {"a", "c", "d"}) == ({"b"}, {"c", "d"})
    assert trace.describe("t", {"a"}, {"a", "c", "d"}) == "t: sound, reads 1 of 3 declared (2 declared never read)"
    assert trace.describe("t", {"a", "z", "b"}, {"a"}) == "t: UNSOUND: reads undeclared b, z"


def test_bazelrc_test_env_keeps_values_and_passes_named_variables(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMGG_TRACE_PASSED", "from caller")
    monkeypatch.delenv("TMGG_TRACE_UNSET", raising=False)
    (root / ".bazelrc").write_text(
        "build --test_env=IGNORED=1\n"
        "test --test_env=CUDA_VISIBLE_DEVICES=\n"
        "test --test_env=MPLBACKEND=Agg\n"
        "test --test_env=TMGG_TRACE_PASSED\n"
        "test --test_env=TMGG_TRACE_UNSET\n"
        "test:ci --test_env=CI_ONLY=1\n"
    )
    assert trace.bazelrc_test_env(root) == {"CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg", "TMGG_TRACE_PASSED": "from caller"}
