"""The test families are named once, in tools/build/test_families.bzl.

The macros (tools/build/rules/tmgg_tests.bzl) load that table and the generator
reads it (tools.build.test_families), so a family's test file, pytest option and
tags have one spelling. These tests fail when a family's test file is spelled
again where the macros or the generator would read it, when tests/BUILD.bazel
makes targets for a table the families do not hold (or misses one), and when the
input trace (tools.ci.trace_inputs, which reads targets without Bazel) sees a
target other than the one the family's macro makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from runfiles import Runfiles

from tools.build.target_graph import TABLES
from tools.build.test_families import FAMILIES_FILE, FRESHNESS_TEST, TEST_FAMILIES
from tools.ci.trace_inputs import macro_view

pytestmark = pytest.mark.unit

_RUNFILES = Runfiles.Create()
ROOT = Path(_RUNFILES.Rlocation("tmgg/pyproject.toml")).parent if _RUNFILES else Path(__file__).resolve().parents[2]
# What reads the families: the macros and the generator's modules.
READERS = ["tools/build/rules/tmgg_tests.bzl", *(f"tools/build/{p.name}" for p in sorted((ROOT / "tools/build").glob("*.py")))]


def _test_files() -> list[str]:
    return [family["test"] for family in TEST_FAMILIES.values()] + [Path(FRESHNESS_TEST).name]


@pytest.mark.parametrize("test_file", _test_files())
def test_a_family_test_file_is_spelled_once(test_file: str) -> None:
    # That the file exists is Bazel's to say: the family's targets name it as a label.
    assert FAMILIES_FILE.read_text().count(f'"{test_file}"') == 1, f"{test_file} is named twice in tools/build/test_families.bzl"
    again = [reader for reader in READERS if test_file in (ROOT / reader).read_text()]
    assert not again, f"{test_file} is spelled again in {', '.join(again)}: name it only in tools/build/test_families.bzl"


def test_every_generated_table_but_the_unit_one_is_a_family() -> None:
    assert set(TABLES) - {"UNIT_TARGETS"} == set(TEST_FAMILIES)


@pytest.mark.parametrize("table", sorted(TEST_FAMILIES))
def test_the_input_trace_sees_the_target_the_macro_makes(table: str) -> None:
    family = TEST_FAMILIES[table]
    name, spec = "a_target", {"case": "a_case", "sweep": "a_sweep", "options": ["one", "two"], "deps": [], "configs": []}
    # As family_tests in tools/build/rules/tmgg_tests.bzl gives the pytest option its values.
    values = spec[family["values"]] if family["values"] else name
    flags = [f"--{family['flag']}={value}" for value in (values if isinstance(values, list) else [values])]
    assert macro_view(table, name, spec) == ([family["test"], "conftest.py"], flags, family.get("data", []))
