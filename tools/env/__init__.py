"""The Python environment: its lock, building it with uv (or pip), sharing it through the remote cache."""
