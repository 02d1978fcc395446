"""Atomic JSON writing of results.

Rationale: results.json marks a finished run, so a reader must never find a
partial file, and a failed write must leave no file (and no temporary) behind.
Assumptions: os.replace is atomic within one folder.
Invariants: after a failure the destination is absent or unchanged; NaN is refused.
"""

import json
import math

import pytest

from tmgg.training.results_io import write_json_atomic

pytestmark = pytest.mark.unit


def test_writes_json_and_creates_folders(tmp_path) -> None:
    path = write_json_atomic(tmp_path / "a" / "b" / "results.json", {"metrics": {"loss": 0.5}})
    assert json.loads(path.read_text()) == {"metrics": {"loss": 0.5}}
    assert sorted(p.name for p in path.parent.iterdir()) == ["results.json"]


def test_unserialisable_data_leaves_no_file_and_no_temporary(tmp_path) -> None:
    with pytest.raises(TypeError):
        write_json_atomic(tmp_path / "results.json", {"metrics": {"loss": object()}})
    assert list(tmp_path.iterdir()) == []


def test_nan_is_refused_and_previous_file_kept(tmp_path) -> None:
    destination = tmp_path / "results.json"
    write_json_atomic(destination, {"run": 1})
    with pytest.raises(ValueError):
        write_json_atomic(destination, {"run": 2, "loss": math.nan})
    assert json.loads(destination.read_text()) == {"run": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_failure_during_replace_leaves_no_file(tmp_path, monkeypatch) -> None:
    def interrupted(*_args) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("tmgg.training.results_io.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(tmp_path / "results.json", {"run": 1})
    assert list(tmp_path.iterdir()) == []
