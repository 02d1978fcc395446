"""tmgg.slurm.slurm_cluster reads what a SLURM cluster says about itself.

Rationale: the runner refuses to submit when no controller answers, and
preflight compares a launch's partition, time and GPUs with the cluster's; a
misread answer lets a launch through that the scheduler then rejects, or
rejects one it would take.
Assumptions: scontrol's answers as SLURM 22.05 prints them (`scontrol ping`,
`scontrol show partition --oneliner`, `scontrol show node --oneliner`), given
here as canned text instead of a running cluster.
Invariants: a controller is up only when ping says UP; a missing client or a
down controller is one line naming the host; SLURM's time formats in minutes.
"""

import pytest

from tmgg.slurm.slurm_cluster import SchedulerUnavailable, SlurmCluster, parse_minutes, submits_to_slurm

pytestmark = pytest.mark.unit

PARTITIONS = (
    "PartitionName=tmgg AllowGroups=ALL Default=YES MaxTime=02:00:00 Nodes=vm State=UP\n"
    "PartitionName=long AllowGroups=ALL Default=NO MaxTime=2-00:00:00 Nodes=gpu[01-02] State=UP\n"
    "PartitionName=free AllowGroups=ALL Default=NO MaxTime=UNLIMITED Nodes=vm State=UP\n"
)
NODES = (
    "NodeName=gpu01 Arch=x86_64 CPUTot=32 Gres=gpu:a100:4(S:0-1) State=IDLE\n"
    "NodeName=gpu02 Arch=x86_64 CPUTot=32 Gres=gpu:8 State=IDLE\n"
)


def cluster(answers):
    """A cluster whose commands answer from ``answers``: first words of the command -> (status, text)."""

    def run(command):
        for prefix, answer in answers.items():
            if " ".join(command).startswith(prefix):
                return answer
        return 1, "unexpected command"

    return SlurmCluster(run=run)


def test_controller_up_gives_its_host():
    up = cluster({"scontrol ping": (0, "Slurmctld(primary) at vm is UP")})
    assert up.controller() == "vm"
    assert up.require_controller() == "vm"


def test_controller_down_is_one_line_naming_the_host():
    down = cluster({"scontrol ping": (1, "Slurmctld(primary) at head01 is DOWN\n*****\n** RESTORE **")})
    assert down.controller() is None
    with pytest.raises(SchedulerUnavailable) as raised:
        down.require_controller()
    message = str(raised.value)
    assert message.startswith("cannot submit: slurmctld at head01 not answering")
    assert "\n" not in message


def test_missing_client_tools_say_so():
    with pytest.raises(SchedulerUnavailable, match="scontrol not found"):
        cluster({"scontrol ping": (127, "scontrol: not found")}).require_controller()


def test_partitions_are_read_with_their_limits():
    parts = {p.name: p for p in cluster({"scontrol show partition": (0, PARTITIONS)}).partitions()}
    assert parts["tmgg"].default and not parts["long"].default
    assert parts["tmgg"].max_time_min == 120
    assert parts["long"].max_time_min == 2 * 24 * 60
    assert parts["free"].max_time_min is None
    assert parts["long"].nodes == "gpu[01-02]"


def test_no_partitions_when_the_controller_does_not_answer():
    assert cluster({"scontrol show partition": (1, "Unable to contact slurm controller")}).partitions() == []


def test_gpus_per_node_is_the_largest_gres_gpu_count():
    answers = {"scontrol show partition": (0, PARTITIONS), "scontrol show node": (0, NODES)}
    long = {p.name: p for p in cluster(answers).partitions()}["long"]
    assert cluster(answers).gpus_per_node(long) == 8
    no_gres = cluster({"scontrol show node": (0, "NodeName=vm CPUTot=2 Gres=(null) State=IDLE")})
    assert no_gres.gpus_per_node(long) == 0


@pytest.mark.parametrize(
    ("limit", "minutes"),
    [("30", 30), ("30:00", 30), ("02:00:00", 120), ("1-12:00:00", 2160), ("00:30:30", 31), ("UNLIMITED", None)],
)
def test_slurm_time_formats_in_minutes(limit, minutes):
    assert parse_minutes(limit) == minutes


@pytest.mark.parametrize(
    ("target", "slurm"),
    [
        ("hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher", True),
        ("hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher", False),
        ("hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher", False),
        ("", False),
    ],
)
def test_only_the_submitit_slurm_launcher_submits_to_slurm(target: str, slurm: bool) -> None:
    assert submits_to_slurm({"_target_": target, "partition": "gpu"}) is slurm


def test_a_launcher_that_is_not_a_mapping_does_not_submit() -> None:
    assert submits_to_slurm(None) is False
