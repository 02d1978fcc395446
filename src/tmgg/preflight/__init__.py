"""Preflight: every job of a launch composed, built and stepped (launch_preflight), and the SLURM request checked (slurm_preflight)."""
