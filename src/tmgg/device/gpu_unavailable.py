"""The error of a job that asked for a GPU its torch cannot use."""

from __future__ import annotations

GPU_FIX = "use the GPU environment (`tools/tmgg run --gpu ...` with Bazel, `uv run --extra gpu ...` with uv)"


class GpuUnavailable(RuntimeError):
    """A GPU was asked for (by the config or the host) and torch here cannot use one.

    Runners report it like a config error (tmgg.report.error_report.EXPECTED_ERRORS):
    one line, exit status 2, no results.
    """
