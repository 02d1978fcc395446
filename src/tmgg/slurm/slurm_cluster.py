"""What a SLURM cluster answers about itself: is the controller up, its partitions, its nodes' GPUs.

Every question goes through the SLURM client tools (``scontrol``), run by one
function that tests replace with canned answers.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


def submits_to_slurm(launcher: object) -> bool:
    """Whether a composed ``hydra.launcher`` node (or dict) is the submitit plugin's SLURM launcher.

    ``hydra/launcher=slurm`` and the plugin's own ``submitit_slurm`` make one; the
    local one (``slurm_local``) and joblib's (``parallel``) do not.
    """
    get = getattr(launcher, "get", None)
    return callable(get) and str(get("_target_", "")).endswith(".SlurmLauncher")


class SchedulerUnavailable(RuntimeError):
    """No SLURM controller answers, or the client tools are missing; the message is one line."""


def run_command(command: Sequence[str]) -> tuple[int, str]:
    """Run a SLURM client command; ``(exit status, stdout and stderr)``; 127 when it is not installed."""
    if shutil.which(command[0]) is None:
        return 127, f"{command[0]}: not found"
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return 124, f"{' '.join(command)}: no answer within 30 s"
    return done.returncode, (done.stdout + done.stderr).strip()


@dataclass(frozen=True)
class Partition:
    """A partition as ``scontrol show partition`` describes it.

    Attributes:
        name: the partition's name.
        default: whether jobs that name no partition land here.
        max_time_min: the longest time limit a job may ask, in minutes; None for UNLIMITED.
        nodes: the partition's node names, as SLURM lists them (``vm``, ``gpu[01-04]``).
    """

    name: str
    default: bool
    max_time_min: int | None
    nodes: str


@dataclass
class SlurmCluster:
    """The cluster the SLURM client tools on this machine talk to."""

    run: Callable[[Sequence[str]], tuple[int, str]] = field(default=run_command)

    def controller(self) -> str | None:
        """The controller's host when it answers ``scontrol ping``, else None."""
        status, output = self.run(["scontrol", "ping"])
        match = re.search(r"Slurmctld\(\w+\) at (\S+) is UP", output)
        return match.group(1) if status == 0 and match else None

    def require_controller(self) -> str:
        """The controller's host; raises :class:`SchedulerUnavailable` in one line when none answers."""
        status, output = self.run(["scontrol", "ping"])
        if status == 127:
            raise SchedulerUnavailable("cannot submit: scontrol not found: the SLURM client tools are not installed")
        match = re.search(r"Slurmctld\(\w+\) at (\S+) is (\w+)", output)
        if status == 0 and match and match.group(2) == "UP":
            return match.group(1)
        host = match.group(1) if match else "the configured host"
        raise SchedulerUnavailable(f"cannot submit: slurmctld at {host} not answering (scontrol ping: {_first(output)})")

    def partitions(self) -> list[Partition]:
        """Every partition; an empty list when the controller does not answer."""
        status, output = self.run(["scontrol", "show", "partition", "--oneliner"])
        if status != 0:
            return []
        return [_partition(_fields(line)) for line in output.splitlines() if line.startswith("PartitionName=")]

    def gpus_per_node(self, partition: Partition) -> int:
        """The most GPUs any node of ``partition`` has (its ``gres/gpu`` count), 0 when none."""
        status, output = self.run(["scontrol", "show", "node", "--oneliner", partition.nodes])
        if status != 0:
            return 0
        counts = [0]
        for line in output.splitlines():
            gres = _fields(line).get("Gres", "")
            counts += [int(n) for n in re.findall(r"gpu(?::[\w.-]+)?:(\d+)", gres)]
        return max(counts)


def parse_minutes(limit: str) -> int | None:
    """SLURM's time format (``2:00:00``, ``1-12:00:00``, ``30``, ``UNLIMITED``) in minutes; None for unlimited."""
    if limit.upper() in ("UNLIMITED", "INFINITE"):
        return None
    days, _, clock = limit.rpartition("-")
    parts = [int(part) for part in clock.split(":")]
    # SLURM reads one number as minutes, two as minutes:seconds, three as hours:minutes:seconds.
    hours, minutes, seconds = {1: (0, parts[0], 0), 2: (0, *parts), 3: tuple(parts)}[len(parts)]
    return (int(days or 0) * 24 + hours) * 60 + minutes + (1 if seconds else 0)


def _fields(line: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in line.split() if "=" in item)


def _partition(fields: dict[str, str]) -> Partition:
    return Partition(
        name=fields["PartitionName"],
        default=fields.get("Default", "NO") == "YES",
        max_time_min=parse_minutes(fields.get("MaxTime", "UNLIMITED")),
        nodes=fields.get("Nodes", ""),
    )


def _first(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[0] if lines else "no output"
