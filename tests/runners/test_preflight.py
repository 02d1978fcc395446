"""tmgg.runners.preflight: one line per job, a summary, and the exit status the README promises.

Rationale: users gate their GPU launches on this command's exit status.
Assumptions: a throwaway configs folder whose jobs fail or pass the check
without building torch models (check_job is replaced by a stub that fails
jobs whose overrides say `bad=1`); pyproject.toml beside configs/ names the
console script.
Invariants: exit 0 when every job passes, 1 when any fails (its line names
the job and the error), 2 for an unknown runner, an override Hydra rejects, a
sweep with no jobs; the last line ends with `(exit N)`.
"""

import pytest

import tmgg.runners.job_check
from tmgg.runners.preflight import main

pytestmark = pytest.mark.unit


@pytest.fixture
def configs(tmp_path, monkeypatch):
    root = tmp_path / "configs"
    root.mkdir()
    (root / "base_config_toy.yaml").write_text("sweep: false\nbad: 0\nhydra:\n  mode: ${tmgg.run_mode:${sweep}}\n")
    (tmp_path / "pyproject.toml").write_text('[project.scripts]\ntmgg-toy = "tmgg.runners:base_config_toy"\n')
    monkeypatch.setenv("TMGG_CONFIG_DIR", str(root))

    def check(job, scratch, steps=0):
        if "bad=1" in job.overrides:
            raise ValueError("bad=1 is rejected")

    monkeypatch.setattr(tmgg.runners.job_check, "check_job", check)
    return root


def run(capsys, *argv):
    status = main(list(argv))
    return status, capsys.readouterr().out.strip().splitlines()


def test_every_job_ok_exits_0(configs, capsys) -> None:
    status, lines = run(capsys, "tmgg-toy", "-m", "bad=0,0")
    assert status == 0
    assert [line.split(" (")[0] for line in lines[1:3]] == ["ok    base_config_toy[bad=0]"] * 2
    assert lines[-1] == "preflight: 2 of 2 jobs ok, 0 failed (exit 0)"


def test_a_failing_job_is_named_and_exits_1(configs, capsys) -> None:
    status, lines = run(capsys, "tmgg-toy", "--multirun", "bad=0,1")
    assert status == 1
    assert "FAIL  base_config_toy[bad=1]: ValueError: bad=1 is rejected" in lines
    assert lines[-1] == "preflight: 1 of 2 jobs ok, 1 failed (exit 1)"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tmgg-nope"], "unknown runner 'tmgg-nope'"),
        (["tmgg-toy", "bad=(1"], "cannot parse the override 'bad=(1'"),
        (["tmgg-toy", "-m", "bad=range(0)"], "the sweep has no jobs"),
        (["tmgg-toy", "nokey=1"], "nokey"),
    ],
)
def test_bad_input_exits_2_in_one_line(configs, capsys, argv, message) -> None:
    status, lines = run(capsys, *argv)
    assert status == 2
    assert len(lines) == 1 and message in lines[0] and lines[0].endswith("(exit 2)")
