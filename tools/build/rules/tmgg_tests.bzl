"""Macros that turn tests/targets.bzl (generated) into Bazel targets, each family as tools/build/test_families.bzl says.

Every test target runs the one pytest entry point, //tools/build/pytest:pytest_main.py,
on its own test files. It depends on the libraries of the tmgg modules its tests
import (src/tmgg/**/BUILD.bazel, one py_library per module) and on the config
files its compositions load (configs/**/BUILD.bazel), as tools/build/update_build_files.py
found them: editing a file reruns only the targets that reach it through these labels.
"""

load("//tools/build:test_families.bzl", "TEST_FAMILIES")

_PYTEST_MAIN = "//tools/build/pytest:pytest_main.py"
_COVERAGERC = "//:.coveragerc"

def tmgg_pytest(name, tests, deps = [], configs = [], cases = [], data = [], pytest_args = [], **kwargs):
    """One py_test that runs pytest on `tests`, optionally limited to some cases.

    Args:
      name: the target's name.
      tests: test files (labels) pytest collects; conftest files ride along in srcs.
      deps: the tmgg libraries the tests import (their own deps follow).
      configs: the config files (labels) the tests load.
      cases: parametrized case ids to keep (`--tmgg-case`); empty keeps all.
      data: other files the tests read.
      pytest_args: further arguments for pytest, e.g. `--tmgg-sweep=stage4_benchmarks`.
      **kwargs: passed to py_test (size, timeout, tags, ...).
    """
    native.py_test(
        name = name,
        srcs = [_PYTEST_MAIN] + tests,
        main = _PYTEST_MAIN,
        args = ["$(rootpath %s)" % test for test in tests if test.endswith(".py") and "conftest" not in test] +
               ["--tmgg-case=" + case for case in cases] + pytest_args,
        # Under `bazel coverage`, coverage.py's settings (pytest_main.py passes --cov-config),
        # unless the tests read them anyway.
        data = configs + data + select({
            "//tools/coverage:collecting": [] if _COVERAGERC in data else [_COVERAGERC],
            "//conditions:default": [],
        }),
        deps = deps + ["//:src_root"],
        legacy_create_init = False,
        python_version = "PY3",
        srcs_version = "PY3",
        **kwargs
    )

def family_tests(table, targets, imports = [], **kwargs):
    """One target per entry of a generated table, running its family's test file.

    The family (tools/build/test_families.bzl) names the test file, the pytest option
    that picks each target's cases, and the size and tags; the entry gives the deps,
    the configs and the option's values.

    Args:
      table: the table's name in tests/targets.bzl, e.g. "CONFIG_TARGETS".
      targets: {target name: {"deps": [...], "configs": [...], ...}} from tests/targets.bzl
        (the runners' from @tmgg_runners//:runners.bzl).
      imports: the libraries the family's test file imports (TEST_IMPORTS[table]).
      **kwargs: passed to every py_test.
    """
    family = TEST_FAMILIES[table]
    settings = dict(kwargs)
    if "timeout" in family:
        settings["timeout"] = family["timeout"]
    for name, spec in targets.items():
        values = spec[family["values"]] if family["values"] else name
        values = values if type(values) == "list" else [values]
        tmgg_pytest(
            name = name,
            tests = [family["test"], "conftest.py"],
            deps = spec["deps"] + [label for label in imports if label not in spec["deps"]],
            configs = spec["configs"],
            data = family.get("data", []),
            pytest_args = ["--%s=%s" % (family["flag"], value) for value in values],
            size = family["size"],
            tags = family["tags"],
            **settings
        )

def unit_tests(targets, **kwargs):
    """One `unit` target per test folder (one interpreter start for the folder's files).

    Args:
      targets: {target name: {"tests": [...], "deps": [...], "configs": [...], "data": [...]}}.
      **kwargs: passed to every py_test.
    """
    for name, spec in targets.items():
        tmgg_pytest(
            name = name,
            tests = spec["tests"],
            deps = spec["deps"],
            configs = spec["configs"],
            data = spec.get("data", []),
            size = spec.get("size", "small"),
            tags = ["unit"],
            **kwargs
        )

def runner_binaries(scripts, **kwargs):
    """A `bazel run` target per CLI runner: `bazel run //:tmgg-spectral -- model.k=16`.

    Each holds every tmgg module and config: overrides may choose any of them.

    Args:
      scripts: {runner script: "module:function"}, pyproject.toml's [project.scripts]
        as @tmgg_runners//:scripts.bzl holds them.
      **kwargs: passed to every py_binary.
    """
    for script, entry in scripts.items():
        native.py_binary(
            name = script,
            srcs = ["//tools/build/rules:run_entry_point.py"],
            main = "//tools/build/rules:run_entry_point.py",
            args = [script, entry],
            deps = ["//src:tmgg"],
            data = ["//configs"],
            python_version = "PY3",
            **kwargs
        )
