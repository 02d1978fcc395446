"""tools/env/disk_cache.py: every build and test reads and writes a local disk cache, kept under its cap.

Rationale: Bazel keeps one result per target in its output tree, so an undo or
a branch switch back reruns; a disk cache answers those, but Bazel 4.2.3 never
evicts from it.
Assumptions: a folder of files with chosen modification times stands in for Bazel's cache.
Invariants: on by default under the user's cache folder, `off` turns it off, a
command line's own --disk_cache wins; the oldest files go first, down to 90% of
the cap, at most once an hour; remote reads without uploads still write the disk.
"""

import os

import pytest

from tools.env.disk_cache import PRUNE_EVERY_S, STAMP, disk_cache_flags, disk_cache_folder, prune_if_due

pytestmark = pytest.mark.unit


def test_default_folder_is_under_the_users_cache(tmp_path) -> None:
    assert disk_cache_folder({"HOME": str(tmp_path)}) == tmp_path / ".cache/tmgg/bazel-disk-cache"
    assert disk_cache_folder({"HOME": "/h", "XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "tmgg/bazel-disk-cache"
    assert disk_cache_folder({"TMGG_DISK_CACHE": str(tmp_path / "d")}) == tmp_path / "d"
    assert disk_cache_folder({"TMGG_DISK_CACHE": "off"}) is None


def test_flags_for_builds_and_tests_only(tmp_path) -> None:
    env = {"TMGG_DISK_CACHE": str(tmp_path / "d")}
    flags = disk_cache_flags("test", ["//tests:unit_noise"], env)
    assert flags == [f"--disk_cache={tmp_path / 'd'}", "--incompatible_remote_results_ignore_disk"]
    assert disk_cache_flags("query", ["//..."], env) == []
    assert disk_cache_flags("test", ["--disk_cache=/elsewhere", "//..."], env) == []
    # After `--` a word is a target pattern, not a flag.
    assert disk_cache_flags("test", ["--", "--disk_cache_is_a_target_name"], env) != []
    assert disk_cache_flags("test", [], {"TMGG_DISK_CACHE": "off"}) == []


def test_bad_cap_is_one_line(tmp_path) -> None:
    with pytest.raises(SystemExit, match="TMGG_DISK_CACHE_MAX_MB='lots' is not a number"):
        disk_cache_flags("test", [], {"TMGG_DISK_CACHE": str(tmp_path), "TMGG_DISK_CACHE_MAX_MB": "lots"})


def fill(folder, sizes_by_age):
    """Files of the given sizes, the first the oldest."""
    (folder / "cas").mkdir(parents=True)
    paths = []
    for age, size in enumerate(sizes_by_age):
        path = folder / "cas" / f"entry{age}"
        path.write_bytes(b"x" * size)
        os.utime(path, (1000 + age, 1000 + age))
        paths.append(path)
    return paths


def test_prunes_oldest_first_to_below_the_cap_at_most_hourly(tmp_path) -> None:
    paths = fill(tmp_path, [400, 300, 200, 100])
    deleted, left = prune_if_due(tmp_path, max_bytes=700, now=10_000)
    # 1000 bytes over a 700 cap: the oldest goes, leaving 600 (under 90% of the cap, 630).
    assert (deleted, left) == (1, 600)
    assert [p.exists() for p in paths] == [False, True, True, True]
    # Within the hour nothing is walked, however full.
    fill(tmp_path / "more", [5000])
    assert prune_if_due(tmp_path, max_bytes=700, now=10_000 + PRUNE_EVERY_S - 1) is None
    assert prune_if_due(tmp_path, max_bytes=700, now=10_000 + PRUNE_EVERY_S + 1)[0] >= 1
    assert (tmp_path / STAMP).exists()


def test_under_the_cap_nothing_goes(tmp_path) -> None:
    paths = fill(tmp_path, [10, 10])
    assert prune_if_due(tmp_path, max_bytes=1000, now=5000) == (0, 20)
    assert all(p.exists() for p in paths)
