"""One-line descriptions of the errors a user can cause.

Rationale: a runner prints exactly one line for a bad key, a misspelled config
name or a failing constructor; that line must name the key or file.
Assumptions: Hydra wraps constructor errors in InstantiationException with the
original as __cause__ and a `full_key:` line; OmegaConf adds `full_key:` trailers.
Invariants: no newline in any message; close config names are suggested.
"""

import pytest
from hydra.errors import InstantiationException, MissingConfigException
from omegaconf.errors import InterpolationKeyError

from tmgg.report.error_report import one_line
from tmgg.training import ConfigError

pytestmark = pytest.mark.unit


@pytest.fixture
def configs(tmp_path, monkeypatch):
    for name in ("linear_pe", "filter_bank", "self_attention"):
        path = tmp_path / "model" / "spectral" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n")
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(tmp_path))
    return tmp_path


def test_missing_config_suggests_the_close_name(configs) -> None:
    error = MissingConfigException(
        "In 'base': Could not find 'model/spectral/linear_pee'\n\nConfig search path:\n\tprovider=main",
        missing_cfg_file="model/spectral/linear_pee",
    )
    assert one_line(error) == (
        "In 'base': Could not find 'model/spectral/linear_pee'; did you mean 'model/spectral/linear_pe'?"
    )


def test_missing_config_in_misspelled_folder_still_finds_it(configs) -> None:
    error = MissingConfigException("Could not find 'model/spectrl/linear_pe'", missing_cfg_file="model/spectrl/linear_pe")
    assert "'model/spectral/linear_pe'" in one_line(error)


def test_instantiation_error_names_key_and_cause() -> None:
    try:
        try:
            raise ValueError("num_heads must divide d_model, got num_heads=5")
        except ValueError as cause:
            raise InstantiationException("Error in call to target 'X':\nValueError(...)\nfull_key: model.net") from cause
    except InstantiationException as error:
        message = one_line(error)
    assert message == "cannot build model.net: ValueError: num_heads must divide d_model, got num_heads=5"


def test_omegaconf_full_key_is_kept_when_not_named() -> None:
    error = InterpolationKeyError("Interpolation key 'nope' not found\n    full_key: paths.results_dir\n    object_type=dict")
    assert one_line(error) == "Interpolation key 'nope' not found (at paths.results_dir)"


def test_own_errors_pass_through() -> None:
    message = "model.net.k=64 is larger than the graph: data has 20 nodes"
    assert one_line(ConfigError(message)) == message
