"""Draw bench_suite.py's chart: seconds per scenario and tool, and the per-target cost breakdown.

Run by bench/bench_suite.py with the Python of Bazel's environment (it has matplotlib):
    python.sh -m bench.suite.plot OUT/suite.json OUT/suite.png
Reads only the "chart" part of suite.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

TOOLS = ("bazel", "pytest", "pytest -n 2", "testmon")
COLOURS = ("#2b6cb0", "#c05621", "#d69e2e", "#2f855a")
PART_COLOURS = ("#a0aec0", "#718096", "#2f855a", "#2b6cb0")


def draw_groups(axis: plt.Axes, groups: dict[str, dict[str, list]]) -> None:
    """Grouped bars on a log scale; a hatched bar is a time reused, not re-measured."""
    width = 0.8 / len(TOOLS)
    for index, (tool, colour) in enumerate(zip(TOOLS, COLOURS)):
        label = tool
        for position, bars in enumerate(groups.values()):
            if tool not in bars:
                continue
            seconds, measured = bars[tool]
            x = position - 0.4 + width * (index + 0.5)
            axis.bar(x, max(seconds, 0.01), width, color=colour, hatch="" if measured else "//",
                     alpha=1 if measured else 0.45, label=label)
            label = None  # one legend entry per tool
            axis.text(x, max(seconds, 0.01), f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1f}", ha="center",
                      va="bottom", fontsize=7)
    axis.set_xticks(range(len(groups)), [name.replace(": ", ":\n") for name in groups], fontsize=8)
    axis.set_yscale("log")
    axis.set_ylabel("seconds (log scale)")
    axis.set_title("Whole suite and incremental reruns (hatched: plain pytest's full-run time, not re-measured)", fontsize=10)
    axis.legend(fontsize=8)


def draw_breakdown(axis: plt.Axes, breakdown: dict[str, dict[str, float]]) -> None:
    """One stacked horizontal bar per target; a negative Bazel overhead is drawn as zero and labelled."""
    for row, (target, parts) in enumerate(breakdown.items()):
        left = 0.0
        for (name, seconds), colour in zip(parts.items(), PART_COLOURS):
            shown = max(seconds, 0.0)
            axis.barh(row, shown, left=left, color=colour, label=name if row == 0 else None)
            if name.startswith("Bazel"):
                axis.text(left + shown + 0.1, row, f"Bazel {seconds:+.1f}", ha="left", va="center", fontsize=7)
            elif shown >= 0.6:
                axis.text(left + shown / 2, row, f"{seconds:.1f}", ha="center", va="center", fontsize=7, color="white")
            left += shown
    axis.set_yticks(range(len(breakdown)), list(breakdown), fontsize=8)
    axis.set_xlim(0, axis.get_xlim()[1] * 1.12)  # room for the "Bazel +x" labels
    axis.set_xlabel("seconds (medians)")
    axis.set_title("Cost of one target run uncached", fontsize=10)
    axis.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.3))


def main() -> int:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    chart = json.loads(source.read_text())["chart"]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(13, 9), gridspec_kw={"height_ratios": [3, 1.2]})
    draw_groups(top, chart["groups"])
    if chart["breakdown"]:
        draw_breakdown(bottom, chart["breakdown"])
    else:
        bottom.set_axis_off()
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
