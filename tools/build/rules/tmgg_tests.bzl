"""Macros that turn tests/targets.bzl (generated) into Bazel targets.

Every test target runs the one pytest entry point, //tools/build/pytest:pytest_main.py,
on its own test files. It depends on the libraries of the tmgg modules its tests
import (src/tmgg/**/BUILD.bazel, one py_library per module) and on the config
files its compositions load (configs/**/BUILD.bazel), as tools/build/update_build_files.py
found them: editing a file reruns only the targets that reach it through these labels.
"""

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

def config_tests(targets, **kwargs):
    """One `config` target per base or stage config; it also holds the config's `learns` case.

    Args:
      targets: {config name: {"deps": [...], "configs": [...]}} from tests/targets.bzl.
      **kwargs: passed to every py_test.
    """
    for config, spec in targets.items():
        tmgg_pytest(
            name = config,
            tests = ["test_config_composition.py", "conftest.py"],
            deps = spec["deps"],
            configs = spec["configs"],
            cases = [config],
            # The `learns` case trains the job (30 to 80 steps): 60 s of "small" is too tight on 2 busy cores.
            size = "medium",
            tags = ["integration", "config", "learns"],
            **kwargs
        )

def _job_tests(targets, test, flag, key, tags, **kwargs):
    """One target per entry of `targets`, running `test` with `--<flag>=<value>` for each spec[key]."""
    for name, spec in targets.items():
        values = spec[key] if type(spec[key]) == "list" else [spec[key]]
        tmgg_pytest(
            name = name,
            tests = [test, "conftest.py"],
            deps = spec["deps"],
            configs = spec["configs"],
            pytest_args = ["--%s=%s" % (flag, value) for value in values],
            # Each job's `learns` case trains it (30 to 80 steps): 60 s of "small" is too tight on 2 busy cores.
            size = "medium",
            tags = tags,
            **kwargs
        )

def sweep_tests(targets, **kwargs):
    """One `sweep` target per runner whose launch is a Hydra sweep: each job is a case.

    Args:
      targets: {target name: {"sweep": runner config, "deps": [...], "configs": [...]}} from tests/targets.bzl.
      **kwargs: passed to every py_test.
    """
    _job_tests(
        targets,
        "test_sweep_jobs.py",
        "tmgg-sweep",
        "sweep",
        ["integration", "config", "sweep", "learns"],
        **kwargs
    )

def option_tests(targets, **kwargs):
    """One target per config group whose options no runner loads: each option is a case.

    Args:
      targets: {target name: {"options": [case ids], "deps": [...], "configs": [...]}} from tests/targets.bzl.
      **kwargs: passed to every py_test.
    """
    _job_tests(
        targets,
        "test_config_options.py",
        "tmgg-option",
        "options",
        ["integration", "config", "learns"],
        **kwargs
    )

def runner_tests(targets, **kwargs):
    """One `runner` target per CLI runner; its pytest timeout (120 s) fires before Bazel's.

    Args:
      targets: {runner script: {"case": id, "deps": [...], "configs": [...]}} from tests/targets.bzl.
      **kwargs: passed to every py_test.
    """
    for script, spec in targets.items():
        tmgg_pytest(
            name = script,
            tests = ["test_runner_integration.py", "conftest.py"],
            deps = spec["deps"],
            configs = spec["configs"],
            cases = [spec["case"]],
            data = ["//:pyproject.toml"],
            size = "medium",
            timeout = "moderate",
            tags = ["integration", "slow", "runner"],
            **kwargs
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

def runner_binaries(targets, **kwargs):
    """A `bazel run` target per CLI runner: `bazel run //:tmgg-spectral -- model.k=16`.

    Each holds every tmgg module and config: overrides may choose any of them.

    Args:
      targets: {runner script: {"entry": "module:function", ...}} from tests/targets.bzl.
      **kwargs: passed to every py_binary.
    """
    for script, spec in targets.items():
        native.py_binary(
            name = script,
            srcs = ["//tools/build/rules:run_entry_point.py"],
            main = "//tools/build/rules:run_entry_point.py",
            args = [script, spec["entry"]],
            deps = ["//src:tmgg"],
            data = ["//configs"],
            python_version = "PY3",
            **kwargs
        )
