"""tmgg.launch.launcher_check: a launcher config must build on a plugin's registered config.

Rationale: an untyped launcher config lets a misspelt key through to the
launcher, which ignores it or fails on the cluster, after the jobs were queued.
Assumptions: a throwaway configs folder (TMGG_CONFIG_DIR) with a 2-job sweep;
the joblib plugin's registered config (`joblib`, in Hydra's ConfigStore) is
the one built on, as configs/hydra/launcher/parallel.yaml does.
Invariants: a config built on the registered one passes and builds its launcher;
a full copy that does not build on it is refused, naming the option and what
to write; a key the registered config lacks is refused when the sweep is planned.
"""

import pytest

from tmgg.launch.launch_plan import LaunchError, plan_launch
from tmgg.launch.launcher_check import LauncherCheckError, check_launcher

pytestmark = pytest.mark.unit

JOBLIB = "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"


# The throwaway configs folder: a 2-job sweep and one launcher config per case.
FILES = {
    "grid.yaml": "sweep: true\nlr: 0.1\nhydra:\n  mode: ${tmgg.run_mode:${sweep}}\n  sweeper:\n    params:\n      lr: 0.1,0.2\n",
    "hydra/launcher/built_on.yaml": "defaults:\n  - joblib\n  - _self_\n",
    "hydra/launcher/copied.yaml": f"_target_: {JOBLIB}\nn_jobs: 2\n",
    "hydra/launcher/misspelt.yaml": "defaults:\n  - joblib\n  - _self_\nn_jobz: 2\n",
}


@pytest.fixture
def configs(tmp_path, monkeypatch):
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(tmp_path))
    return tmp_path


def test_a_launcher_built_on_the_registered_config_passes(configs) -> None:
    assert check_launcher(plan_launch("grid", ["hydra/launcher=built_on"])) == "JoblibLauncher"


def test_a_copy_not_built_on_it_is_refused(configs) -> None:
    with pytest.raises(LauncherCheckError, match=r"hydra/launcher=copied is not built on .*defaults: \["):
        check_launcher(plan_launch("grid", ["hydra/launcher=copied"]))


def test_a_key_the_registered_config_lacks_is_refused_when_planned(configs) -> None:
    with pytest.raises(LaunchError, match="n_jobz"):
        check_launcher(plan_launch("grid", ["hydra/launcher=misspelt"]))


def test_a_single_run_is_no_place_to_check_a_launcher(configs) -> None:
    with pytest.raises(LauncherCheckError, match="sweep of 2 or more jobs"):
        check_launcher(plan_launch("grid", ["sweep=false", "hydra/launcher=built_on"]))
