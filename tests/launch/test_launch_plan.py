"""tmgg.launch.launch_plan expands a command line into jobs exactly as Hydra's multirun would.

Rationale: sweep targets and preflight check the jobs this module lists; a job
it invents or drops is a job the suite does not guard. The expectations below
are Hydra's documented sweep grammar and launch order, not this module's code.
Assumptions: a throwaway configs folder (TMGG_CONFIG_DIR) with one group
`model` of three options, `sweep` driving `hydra.mode` as in configs/hydra/default.yaml.
Invariants: multirun only with `-m` or a config whose mode is MULTIRUN;
cartesian product of the sweeps in Hydra's order (config params first, then the
command line's); ranges, choice lists, glob and quoted values as in Hydra;
bad input raises LaunchError naming the problem.
"""

import pytest

from tmgg.launch.launch_plan import LaunchError, plan_launch

pytestmark = pytest.mark.unit

MODE = "hydra:\n  mode: ${tmgg.run_mode:${sweep}}\n"


@pytest.fixture
def configs(tmp_path, monkeypatch):
    root = tmp_path / "configs"
    (root / "model").mkdir(parents=True)
    for name in ("a", "b", "c"):
        (root / "model" / f"{name}.yaml").write_text(f"name: {name}\n")
    (root / "base.yaml").write_text("defaults:\n  - model: a\n  - _self_\nsweep: false\nlr: 0.1\ntag: x\n" + MODE)
    (root / "grid.yaml").write_text(
        "defaults:\n  - model: a\n  - _self_\nsweep: true\nlr: 0.1\n"
        + MODE
        + "  sweeper:\n    params:\n      model: a,b\n      lr: 0.1,0.2\n"
    )
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(root))
    return root


def ids(plan):
    return [job.id for job in plan.jobs]


def test_single_run_is_one_job_with_the_command_line(configs) -> None:
    plan = plan_launch("base", ["lr=0.5"])
    assert not plan.multirun
    assert [job.overrides for job in plan.jobs] == [("lr=0.5",)]
    assert ids(plan) == ["base"]


def test_config_sweep_is_the_cartesian_product_in_hydras_order(configs) -> None:
    plan = plan_launch("grid", [])
    assert plan.multirun
    assert ids(plan) == ["grid[model=a,lr=0.1]", "grid[model=a,lr=0.2]", "grid[model=b,lr=0.1]", "grid[model=b,lr=0.2]"]


def test_command_line_value_replaces_a_swept_key_and_sweep_false_runs_one_job(configs) -> None:
    assert ids(plan_launch("grid", ["lr=0.3"])) == ["grid[model=a,lr=0.3]", "grid[model=b,lr=0.3]"]
    assert not plan_launch("grid", ["sweep=false"]).multirun


@pytest.mark.parametrize(
    ("sweep", "expected"),
    [
        ("lr=range(1,4)", ["lr=1", "lr=2", "lr=3"]),
        ("lr=choice(0.1,0.3)", ["lr=0.1", "lr=0.3"]),
        ("model=glob(*)", ["model=a", "model=b", "model=c"]),
        ("model=glob(*,exclude=b)", ["model=a", "model=c"]),
        ("tag='x,y',z", ["tag=x,y", "tag=z"]),
    ],
)
def test_sweep_grammar_behaves_as_in_hydra(configs, sweep, expected) -> None:
    plan = plan_launch("base", ["-m", sweep])
    assert plan.multirun
    assert [job.swept[0].replace("'", "") for job in plan.jobs] == expected


def test_each_job_composes_with_its_own_values(configs) -> None:
    job = plan_launch("grid", [], label="grid").jobs[-1]
    with job.config() as cfg:
        assert (cfg.model.name, cfg.lr) == ("b", 0.2)


def test_hydra_overrides_reach_every_job_but_not_its_id(configs, tmp_path) -> None:
    plan = plan_launch("base", ["-m", "lr=1,2", f"hydra.sweep.dir={tmp_path}"])
    assert ids(plan) == ["base[lr=1]", "base[lr=2]"]
    assert all(job.hydra_overrides == (f"hydra.sweep.dir={tmp_path}",) for job in plan.jobs)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-m", "lr=range(0)"], "the sweep has no jobs"),
        (["lr=(1"], "OverrideParseException"),
        (["--cfg"], "unsupported flag --cfg"),
        (["nokey=1"], "nokey"),
    ],
)
def test_bad_command_lines_are_launch_errors(configs, arguments, message) -> None:
    with pytest.raises(LaunchError, match=message.replace("(", r"\(")):
        plan_launch("base", arguments)
