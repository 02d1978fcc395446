"""The edits of bench_suite's incremental matrix: what each changes in a clone, and how it is undone."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.suite.context import BenchError
from tools.build import target_graph


@dataclass(frozen=True)
class Edit:
    """One edit of the incremental matrix: `old` replaced by `new(trial, tag)`, or `new` appended when `old` is None.

    Every trial writes different text, so no cache of an earlier trial can serve it.
    """

    label: str
    path: str
    old: str | None
    new: Callable[[int, str], str]
    slow: bool = False  # skipped by --quick

    def apply(self, clone: Path, trial: int, tag: str) -> None:
        file = clone / self.path
        text = file.read_text()
        if self.old is None:
            file.write_text(text + self.new(trial, tag))
            return
        if self.old not in text:
            raise BenchError(f"edit {self.label}: {self.path} no longer contains {self.old!r}: update EDITS in {__file__}")
        file.write_text(text.replace(self.old, self.new(trial, tag), 1))

    def revert(self, clone: Path) -> None:
        subprocess.run(["git", "checkout", "--", self.path], cwd=clone, check=True)


# GNN has no forward of its own: BaseDenoiser.forward calls edge_logits, so the
# statement goes there. testmon fingerprints code blocks, so it must be code, not a comment.
GNN_LINE = "        values, vectors = self.eigen(adj)\n"
EDITS = (
    Edit(
        "model file",
        "src/tmgg/models/gnn/gnn.py",
        GNN_LINE,
        lambda n, tag: f'{GNN_LINE}        assert adj.dim() == 3, "bench edit {tag}"\n',
    ),
    Edit("data config", "configs/data/sbm_small.yaml", "p_out: 0.05 ", lambda n, tag: f"p_out: {0.05 + 0.01 * n:.2f} "),
    Edit(
        "stage config",
        "configs/stage/stage2_validation.yaml",
        "  sigma: 0.3\n",
        lambda n, tag: f"  sigma: {0.3 + 0.05 * n:.2f}\n",
    ),
    Edit("lock file", target_graph.LOCK, None, lambda n, tag: f"# bench edit {tag}\n", slow=True),
    Edit("README", "README.md", None, lambda n, tag: f"\nbench edit {tag}\n"),
)
