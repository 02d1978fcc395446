"""A runner's Bazel targets come from its line in pyproject.toml alone.

The @tmgg_runners repository rule runs tools/build/runner_targets.py on
pyproject.toml and tests/targets.bzl; the Python view (target_graph.load_targets,
tested in test_trace_inputs.py) calls the same function. These tests fail when a runner's test target stops
declaring its config's files, the quick config or its config's libraries, when
a bad [project.scripts] line is not named in one line, and when a bad line keeps
the root's `bazel run` targets from loading.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.build import runner_targets as rt
from tools.build.test_tables import check_quick_training

pytestmark = pytest.mark.unit

CONFIGS = {
    "base_config_gnn": {"configs": ["//configs:base_config_gnn.yaml", "//configs/model/gnn:gnn.yaml"], "deps": ["//src/tmgg/models/gnn:gnn"]},
    "stage1_poc": {"configs": ["//configs/stage:stage1_poc.yaml"], "deps": []},
}


def test_a_runner_reads_its_configs_files_and_the_quick_config() -> None:
    runners = rt.runner_targets({"tmgg-gnn": "tmgg.runners:base_config_gnn", "tmgg-stage1": "tmgg.runners:stage1_poc"}, CONFIGS)
    assert runners["tmgg-gnn"] == {
        "case": "tmgg-gnn-base_config_gnn",
        "configs": ["//configs/model/gnn:gnn.yaml", "//configs/quick:train.yaml", "//configs:base_config_gnn.yaml"],
        "deps": ["//src/tmgg/models/gnn:gnn"],
        "entry": "tmgg.runners:base_config_gnn",
    }
    assert runners["tmgg-stage1"]["configs"] == ["//configs/quick:train.yaml", "//configs/stage:stage1_poc.yaml"]


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ("tmgg.runners:base_config_gn", "no config target base_config_gn: add configs/base_config_gn.yaml"),
        ("tmgg.other:base_config_gnn", 'every runner is tmgg.runners:<config name>, e.g. "tmgg.runners:base_config_gnn"'),
    ],
)
def test_a_bad_scripts_line_is_named_with_what_to_do(entry: str, named: str) -> None:
    with pytest.raises(rt.RunnerError) as raised:
        rt.runner_targets({"tmgg-new": entry}, CONFIGS)
    assert str(raised.value).startswith(f'tmgg-new = "{entry}" in pyproject.toml')
    assert named in str(raised.value)


def _write(tmp_path: Path, scripts: str) -> dict[str, str]:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[project.scripts]\n{scripts}\n[tool.other]\nkey = "not a script"\n')
    (tmp_path / "targets.bzl").write_text(f"CONFIG_TARGETS = {CONFIGS!r}\n")
    out = tmp_path / "repo"
    out.mkdir()
    assert rt.main([str(tmp_path / "pyproject.toml"), str(tmp_path / "targets.bzl"), str(out)]) == 0
    return {name: (out / name).read_text() for name in ("scripts.bzl", "runners.bzl")}


def _starlark(text: str) -> dict:
    names: dict = {"fail": lambda message: names.setdefault("failed", message)}
    exec(text, names)
    return names


def test_the_repository_rule_writes_both_tables(tmp_path: Path) -> None:
    written = _write(tmp_path, 'tmgg-gnn = "tmgg.runners:base_config_gnn"\n')
    assert _starlark(written["scripts.bzl"])["RUNNER_SCRIPTS"] == {"tmgg-gnn": "tmgg.runners:base_config_gnn"}
    runners = _starlark(written["runners.bzl"])
    assert "failed" not in runners
    assert runners["RUNNER_TARGETS"] == rt.runner_targets({"tmgg-gnn": "tmgg.runners:base_config_gnn"}, CONFIGS)


def test_a_bad_runner_fails_the_tests_package_in_one_line_and_leaves_the_scripts(tmp_path: Path) -> None:
    written = _write(tmp_path, 'tmgg-gnn = "tmgg.runners:base_config_gnn"\ntmgg-new = "tmgg.runners:new_config"\n')
    assert list(_starlark(written["scripts.bzl"])["RUNNER_SCRIPTS"]) == ["tmgg-gnn", "tmgg-new"]
    failed = _starlark(written["runners.bzl"])["failed"]
    assert failed.startswith('tmgg: tmgg-new = "tmgg.runners:new_config" in pyproject.toml') and "\n" not in failed


def test_an_unreadable_pyproject_is_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text("[project.scripts\n")
    assert rt.main([str(tmp_path / "pyproject.toml"), str(tmp_path / "targets.bzl"), str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cannot read the runners (TOMLDecodeError") and err.count("\n") == 1


def test_a_quick_config_that_composes_more_stops_the_generator() -> None:
    files = ["//configs:base_config_gnn.yaml"]
    check_quick_training("base_config_gnn", files, [*files, rt.QUICK_TRAINING])
    with pytest.raises(SystemExit, match="adds //configs/logger:csv.yaml"):
        check_quick_training("base_config_gnn", files, [*files, rt.QUICK_TRAINING, "//configs/logger:csv.yaml"])
    with pytest.raises(SystemExit, match="drops //configs:base_config_gnn.yaml"):
        check_quick_training("base_config_gnn", files, [rt.QUICK_TRAINING])
