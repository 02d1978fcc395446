"""The SLURM cluster as seen from a login node: partitions, GPUs per node, whether the scheduler answers."""
