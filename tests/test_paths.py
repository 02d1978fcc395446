"""config_dir() finds configs/ in every runfiles layout Bazel makes, and outside Bazel.

Rationale:
    Under Bazel the configs are found through the runfiles library, which maps the
    repository name ``tmgg`` to the folder Bazel gave the main repository: ``tmgg``
    under WORKSPACE (Bazel 4), ``_main`` under bzlmod (Bazel 7 and later). A path
    built by hand with the workspace name finds nothing under bzlmod. Each layout is
    built here as a fake runfiles tree, so both are checked on any Bazel.

Assumptions:
    The runfiles library reads only RUNFILES_DIR and RUNFILES_MANIFEST_FILE; the
    repository mapping is the ``_repo_mapping`` file at the runfiles root, one
    ``source_canonical,target_apparent,target_canonical`` line per entry.

Invariants:
    TMGG_CONFIG_DIR wins over runfiles; a tree named ``_main`` with its mapping, a
    tree named ``tmgg`` without one, and a manifest with its tree beside it (as
    ``bazel run`` hands a binary) all give that tree's configs/; with no runfiles and
    no editable install, the error names TMGG_CONFIG_DIR.
"""

from importlib import metadata
from pathlib import Path

import pytest

from tmgg.paths import ConfigDirNotFound, config_dir

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def no_lookup_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test with none of the variables config_dir() or Bazel's runfiles read."""
    for variable in ("TMGG_CONFIG_DIR", "RUNFILES_DIR", "RUNFILES_MANIFEST_FILE", "TEST_SRCDIR", "TEST_WORKSPACE"):
        monkeypatch.delenv(variable, raising=False)


def _tree(root: Path, repository_folder: str, mapping: str | None = None) -> Path:
    """A runfiles tree holding the main repository's configs/ under `repository_folder`."""
    configs = root / repository_folder / "configs"
    (configs / "model").mkdir(parents=True)
    (configs / "base_config_spectral.yaml").write_text("seed: 0\n")
    (configs / "model" / "linear_pe.yaml").write_text("k: 4\n")
    if mapping is not None:
        (root / "_repo_mapping").write_text(mapping)
    return configs


def test_bzlmod_tree_named_main_is_found_through_the_repo_mapping(tmp_path, monkeypatch):
    configs = _tree(tmp_path, "_main", mapping=",tmgg,_main\n")
    monkeypatch.setenv("RUNFILES_DIR", str(tmp_path))
    assert config_dir() == configs.resolve()


def test_workspace_tree_named_tmgg_is_found_without_a_repo_mapping(tmp_path, monkeypatch):
    configs = _tree(tmp_path, "tmgg")
    monkeypatch.setenv("RUNFILES_DIR", str(tmp_path))
    assert config_dir() == configs.resolve()


@pytest.mark.parametrize(
    ("repository_folder", "mapping"), [("tmgg", None), ("_main", ",tmgg,_main\n")], ids=["workspace", "bzlmod"]
)
def test_bazel_run_manifest_finds_the_tree_beside_it(tmp_path, monkeypatch, repository_folder, mapping):
    # `bazel run` sets RUNFILES_MANIFEST_FILE=<binary>.runfiles_manifest; the manifest lists
    # files only, so the folder is found in the <binary>.runfiles tree beside it.
    tree = tmp_path / "runner.runfiles"
    configs = _tree(tree, repository_folder, mapping)
    entries = [f"{path.relative_to(tree).as_posix()} {path}" for path in sorted(tree.rglob("*")) if path.is_file()]
    manifest = tmp_path / "runner.runfiles_manifest"
    manifest.write_text("\n".join(entries) + "\n")
    monkeypatch.setenv("RUNFILES_MANIFEST_FILE", str(manifest))
    assert config_dir() == configs.resolve()


def test_tmgg_config_dir_wins_over_runfiles(tmp_path, monkeypatch):
    _tree(tmp_path / "runfiles", "tmgg")
    chosen = tmp_path / "mine"
    chosen.mkdir()
    monkeypatch.setenv("RUNFILES_DIR", str(tmp_path / "runfiles"))
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(chosen))
    assert config_dir() == chosen.resolve()


def test_without_runfiles_or_editable_install_the_error_names_the_override(tmp_path, monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", not_installed)
    # A manifest that is gone is no runfiles at all, not a crash.
    monkeypatch.setenv("RUNFILES_MANIFEST_FILE", str(tmp_path / "gone.runfiles_manifest"))
    with pytest.raises(ConfigDirNotFound, match="TMGG_CONFIG_DIR"):
        config_dir()
